from django.contrib import admin
from django.urls import include, path

from config.health import health

admin.site.site_header = "Social media governance – administration"
admin.site.site_title = "Social media governance"

urlpatterns = [
    path("", include("people.urls")),
    path("proposals/", include("proposals.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("evaluation.urls")),
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
]
