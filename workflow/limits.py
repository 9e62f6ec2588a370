"""Rate limits on what the public and signed-out visitors can make us do (reports, password
resets): counted in the cache, so that every web process and worker shares one count when
Redis is used."""

from django.core.cache import cache


def count(key: str, *, window: int) -> int:
    """Count one more under `key`, which lasts `window` seconds from its first count, and
    return the count, this one included. Adding then incrementing is atomic in the cache: of
    two requests at once, each gets its own number, so neither can slip under a limit."""
    cache.add(key, 0, timeout=window)
    try:
        counted = cache.incr(key)
    except ValueError:  # it expired between the two calls: this count starts it again
        if cache.add(key, 1, timeout=window):
            return 1
        counted = cache.incr(key)
    if counted == 1:
        # Redis makes a key that expired between Django's check and its INCR afresh, with no
        # expiry: give the first count of a key its window, whoever made it.
        cache.touch(key, timeout=window)
    return counted
