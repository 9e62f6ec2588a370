from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import selectors as account_selectors
from evaluation import metrics_import, permissions, selectors, services
from evaluation.forms import AssessForm, FrequencyForm, KPIFormSet, MetricsUploadForm, ReportForm
from evaluation.models import Review, ReviewSchedule, ReviewState
from workflow import csv_import, transitions
from workflow.permissions import require
from workflow.views import attempt, transition_page

PAGE_SIZE = 25
LISTS = {
    "due": ("Due", lambda qs, today: qs.filter(state=ReviewState.DUE, due_on__gte=today)),
    "overdue": ("Overdue", lambda qs, today: qs.filter(state=ReviewState.DUE, due_on__lt=today)),
    "submitted": ("Waiting for DCCT", lambda qs, today: qs.filter(state=ReviewState.SUBMITTED)),
    "assessed": ("Assessed", lambda qs, today: qs.filter(state=ReviewState.ASSESSED)),
}


def review_list(request):
    show = request.GET.get("show", "due")
    if show not in LISTS:
        show = "due"
    today = timezone.localdate()
    reviews = LISTS[show][1](selectors.reviews_for(request.user), today).order_by("due_on")
    return render(
        request,
        "evaluation/reviews.html",
        {
            "page": Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page")),
            "lists": [(key, label) for key, (label, _) in LISTS.items()],
            "show": show,
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
        services.adjust_evaluation(
            account=account,
            actor=request.user,
            kpis=formset.rows(),
            frequency=frequency_form.cleaned_data["frequency"] if frequency_form else None,
        )
        messages.success(request, "KPIs and review frequency saved.")
        return redirect(account)
    return render(
        request,
        "evaluation/plan.html",
        {
            "account": account,
            "formset": formset,
            "frequency_form": frequency_form,
            "schedule": schedule,
        },
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
