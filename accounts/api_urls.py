from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

from accounts import api

urlpatterns = [
    path("accounts/", login_not_required(api.AccountList.as_view()), name="api-accounts"),
    path("verify", login_not_required(api.Verify.as_view()), name="api-verify"),
    path("openapi.json", login_not_required(SpectacularJSONAPIView.as_view()), name="api-schema"),
]
