from django.apps import AppConfig


def _decision_logged(sender, instance, created, raw=False, **kwargs):
    """Each decision, as it is logged, is counted for the reports in the same transaction."""
    if created and not raw:
        from portal.services import count_decision

        count_decision(decision=instance)


def _review_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        from portal.services import count_review

        count_review(review=instance)


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Pages for each role"

    def ready(self):
        from django.db.models.signals import post_save

        from evaluation.models import Review
        from proposals.models import Decision

        post_save.connect(_decision_logged, sender=Decision, dispatch_uid="portal-decision")
        post_save.connect(_review_saved, sender=Review, dispatch_uid="portal-review")
