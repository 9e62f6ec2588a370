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


def _account_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        from portal.services import count_account

        count_account(account=instance)


def _account_deleted(sender, instance, **kwargs):
    from portal.services import count_account

    count_account(account=instance, deleted=True)


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Pages for each role"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from accounts.models import Account, AccountMember, ClosureEscalation, ImpersonationReport
        from evaluation.models import Recertification, Review
        from people.models import Office, User
        from proposals.models import (
            AlternativePlan,
            Decision,
            Escalation,
            Proposal,
            ProposalTeamMember,
        )
        from workflow.waiting import changed

        post_save.connect(_decision_logged, sender=Decision, dispatch_uid="portal-decision")
        post_save.connect(_review_saved, sender=Review, dispatch_uid="portal-review")
        post_save.connect(_account_saved, sender=Account, dispatch_uid="portal-account-saved")
        post_delete.connect(_account_deleted, sender=Account, dispatch_uid="portal-account-gone")
        # What the home page's "waiting for you" reads (the objects, their teams, plans and
        # escalations, who heads which office, who holds which role): a change to any of them
        # makes every kept list stale (workflow.waiting; the rest show within a minute).
        read_by_waiting_lists = [
            Proposal,
            ProposalTeamMember,
            AlternativePlan,
            Escalation,
            Account,
            AccountMember,
            ClosureEscalation,
            ImpersonationReport,
            Review,
            Recertification,
            Office,
            User,
        ]
        for model in read_by_waiting_lists:
            for signal in (post_save, post_delete):
                signal.connect(changed, sender=model, dispatch_uid=f"waiting-{model.__name__}")
        m2m_changed.connect(changed, sender=User.groups.through, dispatch_uid="waiting-roles")
