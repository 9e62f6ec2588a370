"""Each person's home: what waits for them first, then their own work."""

from django.shortcuts import render

from accounts import selectors as account_selectors
from evaluation import selectors as evaluation_selectors
from people.selectors import training_of
from portal.selectors import waiting_for
from proposals import selectors as proposal_selectors


def home(request):
    """What waits for this person first, oldest first; then their own proposals, accounts and
    reviews."""
    user = request.user
    return render(
        request,
        "portal/home.html",
        {
            "office": user.office,
            "training": training_of(user),
            "waiting": waiting_for(user),
            "proposals": proposal_selectors.my_proposals(user)[:8],
            "accounts": account_selectors.accounts_of(user)[:8],
            "reviews": evaluation_selectors.reviews_of(user)[:8],
        },
    )
