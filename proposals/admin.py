from django.contrib import admin

from proposals.models import EngagementPriority


@admin.register(EngagementPriority)
class EngagementPriorityAdmin(admin.ModelAdmin):
    list_display = ("name", "active", "sort_order")
    list_filter = ("active",)
    list_editable = ("active", "sort_order")
    search_fields = ("name",)
