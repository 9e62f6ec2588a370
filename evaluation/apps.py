from django.apps import AppConfig


def _plan_reviews(sender, accounts, **kwargs):
    """An account that goes live gets its review schedule and KPIs at once, not next morning."""
    from django.utils import timezone

    from evaluation.services import ensure_evaluation_plans

    ensure_evaluation_plans(today=timezone.localdate(), account_ids=[a.pk for a in accounts])


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = "Evaluation and reviews"

    def ready(self):
        from accounts.pages import add_section
        from accounts.signals import went_live
        from evaluation.account_page import account_page_context

        add_section(template="evaluation/_account_reviews.html", context=account_page_context)
        went_live.connect(_plan_reviews, dispatch_uid="evaluation-plans-reviews")
