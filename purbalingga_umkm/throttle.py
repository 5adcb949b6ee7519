"""How often one address may do something anonymous (a public form): a fixed window
counted in the cache, shared by every worker when the cache is."""

import time

from django.core.cache import cache

from purbalingga_umkm.client_ip import client_ip


def throttle_allows(request, scope: str, *, limit: int, seconds: int) -> bool:
    """Count this request against `scope` for its address; False once `limit` is passed
    within the window of `seconds`."""
    # One key per window; set with its own timeout each time (the database cache's incr()
    # would put back the default five minutes and so shorten an hour's window).
    window = int(time.time() // seconds)
    key = f"throttle:{scope}:{client_ip(request)}:{window}"
    count = (cache.get(key) or 0) + 1
    cache.set(key, count, timeout=seconds)
    return count <= limit
