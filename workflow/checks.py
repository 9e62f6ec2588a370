"""System checks for a deployment (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """Limits on public forms and sign-in are counted in the cache: a cache each process keeps
    to itself multiplies every limit by the number of processes."""
    if settings.CACHES["default"]["BACKEND"] in PER_PROCESS_CACHES:
        return [
            Warning(
                "The default cache is kept by each process on its own, so rate limits are "
                "counted per process.",
                hint="Set REDIS_URL, so that every web process shares one cache.",
                id="socialgov.W001",
            )
        ]
    return []
