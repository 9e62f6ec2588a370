from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from people import services
from people.models import Office, TrainingRecord, User
from workflow.admin import ReadOnlyAdmin, ReadOnlyInline
from workflow.models import Digest, NoticePreference, Notification


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "office", "staff_type")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class NoticePreferenceInline(admin.TabularInline):
    """How the person gets each kind of notice; a kind not listed gets the default."""

    model = NoticePreference
    extra = 0
    verbose_name_plural = "Email settings (kinds not listed get the default)"


class NotificationInline(ReadOnlyInline):
    """The latest notices the person was sent or has waiting, newest first."""

    model = Notification
    fields = ("created_at", "subject", "kind", "delivery", "sent_at")
    readonly_fields = fields
    ordering = ("-created_at",)
    verbose_name_plural = "Notices (latest 20)"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        latest = queryset.order_by("-created_at").values("pk")[:20]
        return queryset.filter(pk__in=latest)


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
    inlines = (TrainingRecordInline, NoticePreferenceInline, NotificationInline)
    actions = ("unlock_sign_in", "mark_as_left")

    @admin.action(description="Deactivate: they have left the organisation", permissions=["change"])
    def mark_as_left(self, request, queryset):
        """As unticking "active" on their page: they can no longer sign in, and they leave
        every team, their offices and their approvals to others (people.services.person_left,
        run as each is saved)."""
        leaving = [person for person in queryset.order_by("pk") if person.is_active]
        for person in leaving:
            if person.pk == request.user.pk:
                self.message_user(request, "You cannot deactivate yourself.", level="error")
                continue
            person.is_active = False
            person.save(update_fields=["is_active"])
        done = [person for person in leaving if not person.is_active]
        self.message_user(
            request,
            f"{len(done)} {'person' if len(done) == 1 else 'people'} deactivated: they have left "
            "their teams, and what waited for them now waits for others (see each account's "
            "and proposal's history).",
        )

    @admin.action(
        description="Unlock sign-in (forget their wrong passwords)", permissions=["change"]
    )
    def unlock_sign_in(self, request, queryset):
        cleared = sum(services.unlock_sign_in(person=person) for person in queryset)
        self.message_user(
            request,
            f"Sign-in unlocked for {len(queryset)} {'person' if len(queryset) == 1 else 'people'}"
            f" ({cleared} record{'s' if cleared != 1 else ''} of failed attempts cleared).",
        )

    def get_inlines(self, request, obj):
        # A person being added has no choices or notices yet.
        return self.inlines if obj is not None else (TrainingRecordInline,)

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


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """The outbox: what each person was told, when, and whether it has gone."""

    list_display = ("created_at", "recipient", "subject", "kind", "delivery", "sent_at")
    list_filter = ("kind", "delivery", ("sent_at", admin.EmptyFieldListFilter))
    list_select_related = ("recipient",)
    search_fields = ("subject", "key", "recipient__email", "recipient__full_name")
    date_hierarchy = "created_at"


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "sent_at")
    list_select_related = ("recipient",)
    search_fields = ("recipient__email", "recipient__full_name")


# Sign-in attempts (django-axes; AXES_ENABLE_ADMIN is off so that they are registered here).
@admin.register(AccessAttempt)
class SignInAttemptAdmin(AccessAttemptAdmin):
    """Failed sign-ins still counting towards a lockout. Clearing them unlocks at once."""

    actions = ("unlock", "cleanup_expired_attempts")

    @admin.action(description="Unlock: clear these failed attempts", permissions=["delete"])
    def unlock(self, request, queryset):
        cleared = queryset.count()
        queryset.delete()
        self.message_user(request, f"Cleared {cleared} record(s) of failed sign-ins.")


admin.site.register(AccessLog, AccessLogAdmin)
admin.site.register(AccessFailureLog, AccessFailureLogAdmin)
