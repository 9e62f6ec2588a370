from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_migrate, post_save, pre_save

from people.middleware import mark_seen_on_sign_in


def _sync_role_groups(sender, **kwargs):
    from people.services import ADMINISTERED_APPS, sync_role_groups

    # Each app's permissions exist only once its own post_migrate has run.
    if sender.label in (*ADMINISTERED_APPS, "axes"):
        sync_role_groups()


def _deactivating(sender, instance, raw=False, update_fields=None, **kwargs):
    """Note whether this save deactivates someone who was active (read as committed)."""
    instance._leaving = False
    if raw or instance.pk is None or instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    instance._leaving = sender.objects.filter(pk=instance.pk, is_active=True).exists()


def _deactivated(sender, instance, raw=False, **kwargs):
    """However a person is deactivated (the admin's form or action, a command, the shell), they
    leave: services.person_left, in the same transaction, by whoever is signed in."""
    if raw or not getattr(instance, "_leaving", False):
        return
    instance._leaving = False
    from people.services import person_left
    from workflow.logs import acting_user

    person_left(person=instance, actor=acting_user())


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People and offices"

    def ready(self):
        post_migrate.connect(_sync_role_groups)
        # Signing in is activity: the session it starts begins its idle time then.
        user_logged_in.connect(mark_seen_on_sign_in, dispatch_uid="people-mark-seen-on-sign-in")
        # The filters' list of offices (selectors.office_choices) is kept in the cache.
        from people.models import Office, User
        from people.selectors import forget_office_choices

        pre_save.connect(_deactivating, sender=User, dispatch_uid="people-leaver-noted")
        post_save.connect(_deactivated, sender=User, dispatch_uid="people-leaver")

        for signal in (post_save, post_delete):
            signal.connect(forget_office_choices, sender=Office, dispatch_uid="people-offices")
