from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = "Evaluation and reviews"

    def ready(self):
        from accounts.pages import add_section
        from evaluation.account_page import account_page_context

        add_section(template="evaluation/_account_reviews.html", context=account_page_context)
