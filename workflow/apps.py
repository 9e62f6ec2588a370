from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "Workflow core"

    def ready(self):
        from workflow import checks  # noqa: F401  (registers the deployment checks)
