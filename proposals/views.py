from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from proposals import evidence, permissions, selectors, services
from proposals.filters import QueueFilter
from proposals.forms import (
    SECTIONS,
    AlternativePlanForm,
    CommentForm,
    EndorseForm,
    EvidenceForm,
    StartSetUpForm,
    SubmitForm,
    WhatWhereForm,
)
from proposals.models import ProposalState
from workflow import transitions
from workflow.exports import log_download, log_export
from workflow.forms import EscalationForm, TransitionForm
from workflow.paging import KeysFirstPaginator
from workflow.permissions import require
from workflow.views import attempt, transition_page

PAGE_SIZE = 25


def _page(request, queryset):
    return KeysFirstPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def my_proposals(request):
    return render(
        request,
        "proposals/my_proposals.html",
        {"page": _page(request, selectors.my_proposals(request.user))},
    )


def awaiting_approval(request):
    return render(
        request,
        "proposals/awaiting.html",
        {"page": _page(request, selectors.awaiting_approval(request.user))},
    )


def queue(request):
    require(permissions.may_see_queue, request.user)
    filters = QueueFilter(request.GET, queryset=selectors.dcct_queue())
    return render(
        request,
        "proposals/queue.html",
        {"filter": filters, "page": _page(request, filters.qs)},
    )


@require_http_methods(["GET", "POST"])
def create(request):
    require(permissions.may_propose, request.user)
    form = WhatWhereForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        platform = form.cleaned_data["platform"]
        if platform is not None and platform.internal:
            # Internal tools need no approval: say so, and keep nothing.
            return render(request, "proposals/internal_exempt.html", {"platform": platform})
        proposal = services.create_draft(proposer=request.user, **form.cleaned_data)
        messages.success(request, f"{proposal.reference} saved as a draft.")
        return redirect("proposals:edit", pk=proposal.pk, section=2)
    return render(request, "proposals/create.html", {"form": form})


def detail(request, pk):
    proposal = selectors.proposal_for(request.user, pk)
    user = request.user
    actions = [
        transition
        for transition in proposal.get_available_user_state_transitions(user)
        if transition.name != "submit"
    ]
    submit_possible = permissions.may_submit(proposal, user)
    return render(
        request,
        "proposals/detail.html",
        {
            "proposal": proposal,
            "actions": actions,
            "submit_possible": submit_possible,
            "missing": proposal.missing_items() if proposal.state in ("draft", "revising") else [],
            "can_edit": permissions.can_edit(proposal, user),
            "can_add_evidence": permissions.can_add_evidence(proposal, user),
            "timeline": selectors.timeline(proposal),
            "comments": proposal.comments.select_related("author"),
            "attachments": proposal.attachments.select_related("uploaded_by"),
            "alternative": proposal.current_alternative if proposal.alternative_on_table else None,
            "escalations": proposal.escalations.select_related("escalated_by", "decided_by"),
            "comment_form": CommentForm(),
            "evidence_limit": settings.EVIDENCE_MAX_BYTES,
            "evidence_form": EvidenceForm(),
            "account": getattr(proposal, "account", None),
            "sections": SECTIONS,
        },
    )


@require_http_methods(["GET", "POST"])
def edit_section(request, pk, section):
    proposal = selectors.proposal_for(request.user, pk)
    require(permissions.can_edit, proposal, request.user)
    if not 1 <= section <= len(SECTIONS):
        raise Http404("No such section")
    number, title, form_class, formset_class = SECTIONS[section - 1]
    data = request.POST if request.method == "POST" else None
    form = form_class(data, instance=proposal)
    formset = (
        formset_class(
            data,
            instance=proposal,
            queryset=formset_class.model.objects.filter(proposal=proposal).select_related(),
        )
        if formset_class
        else None
    )
    if request.method == "POST" and form.is_valid() and (formset is None or formset.is_valid()):
        platform = form.cleaned_data.get("platform")
        if platform is not None and platform.internal:
            form.add_error(
                "platform",
                f"{platform} is an internal tool: site owners decide, and no approval is "
                "needed. Withdraw this draft instead.",
            )
        else:
            lists = {formset.service_key: formset.rows()} if formset is not None else {}
            outcome = attempt(
                request,
                form,
                lambda: services.save_section(
                    proposal=proposal, actor=request.user, fields=form.cleaned_data, **lists
                ),
            )
            if outcome == "changed":  # submitted or withdrawn from another tab meanwhile
                return redirect(proposal)
            if outcome == "done":
                messages.success(request, f"Section {number}, {title}, saved.")
                if "continue" in request.POST and number < len(SECTIONS):
                    return redirect("proposals:edit", pk=proposal.pk, section=number + 1)
                if "continue" in request.POST:
                    return redirect("proposals:submit", pk=proposal.pk)
                return redirect("proposals:edit", pk=proposal.pk, section=number)
    missing_sections = {item_section for item_section, _ in proposal.missing_items()}
    return render(
        request,
        "proposals/edit_section.html",
        {
            "proposal": proposal,
            "form": form,
            "formset": formset,
            "number": number,
            "title": title,
            "sections": SECTIONS,
            "missing_sections": missing_sections,
            "is_last": number == len(SECTIONS),
        },
    )


@require_http_methods(["GET", "POST"])
def submit(request, pk):
    proposal = selectors.proposal_for(request.user, pk)
    if permissions.is_proposer(proposal, request.user) and proposal.state != ProposalState.DRAFT:
        messages.info(request, f"{proposal.reference} has already been submitted.")
        return redirect(proposal)
    require(permissions.may_submit, proposal, request.user)
    existing = selectors.existing_corporate_accounts(proposal.platform)
    form = SubmitForm(
        request.POST or None,
        initial={
            "expected_state": transitions.stamp(proposal),
            "existing_accounts_response": proposal.existing_accounts_response,
        },
        existing_accounts=existing,
    )
    missing = proposal.missing_items()
    if request.method == "POST" and form.is_valid():
        outcome = attempt(
            request,
            form,
            lambda: services.submit(
                proposal=proposal,
                actor=request.user,
                expected_state=form.cleaned_data["expected_state"],
                existing_accounts_response=form.cleaned_data.get("existing_accounts_response", ""),
            ),
        )
        if outcome == "changed":
            return redirect(proposal)
        if outcome == "done":
            messages.success(
                request,
                f"{proposal.reference} is with {proposal.approver} for approval in principle.",
            )
            return redirect(proposal)
    return render(
        request,
        "proposals/submit.html",
        {"proposal": proposal, "form": form, "missing": missing, "existing": existing},
    )


# The form each decision needs, by the `form` its transition names (proposals/models.py).
DECISION_FORMS = {
    "alternative": lambda transition, data, initial: AlternativePlanForm(data, initial=initial),
    "endorse": lambda transition, data, initial: EndorseForm(data, initial=initial),
}


def _decision_form(proposal):
    def form_for(transition, data, initial):
        kind = transition.custom.get("form")
        if kind == "set_up":
            return StartSetUpForm(
                data, initial=initial, needs_platform=proposal.platform_id is None
            )
        if kind == "escalation":
            initial["business_area_position"] = services.business_area_position(proposal)
            return EscalationForm(data, initial=initial)
        if kind in DECISION_FORMS:
            return DECISION_FORMS[kind](transition, data, initial)
        return TransitionForm(data, initial=initial, comment=transition.custom.get("comment"))

    return form_for


@require_http_methods(["GET", "POST"])
def act(request, pk, action):
    """One page for every decision after submission: the form it needs, then the service."""
    proposal = selectors.proposal_for(request.user, pk)
    return transition_page(
        request,
        proposal,
        action,
        services={name: service for name, service in services.ACTIONS.items() if name != "submit"},
        form_for=_decision_form(proposal),
        template="proposals/act.html",
        context={"alternative": proposal.current_alternative},
    )


def record_csv(request, pk):
    """The proposal's decision log as CSV, row for row; the export is logged."""
    proposal = selectors.proposal_for(request.user, pk)
    return log_download(
        entries=selectors.timeline(proposal),
        filename=f"{proposal.reference}-decisions.csv",
        user=request.user,
        what=f"Decision log of {proposal.reference} (CSV)",
    )


def record(request, pk):
    """The whole history of a proposal on one printable page; the export is logged."""
    proposal = selectors.proposal_for(request.user, pk)
    log_export(user=request.user, what=f"Printable record of {proposal.reference}")
    return render(
        request,
        "proposals/record.html",
        {
            "proposal": proposal,
            "timeline": selectors.timeline(proposal),
            "escalations": proposal.escalations.select_related("escalated_by", "decided_by"),
            "alternatives": proposal.alternative_plans.select_related("created_by"),
            "sections": SECTIONS,
        },
    )


@require_POST
def comment(request, pk):
    proposal = selectors.proposal_for(request.user, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.add_comment(proposal=proposal, author=request.user, body=form.cleaned_data["body"])
        messages.success(request, "Comment posted.")
    else:
        messages.error(request, "Write a comment before posting it.")
    return redirect(reverse("proposals:detail", args=[proposal.pk]) + "#comments")


@require_POST
def upload_evidence(request, pk):
    proposal = selectors.proposal_for(request.user, pk)
    require(permissions.can_add_evidence, proposal, request.user)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        services.add_evidence(
            proposal=proposal,
            actor=request.user,
            upload=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
        )
        messages.success(request, "Evidence attached.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(reverse("proposals:detail", args=[proposal.pk]) + "#evidence")


def download_evidence(request, pk, attachment_id):
    proposal = selectors.proposal_for(request.user, pk)
    attachment = get_object_or_404(proposal.attachments, pk=attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        # The record outlived its file (restored database, cleared storage): not found.
        raise Http404("The file of this evidence is no longer stored.") from None
    return evidence.download(
        handle, name=attachment.original_name, content_type=attachment.content_type
    )
