from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.http import require_safe

from accounts.public_views import (
    public_register,
    register_csv,
    register_feed,
    report_impersonation,
    report_impersonation_sent,
)
from config.health import health, live

# The 500 page needs neither the database nor the request (config/errors.py).
handler500 = "config.errors.server_error"


@login_not_required
@require_safe
def favicon(request):
    """Browsers that ask for /favicon.ico whatever the page says get the site's icon. Not a
    permanent redirect: its address names the file's hash, which changes with the icon."""
    return HttpResponseRedirect(static("img/favicon.svg"))


admin.site.site_header = "Social media governance – administration"
admin.site.site_title = "Social media governance"

urlpatterns = [
    path("", include("portal.urls")),
    path("", include("people.urls")),
    path("proposals/", include("proposals.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("evaluation.urls")),
    path("health/", health, name="health"),
    path("health/live/", live, name="health-live"),
    path("favicon.ico", favicon, name="favicon"),
    path("register/", public_register, name="public-register"),
    path("register/feed/", register_feed, name="register-feed"),
    path("register/report/", report_impersonation, name="report-impersonation"),
    path("register/report/sent/", report_impersonation_sent, name="report-impersonation-sent"),
    path("register.csv", register_csv, name="register-csv"),
    path("api/v1/", include("accounts.api_urls")),
    path("admin/", admin.site.urls),
]
