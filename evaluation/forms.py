from django import forms
from django.forms import inlineformset_factory

from accounts.models import Account
from evaluation.models import KPI, Outcome
from people import policy
from workflow.csv_import import CSVUploadForm
from workflow.forms import TransitionForm

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportForm(forms.Form):
    """The team's report: a value for every KPI, the narrative and the hours it took."""

    went_well = forms.CharField(
        label="What went well", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    not_well = forms.CharField(
        label="What did not go well", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    hours_spent = forms.DecimalField(
        label="Hours actually spent a week",
        min_value=0,
        max_digits=5,
        decimal_places=1,
        required=False,
    )

    def __init__(self, *args, kpis=(), figures=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpis = list(kpis)
        figures = figures or {}
        for kpi in reversed(self.kpis):
            field = forms.DecimalField(
                label=f"{kpi.metric} ({kpi.unit})",
                help_text=f"Target {kpi.target.normalize():f} – "
                f"{kpi.get_direction_display().lower()}."
                + (" Filled in from the imported figures." if kpi.pk in figures else ""),
                max_digits=14,
                decimal_places=2,
                required=False,
                initial=figures.get(kpi.pk),
            )
            self.fields = {f"kpi_{kpi.pk}": field, **self.fields}

    def values(self):
        return {kpi: self.cleaned_data.get(f"kpi_{kpi.pk}") for kpi in self.kpis}


class AssessForm(TransitionForm):
    """DCCT's assessment; its reasons are the assessment itself, so no separate comment."""

    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    assessment = forms.CharField(
        label="DCCT's assessment", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    action_plan = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Needed when it must improve.",
    )
    next_review_on = forms.DateField(
        label="Bring the next review forward to",
        required=False,
        widget=DATE_INPUT,
        help_text="Needed when it must improve.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, comment=None, **kwargs)


KPI_FIELDS = ("metric", "unit", "target", "direction", "aggregation", "active")


class BaseKPIFormSet(forms.BaseInlineFormSet):
    def rows(self) -> list[dict]:
        """What the service is given: each filled-in row, with its KPI's id when it has one."""
        return [
            {"id": form.instance.pk, **{name: form.cleaned_data[name] for name in KPI_FIELDS}}
            for form in self.forms
            if form.cleaned_data
        ]

    def clean(self):
        super().clean()
        names = [
            form.cleaned_data["metric"].strip().lower()
            for form in self.forms
            if form.cleaned_data.get("metric")
        ]
        if len(names) != len(set(names)):
            raise forms.ValidationError("Each KPI needs its own metric name.")


# KPIs are retired (untick "active"), never deleted: past reviews keep their values.
KPIFormSet = inlineformset_factory(
    Account,
    KPI,
    formset=BaseKPIFormSet,
    fields=list(KPI_FIELDS),
    extra=1,
    can_delete=False,
)


class FrequencyForm(forms.Form):
    frequency = forms.ChoiceField(choices=policy.ReviewFrequency.choices, label="Review frequency")


class MetricsUploadForm(CSVUploadForm):
    file = forms.FileField(
        label="Analytics export (CSV)",
        help_text="Columns: date, metric, value. Metric names must match the account's KPIs.",
    )
