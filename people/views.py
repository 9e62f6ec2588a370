from django.conf import settings
from django.contrib.auth import views as auth_views

from people.demo import DEFAULT_DEMO_PASSWORD, DEMO_SIGNINS
from people.forms import SignInForm


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
