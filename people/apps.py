from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_role_groups(sender, **kwargs):
    from people.services import ADMINISTERED_APPS, sync_role_groups

    # Each app's permissions exist only once its own post_migrate has run.
    if sender.label in ADMINISTERED_APPS:
        sync_role_groups()


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People and offices"

    def ready(self):
        post_migrate.connect(_sync_role_groups)
