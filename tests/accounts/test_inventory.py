"""The inventory import: upload, a preview naming each row's problems, then all rows or none."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Account, AccountEvent
from accounts.services import load_platform_catalogue
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "platform,handle,url,office,owner_emails,display_name,kind\n"


@pytest.fixture
def owners(office):
    load_platform_catalogue()
    return UserFactory(office=office, email="ann@example.org"), UserFactory(
        office=office, email="bob@example.org"
    )


def upload(client, text):
    return client.post(
        "/accounts/import/",
        {
            "file": SimpleUploadedFile("inventory.csv", text.encode(), content_type="text/csv"),
        },
    )


def csv_for(office, *lines):
    return HEADER + "".join(line.format(office=office.name) + "\n" for line in lines)


def test_dcct_previews_then_imports_all_rows_as_live(client, dcct, office, owners):
    client.force_login(dcct)
    text = csv_for(
        office,
        "X,@ScotParlYouth,,{office},ann@example.org;bob@example.org,Youth,business area",
        "instagram,,https://www.instagram.com/holyrood.learning/,{office},ann@example.org,,",
    )

    preview = upload(client, text)

    assert "All 2 rows are ready to import." in preview.text
    assert not Account.objects.exists()
    response = client.post(
        "/accounts/import/", {"payload": preview.context["payload"]}, follow=True
    )

    assert "2 accounts added to the register as live." in response.text
    youth = Account.objects.get(handle="ScotParlYouth")
    assert (youth.state, youth.url, youth.display_name) == (
        "live",
        "https://x.com/ScotParlYouth",
        "Youth",
    )
    assert set(youth.members.values_list("person__email", flat=True)) == {
        "ann@example.org",
        "bob@example.org",
    }
    learning = Account.objects.get(handle="holyrood.learning")
    assert learning.display_name == "holyrood.learning (Instagram)"
    event = AccountEvent.objects.get(account=youth)
    assert (event.action, event.actor) == ("import", dcct)
    assert "inventory import" in event.comment


def test_one_bad_row_imports_nothing_and_names_the_row_and_field(client, dcct, office, owners):
    client.force_login(dcct)
    text = csv_for(
        office,
        "X,@ScotParlYouth,,{office},ann@example.org,,",
        "X,@Scot Parl!,,{office},ann@example.org,,",
        "Myspace,someone,,{office},ann@example.org,,",
        "X,GoodHandle,,Nowhere Office,nobody@example.org,,",
    )

    preview = upload(client, text)

    rows = {row.line: row.errors for row in preview.context["rows"]}
    assert rows[2] == {}
    assert rows[3] == {"handle": "“Scot Parl!” is not a valid X (Twitter) handle."}
    assert rows[4]["platform"] == "“Myspace” is not in the platform catalogue."
    assert rows[5]["office"] == "No office called “Nowhere Office”."
    assert rows[5]["owner_emails"] == "Nobody active with: nobody@example.org."
    assert "3 rows have problems. Nothing has been imported" in preview.text
    assert preview.context["payload"] is None
    assert not Account.objects.exists()


def test_duplicates_in_the_file_or_on_the_register_are_refused(client, dcct, office, owners):
    from accounts.models import Platform

    AccountFactory(platform=Platform.objects.get(slug="x"), handle="ScotParl", state="live")
    client.force_login(dcct)

    preview = upload(
        client,
        csv_for(
            office,
            "X,ScotParl,,{office},ann@example.org,,",
            "X,NewOne,,{office},ann@example.org,,",
            "X,https://twitter.com/newone,,{office},ann@example.org,,",
        ),
    )

    rows = {row.line: row.errors for row in preview.context["rows"]}
    assert rows[2] == {"handle": "Already on the register as a live account."}
    assert rows[4] == {"handle": "The same account as line 3."}


def test_a_url_for_another_handle_is_refused(client, dcct, office, owners):
    client.force_login(dcct)

    preview = upload(
        client, csv_for(office, "X,ScotParl,https://x.com/Other,{office},ann@example.org,,")
    )

    assert preview.context["rows"][0].errors == {
        "url": "This address is for “Other”, not “ScotParl”."
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,handle\nX,ScotParl\n", "missing: platform, url, office, owner_emails"),
        (HEADER, "The file has no accounts in it."),
    ],
)
def test_a_file_that_cannot_be_read_says_why(client, dcct, owners, text, message):
    client.force_login(dcct)

    assert message in upload(client, text).text


def test_a_file_that_is_not_text_is_refused(client, dcct, owners):
    client.force_login(dcct)
    response = client.post(
        "/accounts/import/",
        {
            "file": SimpleUploadedFile("inventory.xlsx", b"\xff\xfe\x00\x81binary", "text/csv"),
        },
    )

    assert "Save the file as CSV (UTF-8)" in response.text


def test_a_tampered_preview_is_refused(client, dcct, owners):
    client.force_login(dcct)

    response = client.post("/accounts/import/", {"payload": "forged:payload"})

    assert response.status_code == 403
    assert not Account.objects.exists()


@pytest.mark.parametrize("persona", ["staff", "office_head", "hec", "policy_owner"])
def test_only_dcct_imports(request, client, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get("/accounts/import/").status_code == 403


def test_checking_a_file_costs_the_same_queries_for_2_or_40_rows(
    dcct, office, owners, django_assert_max_num_queries
):
    from accounts.inventory import read_inventory

    def text(count):
        return csv_for(
            office, *(f"X,Handle{n},,{{office}},ann@example.org,," for n in range(count))
        )

    with django_assert_max_num_queries(10) as few:
        read_inventory(text(2))
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = read_inventory(text(40))
    assert not any(row.errors for row in rows)


# --- Whatever the file holds, the preview says what is wrong and the import never fails ------


def test_a_name_or_handle_too_long_for_the_register_is_refused_at_the_preview(
    client, dcct, office, owners
):
    """A Bluesky handle of 121 characters passes the platform's pattern but not the register's
    column (120), and a display name of 151 characters neither: PostgreSQL refused them only at
    the import. Both are named at the preview now."""
    client.force_login(dcct)
    handle = "a" * 112 + ".bsky.social"
    text = csv_for(
        office,
        f"bluesky,{handle},,{{office}},ann@example.org,Long handle,",
        f"x,@ScotParlLong,,{{office}},ann@example.org,{'N' * 151},",
    )

    preview = upload(client, text)

    rows = preview.context["rows"]
    assert "at most 120 characters" in rows[0].errors["handle"]
    assert "at most 150 characters" in rows[1].errors["display_name"]
    assert preview.context["payload"] is None  # nothing to import
    assert not Account.objects.exists()


def test_a_display_name_with_a_line_break_is_refused_at_the_preview(client, dcct, office, owners):
    client.force_login(dcct)
    text = HEADER + f'X,@ScotParlYouth,,{office.name},ann@example.org,"Youth\nParliament",\n'

    preview = upload(client, text)

    errors = preview.context["rows"][0].errors
    assert (
        errors["display_name"] == "Keep this to one line of plain text: it contains a line break."
    )
    assert not Account.objects.exists()


@pytest.mark.parametrize("ending", ["\r", "\r\n", "\n"])
def test_any_line_ending_is_read(client, dcct, office, owners, ending):
    """Old Mac spreadsheets end lines with CR alone: the csv module refused those (a 500)."""
    client.force_login(dcct)
    lines = [
        HEADER.strip(),
        f"X,@ScotParlYouth,,{office.name},ann@example.org,Youth,",
        f"X,@ScotParlKids,,{office.name},bob@example.org,Kids,",
    ]

    preview = upload(client, ending.join(lines) + ending)

    assert "All 2 rows are ready to import." in preview.text


def test_a_cell_over_128_kb_is_refused_naming_the_line(client, dcct, office, owners):
    client.force_login(dcct)
    text = csv_for(office, "X,@ScotParlYouth,,{office},ann@example.org,Youth,") + (
        f"X,@ScotParlKids,,{office.name},bob@example.org,{'k' * 140_000},\n"
    )

    preview = upload(client, text)

    assert preview.status_code == 200
    assert preview.context["problem"] == (
        "Line 3 cannot be read (a cell is longer than 128 KB): is this the right file?"
    )
    assert not Account.objects.exists()


def test_a_file_with_nul_characters_is_refused_as_not_csv(client, dcct, office, owners):
    client.force_login(dcct)

    preview = upload(client, csv_for(office, "X,@ScotParl\x00Youth,,{office},ann@example.org,,"))

    assert "holds NUL characters" in preview.text
    assert preview.context["rows"] is None
    assert not Account.objects.exists()


def test_a_file_whose_preview_is_ready_imports(client, dcct, office, owners):
    """Everything the database would check is checked at the preview: a handle of exactly 120
    characters, a name of exactly 150, imported on SQLite and PostgreSQL alike."""
    client.force_login(dcct)
    handle = "a" * 108 + ".bsky.social"
    text = csv_for(office, f"bluesky,{handle},,{{office}},ann@example.org,{'N' * 150},")

    preview = upload(client, text)
    done = client.post("/accounts/import/", {"payload": preview.context["payload"]})

    assert done.status_code == 302
    account = Account.objects.get()
    assert (len(account.handle), len(account.display_name)) == (120, 150)


def test_mastodon_accounts_on_any_server_are_imported_with_their_servers_address(
    client, dcct, office, owners
):
    client.force_login(dcct)
    text = csv_for(
        office,
        "Mastodon,@ScotParl@Social.Example,,{office},ann@example.org,,",
        "mastodon,,https://other.example/@SPCommittees,{office},bob@example.org,,",
    )

    preview = upload(client, text)
    client.post("/accounts/import/", {"payload": preview.context["payload"]})

    assert "All 2 rows are ready to import." in preview.text
    assert dict(Account.objects.values_list("handle", "url")) == {
        "ScotParl@social.example": "https://social.example/@ScotParl",
        "SPCommittees@other.example": "https://other.example/@SPCommittees",
    }
