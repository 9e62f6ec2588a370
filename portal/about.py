"""The pages every public body's site must have: the accessibility statement (Public Sector
Bodies Accessibility Regulations 2018) and the privacy notice; open to anyone, signed in or not,
and linked from every page's footer."""

import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

# When the statement was written and when the service was last tested against WCAG 2.2 AA by
# hand (the automated checks run on every change); the statement must give both.
STATEMENT_PREPARED = datetime.date(2026, 11, 26)
LAST_TESTED = datetime.date(2026, 11, 26)


def _about():
    return {
        "organisation_name": settings.ORGANISATION_NAME,
        "help_email": settings.HELP_EMAIL,
        "sign_in_log_days": settings.SIGN_IN_LOG_DAYS,
        "proposal_years": settings.RETENTION_ENDED_PROPOSAL_YEARS,
        "account_years": settings.RETENTION_CLOSED_ACCOUNT_YEARS,
        "reporter_days": settings.RETENTION_REPORTER_EMAIL_DAYS,
    }


@login_not_required
def accessibility_statement(request):
    return render(
        request,
        "portal/accessibility.html",
        {**_about(), "prepared": STATEMENT_PREPARED, "last_tested": LAST_TESTED},
    )


@login_not_required
def privacy_notice(request):
    return render(request, "portal/privacy.html", _about())
