from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "Workflow core"

    def ready(self):
        # Registers the deployment checks, and `in` for integer columns.
        from workflow import checks, lookups  # noqa: F401
