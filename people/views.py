import hashlib
import unicodedata

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from people import lockout, sso
from people.demo import DEFAULT_DEMO_PASSWORD, DEMO_SIGNINS
from people.forms import NoticePreferencesForm, SignInForm
from people.selectors import people_matching
from workflow import limits, notifications


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


class PasswordsOnly:
    """A page about passwords: not there when single sign-on is the only way in."""

    def setup(self, request, *args, **kwargs):  # (dispatch keeps the view's login rules)
        if settings.SSO_REQUIRED:
            raise Http404("This service signs people in through their organisation only.")
        super().setup(request, *args, **kwargs)


class SignInView(auth_views.LoginView):
    """The password form and, where single sign-on is on, "Sign in with <organisation>" above
    it; with SSO_REQUIRED, the button alone (and a password sent anyway is refused)."""

    template_name = "people/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if settings.SSO_REQUIRED:
            messages.error(request, f"Sign in with {settings.SSO_NAME}.")
            return HttpResponseRedirect(request.get_full_path())
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        lockout.remember_browser(self.request, response, form.get_user().email)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso"] = sso.enabled()
        context["sso_name"] = settings.SSO_NAME
        context["sso_required"] = settings.SSO_REQUIRED
        if settings.SHOW_DEMO_SIGNINS and not settings.SSO_REQUIRED:
            context["demo_signins"] = [(email, role) for email, _, _, role in DEMO_SIGNINS]
            context["demo_password"] = DEFAULT_DEMO_PASSWORD
        return context


RESET_WINDOW_SECONDS = 60 * 60


class PasswordChangeView(PasswordsOnly, auth_views.PasswordChangeView):
    pass


class PasswordResetView(PasswordsOnly, auth_views.PasswordResetView):
    """Django's reset request, limited per hour from one address (every post counts, before it
    is read) and for one email address (whether or not it belongs to anybody, so that the
    limit tells nothing about who has an account). Past either: 429, and nothing is sent."""

    template_name = "people/password_reset.html"
    email_template_name = "people/email/password_reset.txt"
    subject_template_name = "people/email/password_reset_subject.txt"

    def post(self, request, *args, **kwargs):
        self.window, self.wait = limits.current_window(RESET_WINDOW_SECONDS)
        sender = limits.network_of(limits.client_address(request))
        key = f"password-resets:address:{sender}:{self.window}"
        if limits.count(key, window=RESET_WINDOW_SECONDS) > settings.PASSWORD_RESETS_PER_ADDRESS:
            return self.too_many()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        # Counted as Django matches it to a person (NFKC, case-folded), so that no other
        # spelling of one address (a long s, U+017F, for an "s") counts apart from it.
        email = unicodedata.normalize("NFKC", form.cleaned_data["email"]).casefold().strip()
        hashed = hashlib.sha256(email.encode()).hexdigest()
        key = f"password-resets:email:{hashed}:{self.window}"
        if limits.count(key, window=RESET_WINDOW_SECONDS) > settings.PASSWORD_RESETS_PER_EMAIL:
            return self.too_many()
        return super().form_valid(form)

    def too_many(self):
        minutes = max(1, round(self.wait / 60))
        response = render(
            self.request,
            "people/password_reset_refused.html",
            {"minutes": minutes},
            status=429,
        )
        response["Retry-After"] = str(self.wait)
        return response


def notice_preferences(request):
    """Each person chooses, per kind of notice, an email at once or the daily digest."""
    person = request.user
    form = NoticePreferencesForm(request.POST or None, current=notifications.preferences_of(person))
    if request.method == "POST" and form.is_valid():
        notifications.set_preferences(person=person, choices=form.cleaned_data)
        messages.success(request, "Your email choices are saved.")
        return redirect("notice-preferences")
    return render(
        request,
        "people/notice_preferences.html",
        {
            "form": form,
            "waiting": notifications.pending_digest(person).count(),
            "last_digest": person.digests.filter(sent_at__isnull=False).first(),
        },
    )
