from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_migrate, post_save

from people.middleware import mark_seen_on_sign_in


def _sync_role_groups(sender, **kwargs):
    from people.services import ADMINISTERED_APPS, sync_role_groups

    # Each app's permissions exist only once its own post_migrate has run.
    if sender.label in (*ADMINISTERED_APPS, "axes"):
        sync_role_groups()


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People and offices"

    def ready(self):
        post_migrate.connect(_sync_role_groups)
        # Signing in is activity: the session it starts begins its idle time then.
        user_logged_in.connect(mark_seen_on_sign_in, dispatch_uid="people-mark-seen-on-sign-in")
        # The filters' list of offices (selectors.office_choices) is kept in the cache.
        from people.models import Office
        from people.selectors import forget_office_choices

        for signal in (post_save, post_delete):
            signal.connect(forget_office_choices, sender=Office, dispatch_uid="people-offices")
