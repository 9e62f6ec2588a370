"""The cache, on the Redis database the Celery broker also uses (one REDIS_URL)."""

from django.core.cache.backends.redis import RedisCache

SCAN_BATCH = 1000


class PrefixedRedisCache(RedisCache):
    """Django's Redis cache, except that clearing it removes only its own keys (those under its
    KEY_PREFIX). Django's clear() empties the whole Redis database, which would also drop the
    broker's queued tasks and another process's cache (a second test run on the same Redis)."""

    def clear(self) -> bool:
        client = self._cache.get_client(write=True)
        pattern = self.make_key("*", version="*")
        removed = 0
        batch = []
        for key in client.scan_iter(match=pattern, count=SCAN_BATCH):
            batch.append(key)
            if len(batch) == SCAN_BATCH:
                removed += client.delete(*batch)
                batch = []
        if batch:
            removed += client.delete(*batch)
        return bool(removed)
