from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render

from accounts import selectors as account_selectors
from evaluation import selectors as evaluation_selectors
from people.demo import DEFAULT_DEMO_PASSWORD, DEMO_SIGNINS
from people.forms import SignInForm
from people.selectors import training_of, waiting_for
from proposals import selectors as proposal_selectors


class SignInView(auth_views.LoginView):
    template_name = "people/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.SHOW_DEMO_SIGNINS:
            context["demo_signins"] = [(email, role) for email, _, _, role in DEMO_SIGNINS]
            context["demo_password"] = DEFAULT_DEMO_PASSWORD
        return context


def home(request):
    """What waits for this person first, oldest first; then their own proposals, accounts and
    reviews."""
    user = request.user
    return render(
        request,
        "people/home.html",
        {
            "office": user.office,
            "training": training_of(user),
            "waiting": waiting_for(user),
            "proposals": proposal_selectors.my_proposals(user)[:8],
            "accounts": account_selectors.accounts_of(user)[:8],
            "reviews": evaluation_selectors.reviews_of(user)[:8],
        },
    )
