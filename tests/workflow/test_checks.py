"""Deployment checks the product adds to `manage.py check --deploy`."""

from workflow.checks import shared_cache


def test_a_cache_kept_per_process_is_a_deployment_warning(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    [warning] = shared_cache(None)

    assert warning.id == "socialgov.W001"


def test_redis_passes(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        }
    }

    assert shared_cache(None) == []
