from django.contrib import admin

from accounts.models import Account, ImpersonationReport, ImpersonationReportEvent, Platform
from workflow.admin import ReadOnlyAdmin, ReadOnlyInline


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ("name", "internal", "active", "canonical_url", "sort_order")
    list_filter = ("internal", "active")
    list_editable = ("sort_order",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("display_name", "platform", "handle", "office", "kind", "state")
    list_filter = ("state", "kind", "platform", "office")
    list_select_related = ("platform", "office")
    search_fields = ("display_name", "handle")
    readonly_fields = ("state", "proposal")


class ImpersonationReportEventInline(ReadOnlyInline):
    model = ImpersonationReportEvent
    fields = ("created_at", "actor", "actor_role", "action", "from_state", "to_state", "comment")
    readonly_fields = fields


class MergedReportInline(ReadOnlyInline):
    model = ImpersonationReport
    fk_name = "merged_into"
    verbose_name = "report merged into this one"
    verbose_name_plural = "reports merged into this one"
    fields = ("created_at", "address", "looks_official", "reporter_email", "outcome_sent_at")
    readonly_fields = fields
    show_change_link = True


@admin.register(ImpersonationReport)
class ImpersonationReportAdmin(ReadOnlyAdmin):
    """Reports change only through DCCT's steps on their own pages, so every step is logged."""

    list_display = ("pk", "address", "platform", "state", "created_at", "case_reference")
    list_filter = ("state", "platform")
    list_select_related = ("platform",)
    search_fields = ("address", "handle", "case_reference", "reporter_email")
    date_hierarchy = "created_at"
    inlines = [MergedReportInline, ImpersonationReportEventInline]


@admin.register(ImpersonationReportEvent)
class ImpersonationReportEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "report", "action", "actor", "to_state")
    list_filter = ("action",)
    list_select_related = ("report", "actor")
    search_fields = ("report__address", "comment", "actor__email")
