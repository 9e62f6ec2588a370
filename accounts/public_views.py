"""The public register's pages: no sign-in needed (DESIGN.md section 5)."""

import csv
import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_http_methods, require_safe

from accounts import register, services
from accounts.api import verification
from accounts.feeds import RegisterChanges
from accounts.forms import ImpersonationReportForm
from accounts.models import AccountState
from people.selectors import office_choices
from workflow import limits
from workflow.csv_import import spreadsheet_safe
from workflow.paging import KeysFirstPaginator

PAGE_SIZE = 50


CSV_COLUMNS = ["Platform", "Name", "Handle", "Address", "Office", "Status", "Since", "Closed on"]


@login_not_required
@limits.limit_public_reads
@cache_page(15 * 60)
def register_feed(request):
    return RegisterChanges()(request)


@login_not_required
@limits.limit_public_reads
@cache_page(15 * 60)
def register_csv(request):
    """The register as a spreadsheet: the same rows as the page, with its filters."""
    return _csv(_searched(request))


def _searched(request):
    return register.search(
        register.public_accounts(),
        q=request.GET.get("q", ""),
        platform=request.GET.get("platform", ""),
        office=register.plausible_id(request.GET.get("office", "")),
        status=request.GET.get("status", "live"),
    )


def _csv(accounts):
    """The accounts as CSV, read as plain rows: the whole register can be tens of thousands of
    accounts, and building a model instance for each would cost more than writing it."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="official-accounts.csv"'
    response.write("\ufeff")  # so that spreadsheets read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    rows = accounts.values_list(
        "platform__name",
        "display_name",
        "handle",
        "url",
        "office__name",
        "state",
        "went_live_on",
        "closed_on",
    )
    for platform, name, handle, url, office, state, since, closed_on in rows.iterator(2000):
        status = "closed" if state == AccountState.CLOSED else "official"
        row = [platform, name, handle, url, office, status, since or "", closed_on or ""]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return response


@login_not_required
@limits.limit_public_reads
def public_register(request):
    query = request.GET.get("q", "")
    platform = request.GET.get("platform", "")
    office = request.GET.get("office", "")
    status = request.GET.get("status", "live")
    accounts = _searched(request)
    if request.GET.get("format") == "csv":
        return _csv(accounts)
    lookup = request.GET.get("verify", "").strip()
    return render(
        request,
        "accounts/public_register.html",
        {
            "page": KeysFirstPaginator(accounts, PAGE_SIZE).get_page(request.GET.get("page")),
            "platforms": register.listed_platforms(),
            "offices": office_choices(),
            "query": query,
            "platform": platform,
            "office": office,
            "status": status,
            "lookup": lookup,
            "result": verification(lookup) if lookup else None,
            "organisation": _organisation(),
        },
    )


def _organisation():
    return {"name": settings.ORGANISATION_NAME, "url": settings.ORGANISATION_URL}


# --- Reporting an account that pretends to be us -------------------------------------------------

REPORT_WINDOW_SECONDS = 60 * 60


def _count_attempt(request) -> int:
    """Count this post of the form against its sender's hour, and return how many they have
    sent in it, this one included."""
    window = int(time.time() // REPORT_WINDOW_SECONDS)
    key = f"impersonation-reports:{limits.network_of(limits.client_address(request))}:{window}"
    return limits.count(key, window=REPORT_WINDOW_SECONDS)


def _refused(request, *, status, heading, explanation, retry_after=None):
    response = render(
        request,
        "accounts/report_refused.html",
        {"heading": heading, "explanation": explanation, "organisation": _organisation()},
        status=status,
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _too_many(request):
    wait = REPORT_WINDOW_SECONDS - int(time.time() % REPORT_WINDOW_SECONDS)
    minutes = max(1, round(wait / 60))
    return _refused(
        request,
        status=429,
        heading="Too many reports from your connection",
        explanation=f"We take at most {settings.IMPERSONATION_REPORTS_PER_HOUR} reports an hour "
        "from one connection, counting every time the form is sent, to keep it free of abuse. "
        f"Please try again in about {minutes} minute{'s' if minutes != 1 else ''}. Nothing you "
        "sent this time was kept.",
        retry_after=wait,
    )


def _too_big(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > ImpersonationReportForm.MAX_BODY_BYTES


@login_not_required
@require_http_methods(["GET", "POST"])
def report_impersonation(request):
    """Anyone may report an account pretending to be the Parliament, without signing in. A
    robot that fills in the trap field is thanked and nothing is kept; a connection that sends
    the form too often in an hour is refused (429): every post counts, before it is read, so
    that neither posts sent at once nor a flood of invalid ones get past the limit."""
    if request.method == "POST":
        if _count_attempt(request) > settings.IMPERSONATION_REPORTS_PER_HOUR:
            return _too_many(request)
        if _too_big(request):
            return _refused(
                request,
                status=413,
                heading="Your report is too long",
                explanation="Please shorten what you wrote and send it again. Nothing you sent "
                "was kept.",
            )
        form = ImpersonationReportForm(request.POST)
        if form.is_valid():
            if form.from_a_robot:
                return redirect("report-impersonation-sent")
            try:
                filing = services.file_impersonation_report(**form.service_values())
            except ValidationError as error:
                form.add_error("profile_address", error.message_dict.get("address", error.messages))
            else:
                if filing.ours is None:
                    return redirect("report-impersonation-sent")
                return render(
                    request,
                    "accounts/report_impersonation.html",
                    {
                        "form": ImpersonationReportForm(),
                        "ours": filing.ours,
                        "organisation": _organisation(),
                    },
                )
    else:
        address = request.GET.get("address", "")[: register.MAX_LOOKUP]
        form = ImpersonationReportForm(initial={"profile_address": address})
    return render(
        request,
        "accounts/report_impersonation.html",
        {"form": form, "organisation": _organisation()},
    )


@login_not_required
@require_safe
def report_impersonation_sent(request):
    return render(
        request,
        "accounts/report_impersonation_sent.html",
        {"organisation": _organisation()},
    )
