"""Who may see and change which rows: the one place the portal's row scope is decided.

Admin Dinas (or a superuser) sees and changes everything; Pimpinan sees everything and
changes nothing; a pendamping sees and changes only the kecamatan assigned to them on
the day. Which kecamatan those are is the mentoring app's knowledge (its assignments):
it registers a provider here at start-up, so the apps below it never read its tables.
Without a provider a pendamping sees nothing.
"""

from collections.abc import Callable

from django.db import models
from django.db.models import Q

from purbalingga_umkm.roles import Role, role_of

# user -> a queryset of the ids ("pk" values) of the kecamatan assigned to the user today
AssignedKecamatan = Callable[[object], models.QuerySet]
_assigned_kecamatan: AssignedKecamatan | None = None


def assigned_kecamatan_register(provider: AssignedKecamatan) -> None:
    """Called once by the app that knows the assignments (mentoring, in ready())."""
    global _assigned_kecamatan
    _assigned_kecamatan = provider


def assigned_kecamatan_ids(user):
    """The kecamatan assigned to `user` today, as a subquery of ids (or an empty list)."""
    return _assigned_kecamatan(user) if _assigned_kecamatan is not None else []


def kecamatan_scope_q(user, kecamatan_path: str, *, for_change: bool) -> Q | None:
    """The filter restricting rows to the user's scope; None means no restriction.

    `kecamatan_path` is the lookup from the model to its kecamatan, e.g.
    "desa__kecamatan" for UMKM. An empty match (pk__in=[]) means no rows at all.
    """
    role = role_of(user)
    if role is Role.ADMIN_DINAS:
        return None
    if role is Role.PIMPINAN and not for_change:
        return None
    if role is Role.PENDAMPING:
        return Q(**{f"{kecamatan_path}__in": assigned_kecamatan_ids(user)})
    return Q(pk__in=[])


class ScopedQuerySet(models.QuerySet):
    """Role scoping for every model that belongs to a kecamatan.

    Views, admin, exports and map endpoints all start from visible_to() or editable_by().
    `kecamatan_path` is the lookup from the model to its kecamatan.
    """

    kecamatan_path = "desa__kecamatan"

    def visible_to(self, user):
        scope = kecamatan_scope_q(user, self.kecamatan_path, for_change=False)
        return self if scope is None else self.filter(scope)

    def editable_by(self, user):
        scope = kecamatan_scope_q(user, self.kecamatan_path, for_change=True)
        return self if scope is None else self.filter(scope)


def kecamatan_ids_editable_by(user) -> set | None:
    """The ids of the kecamatan whose rows `user` may change; None means all of them."""
    role = role_of(user)
    if role is Role.ADMIN_DINAS:
        return None
    if role is Role.PENDAMPING:
        return set(assigned_kecamatan_ids(user))
    return set()


def scope_key(user) -> str:
    """What `user` may see, as part of the key of figures kept per scope: "all", the ids of
    the kecamatan assigned today ("k:3,7") or "none". Users with the same scope share kept
    figures; a new assignment, or one whose last day has passed, reads other figures."""
    if kecamatan_scope_q(user, "kecamatan", for_change=False) is None:
        return "all"
    if role_of(user) is Role.PENDAMPING:
        ids = sorted(set(assigned_kecamatan_ids(user)))
        return "k:" + ",".join(map(str, ids)) if ids else "none"
    return "none"
