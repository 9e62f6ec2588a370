"""Report figures against a small fixture whose figures were worked out by hand."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Platform
from accounts.services import load_platform_catalogue
from evaluation.models import Review
from portal import reports
from proposals.models import Decision
from tests.factories import AccountFactory, OfficeFactory, ProposalFactory

pytestmark = pytest.mark.django_db
START, END = datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)


def at(day, hour=9):
    return timezone.make_aware(datetime.datetime(2026, 3, day, hour))


@pytest.fixture
def known(staff, office_head, dcct):
    load_platform_catalogue()
    x, instagram = Platform.objects.get(slug="x"), Platform.objects.get(slug="instagram")
    other = OfficeFactory(name="Committee Office")

    def log(proposal, steps):
        for action, from_state, to_state, moment in steps:
            Decision.objects.create(
                proposal=proposal,
                actor=staff,
                actor_role="r",
                action=action,
                from_state=from_state,
                to_state=to_state,
                created_at=moment,
            )

    a, b, c = (ProposalFactory(proposer=staff) for _ in range(3))
    # A: 2 days with the office head, 5 with DCCT, endorsed.
    log(
        a,
        [
            ("submit", "draft", "with_office_head", at(1)),
            ("approve_in_principle", "with_office_head", "with_dcct", at(3)),
            ("endorse", "with_dcct", "approved", at(8)),
        ],
    )
    # B: 4 days with the office head, 4 with DCCT, alternative accepted.
    log(
        b,
        [
            ("submit", "draft", "with_office_head", at(2)),
            ("approve_in_principle", "with_office_head", "with_dcct", at(6)),
            ("advise_against", "with_dcct", "alternative_offered", at(10)),
            ("accept_alternative", "alternative_offered", "approved", at(12)),
        ],
    )
    # C: 1 day with the office head, declined.
    log(
        c,
        [
            ("submit", "draft", "with_office_head", at(1)),
            ("decline", "with_office_head", "declined", at(2)),
        ],
    )
    # Outside the range: not counted.
    log(
        ProposalFactory(proposer=staff),
        [
            (
                "submit",
                "draft",
                "with_office_head",
                timezone.make_aware(datetime.datetime(2026, 5, 1)),
            ),
        ],
    )

    live = [AccountFactory(platform=x, state="live", office=staff.office) for _ in range(3)]
    AccountFactory(platform=instagram, state="live", office=other)
    AccountFactory(
        platform=x,
        state="closed",
        closed_on=datetime.date(2026, 3, 20),
        closure_reason="not_effective",
        office=staff.office,
    )
    AccountFactory(
        platform=instagram,
        state="closed",
        closed_on=datetime.date(2025, 1, 1),
        closure_reason="campaign_ended",
        office=other,
    )
    AccountFactory(platform=x, state="setting_up", office=staff.office)
    for number, outcome in enumerate(["effective", "effective", "improve"]):
        Review.objects.create(
            account=live[number],
            period_start=datetime.date(2025, 12, 1),
            period_end=datetime.date(2026, 3, 1),
            due_on=datetime.date(2026, 3, 15),
            state="assessed",
            outcome=outcome,
            assessed_at=at(20 + number),
        )
    Review.objects.create(
        account=live[0],
        period_start=datetime.date(2025, 9, 1),
        period_end=datetime.date(2025, 12, 1),
        due_on=datetime.date(2025, 12, 15),
        state="assessed",
        outcome="close",
        assessed_at=timezone.make_aware(datetime.datetime(2025, 12, 20)),
    )


def tables(client, policy_owner):
    client.force_login(policy_owner)
    page = client.get("/reports/", {"from": START.isoformat(), "to": END.isoformat()})
    return {table["key"]: table for table in page.context["tables"]}


def rows(table):
    return {row[0]: row[1:] for row in table["rows"]}


def test_report_figures_match_the_hand_computed_ones(client, known, policy_owner):
    t = tables(client, policy_owner)

    assert rows(t["outcomes"]) == {
        "Endorse": [1],
        "Accept alternative": [1],
        "Approve as proposed": [0],
        "Approve alternative": [0],
        "Escalate to HEC": [0],
        "Decline": [1],
        "Reject": [0],
        "Withdraw": [0],
    }
    assert rows(t["decision_time"]) == {
        "Office head: approval in principle": [3, 2.0],  # 2, 4 and 1 days
        "DCCT: assessment": [2, 4.5],  # 5 and 4 days
        "HEC: escalation": [0, "–"],
    }
    assert rows(t["reviews"]) == {
        "Effective: continue": [2],
        "Needs to improve: action plan": [1],
        "Not effective: close": [0],
    }
    assert rows(t["closures"]) == {
        "Not effective": [1],
        "Cannot be resourced": [0],
        "Campaign ended": [0],
    }
    # Official, being set up, closed.
    assert rows(t["platform"]) == {"X (Twitter)": [3, 1, 1], "Instagram": [1, 0, 1]}
    by_office = list(rows(t["office"]).values())
    assert [sum(column) for column in zip(*by_office, strict=True)] == [4, 1, 2]
    assert rows(t["state"])["Live"] == [4]
    assert rows(t["state"])["Closed"] == [2]
    assert rows(t["trend"]) == {"Mar 2026": [3, 0, 1, 3]}


def test_each_table_downloads_as_csv(client, known, policy_owner):
    client.force_login(policy_owner)

    response = client.get(
        "/reports/", {"from": START.isoformat(), "to": END.isoformat(), "export": "decision_time"}
    )

    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        'attachment; filename="decision_time-20260301-20260331.csv"'
    )
    assert response.content.decode().splitlines() == [
        "\ufeffStage,Decisions,Median days",
        "Office head: approval in principle,3,2.0",
        "DCCT: assessment,2,4.5",
        "HEC: escalation,0,–",
    ]


def test_reports_show_charts_beside_tables(client, known, policy_owner):
    client.force_login(policy_owner)

    page = client.get("/reports/").text

    assert page.count("<canvas data-chart=") == 8
    assert "dist/charts.js" in page


def test_a_withdrawal_is_not_a_decision_of_the_stage_it_leaves(client, known, staff, policy_owner):
    late = ProposalFactory(proposer=staff)
    for action, from_state, to_state, day in [
        ("submit", "draft", "with_office_head", 1),
        ("withdraw", "with_office_head", "withdrawn", 30),
    ]:
        Decision.objects.create(
            proposal=late,
            actor=staff,
            actor_role="r",
            action=action,
            from_state=from_state,
            to_state=to_state,
            created_at=at(day),
        )

    t = tables(client, policy_owner)

    assert rows(t["decision_time"])["Office head: approval in principle"] == [3, 2.0]


def test_cells_that_a_spreadsheet_would_run_are_written_as_text(client, known, policy_owner):
    from people.models import Office

    AccountFactory(office=Office.objects.create(name='=HYPERLINK("http://example.com")'))
    client.force_login(policy_owner)

    body = client.get("/reports/", {"export": "office"}).content.decode()

    assert "'=HYPERLINK" in body
    assert "\n=HYPERLINK" not in body


@pytest.mark.parametrize(
    ("today", "query", "expected"),
    [
        (datetime.date(2028, 2, 29), {}, (datetime.date(2027, 3, 1), datetime.date(2028, 2, 29))),
        (
            datetime.date(2026, 6, 1),
            {"from": "0001-01-01", "to": "9999-12-31"},
            (datetime.date(2016, 6, 3), datetime.date(2026, 6, 1)),
        ),
        (
            datetime.date(2026, 6, 1),
            {"from": "2026-05-01", "to": "2026-04-01"},
            (datetime.date(2026, 4, 1), datetime.date(2026, 5, 1)),
        ),
    ],
)
def test_date_ranges_are_kept_sensible(rf, today, query, expected, monkeypatch):
    from portal import reports

    monkeypatch.setattr(reports.timezone, "localdate", lambda: today)

    assert reports._range(rf.get("/reports/", query)) == expected


def test_every_decision_in_a_range_downloads_merged_by_time_and_is_logged(
    client, make_proposal, make_account, staff, dcct, policy_owner
):
    import csv

    from accounts import services as account_services
    from proposals import services as proposal_services
    from workflow.models import Export

    proposal = make_proposal("draft")
    proposal_services.submit(proposal=proposal, actor=staff)
    account = make_account("live")
    account_services.propose_closure(
        account=account, actor=dcct, reason="not_effective", explanation="Quiet"
    )
    client.force_login(policy_owner)

    response = client.get("/reports/", {"export": "decisions"})

    rows = list(csv.reader(response.content.decode("utf-8-sig").splitlines()))
    assert rows[0][:3] == ["When", "Kind", "Subject"]
    assert [(row[1], row[5]) for row in rows[1:]] == [
        ("Proposal", "Submit to office head"),
        ("Account", "Propose closure"),
    ]
    assert rows[1][2] == str(proposal) and rows[2][2] == str(account)
    assert Export.objects.get().actor == policy_owner


def test_staff_cannot_export_every_decision(client, staff):
    client.force_login(staff)

    assert client.get("/reports/", {"export": "decisions"}).status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        {"to": "0001-01-01"},
        {"from": "9999-12-31"},
        {"from": "0001-01-01", "to": "0001-01-02"},
        {"from": "9999-12-30", "to": "9999-12-31"},
        {"from": "2026-02-30"},
        {"to": "yesterday"},
    ],
)
@pytest.mark.parametrize("export", [None, "decisions", "trend", "outcomes"])
def test_dates_at_the_ends_of_the_calendar_are_kept_within_the_register_years(
    client, policy_owner, query, export
):
    """Dates typed in the address overflowed the date arithmetic (a 500): each is read within
    EARLIEST and today, and the page says which range it shows."""
    client.force_login(policy_owner)

    response = client.get("/reports/", {**query, **({"export": export} if export else {})})

    assert response.status_code == 200
    if export is None:
        start, end = response.context["start"], response.context["end"]
        assert reports.EARLIEST <= start <= end <= timezone.localdate()


def test_a_range_far_in_the_past_keeps_its_dates(rf, monkeypatch):
    monkeypatch.setattr(reports.timezone, "localdate", lambda: datetime.date(2026, 6, 1))

    assert reports._range(rf.get("/reports/", {"from": "0001-01-01", "to": "0001-01-02"})) == (
        reports.EARLIEST,
        reports.EARLIEST,
    )
    assert reports._range(rf.get("/reports/", {"from": "9999-12-31"})) == (
        datetime.date(2026, 6, 1),
        datetime.date(2026, 6, 1),
    )
