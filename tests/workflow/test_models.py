"""The shared bases: a log that is only ever added to, and saving only the fields a page edits."""

import pytest
from django.core.exceptions import ValidationError

from proposals.models import Decision, Proposal

pytestmark = pytest.mark.django_db


def test_a_logged_decision_cannot_be_changed_or_deleted(make_proposal, staff):
    from proposals import services

    proposal = make_proposal("draft")
    decision = services.submit(proposal=proposal, actor=staff)

    decision.comment = "Rewritten"
    with pytest.raises(TypeError):
        decision.save()
    with pytest.raises(TypeError):
        decision.delete()
    with pytest.raises(TypeError):
        Decision.objects.filter(pk=decision.pk).update(comment="Rewritten")
    with pytest.raises(TypeError):
        Decision.objects.filter(pk=decision.pk).delete()
    assert Decision.objects.get(pk=decision.pk).comment == ""


def test_save_fields_checks_the_fields_and_saves_only_them(make_proposal):
    from workflow.models import save_fields

    proposal = make_proposal("draft")
    Proposal.objects.filter(pk=proposal.pk).update(audience="Kept as it is in the database")

    save_fields(proposal, {"title": "A new working title"})

    fresh = Proposal.objects.get(pk=proposal.pk)
    assert fresh.title == "A new working title"
    assert fresh.audience == "Kept as it is in the database"


def test_save_fields_refuses_a_value_its_field_refuses(make_proposal):
    from workflow.models import save_fields

    proposal = make_proposal("draft")

    with pytest.raises(ValidationError) as refused:
        save_fields(proposal, {"title": "x" * 500})

    assert "title" in refused.value.message_dict
    assert Proposal.objects.get(pk=proposal.pk).title != "x" * 500
