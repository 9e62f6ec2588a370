"""Each person's home: what waits for them first, then their own work."""

from django.core.paginator import Paginator
from django.shortcuts import render

from accounts import permissions as account_permissions
from accounts import selectors as account_selectors
from evaluation import selectors as evaluation_selectors
from people.selectors import training_of
from portal.selectors import waiting_for
from proposals import selectors as proposal_selectors
from workflow.paging import first_rows

WAITING_PAGE_SIZE = 10


def home(request):
    """What waits for this person first, oldest first; then their own proposals, and the
    accounts and open reviews of their office (or, for those who see every office, of the
    accounts they help run)."""
    user = request.user
    whole_organisation = account_permissions.sees_every_account(user)
    if whole_organisation:
        accounts = first_rows(account_selectors.accounts_of(user), 8)
        reviews = evaluation_selectors.reviews_of(user)
    else:
        accounts = account_selectors.first_visible_accounts(user, 8)
        reviews = evaluation_selectors.open_reviews_for(user)
    return render(
        request,
        "portal/home.html",
        {
            "office": user.office,
            "training": training_of(user),
            "waiting": Paginator(
                waiting_for(user, page_size=WAITING_PAGE_SIZE, cached=True), WAITING_PAGE_SIZE
            ).get_page(request.GET.get("page")),
            "proposals": first_rows(proposal_selectors.my_proposals(user), 8),
            "accounts": accounts,
            "reviews": first_rows(reviews, 8),
            "whole_organisation": whole_organisation,
        },
    )
