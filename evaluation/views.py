import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import selectors as account_selectors
from accounts.models import AccountState
from evaluation import activity, metrics_import, permissions, selectors, services
from evaluation.forms import (
    AssessForm,
    FeedForm,
    FollowUpForm,
    FrequencyForm,
    KPIFormSet,
    MetricsUploadForm,
    RecertificationDateForm,
    RecertificationForm,
    ReportForm,
)
from evaluation.models import (
    DONE_RECERTIFICATION_STATES,
    OPEN_RECERTIFICATION_STATES,
    Recertification,
    RecertificationSchedule,
    RecertificationState,
    Review,
    ReviewSchedule,
    ReviewState,
)
from workflow import csv_import, transitions
from workflow.exports import csv_download
from workflow.paging import KeysFirstPaginator
from workflow.permissions import require
from workflow.views import add_errors, attempt, transition_page

PAGE_SIZE = 25
LISTS = {
    "due": ("Due", lambda qs, today: qs.filter(state=ReviewState.DUE, due_on__gte=today)),
    "overdue": ("Overdue", lambda qs, today: qs.filter(state=ReviewState.DUE, due_on__lt=today)),
    "submitted": ("Waiting for DCCT", lambda qs, today: qs.filter(state=ReviewState.SUBMITTED)),
    "assessed": ("Assessed", lambda qs, today: qs.filter(state=ReviewState.ASSESSED)),
}


@require_safe
def review_list(request):
    show = request.GET.get("show", "due")
    if show not in LISTS:
        show = "due"
    today = timezone.localdate()
    reviews = LISTS[show][1](selectors.reviews_for(request.user), today).order_by("due_on", "pk")
    return render(
        request,
        "evaluation/reviews.html",
        {
            "page": KeysFirstPaginator(reviews, PAGE_SIZE).get_page(request.GET.get("page")),
            "lists": [(key, label) for key, (label, _) in LISTS.items()],
            "show": show,
            "show_label": LISTS[show][0],
            "today": today,
        },
    )


def _review(request, pk):
    try:
        review = selectors.review_for_page(pk)
    except Review.DoesNotExist:
        raise Http404("No review found") from None
    if not permissions.can_view(review, request.user):
        raise Http404("No review found")
    return review


def _kpis(review):
    given = {value.kpi_id: value for value in review.values.all()}
    # A retired KPI still shows on the reviews that reported on it.
    kpis = [kpi for kpi in review.account.kpis.all() if kpi.active or kpi.pk in given]
    return kpis, given


def _report_form(review, data=None):
    kpis, given = _kpis(review)
    figures = {
        **services.figures_for(review),
        **{kpi_id: value.value for kpi_id, value in given.items()},
    }
    initial = {
        "went_well": review.went_well,
        "not_well": review.not_well,
        "hours_spent": review.hours_spent,
    }
    return ReportForm(data, kpis=kpis, figures=figures, initial=initial)


def _may_report(review, user):
    return review.state == ReviewState.DUE and permissions.may_report(review, user)


def _page_context(request, review, *, report_form=None, assess_form=None):
    """The review page: the figures, the report form for the team while it is due, the
    assessment form for DCCT once submitted, and the history."""
    user = request.user
    kpis, given = _kpis(review)
    may_report = _may_report(review, user)
    if report_form is None and may_report:
        report_form = _report_form(review)
    if (
        assess_form is None
        and review.state == ReviewState.SUBMITTED
        and transitions.may_take(review, "assess", user)
    ):
        assess_form = AssessForm(initial={"expected_state": transitions.stamp(review)})
    return {
        "review": review,
        "account": review.account,
        "rows": [(kpi, given.get(kpi.pk)) for kpi in kpis],
        "report_form": report_form,
        "assess_form": assess_form,
        "missing": review.missing_items() if may_report else [],
        "overdue": review.is_overdue(),
        "events": review.events.select_related("actor"),
    }


@require_safe
def review_page(request, pk):
    review = _review(request, pk)
    return render(request, "evaluation/review.html", _page_context(request, review))


@require_POST
def report(request, pk):
    """The team saves its report, or saves and submits it to DCCT."""
    review = _review(request, pk)
    if review.state != ReviewState.DUE:
        messages.error(request, str(transitions.Changed(review)))
        return redirect(review)
    require(permissions.may_report, review, request.user)
    form = _report_form(review, request.POST)
    submit = "submit" in request.POST
    if form.is_valid():

        def save_and_submit():
            services.save_report(
                review=review,
                actor=request.user,
                values=form.values(),
                went_well=form.cleaned_data["went_well"],
                not_well=form.cleaned_data["not_well"],
                hours_spent=form.cleaned_data["hours_spent"],
            )
            if submit:
                services.submit_review(
                    review=selectors.review_for_page(review.pk), actor=request.user
                )

        outcome = attempt(request, form, save_and_submit)
        if outcome == "done":
            messages.success(request, "Review submitted to DCCT." if submit else "Report saved.")
        if outcome != "refused":
            return redirect(review)
    return render(
        request, "evaluation/review.html", _page_context(request, review, report_form=form)
    )


@require_http_methods(["GET", "POST"])
def assess(request, pk):
    """DCCT assesses a submitted review: effective, improve or close."""
    review = _review(request, pk)
    return transition_page(
        request,
        review,
        "assess",
        services={"assess": services.assess_review},
        form_for=lambda transition, data, initial: AssessForm(data, initial=initial),
        template="evaluation/review.html",
        context=lambda form: _page_context(request, review, assess_form=form),
    )


def _plan_page(
    request,
    account,
    *,
    schedule=None,
    formset=None,
    frequency_form=None,
    recertification_form=None,
    feed_form=None,
):
    """The evaluation plan page: KPIs and review frequency, the recertification date, and how
    its activity is read from its platform. A form sent to one of its sections comes back
    bound; the KPIs and the frequency are read afresh unless they are the one."""
    if formset is None:
        schedule = ReviewSchedule.objects.filter(account=account).first()
        formset = KPIFormSet(instance=account)
        frequency_form = (
            FrequencyForm(initial={"frequency": schedule.frequency}) if schedule else None
        )
    if (
        feed_form is None
        and permissions.may_set_feed(account, request.user)
        and (activity.takes_feed(account) or account.feed_url)  # one recorded can be removed
    ):
        feed_form = FeedForm(initial={"feed_url": account.feed_url}, prefix="feed")
    recertification_schedule = RecertificationSchedule.objects.filter(account=account).first()
    current = account.recertifications.filter(state__in=OPEN_RECERTIFICATION_STATES).first()
    if recertification_form is None:
        # While one is open the date is for the one after it: blank until DCCT sets one.
        known = recertification_schedule is not None and (
            current is None or recertification_schedule.next_due_on > current.due_on
        )
        recertification_form = RecertificationDateForm(
            initial={"due_on": recertification_schedule.next_due_on} if known else {},
            prefix="recertification",
        )
    return render(
        request,
        "evaluation/plan.html",
        {
            "account": account,
            "formset": formset,
            "frequency_form": frequency_form,
            "schedule": schedule,
            "recertification_schedule": recertification_schedule,
            "current_recertification": current,
            "recertification_form": recertification_form
            if permissions.may_move_recertification(account, request.user)
            and account.state == AccountState.LIVE
            else None,
            "reading": activity.how_read(account),
            "feed_form": feed_form,
        },
    )


@require_http_methods(["GET", "POST"])
def evaluation_plan(request, pk):
    """DCCT adjusts an account's KPIs and review frequency."""
    account = account_selectors.account_for(request.user, pk)
    require(permissions.may_adjust_kpis, account, request.user)
    schedule = ReviewSchedule.objects.filter(account=account).first()
    data = request.POST if request.method == "POST" else None
    formset = KPIFormSet(data, instance=account)
    # Before go-live (or after closing) there is no schedule yet: KPIs only.
    frequency_form = (
        FrequencyForm(data, initial={"frequency": schedule.frequency}) if schedule else None
    )
    frequency_ok = frequency_form is None or frequency_form.is_valid()
    if request.method == "POST" and formset.is_valid() and frequency_ok:
        try:
            services.adjust_evaluation(
                account=account,
                actor=request.user,
                kpis=formset.rows(),
                frequency=frequency_form.cleaned_data["frequency"] if frequency_form else None,
            )
        except ValidationError as error:  # nothing was saved; what was typed stays on the page
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, "KPIs and review frequency saved.")
            return redirect(account)
    return _plan_page(
        request, account, schedule=schedule, formset=formset, frequency_form=frequency_form
    )


@require_POST
def feed(request, pk):
    """DCCT records the address of an account's feed, which the daily reading reads."""
    account = account_selectors.account_for(request.user, pk)
    require(permissions.may_set_feed, account, request.user)
    form = FeedForm(request.POST, prefix="feed")
    if form.is_valid():
        try:
            changed = services.set_feed(
                account=account, actor=request.user, feed_url=form.cleaned_data["feed_url"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if changed:
                messages.success(
                    request,
                    "Feed address saved: the daily reading takes its latest post from it."
                    if form.cleaned_data["feed_url"]
                    else "Feed address removed.",
                )
            return redirect(reverse("evaluation:plan", args=[account.pk]) + "#reading")
    return _plan_page(request, account, feed_form=form)


@require_POST
def recertification_date(request, pk):
    """DCCT moves the date an account's next yearly recertification falls due."""
    account = account_selectors.account_for(request.user, pk)
    require(permissions.may_move_recertification, account, request.user)
    form = RecertificationDateForm(request.POST, prefix="recertification")
    if form.is_valid():
        try:
            services.move_recertification(
                account=account, actor=request.user, due_on=form.cleaned_data["due_on"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                f"The next recertification is due on {form.cleaned_data['due_on']:%-d %B %Y}.",
            )
            return redirect(account.get_absolute_url() + "#recertification")
    return _plan_page(request, account, recertification_form=form)


@require_safe
def figures_csv(request, pk):
    """Every figure of the account, since it started (its page charts the last few years), as
    CSV; for whoever may see the account. The export is logged."""
    account = account_selectors.account_for(request.user, pk)
    return csv_download(
        filename=f"account-{account.pk}-figures.csv",
        columns=selectors.FIGURE_COLUMNS,
        rows=selectors.all_figures(account),
        user=request.user,
        what=f"Figures of {account} (CSV)",
    )


@require_http_methods(["GET", "POST"])
def import_metrics(request, pk):
    """Upload an analytics export → preview with every row's problems → store all or none."""
    account = account_selectors.account_for(request.user, pk)
    require(permissions.may_import_metrics, account, request.user)
    result = csv_import.preview(
        request,
        form_class=MetricsUploadForm,
        salt="evaluation.metrics",
        read=lambda text: metrics_import.read_export(text, kpis=account.kpis.all()),
        file_error=metrics_import.ExportError,
    )
    if result.confirmed:
        count = services.import_metrics(account=account, actor=request.user, rows=result.rows)
        messages.success(request, f"{count} figures imported.")
        return redirect(account)
    return render(
        request,
        "evaluation/import_metrics.html",
        {
            "account": account,
            "form": result.form,
            "rows": result.rows,
            "payload": result.payload,
            "problem": result.problem,
            "error_count": result.error_count,
        },
    )


# --- Yearly recertification ----------------------------------------------------------------------

RS = RecertificationState
# Open ones are chased only while the account is live: one closing or closed has other business.
RECERTIFICATION_LISTS = {
    "open": (
        "Open",
        lambda qs, today: qs.filter(
            state=RS.OPEN, due_on__gte=today, account__state=AccountState.LIVE
        ),
    ),
    "overdue": (
        "Overdue",
        lambda qs, today: qs.filter(
            state=RS.OPEN, due_on__lt=today, account__state=AccountState.LIVE
        ),
    ),
    "follow_up": ("Needs follow-up", lambda qs, today: qs.filter(state=RS.NEEDS_FOLLOW_UP)),
    "done": (
        "Done",
        # Latest first, through the partial index on done ones.
        lambda qs, today: qs.filter(state__in=DONE_RECERTIFICATION_STATES),
    ),
}


@require_safe
def recertification_list(request):
    """Yearly recertifications, open, overdue, waiting for DCCT's follow-up or done: every
    account's for DCCT, the policy owner and HEC; their office's and teams' for everyone else."""
    show = request.GET.get("show", "open")
    if show not in RECERTIFICATION_LISTS:
        show = "open"
    today = timezone.localdate()
    listed = RECERTIFICATION_LISTS[show][1](selectors.recertifications_for(request.user), today)
    order = "-due_on" if show == "done" else "due_on"
    return render(
        request,
        "evaluation/recertifications.html",
        {
            "page": KeysFirstPaginator(listed.order_by(order, "pk"), PAGE_SIZE).get_page(
                request.GET.get("page")
            ),
            "lists": [(key, label) for key, (label, _) in RECERTIFICATION_LISTS.items()],
            "show": show,
            "show_label": RECERTIFICATION_LISTS[show][0],
            "today": today,
            "grace_days": settings.RECERTIFICATION_GRACE_DAYS,
            "grace_cutoff": today - datetime.timedelta(days=settings.RECERTIFICATION_GRACE_DAYS),
        },
    )


def _recertification(request, pk):
    """The recertification with its account, or 404 for anyone who may not see the account."""
    try:
        recertification = selectors.recertification_for_page(pk)
    except Recertification.DoesNotExist:
        raise Http404("No recertification found") from None
    if not permissions.can_view(recertification, request.user):
        raise Http404("No recertification found")
    return recertification


def _facts(recertification) -> dict:
    """What the register already knows beside each question, to check the answer against."""
    account = recertification.account
    team = account.current_team()
    trained = account.trained_team()
    setup = getattr(account, "setup", None)
    return {
        "team_current": "On the register: "
        + ("; ".join(f"{m.person} ({m.get_role_display().lower()})" for m in team) or "nobody")
        + ".",
        "team_trained": f"On the register, {len(trained)} of the team "
        f"{'holds' if len(trained) == 1 else 'hold'} current training"
        + (": " + ", ".join(str(m.person) for m in trained) if trained else "")
        + ".",
        "credentials_in_password_manager": f"Recorded at set-up: {setup.password_manager_entry}."
        if setup and setup.password_manager_entry
        else "",
        "two_factor": "Ticked at set-up." if setup and setup.two_factor else "",
        "corporate_email": f"Recorded at set-up: {setup.corporate_email_address}."
        if setup and setup.corporate_email_address
        else "",
        "links_to_website": f"Profile: {account.url}." if account.url else "",
        "still_needed": f"Its purpose: {account.purpose}" if account.purpose else "",
    }


def _recertification_form(recertification, data=None, *, initial):
    return RecertificationForm(
        data,
        initial=initial,
        facts=_facts(recertification),
        trained=len(recertification.account.trained_team()),
    )


def _recertification_context(request, recertification, *, form=None, follow_up_form=None):
    """The recertification page: the owner's form while it is open; for everyone else who may
    see it, the answers so far and the log; DCCT's follow-up form after any "no"."""
    user = request.user
    stamp = {"expected_state": transitions.stamp(recertification)}
    facts = _facts(recertification)
    if form is None and transitions.may_take(recertification, "submit", user):
        form = _recertification_form(recertification, initial=stamp)
    if follow_up_form is None and transitions.may_take(recertification, "close_follow_up", user):
        follow_up_form = FollowUpForm(initial=stamp)
    today = timezone.localdate()
    account = recertification.account
    return {
        "recertification": recertification,
        "account": account,
        "recertification_form": form,
        "follow_up_form": follow_up_form,
        "answers": [{**item, "fact": facts[item["field"]]} for item in recertification.answers()],
        "answered": recertification.submitted_at is not None,
        "overdue": recertification.is_overdue(today),
        "past_grace": recertification.past_grace(today),
        "days_overdue": recertification.days_overdue(today),
        "grace_days": settings.RECERTIFICATION_GRACE_DAYS,
        "without_owner": recertification.state == RS.OPEN
        and not permissions.current_owners(account),
        "events": selectors.recertification_log(recertification),
    }


@require_safe
def recertification_page(request, pk):
    recertification = _recertification(request, pk)
    return render(
        request,
        "evaluation/recertification.html",
        _recertification_context(request, recertification),
    )


@require_http_methods(["GET", "POST"])
def submit_recertification(request, pk):
    """The owner answers each item and submits; any "no" goes to DCCT to follow up."""
    recertification = _recertification(request, pk)
    return transition_page(
        request,
        recertification,
        "submit",
        services=services.RECERTIFICATION_ACTIONS,
        form_for=lambda transition, data, initial: _recertification_form(
            recertification, data, initial=initial
        ),
        template="evaluation/recertification.html",
        context=lambda form: _recertification_context(request, recertification, form=form),
    )


@require_http_methods(["GET", "POST"])
def close_follow_up(request, pk):
    """DCCT closes the follow-up of an answer "no", saying what was done."""
    recertification = _recertification(request, pk)
    return transition_page(
        request,
        recertification,
        "close_follow_up",
        services=services.RECERTIFICATION_ACTIONS,
        form_for=lambda transition, data, initial: FollowUpForm(data, initial=initial),
        template="evaluation/recertification.html",
        context=lambda form: _recertification_context(
            request, recertification, follow_up_form=form
        ),
    )
