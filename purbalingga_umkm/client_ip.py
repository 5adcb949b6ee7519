"""The client address used by login throttling (django-axes).

Behind the reverse proxy every request comes from the proxy's address, so the real client
is in X-Real-IP, which nginx sets (`proxy_set_header X-Real-IP $remote_addr;` overwrites
whatever the client sent). The header is believed only when the request really comes from
one of TRUSTED_PROXIES: a client talking to gunicorn directly, or any client when no proxy
is configured, cannot choose its own address and so escape the username + address lock.
"""

import ipaddress

from django.conf import settings


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in settings.TRUSTED_PROXY_NETWORKS)


def client_ip(request) -> str:
    """REMOTE_ADDR, or X-Real-IP when REMOTE_ADDR is a trusted proxy and the header is an address."""
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
    if forwarded and _trusted(remote):
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            return remote
    return remote
