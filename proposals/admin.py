from django.contrib import admin

from proposals.models import (
    AlternativePlan,
    Decision,
    EngagementPriority,
    Escalation,
    Proposal,
    ProposalKPI,
    ProposalTeamMember,
)


@admin.register(EngagementPriority)
class EngagementPriorityAdmin(admin.ModelAdmin):
    list_display = ("name", "active", "sort_order")
    list_filter = ("active",)
    list_editable = ("active", "sort_order")
    search_fields = ("name",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Proposals change only on their own pages, through the services, so that every change
    is checked and logged; the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TeamInline(ReadOnlyInline):
    model = ProposalTeamMember


class KPIInline(ReadOnlyInline):
    model = ProposalKPI


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = ("created_at", "actor", "actor_role", "action", "from_state", "to_state", "comment")


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "office", "platform", "state", "state_changed_at")
    list_filter = ("state", "office", "platform")
    list_select_related = ("office", "platform")
    search_fields = ("title", "proposer__full_name", "proposer__email")
    inlines = (TeamInline, KPIInline, DecisionInline)


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "proposal", "action", "actor", "actor_role", "to_state")
    list_filter = ("action", "to_state")
    list_select_related = ("proposal", "actor")
    search_fields = ("proposal__title", "actor__full_name", "comment")


admin.site.register([AlternativePlan, Escalation], ReadOnlyAdmin)
