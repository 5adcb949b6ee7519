"""The portal's roles: who a user is, and the view decorator that admits them.

Roles are Django groups (created by a mentoring migration, permissions in
mentoring/roles.py). Row-level scope is in purbalingga_umkm/scope.py.
"""

from enum import Enum
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.functional import SimpleLazyObject
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


def portal_role(request):
    """Context processor: the user's role for the navigation, looked up only when used."""
    return {"portal_role": SimpleLazyObject(lambda: role_of(request.user).name)}
