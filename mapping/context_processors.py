from django.utils.functional import SimpleLazyObject

from mapping.access import role_of


def portal_role(request):
    """The user's role for the navigation; looked up only when a template uses it."""
    return {"portal_role": SimpleLazyObject(lambda: role_of(request.user).name)}
