from celery import shared_task

from portal import retention


@shared_task
def apply_retention() -> dict[str, int]:
    """Every night: minimise what the retention schedule says is no longer needed
    (portal/retention.py). Safe to run twice: what is minimised is not touched again."""
    return dict(retention.apply_retention())
