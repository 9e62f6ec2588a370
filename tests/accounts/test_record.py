"""An account's record: its log as CSV, row for row, and a printable history; each logged."""

import csv

import pytest

from workflow.models import Export

pytestmark = pytest.mark.django_db


def test_the_account_log_downloads_row_for_row_and_is_logged(client, make_account, dcct):
    from accounts import services

    account = make_account("live")
    services.propose_closure(account=account, actor=dcct, reason="not_effective", explanation="Low")
    client.force_login(dcct)

    response = client.get(f"/accounts/{account.pk}/record.csv")
    page = client.get(f"/accounts/{account.pk}/record/")

    rows = list(csv.reader(response.content.decode("utf-8-sig").splitlines()))
    assert len(rows) == 1 + account.events.count()
    assert rows[-1][3] == "Propose closure"
    assert "Propose closure" in page.text and "not_effective" not in page.text
    assert Export.objects.filter(actor=dcct).count() == 2


def test_an_outsider_gets_no_account_record(client, make_account, outsider):
    account = make_account("live")
    client.force_login(outsider)

    assert client.get(f"/accounts/{account.pk}/record.csv").status_code == 404
