from django.contrib import admin

from accounts.models import Platform


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ("name", "internal", "active", "canonical_url", "sort_order")
    list_filter = ("internal", "active")
    list_editable = ("sort_order",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
