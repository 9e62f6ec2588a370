from django.apps import AppConfig


def _plan_reviews(sender, accounts, **kwargs):
    """An account that goes live gets its review schedule and KPIs at once, not next morning."""
    from django.utils import timezone

    from evaluation.services import ensure_evaluation_plans

    ensure_evaluation_plans(today=timezone.localdate(), account_ids=[a.pk for a in accounts])


def _plan_recertification(sender, accounts, actor=None, **kwargs):
    """An account that goes live knows at once when it is first recertified; one live again
    (retained by HEC) is given the whole window for a recertification that fell due meanwhile."""
    from django.utils import timezone

    from evaluation.services import ensure_recertification_schedules, give_back_the_window

    today, account_ids = timezone.localdate(), [a.pk for a in accounts]
    ensure_recertification_schedules(today=today, account_ids=account_ids)
    give_back_the_window(account_ids=account_ids, actor=actor, today=today)


def _withdraw_recertification(sender, accounts, actor, **kwargs):
    """A closed account's open recertification is withdrawn, not left open for good."""
    from evaluation.services import withdraw_recertifications

    for account in accounts:
        withdraw_recertifications(account=account, actor=actor)


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = "Evaluation and reviews"

    def ready(self):
        from accounts.pages import add_register_marks, add_section
        from accounts.signals import closed, went_live
        from evaluation.account_page import (
            account_page_context,
            account_recertification_context,
        )
        from evaluation.selectors import not_recertified_marks

        add_section(template="evaluation/_account_reviews.html", context=account_page_context)
        add_section(
            template="evaluation/_account_recertification.html",
            context=account_recertification_context,
        )
        add_register_marks(not_recertified_marks)
        went_live.connect(_plan_reviews, dispatch_uid="evaluation-plans-reviews")
        went_live.connect(_plan_recertification, dispatch_uid="evaluation-plans-recertification")
        closed.connect(
            _withdraw_recertification, dispatch_uid="evaluation-withdraws-recertification"
        )
