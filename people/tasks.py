from importlib import import_module

from axes.handlers.proxy import AxesProxyHandler
from celery import shared_task
from django.conf import settings


@shared_task
def clear_expired_sessions() -> None:
    """Drop sign-in sessions past their expiry, as `manage.py clearsessions` does."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


@shared_task
def forget_old_sign_ins() -> int:
    """Delete the log of successful sign-ins (who, when, from which address) older than
    SIGN_IN_LOG_DAYS: kept for looking into misuse, not for ever."""
    return AxesProxyHandler.reset_logs(age_days=settings.SIGN_IN_LOG_DAYS)
