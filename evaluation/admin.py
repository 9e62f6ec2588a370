from django.contrib import admin

from evaluation.models import (
    KPI,
    MetricObservation,
    Recertification,
    RecertificationEvent,
    RecertificationSchedule,
    Review,
    ReviewSchedule,
)
from workflow.admin import ReadOnlyAdmin, ReadOnlyInline


@admin.register(KPI)
class KPIAdmin(ReadOnlyAdmin):
    """DCCT adjusts KPIs on the account's evaluation page (evaluation.services.adjust_evaluation),
    where the change is logged; reviews are judged against them, so the admin only shows them."""

    list_display = ("metric", "account", "target", "unit", "direction", "active")
    list_filter = ("active", "direction")
    list_select_related = ("account__platform",)
    search_fields = ("metric", "account__display_name")


@admin.register(ReviewSchedule)
class ReviewScheduleAdmin(ReadOnlyAdmin):
    """How often an account is reviewed changes on its evaluation page, where it is logged; the
    dates follow from it and from the reviews raised."""

    list_display = ("account", "frequency", "period_start", "next_due_on")
    list_filter = ("frequency",)
    list_select_related = ("account__platform",)
    search_fields = ("account__display_name",)


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    """Reviews change through their page (report, assessment), where each step is logged."""

    list_display = ("account", "period_end", "due_on", "state", "outcome")
    list_filter = ("state", "outcome")
    list_select_related = ("account__platform",)
    search_fields = ("account__display_name",)
    date_hierarchy = "period_end"


@admin.register(MetricObservation)
class MetricObservationAdmin(ReadOnlyAdmin):
    list_display = ("kpi", "day", "value", "imported_by")
    list_select_related = ("kpi", "imported_by")
    date_hierarchy = "day"


class RecertificationEventInline(ReadOnlyInline):
    model = RecertificationEvent
    fields = ("created_at", "actor", "actor_role", "action", "from_state", "to_state", "comment")
    readonly_fields = fields


@admin.register(Recertification)
class RecertificationAdmin(ReadOnlyAdmin):
    """Recertifications change only through their page (the owner's answers, DCCT's follow-up),
    where each step is logged."""

    list_display = ("account", "due_on", "state", "submitted_by", "submitted_at")
    list_filter = ("state",)
    list_select_related = ("account__platform", "submitted_by")
    search_fields = ("account__display_name", "account__handle")
    date_hierarchy = "due_on"
    inlines = [RecertificationEventInline]


@admin.register(RecertificationSchedule)
class RecertificationScheduleAdmin(ReadOnlyAdmin):
    """DCCT moves a date on the account's evaluation page, where the change is logged."""

    list_display = ("account", "next_due_on", "anchor_on")
    list_select_related = ("account__platform",)
    search_fields = ("account__display_name", "account__handle")
    date_hierarchy = "next_due_on"
