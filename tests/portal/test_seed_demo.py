import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Account, Platform
from people import roles
from people.models import Office, TrainingRecord, User
from proposals.models import Decision, EngagementPriority, Proposal, ProposalState
from workflow.models import Notification

pytestmark = pytest.mark.django_db

DEMO_SIGNINS = {
    "staff@example.org": "staff",
    "head@example.org": "office head",
    "staff2@example.org": "staff",
    "dcct@example.org": "dcct",
    "hec@example.org": "hec",
    "policy@example.org": "policy owner",
    "admin@example.org": "administrator",
}


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Office,
            User,
            TrainingRecord,
            Platform,
            EngagementPriority,
            Account,
            Proposal,
            Decision,
        )
    }


def test_seed_demo_twice_creates_nothing_twice(capsys):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")

    assert counts() == first
    assert "Created 0 offices, 0 people, 0 training records, 0 platforms" in capsys.readouterr().out


def test_seed_demo_builds_the_whole_cast():
    call_command("seed_demo")

    assert Office.objects.count() == 8
    assert not Office.objects.filter(head=None).exists()
    dcct = [user for user in User.objects.all() if roles.is_dcct(user)]
    assert len(dcct) == 4
    heads = set(Office.objects.values_list("head", flat=True))
    plain_staff = User.objects.exclude(pk__in=heads).filter(groups=None, office__isnull=False)
    assert plain_staff.count() == 40
    assert Platform.objects.filter(internal=True).count() == 2
    assert Platform.objects.get(slug="x").hosts == ["x.com", "twitter.com"]
    assert EngagementPriority.objects.count() >= 5


def test_demo_sign_ins_hold_their_roles():
    call_command("seed_demo")
    people = {user.email: user for user in User.objects.filter(email__in=DEMO_SIGNINS)}

    staff, head, staff2 = (
        people[e] for e in ("staff@example.org", "head@example.org", "staff2@example.org")
    )
    assert roles.is_office_head_of(head, staff.office)
    assert staff2.office != staff.office
    assert roles.is_dcct(people["dcct@example.org"])
    assert roles.is_hec(people["hec@example.org"])
    assert roles.is_policy_owner(people["policy@example.org"])
    assert roles.is_administrator(people["admin@example.org"])
    assert people["admin@example.org"].is_staff
    for email in ("staff@example.org", "staff2@example.org"):
        assert not roles.sees_all_offices(people[email])


def test_seed_demo_prints_the_sign_ins_and_their_password(capsys):
    call_command("seed_demo", password="another-password")

    out = capsys.readouterr().out
    assert "password: another-password" in out
    for email in DEMO_SIGNINS:
        assert email in out
    assert User.objects.get(email="hec@example.org").check_password("another-password")


def test_password_option_changes_the_demo_password_on_a_later_run():
    call_command("seed_demo")
    call_command("seed_demo", password="changed-password")

    assert User.objects.get(email="staff@example.org").check_password("changed-password")


def test_seed_demo_refuses_to_run_with_production_settings(settings):
    settings.ALLOW_DEMO_DATA = False

    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo")

    assert User.objects.count() == 0


def test_production_settings_forbid_demo_data(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 60)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "socialmedia.example.org")
    import importlib

    production = importlib.import_module("config.settings.production")

    assert production.ALLOW_DEMO_DATA is False
    assert production.DEBUG is False


def test_seed_demo_has_proposals_in_every_state_with_their_timelines():
    call_command("seed_demo")

    states = set(Proposal.objects.values_list("state", flat=True))
    assert states == set(ProposalState.values)
    escalated = Proposal.objects.get(state="escalated")
    assert list(escalated.decisions.values_list("action", flat=True)) == [
        "submit",
        "approve_in_principle",
        "advise_against",
        "disagree",
        "escalate",
    ]
    assert escalated.open_escalation.business_area_position


def test_demo_history_emails_nobody():
    call_command("seed_demo")

    assert Notification.objects.count() == 0


def test_demo_has_live_corporate_accounts_for_existing_channels_first():
    call_command("seed_demo")

    assert Account.objects.filter(kind="corporate", state="live", platform__slug="x").exists()


def test_seed_demo_has_about_forty_accounts_across_platforms_and_states():
    call_command("seed_demo")

    assert 35 <= Account.objects.count() <= 45
    assert Account.objects.values("platform").distinct().count() >= 8
    states = set(Account.objects.values_list("state", flat=True))
    assert states == {
        "setting_up",
        "live",
        "closure_proposed",
        "closure_contested",
        "closure_escalated",
        "closing",
        "closed",
    }
    escalated = Account.objects.get(state="closure_escalated")
    assert escalated.escalations.get().business_area_position


def test_seed_demo_has_two_years_of_reviews_and_figures():
    from evaluation.models import MetricObservation, Review

    call_command("seed_demo")

    assert Review.objects.filter(state="assessed").count() > 200
    assert set(Review.objects.values_list("state", flat=True)) == {"due", "submitted", "assessed"}
    assert MetricObservation.objects.count() > 1000
    spread = Review.objects.order_by("period_start").first().period_start
    assert (Review.objects.order_by("-period_end").first().period_end - spread).days >= 700


def test_demo_history_has_true_ages_some_past_their_targets(settings):
    import datetime

    from django.utils import timezone

    from proposals.models import Proposal

    call_command("seed_demo", stdout=io.StringIO())

    now = timezone.now()
    ages = [(now - p.state_changed_at).days for p in Proposal.objects.all()]
    assert min(ages) >= 7 and max(ages) >= 90
    late = [
        p
        for p in Proposal.objects.filter(state__in=settings.WORKFLOW_TARGET_DAYS)
        if now - p.state_changed_at
        > datetime.timedelta(days=settings.WORKFLOW_TARGET_DAYS[p.state])
    ]
    assert late
    first = Proposal.objects.get(title="Holyrood for under-18s")
    assert first.decisions.get().created_at == first.state_changed_at


def test_every_approved_demo_proposal_can_be_set_up_and_go_live_on_its_handle():
    from accounts.handles import normalise_handle
    from accounts.models import Account
    from proposals.models import Proposal

    call_command("seed_demo", stdout=io.StringIO())

    for proposal in Proposal.objects.filter(state="approved", platform__isnull=False):
        handle = normalise_handle(proposal.platform, proposal.proposed_handle)
        live = Account.objects.filter(platform=proposal.platform, handle__iexact=handle)
        assert not live.exclude(state="closed").exists(), proposal.title


def test_the_demo_shows_readings_from_bluesky_mastodon_and_a_youtube_feed():
    from evaluation.models import MetricObservation, PlatformReading

    call_command("seed_demo", stdout=io.StringIO())

    mastodon = Account.objects.get(platform__slug="mastodon")
    assert (mastodon.handle, mastodon.url) == (
        "ScotParl@social.example",
        "https://social.example/@ScotParl",
    )
    assert mastodon.activity_source == "Mastodon" and mastodon.last_post_at is not None
    assert MetricObservation.objects.filter(account=mastodon, read_from="Mastodon").count() == 14
    channel = Account.objects.get(platform__slug="youtube", handle="ScottishParliament")
    assert channel.feed_url.startswith("https://www.youtube.com/feeds/videos.xml?channel_id=")
    assert channel.activity_source == "YouTube" and channel.last_post_at is not None
    assert not MetricObservation.objects.filter(account=channel).exclude(read_from="").exists()
    assert set(PlatformReading.objects.values_list("platform__slug", flat=True)) == {
        "bluesky",
        "mastodon",
        "youtube",
    }


def test_the_demo_has_a_leaver_whose_accounts_show_what_followed():
    from accounts.models import AccountEvent, AccountMember

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=io.StringIO())  # a second run makes nobody else leave

    left = AccountMember.objects.filter(removal_reason="Left the organisation")
    leavers = {member.person for member in left.select_related("person")}
    assert len(leavers) == 1
    (leaver,) = leavers
    assert not leaver.is_active
    assert f"{leaver} has left" in out.getvalue()
    threads = Account.objects.get(platform__slug="threads", handle="visitholyrood")
    assert threads.members.filter(role="owner", removed_on=None).exclude(person=leaver).exists()
    assert AccountEvent.objects.filter(account=threads, action="hand_over").count() == 1
    assert AccountEvent.objects.filter(action="remove_member", account__members__in=left).exists()
