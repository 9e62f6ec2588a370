"""A proposal's record: its decision log as CSV, row for row, and its whole history on one
printable page; only for those who may see it; each export logged."""

import csv

import pytest

from proposals import services
from workflow.models import Export

pytestmark = pytest.mark.django_db


def test_the_csv_matches_the_decision_log_row_for_row(client, make_proposal, staff, office_head):
    proposal = make_proposal("draft")
    services.submit(proposal=proposal, actor=staff)
    services.return_to_proposer(proposal=proposal, actor=office_head, comment="=SUM(A1) first")
    client.force_login(staff)

    response = client.get(f"/proposals/{proposal.pk}/record.csv")

    rows = list(csv.reader(response.content.decode("utf-8-sig").splitlines()))
    decisions = list(proposal.decisions.order_by("created_at", "pk"))
    assert rows[0] == ["When", "Who", "In the role of", "Action", "From", "To", "Comment"]
    assert len(rows) == 1 + len(decisions)
    assert [row[3] for row in rows[1:]] == [d.label for d in decisions]
    assert rows[2][6] == "'=SUM(A1) first"  # safe in a spreadsheet
    export = Export.objects.get()
    assert (export.actor, export.comment) == (staff, f"Decision log of {proposal.reference} (CSV)")


def test_the_printable_record_shows_both_positions_of_an_escalation(client, make_proposal, hec):
    proposal = make_proposal("escalated")
    client.force_login(hec)

    page = client.get(f"/proposals/{proposal.pk}/record/").text

    assert "Pupils do not follow the corporate account." in page
    assert "A campaign reaches them at a fraction of the effort." in page
    assert Export.objects.filter(actor=hec, comment__startswith="Printable record").exists()


def test_someone_who_may_not_see_the_proposal_gets_no_record(client, make_proposal, outsider):
    proposal = make_proposal("with_office_head")
    client.force_login(outsider)

    assert client.get(f"/proposals/{proposal.pk}/record.csv").status_code == 404
    assert client.get(f"/proposals/{proposal.pk}/record/").status_code == 404
    assert not Export.objects.exists()


def test_the_printable_record_opens_every_section_of_the_case(client, make_proposal, staff):
    proposal = make_proposal("with_office_head")
    client.force_login(staff)

    page = client.get(f"/proposals/{proposal.pk}/record/").text

    assert page.count('class="accordion-collapse collapse show"') == 9
