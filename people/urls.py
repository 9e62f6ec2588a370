from django.contrib.auth import views as auth_views
from django.urls import path

from people import sso, views

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sso/start/", sso.Start.as_view(), name="sso-start"),
    path("sso/callback/", sso.Callback.as_view(), name="sso-callback"),
    path("people/search/", views.search, name="people-search"),
    path("email-settings/", views.notice_preferences, name="notice-preferences"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path(
        "password/change/",
        views.PasswordChangeView.as_view(template_name="people/password_change.html"),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="people/password_change_done.html"),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="people/password_reset_sent.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="people/password_reset_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="people/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
