"""Reading DCCT's inventory of existing accounts from a CSV file: every row is checked and
every problem named (line and field) before anything is imported."""

from dataclasses import dataclass, field

from django.db.models.functions import Lower

from accounts.handles import (
    HandleError,
    canonical_url,
    handle_from_url,
    handle_key,
    normalise_handle,
)
from accounts.models import Account, AccountKind, AccountState, Platform
from people.models import Office, User, normalise_email
from workflow.csv_import import model_problems, read_table

COLUMNS = ["platform", "handle", "url", "office", "owner_emails", "display_name", "kind"]
REQUIRED = ["platform", "office", "owner_emails"]
MAX_ROWS = 2000


@dataclass
class Row:
    line: int
    values: dict
    errors: dict = field(default_factory=dict)
    platform: Platform | None = None
    handle: str = ""
    url: str = ""
    office: Office | None = None
    owners: list = field(default_factory=list)
    display_name: str = ""
    kind: str = AccountKind.BUSINESS_AREA


class InventoryError(ValueError):
    """The file as a whole cannot be read."""


def read_inventory(text: str) -> list[Row]:
    table = read_table(
        text,
        columns=["platform", "handle", "url", "office", "owner_emails"],
        error=InventoryError,
        max_rows=MAX_ROWS,
        noun="accounts",
    )
    platforms = {}
    for platform in Platform.objects.filter(internal=False):
        platforms[platform.slug.lower()] = platform
        platforms[platform.name.lower()] = platform
    offices = {office.name.lower(): office for office in Office.objects.all()}
    rows = [Row(line=line, values=values) for line, values in table]
    # Everything the rows refer to, read once for the whole file.
    emails = {
        normalise_email(email)
        for row in rows
        for email in row.values.get("owner_emails", "").split(";")
        if email.strip()
    }
    people = {user.email: user for user in User.objects.filter(email__in=emails, is_active=True)}
    live = set(
        Account.objects.filter(state=AccountState.LIVE)
        .annotate(key=Lower("handle"))
        .values_list("platform_id", "key")
    )
    for row in rows:
        _check(row, platforms, offices, people, live)
    if not rows:
        raise InventoryError("The file has no accounts in it.")
    _check_duplicates(rows)
    return rows


def _check(row, platforms, offices, people, live):
    values, errors = row.values, row.errors
    for name in REQUIRED:
        if not values.get(name):
            errors[name] = "Required."
    row.platform = platforms.get(values.get("platform", "").lower())
    if values.get("platform") and row.platform is None:
        errors["platform"] = f"“{values['platform']}” is not in the platform catalogue."
    row.office = offices.get(values.get("office", "").lower())
    if values.get("office") and row.office is None:
        errors["office"] = f"No office called “{values['office']}”."
    if row.platform is not None:
        _check_handle(row, live)
    emails = [normalise_email(e) for e in values.get("owner_emails", "").split(";") if e.strip()]
    unknown = [email for email in emails if email not in people]
    if unknown:
        errors["owner_emails"] = "Nobody active with: " + ", ".join(unknown) + "."
    row.owners = [people[email] for email in emails if email in people]
    kind = values.get("kind", "").lower().replace(" ", "_") or AccountKind.BUSINESS_AREA
    if kind not in AccountKind.values:
        errors["kind"] = "Use “corporate” or “business area”."
    row.kind = kind
    if row.platform is not None:
        default_name = f"{row.handle} ({row.platform})" if row.handle else ""
        row.display_name = values.get("display_name") or default_name
        _check_account(row)
    return row


def new_account(row) -> Account:
    """The live account a row of the inventory describes, not yet saved."""
    return Account(
        platform=row.platform,
        handle=row.handle,
        url=row.url,
        display_name=row.display_name,
        office=row.office,
        kind=row.kind,
        state=AccountState.LIVE,
    )


def _check_account(row):
    """Everything the account itself must be (the lengths of its fields, a name on one line,
    its handle and address by the platform's rules), checked as the import will save it."""
    account = new_account(row)
    columns = {"handle": "handle", "url": "url", "kind": "kind"}
    if row.display_name:  # none is needed until the handle is known
        columns["display_name"] = "display_name"
    for column, problem in model_problems(account, columns).items():
        row.errors.setdefault(column, problem)


def _check_handle(row, live):
    values, errors, platform = row.values, row.errors, row.platform
    if values.get("handle"):
        try:
            row.handle = normalise_handle(platform, values["handle"])
        except HandleError as error:
            errors["handle"] = str(error)
    if values.get("url"):
        try:
            from_url = handle_from_url(platform, values["url"])
        except HandleError as error:
            errors["url"] = str(error)
        else:
            if not row.handle and "handle" not in errors:
                row.handle = from_url
            elif row.handle and handle_key(platform, from_url) != handle_key(platform, row.handle):
                errors["url"] = f"This address is for “{from_url}”, not “{row.handle}”."
    if not row.handle and not errors.keys() & {"handle", "url"}:
        errors["handle"] = "Give the handle or the profile URL."
    if row.handle and not errors.keys() & {"handle", "url"}:
        row.url = canonical_url(platform, row.handle)
        if (platform.pk, row.handle.lower()) in live:
            errors["handle"] = "Already on the register as a live account."


def _check_duplicates(rows):
    seen = {}
    for row in rows:
        if row.platform is None or not row.handle:
            continue
        key = (row.platform.pk, handle_key(row.platform, row.handle))
        if key in seen:
            row.errors["handle"] = f"The same account as line {seen[key]}."
        else:
            seen[key] = row.line
