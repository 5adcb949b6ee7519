"""The client address used by login throttling (django-axes)."""

from django.conf import settings


def client_ip(request) -> str:
    """REMOTE_ADDR, or behind our reverse proxy the X-Real-IP header that nginx sets.

    Only the proxy can set X-Real-IP (nginx overwrites it), unlike X-Forwarded-For,
    whose first entries any client can forge.
    """
    if settings.BEHIND_TLS_PROXY and request.META.get("HTTP_X_REAL_IP"):
        return request.META["HTTP_X_REAL_IP"]
    return request.META.get("REMOTE_ADDR", "")
