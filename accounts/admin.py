from django.contrib import admin

from accounts.models import Account, Platform


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
