from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import inventory, pages, permissions, selectors, services
from accounts.filters import RegisterFilter
from accounts.forms import (
    AccountActionForm,
    AccountDetailsForm,
    AddMemberForm,
    ClosureEscalationForm,
    ClosureForm,
    ExitStepsForm,
    ExitStrategyForm,
    InventoryUploadForm,
    RemoveMemberForm,
    SetupChecklistForm,
    TrainingForm,
)
from accounts.models import AccountState
from people import roles
from workflow import csv_import, transitions
from workflow.states import state_of
from workflow.views import add_errors, attempt

PAGE_SIZE = 25


def register(request):
    filters = RegisterFilter(request.GET, queryset=selectors.visible_accounts(request.user))
    page = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/register.html",
        {"filter": filters, "page": page, "can_import": roles.is_dcct(request.user)},
    )


def detail(request, pk):
    account = selectors.account_for(request.user, pk)
    user = request.user
    setup = getattr(account, "setup", None)
    strategy = getattr(account, "exit_strategy", None)
    return render(
        request,
        "accounts/detail.html",
        {
            "account": account,
            "actions": list(account.get_available_user_state_transitions(user)),
            "blocked": _blocked_actions(account, user),
            "team": account.current_team(),
            "trained": len(account.trained_team()),
            "setup": setup,
            "setup_form": SetupChecklistForm(instance=setup)
            if setup and permissions.can_tick_setup(account, user)
            else None,
            "details_form": AccountDetailsForm(instance=account)
            if permissions.can_tick_setup(account, user)
            else None,
            "strategy": strategy,
            "exit_form": ExitStepsForm(instance=strategy)
            if strategy and permissions.can_tick_exit_steps(account, user)
            else None,
            "can_manage_team": permissions.can_manage_team(account, user),
            "add_member_form": AddMemberForm(),
            "training_form": TrainingForm()
            if permissions.can_record_training(account, user)
            else None,
            "escalations": account.escalations.all(),
            "timeline": selectors.timeline(account),
            **pages.sections_context(account, user),
        },
    )


def _blocked_actions(account, user):
    """Actions this person could take but whose guards refuse: shown with the reason."""
    blocked = []
    if account.state == AccountState.SETTING_UP and transitions.may_take(account, "go_live", user):
        blocked.extend(("Go live", reason) for reason in account.go_live_blockers())
    if (
        account.state == AccountState.CLOSING
        and transitions.may_take(account, "mark_closed", user)
        and not account.exit_steps_done()
    ):
        blocked.append(("Mark as closed", "Finish every step of the exit strategy first."))
    return blocked


@require_http_methods(["GET", "POST"])
def act(request, pk, action):
    account = selectors.account_for(request.user, pk)
    if action not in services.ACTIONS:
        raise Http404("No such action")
    transition = transitions.transition_of(account, action)
    if transition is None:
        messages.warning(
            request,
            f"That is not possible now: the account is “{account.get_state_display()}”.",
        )
        return redirect(account)
    if not transitions.may_take(account, action, request.user):
        raise PermissionDenied(transitions.refusal(account, transition))

    data = request.POST if request.method == "POST" else None
    initial = {"expected_state": transitions.stamp(account)}
    kind = transition.custom.get("form")
    if kind == "closure":
        form = ClosureForm(data, initial=initial)
    elif kind == "exit_strategy":
        form = ExitStrategyForm(
            data, initial=initial, reasons_required=transition.custom.get("comment") == "required"
        )
    elif kind == "escalation":
        initial["business_area_position"] = services.contested_position(account)
        form = ClosureEscalationForm(data, initial=initial)
    else:
        label = "Conditions it must meet" if kind == "retain" else "Comments"
        form = AccountActionForm(
            data, initial=initial, comment=transition.custom.get("comment"), comment_label=label
        )

    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        if kind == "exit_strategy":
            values = {
                "expected_state": values["expected_state"],
                "comment": values["comment"],
                "strategy": form.instance,
            }
        outcome = attempt(
            request,
            form,
            lambda: services.ACTIONS[action](account=account, actor=request.user, **values),
        )
        if outcome == "changed":
            return redirect(account)
        if outcome == "done":
            messages.success(
                request, f"{transition.custom['label']}: done. {state_of(account).next_step}"
            )
            return redirect(account)
    return render(
        request, "accounts/act.html", {"account": account, "form": form, "transition": transition}
    )


def _form_errors_to_messages(request, form):
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _done(request, account, message, anchor):
    messages.success(request, message)
    return redirect(account.get_absolute_url() + anchor)


@require_POST
def update_details(request, pk):
    account = selectors.account_for(request.user, pk)
    if not permissions.can_tick_setup(account, request.user):
        raise PermissionDenied("Only DCCT changes an account's details, before go-live.")
    form = AccountDetailsForm(request.POST, instance=account)
    if not form.is_valid():
        _form_errors_to_messages(request, form)
        return redirect(account.get_absolute_url() + "#setup")
    services.update_details(account=account, actor=request.user, form=form)
    return _done(request, account, "Account details saved.", "#setup")


@require_POST
def update_setup(request, pk):
    account = selectors.account_for(request.user, pk)
    if not permissions.can_tick_setup(account, request.user):
        raise PermissionDenied("Only DCCT ticks off the set-up checklist, before go-live.")
    form = SetupChecklistForm(request.POST, instance=account.setup)
    if not form.is_valid():
        _form_errors_to_messages(request, form)
        return redirect(account.get_absolute_url() + "#setup")
    services.update_setup(account=account, actor=request.user, form=form)
    return _done(request, account, "Set-up checklist saved.", "#setup")


@require_POST
def update_exit_steps(request, pk):
    account = selectors.account_for(request.user, pk)
    if not permissions.can_tick_exit_steps(account, request.user):
        raise PermissionDenied("Exit steps are ticked off by DCCT or the business area.")
    form = ExitStepsForm(request.POST, instance=account.exit_strategy)
    if not form.is_valid():
        _form_errors_to_messages(request, form)
        return redirect(account.get_absolute_url() + "#exit")
    services.update_exit_steps(account=account, actor=request.user, form=form)
    return _done(request, account, "Exit steps saved.", "#exit")


@require_POST
def add_member(request, pk):
    account = selectors.account_for(request.user, pk)
    if not permissions.can_manage_team(account, request.user):
        raise PermissionDenied("Only DCCT, the office head or an account owner changes the team.")
    form = AddMemberForm(request.POST)
    if form.is_valid():
        try:
            services.add_member(
                account=account,
                actor=request.user,
                person=form.person,
                role=form.cleaned_data["role"],
                provides_cover=form.cleaned_data["provides_cover"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return _done(request, account, f"{form.person} added to the team.", "#team")
    else:
        _form_errors_to_messages(request, form)
    return redirect(account.get_absolute_url() + "#team")


@require_http_methods(["GET", "POST"])
def remove_member(request, pk, member_id):
    account = selectors.account_for(request.user, pk)
    if not permissions.can_manage_team(account, request.user):
        raise PermissionDenied("Only DCCT, the office head or an account owner changes the team.")
    member = get_object_or_404(
        account.members.select_related("person"), pk=member_id, removed_on__isnull=True
    )
    form = RemoveMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_member(
                account=account,
                actor=request.user,
                member=member,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _done(request, account, f"{member.person} has left the team.", "#team")
    return render(
        request, "accounts/remove_member.html", {"account": account, "member": member, "form": form}
    )


@require_POST
def hand_over(request, pk, member_id):
    account = selectors.account_for(request.user, pk)
    if not permissions.can_manage_team(account, request.user):
        raise PermissionDenied("Only DCCT, the office head or an account owner changes the team.")
    member = get_object_or_404(
        account.members.select_related("person"), pk=member_id, removed_on__isnull=True
    )
    services.hand_over(account=account, actor=request.user, new_owner=member)
    return _done(request, account, f"{member.person} is now the owner.", "#team")


@require_POST
def record_training(request, pk):
    account = selectors.account_for(request.user, pk)
    if not permissions.can_record_training(account, request.user):
        raise PermissionDenied("Only DCCT records training.")
    form = TrainingForm(request.POST)
    if form.is_valid():
        services.record_training(
            account=account,
            actor=request.user,
            person=form.person,
            course=form.cleaned_data["course"],
            completed_on=form.cleaned_data["completed_on"],
            expires_on=form.cleaned_data["expires_on"],
        )
        return _done(request, account, f"Training recorded for {form.person}.", "#team")
    _form_errors_to_messages(request, form)
    return redirect(account.get_absolute_url() + "#team")


@require_http_methods(["GET", "POST"])
def import_inventory(request):
    """Upload → preview with every row's problems → import all rows, or none."""
    if not roles.is_dcct(request.user):
        raise PermissionDenied("Only DCCT imports the inventory.")
    result = csv_import.preview(
        request,
        form_class=InventoryUploadForm,
        salt="accounts.inventory",
        read=inventory.read_inventory,
        file_error=inventory.InventoryError,
    )
    if result.confirmed:
        created = services.import_inventory(actor=request.user, rows=result.rows)
        messages.success(request, f"{len(created)} accounts added to the register as live.")
        return redirect("accounts:register")
    return render(
        request,
        "accounts/import.html",
        {
            "form": result.form,
            "rows": result.rows,
            "payload": result.payload,
            "problem": result.problem,
            "error_count": result.error_count,
            "columns": inventory.COLUMNS,
        },
    )
