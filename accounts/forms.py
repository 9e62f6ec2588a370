from django import forms
from django.utils import timezone

from accounts import register
from accounts.handles import browser_reading, names_another_scheme
from accounts.models import (
    Account,
    AccountMember,
    ClosureReason,
    ExitStrategy,
    SetupChecklist,
)
from people import policy
from people.models import User
from people.widgets import PersonEmailInput
from workflow.csv_import import CSVUploadForm
from workflow.forms import DateField, TransitionForm, require_comment
from workflow.validators import single_line

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AccountDetailsForm(forms.ModelForm):
    url = forms.URLField(label="Profile URL", required=False, assume_scheme="https")

    class Meta:
        model = Account
        fields = ["display_name", "handle", "url"]
        help_texts = {
            "handle": "As on the platform; a profile address works too.",
            "url": "Filled in from the handle when left empty.",
        }


class SetupChecklistForm(forms.ModelForm):
    class Meta:
        model = SetupChecklist
        fields = [
            "corporate_email",
            "corporate_email_address",
            "credentials_in_password_manager",
            "password_manager_entry",
            "two_factor",
            "profile_complete",
            "in_management_tool",
            "team_trained",
            "listed_in_register",
        ]
        labels = dict(
            SetupChecklist.ITEMS,
            corporate_email_address="Corporate email address used",
        )


class ExitStepsForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        for field, _, _ in ExitStrategy.STEPS:
            if cleaned.get(field) and cleaned[field] > today:
                self.add_error(field, "A step is ticked once done: the date cannot be ahead.")
        return cleaned

    class Meta:
        model = ExitStrategy
        fields = [field for field, _, _ in ExitStrategy.STEPS]
        labels = {field: f"{label}: done on" for field, label, _ in ExitStrategy.STEPS}
        widgets = {field: DATE_INPUT for field, _, _ in ExitStrategy.STEPS}
        field_classes = {field: DateField for field, _, _ in ExitStrategy.STEPS}


def _person_by_email(email):
    try:
        return User.objects.get(email=email.strip().lower(), is_active=True)
    except User.DoesNotExist:
        raise forms.ValidationError(
            "Nobody with this email address can sign in. Check the spelling, or ask an "
            "administrator to add them."
        ) from None


class AddMemberForm(forms.Form):
    email = forms.EmailField(
        label="Work email address",
        widget=PersonEmailInput,
        help_text="Type a name, email or office to find them.",
    )
    role = forms.ChoiceField(choices=AccountMember.Role.choices, initial="editor")
    provides_cover = forms.BooleanField(required=False, label="Covers for the owner")

    def clean_email(self):
        self.person = _person_by_email(self.cleaned_data["email"])
        return self.cleaned_data["email"]


class RemoveMemberForm(forms.Form):
    reason = forms.CharField(
        max_length=200, label="Why they are leaving the team", validators=[single_line]
    )


class TrainingForm(forms.Form):
    email = forms.EmailField(
        label="Team member's work email address",
        widget=PersonEmailInput,
        help_text="Type a name, email or office to find them.",
    )
    course = forms.CharField(
        max_length=200, initial="Social media for SPS staff", validators=[single_line]
    )
    completed_on = DateField(widget=DATE_INPUT)
    expires_on = DateField(
        widget=DATE_INPUT, required=False, help_text="Leave empty if it does not expire."
    )

    def clean_email(self):
        self.person = _person_by_email(self.cleaned_data["email"])
        return self.cleaned_data["email"]

    def clean(self):
        cleaned = super().clean()
        completed, expires = cleaned.get("completed_on"), cleaned.get("expires_on")
        if completed and expires and expires <= completed:
            self.add_error("expires_on", "The expiry date must be after the completion date.")
        return cleaned


class ClosureForm(TransitionForm):
    reason = forms.ChoiceField(choices=ClosureReason.choices, widget=forms.RadioSelect)
    explanation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Why it should close",
        error_messages={"required": "Explain why it should close."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, comment=None, **kwargs)


class ExitStrategyForm(forms.ModelForm):
    expected_state = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Comments (optional)"
    )

    class Meta:
        model = ExitStrategy
        fields = ["final_post", "redirect_to", "archive_location", "handle_outcome", "closing_date"]
        widgets = {"closing_date": DATE_INPUT, "final_post": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"closing_date": DateField}
        help_texts = {
            "closing_date": (
                f"Allow {max(policy.CLOSURE_NOTICE_DAYS.values())} days for the notices to "
                "followers."
            ),
        }

    def clean_closing_date(self):
        closing_date = self.cleaned_data["closing_date"]
        earliest = ExitStrategy.earliest_closing_date(timezone.localdate())
        if closing_date < earliest:
            raise forms.ValidationError(
                f"Followers are told {policy.CLOSURE_NOTICE_DAYS['four_weeks']} days before an "
                f"account closes: the earliest closing date is {earliest:%-d %B %Y}."
            )
        return closing_date

    def __init__(self, *args, reasons_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        if reasons_required:
            require_comment(self, True, "Your reasons")

    def service_values(self) -> dict:
        """The exit strategy's fields apart from the decision's own."""
        values = dict(self.cleaned_data)
        decision = {name: values.pop(name) for name in ("expected_state", "comment")}
        return {**decision, "exit_strategy": values}


class InventoryUploadForm(CSVUploadForm):
    file = forms.FileField(
        label="Inventory CSV file",
        help_text="Columns: platform, handle, url, office, owner_emails "
        "(separated by ;), and optionally display_name and kind.",
    )


class ImpersonationReportForm(forms.Form):
    """The public's report of an account pretending to be the Parliament. `website` is a trap
    for robots: hidden from people and from screen readers, so only a robot fills it in."""

    # Bigger than any report the fields allow, even in four-byte characters, percent-encoded.
    MAX_BODY_BYTES = 64 * 1024

    profile_address = forms.CharField(
        label="The account's address",
        max_length=register.MAX_LOOKUP,
        widget=forms.URLInput,
        help_text="Copy it from your browser's address bar or the app's “share” button, for "
        "example https://x.com/name.",
        error_messages={
            "required": "Give the account's address.",
            "invalid": "Give the account's full address, for example https://x.com/name.",
        },
    )
    looks_official = forms.CharField(
        label="What makes it look like one of ours?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For example: it uses the Parliament's name or logo, or says it speaks for the "
        "Parliament. At most 2,000 characters.",
        error_messages={"required": "Tell us what makes it look official."},
    )
    contact_email = forms.EmailField(
        label="Your email address (optional)",
        required=False,
        max_length=254,
        help_text="Only to tell you that your report arrived and what we did about it. It is "
        "never published.",
    )
    website = forms.CharField(required=False, label="Leave this empty")

    def clean_profile_address(self):
        """Any address a browser opens as a web page, read as the browser reads it: Django's
        URL validator refuses some of those (full-width dots, tabs) and reads others elsewhere
        than a browser does (a backslash before "@")."""
        address = self.cleaned_data["profile_address"]
        if names_another_scheme(address):
            raise forms.ValidationError(
                "Give the address of a page on the web, starting https://.", code="invalid"
            )
        reading = browser_reading(address)
        # A name without a dot is a bare handle (@FakeScotParl) read as a host, not an address.
        if reading is None or not ("." in reading.host.strip(".") or reading.host.startswith("[")):
            raise forms.ValidationError(
                self.fields["profile_address"].error_messages["invalid"], code="invalid"
            )
        return address

    @property
    def from_a_robot(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def service_values(self) -> dict:
        return {
            "address": self.cleaned_data["profile_address"],
            "looks_official": self.cleaned_data["looks_official"],
            "reporter_email": self.cleaned_data["contact_email"],
        }


class CaseReferenceForm(TransitionForm):
    """Report to the platform: the platform's case reference is how DCCT follows it up."""

    case_reference = forms.CharField(
        label="The platform's case reference",
        max_length=100,
        validators=[single_line],
        help_text="The number or link the platform gave you when you reported the account.",
        error_messages={"required": "Give the platform's case reference, to follow the case up."},
    )
    field_order = ["expected_state", "case_reference", "comment"]
