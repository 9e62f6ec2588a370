"""The public register's pages: no sign-in needed (DESIGN.md section 5)."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import render

from accounts import register
from accounts.api import verification
from accounts.models import Platform
from people.models import Office

PAGE_SIZE = 50


@login_not_required
def public_register(request):
    query = request.GET.get("q", "")
    platform = request.GET.get("platform", "")
    office = request.GET.get("office", "")
    status = request.GET.get("status", "live")
    accounts = register.search(
        register.public_accounts(),
        q=query,
        platform=platform,
        office=register.plausible_id(office),
        status=status,
    )
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
