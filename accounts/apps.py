from django.apps import AppConfig


def _training_moving(sender, instance, raw=False, **kwargs):
    """A record given to someone else (in the admin) leaves its first owner's teams short."""
    if instance.pk is None or raw:
        return
    instance._previous_people = list(
        sender.objects.filter(pk=instance.pk)
        .exclude(person_id=instance.person_id)
        .values_list("person_id", flat=True)
    )


def _training_changed(sender, instance, raw=False, **kwargs):
    """Training is recorded on an account's page, in the admin (on the person, or on its own)
    and by the demo: each team its person is on counts it again, in the same transaction."""
    if raw:
        return  # fixtures: `manage.py refresh_account_facts` counts them once loaded
    from accounts.services import refresh_training_of

    refresh_training_of(people=[instance.person_id, *getattr(instance, "_previous_people", [])])


def _person_left(sender, person, actor=None, **kwargs):
    from accounts.services import member_left

    member_left(person=person, actor=actor)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Official accounts"

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_save

        from people.models import TrainingRecord
        from people.signals import person_left

        # A leaver leaves every team; an owner's account passes on or is flagged to DCCT.
        person_left.connect(_person_left, dispatch_uid="accounts-person-left")

        pre_save.connect(_training_moving, sender=TrainingRecord, dispatch_uid="accounts-training")
        post_save.connect(
            _training_changed, sender=TrainingRecord, dispatch_uid="accounts-training-saved"
        )
        post_delete.connect(
            _training_changed, sender=TrainingRecord, dispatch_uid="accounts-training-deleted"
        )
