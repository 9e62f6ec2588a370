"""The public register's pages: no sign-in needed (DESIGN.md section 5)."""

import csv

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_page

from accounts import register
from accounts.api import verification
from accounts.feeds import RegisterChanges
from accounts.models import Platform
from people.models import Office
from workflow.csv_import import spreadsheet_safe

PAGE_SIZE = 50


CSV_COLUMNS = ["Platform", "Name", "Handle", "Address", "Office", "Status", "Since", "Closed on"]


@login_not_required
@cache_page(15 * 60)
def register_feed(request):
    return RegisterChanges()(request)


@login_not_required
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
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="official-accounts.csv"'
    response.write("\ufeff")  # so that spreadsheets read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for account in accounts.iterator(chunk_size=500):
        row = [
            account.platform.name,
            account.display_name,
            account.handle,
            account.url,
            account.office.name,
            "official" if register.public_status(account) == "live" else "closed",
            account.went_live_on or "",
            account.closed_on or "",
        ]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return response


@login_not_required
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
            "page": Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page")),
            "platforms": Platform.objects.filter(internal=False, active=True),
            "offices": Office.objects.all(),
            "query": query,
            "platform": platform,
            "office": office,
            "status": status,
            "lookup": lookup,
            "result": verification(lookup) if lookup else None,
            "organisation": {"name": settings.ORGANISATION_NAME, "url": settings.ORGANISATION_URL},
        },
    )
