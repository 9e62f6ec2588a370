from django import forms
from django.forms import inlineformset_factory

from accounts.models import Account, AccountKind, AccountState, Platform
from people.models import User
from people.widgets import PersonEmailInput
from proposals import evidence, permissions
from proposals.models import (
    AlternativeApproach,
    AlternativePlan,
    EngagementPriority,
    Proposal,
    ProposalKPI,
    ProposalTeamMember,
)
from workflow.forms import DateField, DecimalField, TransitionForm
from workflow.validators import single_line

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


OTHER_CHANNEL = "other"


class _WithOtherChannel(forms.models.ModelChoiceIterator):
    def __iter__(self):
        yield from super().__iter__()
        yield (OTHER_CHANNEL, "Other or new channel (name it below)")

    def __len__(self):
        return super().__len__() + 1


class PlatformChoiceField(forms.ModelChoiceField):
    """The catalogue's platforms, then "Other or new channel"; nothing is chosen until the
    proposer chooses. Cleans to a Platform, or None for another channel."""

    iterator = _WithOtherChannel

    def __init__(self, **kwargs):
        super().__init__(
            queryset=Platform.objects.filter(active=True),
            empty_label="Choose the platform",
            error_messages={
                "required": "Choose the platform, or “Other or new channel” and name it."
            },
            **kwargs,
        )

    def clean(self, value):
        if value in self.empty_values:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if value == OTHER_CHANNEL:
            return None
        return super().clean(value)


class WhatWhereForm(forms.ModelForm):
    platform = PlatformChoiceField(label="Platform")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk and instance.platform_id is None and instance.other_platform_name:
            self.initial["platform"] = OTHER_CHANNEL

    def clean(self):
        cleaned = super().clean()
        if "platform" in cleaned and cleaned["platform"] is None:
            if not (cleaned.get("other_platform_name") or "").strip():
                self.add_error("other_platform_name", "Name the new channel.")
        elif cleaned.get("platform") is not None:
            cleaned["other_platform_name"] = ""
        return cleaned

    class Meta:
        model = Proposal
        fields = [
            "title",
            "platform",
            "other_platform_name",
            "proposed_handle",
            "start_date",
            "time_limited",
            "end_date",
        ]
        widgets = {"start_date": DATE_INPUT, "end_date": DATE_INPUT}
        field_classes = {"start_date": DateField, "end_date": DateField}
        help_texts = {
            "proposed_handle": "For example @ScotParlYouth. DCCT will check it is free.",
            "time_limited": "Tick if the account is for a campaign or period that ends.",
        }


class ObjectivesForm(forms.ModelForm):
    priorities = forms.ModelMultipleChoiceField(
        queryset=EngagementPriority.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Public engagement priorities it supports",
    )

    class Meta:
        model = Proposal
        fields = ["objectives", "priorities"]
        help_texts = {"objectives": "What should the account achieve, and for whom?"}


class AudienceForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["audience", "audience_evidence"]
        help_texts = {
            "audience_evidence": "Figures, research or examples that show this audience uses "
            "this channel. You can attach documents as evidence on the proposal's page.",
        }


class ExistingChannelsForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["why_not_existing", "existing_accounts_response"]
        help_texts = {
            "why_not_existing": "The policy asks us to use the existing corporate channels "
            "unless there is a distinct or niche audience they cannot reach. Explain why this "
            "audience is one of those.",
            "existing_accounts_response": "Needed when the Parliament already has live "
            "corporate accounts on the platform you chose; you are asked again on "
            "submitting.",
        }


class ContentForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["content_types", "posting_frequency", "content_sources", "website_links"]
        help_texts = {"posting_frequency": "For example: three posts a week."}


class ResourcingForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["hours_per_week", "cover_arrangements", "monitoring_plan", "response_time"]
        field_classes = {"hours_per_week": DecimalField}


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["review_frequency"]


class RisksForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["risks", "accessibility", "records_and_data_protection"]


class ExitPlanForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["exit_plan"]


class RowForm(forms.ModelForm):
    """A row of a list in the business case. A new row may stay empty, so its fields are not
    marked required; once anything is typed in it, every field it needs is checked."""

    def __init__(self, *args, optional_row=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needed = []
        if optional_row:
            self.needed = [name for name, field in self.fields.items() if field.required]
            for name in self.needed:
                self.fields[name].required = False
                self.fields[name].widget.is_required = False

    def clean(self):
        cleaned = super().clean()
        for name in self.needed:
            if cleaned.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, self.fields[name].error_messages["required"])
        return cleaned


class TeamMemberForm(RowForm):
    email = forms.EmailField(label="Work email address", widget=PersonEmailInput)

    class Meta:
        model = ProposalTeamMember
        fields = ["email", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.person_id:
            self.fields["email"].initial = self.instance.person.email

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if not email:
            return email
        try:
            self.instance.person = User.objects.get(email=email, is_active=True)
        except User.DoesNotExist:
            raise forms.ValidationError(
                "Nobody with this email address can sign in. Check the spelling, or ask an "
                "administrator to add them."
            ) from None
        return email


class RowsFormSet(forms.BaseInlineFormSet):
    """A list in the business case (team, KPIs); `rows()` is what the service is given."""

    service_key = ""
    noun = "list"

    def get_form_kwargs(self, index):
        """Rows not yet saved may be left empty."""
        kwargs = super().get_form_kwargs(index)
        kwargs["optional_row"] = index is None or index >= self.initial_form_count()
        return kwargs

    def clean(self):
        super().clean()
        # A row the page showed is gone: the list was saved from another tab or by a colleague
        # since (each save replaces it), so this page would undo what they saved.
        if any(form.instance.pk is None for form in self.forms[: self.initial_form_count()]):
            raise forms.ValidationError(
                f"The {self.noun} was saved elsewhere while this page was open (in another tab "
                "or by a colleague). Reload the page to see it as it is now, then make your "
                "change again.",
                code="stale",
            )

    def rows(self) -> list[dict]:
        return [
            self.row(form)
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def row(self, form) -> dict:
        return {name: form.cleaned_data[name] for name in form._meta.fields if name != self.fk.name}


class BaseTeamFormSet(RowsFormSet):
    service_key = "team"
    noun = "team"

    def row(self, form) -> dict:
        return {"person": form.instance.person, "role": form.cleaned_data["role"]}

    def clean(self):
        super().clean()
        emails = [
            form.cleaned_data.get("email")
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if len(emails) != len(set(emails)):
            raise forms.ValidationError("Name each person once.")
        chosen = [
            form.instance.person_id
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        problems = permissions.judges_left_out(self.instance, chosen)
        if problems:
            raise forms.ValidationError(problems)


TeamFormSet = inlineformset_factory(
    Proposal,
    ProposalTeamMember,
    form=TeamMemberForm,
    formset=BaseTeamFormSet,
    extra=2,
    can_delete=True,
    can_delete_extra=False,
)


class BaseKPIFormSet(RowsFormSet):
    service_key = "kpis"
    noun = "list of KPIs"


class KPIRowForm(RowForm):
    class Meta:
        model = ProposalKPI
        fields = ["metric", "unit", "target", "direction"]
        field_classes = {"target": DecimalField}


KPIFormSet = inlineformset_factory(
    Proposal,
    ProposalKPI,
    form=KPIRowForm,
    formset=BaseKPIFormSet,
    fields=["metric", "unit", "target", "direction"],
    extra=1,
    can_delete=True,
    can_delete_extra=False,
)


# (number, title, form, formset) of the nine sections of the business case.
SECTIONS = [
    (1, "What and where", WhatWhereForm, None),
    (2, "Objectives and priorities", ObjectivesForm, None),
    (3, "Audience", AudienceForm, None),
    (4, "Existing channels", ExistingChannelsForm, None),
    (5, "Content plan", ContentForm, None),
    (6, "Resourcing", ResourcingForm, TeamFormSet),
    (7, "Evaluation", EvaluationForm, KPIFormSet),
    (8, "Risks, accessibility and records", RisksForm, None),
    (9, "Exit plan", ExitPlanForm, None),
]


class EvidenceForm(forms.Form):
    file = forms.FileField(label="Evidence file")
    description = forms.CharField(max_length=200, required=False, validators=[single_line])

    def clean_file(self):
        """The same checks as services.add_evidence, so that a refusal is said beside the field:
        its size, its name (shown, never stored on disk) and its type, read from its bytes."""
        upload = self.cleaned_data["file"]
        evidence.check_size(upload)
        evidence.display_name(upload.name)
        evidence.detect_type(upload)
        return upload


class CommentForm(forms.Form):
    body = forms.CharField(label="Add a comment", widget=forms.Textarea(attrs={"rows": 3}))


class SubmitForm(TransitionForm):
    existing_accounts_response = forms.CharField(
        label="Why are these accounts not enough?",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args, existing_accounts=(), **kwargs):
        super().__init__(*args, comment=None, **kwargs)
        self.existing_accounts = list(existing_accounts)
        if self.existing_accounts:
            self.fields["existing_accounts_response"].required = True
            self.fields["existing_accounts_response"].error_messages["required"] = (
                "Existing channels come first: say why these accounts cannot reach your audience."
            )
        else:
            del self.fields["existing_accounts_response"]


class EndorseForm(TransitionForm):
    conditions = forms.CharField(
        label="Conditions (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="For example: review after six months, or no direct messages.",
    )


class StartSetUpForm(TransitionForm):
    """Start set-up; a proposal for a new channel also needs its platform from the catalogue."""

    field_order = ["platform", "comment"]

    platform = forms.ModelChoiceField(
        queryset=Platform.objects.filter(active=True, internal=False),
        empty_label="Choose the platform",
        label="Platform in the catalogue",
        error_messages={
            "required": "Choose the platform from the catalogue; add the new channel to the "
            "catalogue first if it is not there."
        },
        help_text="A new channel must be in the catalogue, with its address rules, before its "
        "account is set up: an administrator adds it under Administration → Platforms.",
    )

    def __init__(self, *args, needs_platform=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_platform:
            del self.fields["platform"]


class AlternativePlanForm(forms.ModelForm):
    expected_state = forms.CharField(widget=forms.HiddenInput)

    class Meta:
        model = AlternativePlan
        fields = [
            "approach",
            "corporate_account",
            "pilot_end_date",
            "recommendation",
            "rationale",
            "proposer_gets",
        ]
        widgets = {"approach": forms.RadioSelect, "pilot_end_date": DATE_INPUT}
        field_classes = {"pilot_end_date": DateField}
        help_texts = {
            "recommendation": "For example: a weekly slot on the corporate Instagram account.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approach"].choices = AlternativeApproach.choices
        self.fields["corporate_account"].queryset = Account.objects.filter(
            state=AccountState.LIVE, kind=AccountKind.CORPORATE
        ).select_related("platform")
        self.fields["corporate_account"].required = False
        self.fields["corporate_account"].empty_label = "Choose the corporate account"

    def service_values(self) -> dict:
        return dict(self.cleaned_data)
