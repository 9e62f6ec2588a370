from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from people.models import Office, TrainingRecord, User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "office", "staff_type")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class TrainingRecordInline(admin.TabularInline):
    model = TrainingRecord
    fk_name = "person"
    extra = 0
    fields = ("course", "completed_on", "expires_on")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ("full_name",)
    list_display = ("full_name", "email", "office", "staff_type", "is_active", "is_staff")
    list_filter = ("is_active", "staff_type", "groups", "office")
    list_select_related = ("office",)
    search_fields = ("full_name", "email")
    autocomplete_fields = ("office",)
    inlines = (TrainingRecordInline,)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "office", "staff_type")}),
        (
            "Access",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "full_name",
                    "office",
                    "staff_type",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("name", "head")
    list_select_related = ("head",)
    search_fields = ("name",)
    autocomplete_fields = ("head",)


@admin.register(TrainingRecord)
class TrainingRecordAdmin(admin.ModelAdmin):
    list_display = ("person", "course", "completed_on", "expires_on")
    list_select_related = ("person",)
    list_filter = ("course",)
    search_fields = ("person__full_name", "person__email", "course")
    autocomplete_fields = ("person",)
    date_hierarchy = "completed_on"
