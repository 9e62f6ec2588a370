"""Clearing the cache removes this process's keys only: the Celery broker's queue and another
run's cache live in the same Redis database."""

import pytest
from django.conf import settings
from django.core.cache import cache, caches

on_redis = pytest.mark.skipif(
    "Redis" not in settings.CACHES["default"]["BACKEND"], reason="the cache is Redis only there"
)


@on_redis
def test_clearing_the_cache_leaves_other_keys_in_its_redis_database(settings):
    settings.CACHES = {
        **settings.CACHES,
        "neighbour": {**settings.CACHES["default"], "KEY_PREFIX": "neighbour-run"},
    }
    neighbour = caches["neighbour"]
    client = cache._cache.get_client(write=True)
    client.set("celery-like-queue", "a task")
    cache.set_many({f"mine-{n}": n for n in range(2500)})  # more than one batch of the scan
    cache.set("versioned", 1, version=7)
    neighbour.set("theirs", "kept")
    try:
        assert cache.clear() is True
        assert cache.get("mine-1") is None
        assert cache.get("versioned", version=7) is None
        assert neighbour.get("theirs") == "kept"
        assert client.get("celery-like-queue") == b"a task"
        assert cache.clear() is False  # nothing of ours was left
    finally:
        client.delete("celery-like-queue")
        neighbour.delete("theirs")
