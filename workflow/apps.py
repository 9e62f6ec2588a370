from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "Workflow core"

    def ready(self):
        # Registers the deployment checks, `in` for integer columns, and the tasks' log lines.
        from django.conf import settings

        from workflow import checks, logs, lookups  # noqa: F401

        logs.log_tasks()

        if settings.SENTRY_DSN:
            logs.report_errors(
                settings.SENTRY_DSN,
                environment=settings.SENTRY_ENVIRONMENT,
                release=settings.SENTRY_RELEASE,
                traces=settings.SENTRY_TRACES_SAMPLE_RATE,
            )
