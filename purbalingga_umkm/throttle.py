"""How often one address may do something anonymous (a public form): a fixed window
counted in the cache, shared by every worker when the cache is."""

from django.core.cache import cache

from purbalingga_umkm.client_ip import client_ip


def throttle_allows(request, scope: str, *, limit: int, seconds: int) -> bool:
    """Count this request against `scope` for its address; False once `limit` is passed
    within the window of `seconds`."""
    key = f"throttle:{scope}:{client_ip(request)}"
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        count = 1
    return count <= limit
