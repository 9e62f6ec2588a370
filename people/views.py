from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from people.demo import DEFAULT_DEMO_PASSWORD, DEMO_SIGNINS
from people.forms import SignInForm
from people.selectors import people_matching


@require_GET
def search(request):
    """Suggestions for the people picker: at most ten active people, for signed-in staff."""
    people = people_matching(request.GET.get("q", ""))
    return JsonResponse(
        {
            "people": [
                {"email": p.email, "name": p.full_name, "office": p.office.name if p.office else ""}
                for p in people
            ]
        }
    )


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
