from django.urls import path

from proposals import views

app_name = "proposals"

urlpatterns = [
    path("", views.my_proposals, name="mine"),
    path("new/", views.create, name="create"),
    path("awaiting/", views.awaiting_approval, name="awaiting"),
    path("queue/", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/<int:section>/", views.edit_section, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/act/<slug:action>/", views.act, name="act"),
    path("<int:pk>/record/", views.record, name="record"),
    path("<int:pk>/record.csv", views.record_csv, name="record_csv"),
    path("<int:pk>/comments/", views.comment, name="comment"),
    path("<int:pk>/evidence/", views.upload_evidence, name="upload_evidence"),
    path("<int:pk>/evidence/<int:attachment_id>/", views.download_evidence, name="evidence"),
]
