from django import forms
from django.forms import inlineformset_factory
from django.utils.html import format_html_join

from accounts.models import Account
from evaluation.models import KPI, RECERTIFICATION_ITEMS, Outcome, training_contradiction
from people import policy
from workflow.csv_import import CSVUploadForm
from workflow.forms import DateField, DecimalField, TransitionForm

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportForm(forms.Form):
    """The team's report: a value for every KPI, the narrative and the hours it took."""

    went_well = forms.CharField(
        label="What went well", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    not_well = forms.CharField(
        label="What did not go well", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    hours_spent = DecimalField(
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
            field = DecimalField(
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
    next_review_on = DateField(
        label="Bring the next review forward to",
        required=False,
        widget=DATE_INPUT,
        help_text="Needed when it must improve.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, comment=None, **kwargs)


KPI_FIELDS = ("metric", "unit", "target", "direction", "aggregation", "active")


class KPIForm(forms.ModelForm):
    class Meta:
        model = KPI
        fields = list(KPI_FIELDS)
        field_classes = {"target": DecimalField}


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
    form=KPIForm,
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


YES_NO = [("yes", "Yes"), ("no", "No")]
NOTE_NEEDED = "Say what is wrong and what is being done about it."


class RecertificationForm(TransitionForm):
    """The owner's yearly answers: yes or no to each item, with a note beside each "no"."""

    def __init__(self, *args, facts=None, trained=None, **kwargs):
        """`facts`: what the register already shows beside each question, to check against;
        `trained`: how many of the team it shows with current training."""
        super().__init__(*args, comment_label="Anything else DCCT should know", **kwargs)
        facts = facts or {}
        self.trained = trained
        comment = self.fields.pop("comment")
        for number, (field, question, help_text) in enumerate(RECERTIFICATION_ITEMS, start=1):
            self.fields[field] = forms.ChoiceField(
                label=f"{number}. {question}",
                # Crispy renders help text as HTML: the register's facts are people's own words.
                help_text=format_html_join(
                    " ", "{}", ((text,) for text in (help_text, facts.get(field)) if text)
                ),
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": "Answer yes or no."},
            )
            self.fields[f"{field}_note"] = forms.CharField(
                label="Note (needed if no)",
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )
        self.fields["comment"] = comment

    def items(self):
        """(answer, note) bound fields, in the order asked, for the page to lay out."""
        return [(self[field], self[f"{field}_note"]) for field, _, _ in RECERTIFICATION_ITEMS]

    def clean(self):
        cleaned = super().clean()
        for field, _, _ in RECERTIFICATION_ITEMS:
            note = (cleaned.get(f"{field}_note") or "").strip()
            if cleaned.get(field) == "no" and not note:
                self.add_error(f"{field}_note", NOTE_NEEDED)
        # Checked again by the service; here so that every refusal shows at once.
        if cleaned.get("team_trained") == "yes" and self.trained is not None:
            contradiction = training_contradiction(self.trained)
            if contradiction:
                self.add_error("team_trained", contradiction)
        return cleaned

    def service_values(self) -> dict:
        answers = {}
        for field, _, _ in RECERTIFICATION_ITEMS:
            answers[field] = self.cleaned_data[field] == "yes"
            answers[f"{field}_note"] = self.cleaned_data[f"{field}_note"]
        return {
            "answers": answers,
            "comment": self.cleaned_data.get("comment", ""),
            "expected_state": self.cleaned_data["expected_state"],
        }


class FollowUpForm(TransitionForm):
    """DCCT closes a follow-up, saying what was done about each "no"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, comment="required", comment_label="What was done", **kwargs)
        self.fields[
            "comment"
        ].help_text = "How each “no” was sorted out; the owner and the office head will see it."


class RecertificationDateForm(forms.Form):
    due_on = DateField(
        label="Next recertification due",
        widget=DATE_INPUT,
        help_text="Move it to spread the work or to suit the team, at most a year after the last "
        "recertification; the date chosen becomes the account's yearly day.",
    )


class FeedForm(forms.Form):
    feed_url = forms.URLField(
        label="Feed address",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Its public RSS or Atom feed (for a YouTube channel: "
        "https://www.youtube.com/feeds/videos.xml?channel_id=…). Leave it empty to stop "
        "reading one.",
    )
