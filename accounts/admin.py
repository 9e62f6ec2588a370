import re

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from accounts.handles import site_of
from accounts.models import (
    Account,
    AccountEvent,
    ImpersonationReport,
    ImpersonationReportEvent,
    Platform,
)
from workflow.admin import ReadOnlyAdmin, ReadOnlyInline

# How the register reads a profile address and which platforms its lookup knows. Once a platform
# exists they change only with the shipped catalogue (accounts/catalogue.py, loaded by
# `manage.py load_catalogues`), reviewed and on record, never by an edit in the admin that would
# change what the lookup calls official without a trace.
READING_RULES = (
    "slug",
    "internal",
    "hosts",
    "profile_path",
    "handle_pattern",
    "canonical_url",
    "handles_case_sensitive",
    "federated",
)


HOST_NAME = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)+")


class PlatformForm(forms.ModelForm):
    """A new platform's rules: host names no other platform reads (or the lookup would read that
    platform's addresses as this one's), and patterns that compile."""

    class Meta:
        model = Platform
        fields = (
            "name",
            "slug",
            "internal",
            "icon",
            "hosts",
            "profile_path",
            "handle_pattern",
            "canonical_url",
            "handles_case_sensitive",
            "federated",
            "sort_order",
            "active",
        )

    def clean_hosts(self):
        hosts = self.cleaned_data["hosts"]
        if not isinstance(hosts, list) or not all(
            isinstance(host, str) and HOST_NAME.fullmatch(host) for host in hosts
        ):
            raise ValidationError(
                "A list of host names in lower case (international ones as xn--), for example "
                '["x.com", "twitter.com"].'
            )
        sites = {site_of(host) for host in hosts}
        taken = {
            f"{site} ({platform.name})"
            for platform in Platform.objects.exclude(pk=self.instance.pk)
            for site in sites & {site_of(str(host)) for host in platform.hosts or []}
        }
        if taken:
            raise ValidationError(f"Already read by another platform: {', '.join(sorted(taken))}.")
        return hosts

    def _pattern(self, name, *, group=None):
        pattern = self.cleaned_data[name]
        try:
            compiled = re.compile(pattern)
        except re.error as error:
            raise ValidationError(f"Not a regular expression: {error}.") from None
        if pattern and group and group not in compiled.groupindex:
            raise ValidationError(f"Name the handle's group: (?P<{group}>...).")
        return pattern

    def clean_profile_path(self):
        return self._pattern("profile_path", group="handle")

    def clean_handle_pattern(self):
        return self._pattern("handle_pattern")

    def clean(self):
        cleaned = super().clean()
        template = cleaned.get("canonical_url") or ""
        # A federated platform's address names the server and the name on it; any other's, the
        # handle.
        names = ("name", "server") if cleaned.get("federated") else ("handle",)
        try:
            filled = template.format(**{name: f"\0{name}\0" for name in names})
        except (KeyError, IndexError, ValueError):
            filled = ""
        start = "https://{server}/" if cleaned.get("federated") else "https://"
        if template and (
            not template.startswith(start)
            or any(filled.count(f"\0{name}\0") != 1 for name in names)
        ):
            wanted = " and ".join(f"{{{name}}}" for name in names)
            self.add_error(
                "canonical_url",
                f"An address starting {start} with {wanted} in it once, and no other {{}}.",
            )
        return cleaned


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    """A new platform is added here; an existing one's name, icon, order and whether it is
    offered for new proposals may be edited, its reading rules not (READING_RULES)."""

    form = PlatformForm
    list_display = ("name", "internal", "active", "canonical_url", "sort_order")
    list_filter = ("internal", "active")
    list_editable = ("sort_order",)
    search_fields = ("name", "slug")

    def get_readonly_fields(self, request, obj=None):
        return READING_RULES if obj is not None else ()

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ("name",)} if obj is None else {}


class AccountEventInline(ReadOnlyInline):
    model = AccountEvent
    fields = ("created_at", "actor", "actor_role", "action", "from_state", "to_state", "comment")
    readonly_fields = fields


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    """The register's facts (platform, handle, address, office, kind, state) change only through
    the account's own page, where each step is checked and logged as an account event: DCCT
    records the name, handle and address during set-up (accounts.services.update_details), and
    the team, evaluation and closure have their own steps. The admin shows the account and its
    log."""

    list_display = ("display_name", "platform", "handle", "office", "kind", "state")
    list_filter = ("state", "kind", "platform", "office")
    list_select_related = ("platform", "office")
    search_fields = ("display_name", "handle")
    readonly_fields = ("where_it_changes",)
    inlines = [AccountEventInline]

    @admin.display(description="Where it changes")
    def where_it_changes(self, account):
        return format_html(
            '<a href="{}">The account’s page</a>: DCCT records its name, handle and address '
            "during set-up; its team, evaluation and closure each have their own step. Every "
            "change is logged below.",
            account.get_absolute_url(),
        )


class ImpersonationReportEventInline(ReadOnlyInline):
    model = ImpersonationReportEvent
    fields = ("created_at", "actor", "actor_role", "action", "from_state", "to_state", "comment")
    readonly_fields = fields


class MergedReportInline(ReadOnlyInline):
    model = ImpersonationReport
    fk_name = "merged_into"
    verbose_name = "report merged into this one"
    verbose_name_plural = "reports merged into this one"
    fields = ("created_at", "address", "looks_official", "reporter_email", "outcome_sent_at")
    readonly_fields = fields
    show_change_link = True


@admin.register(ImpersonationReport)
class ImpersonationReportAdmin(ReadOnlyAdmin):
    """Reports change only through DCCT's steps on their own pages, so every step is logged."""

    list_display = ("pk", "address", "platform", "state", "created_at", "case_reference")
    list_filter = ("state", "platform")
    list_select_related = ("platform",)
    search_fields = ("address", "handle", "case_reference", "reporter_email")
    date_hierarchy = "created_at"
    inlines = [MergedReportInline, ImpersonationReportEventInline]


@admin.register(ImpersonationReportEvent)
class ImpersonationReportEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "report", "action", "actor", "to_state")
    list_filter = ("action",)
    list_select_related = ("report", "actor")
    search_fields = ("report__address", "comment", "actor__email")
