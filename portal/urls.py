from django.urls import path

from portal import about, dashboards, reports, views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", dashboards.dcct_dashboard, name="dcct-dashboard"),
    path("hec/", dashboards.hec_inbox, name="hec-inbox"),
    path("office/", dashboards.office_view, name="office-view"),
    path("reports/", reports.reports, name="reports"),
    path("accessibility/", about.accessibility_statement, name="accessibility"),
    path("privacy/", about.privacy_notice, name="privacy"),
]
