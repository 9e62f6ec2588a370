from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import inventory, pages, permissions, selectors, services
from accounts import register as public_register
from accounts.filters import RegisterFilter
from accounts.forms import (
    AccountDetailsForm,
    AddMemberForm,
    CaseReferenceForm,
    ClosureForm,
    ExitStepsForm,
    ExitStrategyForm,
    InventoryUploadForm,
    RemoveMemberForm,
    SetupChecklistForm,
    TrainingForm,
)
from accounts.models import AccountState, ReportState
from workflow import csv_import, transitions
from workflow.exports import log_download, log_export
from workflow.forms import EscalationForm, TransitionForm
from workflow.paging import KeysFirstPaginator
from workflow.permissions import require
from workflow.views import add_errors, transition_page

PAGE_SIZE = 25


def register(request):
    filters = RegisterFilter(request.GET, queryset=selectors.visible_accounts(request.user))
    page = KeysFirstPaginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    # Marks other apps put on the rows (pages.register_marks), one lookup for the page.
    page.object_list = list(page.object_list)
    marks = pages.register_marks(page.object_list, request.user)
    for account in page.object_list:
        account.register_marks = marks.get(account.pk, [])
    return render(
        request,
        "accounts/register.html",
        {"filter": filters, "page": page},
    )


def detail(request, pk):
    return _page(request, pk)


def _page(request, pk, **bound):
    """The account page, read afresh; a form the person just sent comes back bound (`bound`),
    with what they typed and each error beside its field. Each form has its own prefix, so
    that no two fields on the page share an id."""
    account = selectors.account_for(request.user, pk)
    user = request.user
    setup = getattr(account, "setup", None)
    strategy = getattr(account, "exit_strategy", None)
    may_set_up = permissions.can_tick_setup(account, user)
    forms = {
        "setup_form": SetupChecklistForm(instance=setup, prefix="setup")
        if setup and may_set_up
        else None,
        "details_form": AccountDetailsForm(instance=account, prefix="details")
        if may_set_up
        else None,
        "exit_form": ExitStepsForm(instance=strategy, prefix="exit")
        if strategy and permissions.can_tick_exit_steps(account, user)
        else None,
        "add_member_form": AddMemberForm(prefix="member"),
        "training_form": TrainingForm(prefix="training")
        if permissions.can_record_training(account, user)
        else None,
    }
    forms.update(bound)
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
            "strategy": strategy,
            "can_manage_team": permissions.can_manage_team(account, user),
            "escalations": account.escalations.all(),
            "timeline": selectors.timeline(account),
            **forms,
            **pages.sections_context(account, user),
        },
    )


def record_csv(request, pk):
    """The account's log as CSV, row for row; the export is logged."""
    account = selectors.account_for(request.user, pk)
    return log_download(
        entries=selectors.timeline(account),
        filename=f"account-{account.pk}-log.csv",
        user=request.user,
        what=f"Log of {account} (CSV)",
    )


def record(request, pk):
    """The whole history of an account on one printable page; the export is logged."""
    account = selectors.account_for(request.user, pk)
    log_export(user=request.user, what=f"Printable record of {account}")
    return render(
        request,
        "accounts/record.html",
        {
            "account": account,
            "timeline": selectors.timeline(account),
            "escalations": account.escalations.all(),
            "strategy": getattr(account, "exit_strategy", None),
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


def _step_form(account):
    def form_for(transition, data, initial):
        kind = transition.custom.get("form")
        if kind == "closure":
            return ClosureForm(data, initial=initial)
        if kind == "exit_strategy":
            reasons_required = transition.custom.get("comment") == "required"
            return ExitStrategyForm(data, initial=initial, reasons_required=reasons_required)
        if kind == "escalation":
            initial["business_area_position"] = services.contested_position(account)
            return EscalationForm(data, initial=initial)
        return TransitionForm(
            data,
            initial=initial,
            comment=transition.custom.get("comment"),
            comment_label="Conditions it must meet" if kind == "retain" else "Comments",
        )

    return form_for


@require_http_methods(["GET", "POST"])
def act(request, pk, action):
    """One page for every step of an account's life: the form it needs, then the service."""
    account = selectors.account_for(request.user, pk)
    return transition_page(
        request,
        account,
        action,
        services=services.ACTIONS,
        form_for=_step_form(account),
        template="accounts/act.html",
    )


def _done(request, account, message, anchor):
    messages.success(request, message)
    return redirect(account.get_absolute_url() + anchor)


def _update(request, account, form, *, key, rule, save, message, anchor):
    """Save one of the account page's own forms; refused, the page comes back with it bound."""
    require(rule, account, request.user)
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _done(request, account, message, anchor)
    return _page(request, account.pk, **{key: form})


@require_POST
def update_details(request, pk):
    account = selectors.account_for(request.user, pk)
    return _update(
        request,
        account,
        AccountDetailsForm(request.POST, instance=account, prefix="details"),
        key="details_form",
        rule=permissions.can_tick_setup,
        save=lambda values: services.update_details(account=account, actor=request.user, **values),
        message="Account details saved.",
        anchor="#setup",
    )


@require_POST
def update_setup(request, pk):
    """The set-up form: the account's details on the platform and the checklist, saved
    together with one button (or the checklist alone, when no details are sent)."""
    account = selectors.account_for(request.user, pk)
    require(permissions.can_tick_setup, account, request.user)
    checklist = SetupChecklistForm(request.POST, instance=_part(account, "setup"), prefix="setup")
    details = (
        AccountDetailsForm(request.POST, instance=account, prefix="details")
        if any(name.startswith("details-") for name in request.POST)
        else None
    )
    if checklist.is_valid() and (details is None or details.is_valid()):
        try:
            with transaction.atomic():
                if details is not None:
                    _saving_into(
                        details,
                        lambda: services.update_details(
                            account=account, actor=request.user, **details.cleaned_data
                        ),
                    )
                _saving_into(
                    checklist,
                    lambda: services.update_setup(
                        account=account, actor=request.user, checklist=checklist.cleaned_data
                    ),
                )
        except ValidationError:
            pass  # the errors are on their forms; nothing was saved
        else:
            return _done(request, account, "Set-up saved.", "#setup")
    bound = {"setup_form": checklist, **({"details_form": details} if details else {})}
    return _page(request, account.pk, **bound)


def _part(account, name):
    """The account's checklist or exit strategy, which its state implies; 404 where it has
    none (its page shows no form for it)."""
    part = getattr(account, name, None)
    if part is None:
        raise Http404(f"This account has no {name.replace('_', ' ')}.")
    return part


def _saving_into(form, save):
    """Run `save`; a refusal goes onto `form`, beside its fields, and on up to roll back."""
    try:
        save()
    except ValidationError as error:
        add_errors(form, error)
        raise


@require_POST
def update_exit_steps(request, pk):
    account = selectors.account_for(request.user, pk)
    # The rule first: only a closing account has an exit strategy to tick off.
    require(permissions.can_tick_exit_steps, account, request.user)
    return _update(
        request,
        account,
        ExitStepsForm(request.POST, instance=_part(account, "exit_strategy"), prefix="exit"),
        key="exit_form",
        rule=permissions.can_tick_exit_steps,
        save=lambda values: services.update_exit_steps(
            account=account, actor=request.user, steps=values
        ),
        message="Exit steps saved.",
        anchor="#exit",
    )


@require_POST
def add_member(request, pk):
    account = selectors.account_for(request.user, pk)
    require(permissions.can_manage_team, account, request.user)
    form = AddMemberForm(request.POST, prefix="member")
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
            add_errors(form, error)
        else:
            return _done(request, account, f"{form.person} added to the team.", "#team")
    return _page(request, account.pk, add_member_form=form)


def _current_member(request, account, member_id):
    """The team member a page acts on, or None (with a message) if they have left meanwhile:
    the page was open in another tab, or somebody else removed them first."""
    member = get_object_or_404(account.members.select_related("person"), pk=member_id)
    if member.removed_on is not None:
        messages.info(request, f"{member.person} has already left the team.")
        return None
    return member


@require_http_methods(["GET", "POST"])
def remove_member(request, pk, member_id):
    account = selectors.account_for(request.user, pk)
    require(permissions.can_manage_team, account, request.user)
    member = _current_member(request, account, member_id)
    if member is None:
        return redirect(account.get_absolute_url() + "#team")
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
    require(permissions.can_manage_team, account, request.user)
    member = _current_member(request, account, member_id)
    if member is None:
        return redirect(account.get_absolute_url() + "#team")
    try:
        services.hand_over(account=account, actor=request.user, new_owner=member)
    except ValidationError:  # they left the team while this page was open
        messages.error(request, f"{member.person} is no longer on the team: choose someone else.")
        return redirect(account.get_absolute_url() + "#team")
    return _done(request, account, f"{member.person} is now the owner.", "#team")


@require_POST
def record_training(request, pk):
    account = selectors.account_for(request.user, pk)
    require(permissions.can_record_training, account, request.user)
    form = TrainingForm(request.POST, prefix="training")
    if form.is_valid():
        try:
            services.record_training(
                account=account,
                actor=request.user,
                person=form.person,
                course=form.cleaned_data["course"],
                completed_on=form.cleaned_data["completed_on"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _done(request, account, f"Training recorded for {form.person}.", "#team")
    return _page(request, account.pk, training_form=form)


@require_http_methods(["GET", "POST"])
def import_inventory(request):
    """Upload → preview with every row's problems → import all rows, or none."""
    require(permissions.may_import_inventory, request.user)
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


# --- Reports of impersonation -------------------------------------------------------------------

# The lists of the reports page: the reports still being dealt with first.
REPORT_LISTS = [
    ("", "Being dealt with"),
    *((state.value, state.label) for state in ReportState),
    ("all", "All"),
]


@require_safe
def reports(request):
    """DCCT's queue of reports of accounts pretending to be the Parliament, a page at a time."""
    require(permissions.sees_impersonation_reports, request.user)
    state = request.GET.get("state", "")
    if state not in dict(REPORT_LISTS):
        state = ""
    page = KeysFirstPaginator(selectors.impersonation_reports(state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/reports.html",
        {"page": page, "lists": REPORT_LISTS, "state": state},
    )


def _report_form(transition, data, initial):
    """Each action's form, prefixed with its name: the report page shows them side by side."""
    if transition.custom.get("form") == "case_reference":
        return CaseReferenceForm(data, initial=initial, prefix=transition.name)
    return TransitionForm(
        data,
        initial=initial,
        prefix=transition.name,
        comment=transition.custom.get("comment"),
        comment_label=transition.custom.get("comment_label", "Comments"),
    )


def _report_page(request, report, bound=None):
    """The report, the reports merged into it, its log and this person's actions, each with its
    form: `bound` maps an action to the form just sent, with what was typed and its errors."""
    bound = bound or {}
    initial = {"expected_state": transitions.stamp(report)}
    available = sorted(
        report.get_available_user_state_transitions(request.user),
        key=lambda transition: transition.custom.get("style", "").startswith("outline"),
    )  # the step that moves the report on first, then the ones that close it as it stands
    actions = [
        (transition, bound.get(transition.name) or _report_form(transition, None, initial))
        for transition in available
    ]
    status, account, _ = public_register.find(report.address)
    duplicates, merged_count = selectors.merged_reports(report)
    return {
        "report": report,
        "actions": actions,
        "duplicates": duplicates,
        "merged_count": merged_count,
        "timeline": selectors.report_timeline(report),
        "former_account": account if status == "closed" else None,
        "sees_emails": permissions.sees_reporters_emails(request.user),
    }


@require_safe
def report(request, pk):
    report = selectors.report_for(request.user, pk)
    return render(request, "accounts/report.html", _report_page(request, report))


def _called_with_report(service):
    """A report's service as transition_page calls it, with the object under its model's name."""

    def call(*, impersonationreport, **values):
        return service(report=impersonationreport, **values)

    return call


@require_http_methods(["GET", "POST"])
def act_on_report(request, pk, action):
    """One of DCCT's steps on a report; refused, the report page comes back with the form as
    it was sent and the errors beside their fields."""
    report = selectors.report_for(request.user, pk)
    return transition_page(
        request,
        report,
        action,
        services={
            name: _called_with_report(service) for name, service in services.REPORT_ACTIONS.items()
        },
        form_for=_report_form,
        template="accounts/report.html",
        context=lambda form: _report_page(request, report, {action: form}),
    )
