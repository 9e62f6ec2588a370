from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.register, name="register"),
    path("import/", views.import_inventory, name="import"),
    path("impersonation/", views.reports, name="reports"),
    path("impersonation/<int:pk>/", views.report, name="report"),
    path("impersonation/<int:pk>/act/<slug:action>/", views.act_on_report, name="act_on_report"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<slug:action>/", views.act, name="act"),
    path("<int:pk>/record/", views.record, name="record"),
    path("<int:pk>/record.csv", views.record_csv, name="record_csv"),
    path("<int:pk>/setup/", views.update_setup, name="setup"),
    path("<int:pk>/details/", views.update_details, name="details"),
    path("<int:pk>/exit-steps/", views.update_exit_steps, name="exit_steps"),
    path("<int:pk>/team/", views.add_member, name="add_member"),
    path("<int:pk>/team/<int:member_id>/remove/", views.remove_member, name="remove_member"),
    path("<int:pk>/team/<int:member_id>/owner/", views.hand_over, name="hand_over"),
    path("<int:pk>/training/", views.record_training, name="record_training"),
]
