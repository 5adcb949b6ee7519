"""Who may see and change what: the one place the portal's access rules live.

Roles are Django groups (created by a mentoring migration). A pendamping sees and
changes only the kecamatan of their current assignments; Pimpinan sees everything
and changes nothing; Admin Dinas (or a superuser) does everything.

The assignments live in the mentoring app, which imports mapping and never the
reverse; this module reaches them through the `assignments` relation name only.
"""

from enum import Enum
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(str, Enum):
    ADMIN_DINAS = "Admin Dinas"
    PIMPINAN = "Pimpinan"
    PENDAMPING = "Pendamping"
    NONE = ""

    @property
    def label(self):
        return {
            Role.ADMIN_DINAS: _("Admin Dinas"),
            Role.PIMPINAN: _("Pimpinan"),
            Role.PENDAMPING: _("Pendamping"),
            Role.NONE: _("Tanpa peran"),
        }[self]


def role_of(user) -> Role:
    """The user's strongest role (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Role.NONE
    cached = getattr(user, "_portal_role", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        role = Role.ADMIN_DINAS
    else:
        groups = set(user.groups.values_list("name", flat=True))
        role = next(
            (r for r in (Role.ADMIN_DINAS, Role.PIMPINAN, Role.PENDAMPING) if r.value in groups),
            Role.NONE,
        )
    user._portal_role = role
    return role


def sees_everything(user) -> bool:
    return role_of(user) in (Role.ADMIN_DINAS, Role.PIMPINAN)


def current_assignment_q(user, prefix: str = "", on=None) -> Q:
    """Assignments of this user's active pendamping profile in force on `on` (today).

    The end date is the day access stops: an assignment ended today no longer counts.
    """
    on = on or timezone.localdate()
    return Q(
        **{
            f"{prefix}pendamping__user": user,
            f"{prefix}pendamping__is_active": True,
            f"{prefix}start_date__lte": on,
        }
    ) & (Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gt": on}))


def assigned_kecamatan_ids(user, on=None):
    """A subquery of the ids of kecamatan assigned to the user today."""
    from mapping.models import Kecamatan  # models import this module for their querysets

    return Kecamatan.objects.filter(current_assignment_q(user, "assignments__", on)).values("pk")


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


def role_required(*roles: Role):
    """View decorator: only users holding one of `roles` may enter (403 otherwise).

    Anonymous users are sent to the login page first.
    """
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if role_of(request.user) not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
