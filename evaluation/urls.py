from django.urls import path

from evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("reviews/", views.review_list, name="reviews"),
    path("reviews/<int:pk>/", views.review_page, name="review"),
    path("reviews/<int:pk>/report/", views.report, name="report"),
    path("reviews/<int:pk>/assess/", views.assess, name="assess"),
    path("accounts/<int:pk>/evaluation/", views.evaluation_plan, name="plan"),
    path("accounts/<int:pk>/figures/", views.import_metrics, name="import_metrics"),
    path("accounts/<int:pk>/figures.csv", views.figures_csv, name="figures_csv"),
    path(
        "accounts/<int:pk>/recertification-date/",
        views.recertification_date,
        name="recertification_date",
    ),
    path("accounts/<int:pk>/feed/", views.feed, name="feed"),
    path("recertifications/", views.recertification_list, name="recertifications"),
    path("recertifications/<int:pk>/", views.recertification_page, name="recertification"),
    path(
        "recertifications/<int:pk>/submit/",
        views.submit_recertification,
        name="submit_recertification",
    ),
    path("recertifications/<int:pk>/follow-up/", views.close_follow_up, name="close_follow_up"),
]
