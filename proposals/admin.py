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
from workflow.admin import ReadOnlyAdmin, ReadOnlyInline


@admin.register(EngagementPriority)
class EngagementPriorityAdmin(admin.ModelAdmin):
    list_display = ("name", "active", "sort_order")
    list_filter = ("active",)
    list_editable = ("active", "sort_order")
    search_fields = ("name",)


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
