from django.contrib import admin

from workflow.models import Export


class ReadOnlyAdmin(admin.ModelAdmin):
    """Workflow objects and their logs change only on their own pages, through the services, so
    that every change is checked and logged; the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        # Every field is shown as it is, so no form field is built for a page that edits nothing.
        opts = self.model._meta
        shown = [
            f.name for f in [*opts.fields, *opts.many_to_many] if f.editable and not f.auto_created
        ]
        return [*shown, *self.readonly_fields]


@admin.register(Export)
class ExportAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "comment")
    search_fields = ("comment", "actor__email", "actor__full_name")


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
