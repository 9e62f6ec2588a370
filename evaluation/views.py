from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts import selectors as account_selectors
from evaluation import metrics_import, permissions, selectors, services
from evaluation.forms import AssessForm, FrequencyForm, KPIFormSet, MetricsUploadForm, ReportForm
from evaluation.models import Review, ReviewSchedule, ReviewState
from workflow import csv_import, transitions

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


@require_http_methods(["GET", "POST"])
def review_page(request, pk):
    review = _review(request, pk)
    user = request.user
    given_kpis = {value.kpi_id for value in review.values.all()}
    # A retired KPI still shows on the reviews that reported on it.
    kpis = [kpi for kpi in review.account.kpis.all() if kpi.active or kpi.pk in given_kpis]
    may_report = review.state == ReviewState.DUE and permissions.may_report(review, user)
    given = {value.kpi_id: value for value in review.values.all()}
    report_form = assess_form = None
    if may_report:
        figures = {
            **services.figures_for(review),
            **{kpi_id: value.value for kpi_id, value in given.items()},
        }
        initial = {
            "went_well": review.went_well,
            "not_well": review.not_well,
            "hours_spent": review.hours_spent,
        }
        report_form = ReportForm(
            request.POST if "report" in request.POST else None,
            kpis=kpis,
            figures=figures,
            initial=initial,
        )
    if review.state == ReviewState.SUBMITTED and transitions.may_take(review, "assess", user):
        assess_form = AssessForm(
            request.POST if "assess" in request.POST else None,
            initial={"expected_state": transitions.stamp(review)},
        )

    if request.method == "POST":
        expected = {"report": ReviewState.DUE, "assess": ReviewState.SUBMITTED}
        for step, state in expected.items():
            if step in request.POST and review.state != state:
                # Somebody acted first: say so, rather than refuse.
                messages.error(request, str(transitions.Changed(review)))
                return redirect(review)
        if "report" in request.POST:
            if report_form is None:
                raise PermissionDenied("Only the account's team reports on a review that is due.")
            if report_form.is_valid() and _report(request, review, report_form):
                return redirect(review)
        elif "assess" in request.POST:
            if assess_form is None:
                raise PermissionDenied("Only DCCT assesses a submitted review.")
            if assess_form.is_valid() and _assess(request, review, assess_form):
                return redirect(review)
        else:
            raise PermissionDenied("Unknown action.")

    return render(
        request,
        "evaluation/review.html",
        {
            "review": review,
            "account": review.account,
            "rows": [(kpi, given.get(kpi.pk)) for kpi in kpis],
            "report_form": report_form,
            "assess_form": assess_form,
            "missing": review.missing_items() if may_report else [],
            "overdue": review.is_overdue(),
            "events": review.events.select_related("actor"),
        },
    )


def _report(request, review, form):
    submit = "submit" in request.POST
    try:
        with transaction.atomic():
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
    except transitions.NotReady as not_ready:
        for reason in not_ready.reasons:
            form.add_error(None, reason)
        return False
    except ValidationError as error:
        form.add_error(None, error)
        return False
    except transitions.Changed as changed:
        messages.error(request, str(changed))
        return True
    messages.success(request, "Review submitted to DCCT." if submit else "Report saved.")
    return True


def _assess(request, review, form):
    try:
        with transaction.atomic():
            services.assess_review(review=review, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return False
    except transitions.Changed as changed:
        messages.error(request, str(changed))
        return True
    messages.success(request, "Assess review: done.")
    return True


@require_http_methods(["GET", "POST"])
def evaluation_plan(request, pk):
    """DCCT adjusts an account's KPIs and review frequency."""
    account = account_selectors.account_for(request.user, pk)
    if not permissions.may_adjust_kpis(account, request.user):
        raise PermissionDenied("Only DCCT adjusts KPIs.")
    schedule = ReviewSchedule.objects.filter(account=account).first()
    data = request.POST if request.method == "POST" else None
    formset = KPIFormSet(data, instance=account)
    frequency_form = FrequencyForm(data, initial={"frequency": schedule.frequency})
    if request.method == "POST" and formset.is_valid() and frequency_form.is_valid():
        services.adjust_evaluation(
            account=account,
            actor=request.user,
            formset=formset,
            frequency=frequency_form.cleaned_data["frequency"],
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
    if not permissions.may_import_metrics(account, request.user):
        raise PermissionDenied("Only the account's team or DCCT imports its figures.")
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
