"""System checks: the product's own invariants (every run) and a deployment's (`--deploy`)."""

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from workflow.models import APPEND_ONLY, AppendOnlyRecord

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


@register(Tags.models)
def logs_are_append_only_in_the_database(app_configs, **kwargs):
    """Every log (a concrete AppendOnlyRecord) carries the trigger with which PostgreSQL refuses
    to change or delete its rows; a log whose Meta does not extend AppendOnlyRecord.Meta would
    silently lose it."""
    models = (
        apps.get_models()
        if app_configs is None
        else [model for config in app_configs for model in config.get_models()]
    )
    return [
        Error(
            f"{model._meta.label} is an append-only log without its '{APPEND_ONLY}' trigger.",
            hint="Make its Meta extend AppendOnlyRecord.Meta, then run makemigrations.",
            obj=model,
            id="socialgov.E001",
        )
        for model in models
        if issubclass(model, AppendOnlyRecord)
        and APPEND_ONLY not in {trigger.name for trigger in getattr(model._meta, "triggers", [])}
    ]
