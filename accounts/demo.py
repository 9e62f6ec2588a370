"""Demo accounts: the Parliament's corporate channels and business-area accounts in every state
(seed_demo). Keyed on platform and handle, so a second run makes nothing twice."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts import register, services
from accounts.handles import canonical_url
from accounts.models import (
    Account,
    AccountEvent,
    AccountKind,
    AccountMember,
    AccountState,
    ExitStrategy,
    ImpersonationReport,
    Platform,
)
from people.models import Office
from workflow import transitions

CORPORATE_ACCOUNTS = [
    ("x", "ScotParl", "Scottish Parliament"),
    ("facebook", "scottishparliament", "Scottish Parliament"),
    ("instagram", "scotparl", "Scottish Parliament"),
    ("linkedin", "the-scottish-parliament", "The Scottish Parliament"),
    ("youtube", "ScottishParliament", "Scottish Parliament TV"),
    ("flickr", "scottishparliament", "Scottish Parliament photos"),
    ("bluesky", "scotparl.bsky.social", "Scottish Parliament"),
    ("mastodon", "ScotParl@social.example", "Scottish Parliament"),
]
# Where a corporate channel publishes a feed the daily reading takes its latest post from.
DEMO_FEEDS = {
    "ScottishParliament": "https://www.youtube.com/feeds/videos.xml?channel_id=UCScottishParliamentDemo",
}


def seed_corporate_accounts(*, office_name: str, team) -> int:
    """The corporate channels, run by the DCCT `team` (owner first)."""
    office = Office.objects.get(name=office_name)
    created = 0
    for slug, handle, name in CORPORATE_ACCOUNTS:
        platform = Platform.objects.get(slug=slug)
        account, was_created = Account.objects.get_or_create(
            platform=platform,
            handle=handle,
            defaults={
                "display_name": name,
                "url": canonical_url(platform, handle),
                "feed_url": DEMO_FEEDS.get(handle, ""),
                "office": office,
                "kind": AccountKind.CORPORATE,
                "state": AccountState.LIVE,
                "purpose": "The Parliament's main corporate channel on this platform.",
                "audience": "The public, media and stakeholders across Scotland.",
            },
        )
        if was_created:
            for number, person in enumerate(team):
                AccountMember.objects.create(
                    account=account, person=person, role="owner" if number == 0 else "editor"
                )
        created += was_created
    return created


# Business-area accounts: (platform, handle, name, office, what happens after import)
BUSINESS_AREA_ACCOUNTS = [
    ("instagram", "holyroodlearning", "Holyrood Learning", "Education Service", []),
    ("youtube", "HolyroodLearning", "Holyrood Learning videos", "Education Service", []),
    ("x", "SP_Education", "Parliament Education", "Education Service", []),
    ("facebook", "holyrood.learning", "Holyrood Learning", "Education Service", []),
    ("x", "SP_Committees", "Scottish Parliament Committees", "Committee Office", []),
    ("linkedin", "sp-committees", "Parliament Committees", "Committee Office", []),
    ("bluesky", "spcommittees.bsky.social", "Committees", "Committee Office", []),
    ("x", "SP_HealthCttee", "Health Committee", "Committee Office", ["propose"]),
    ("x", "SP_NetZero", "Net Zero Committee", "Committee Office", ["propose", "contest"]),
    (
        "x",
        "SP_Petitions",
        "Citizen Participation and Petitions",
        "Committee Office",
        ["propose", "contest", "escalate"],
    ),
    ("instagram", "visitholyrood", "Visit Holyrood", "Visitor Services", []),
    ("facebook", "visitholyrood", "Visit Holyrood", "Visitor Services", []),
    ("tiktok", "visitholyrood", "Visit Holyrood", "Visitor Services", []),
    ("threads", "visitholyrood", "Visit Holyrood", "Visitor Services", []),
    ("x", "SPICe_research", "SPICe", "Scottish Parliament Information Centre", []),
    ("linkedin", "spice-research", "SPICe research", "Scottish Parliament Information Centre", []),
    ("bluesky", "spice.bsky.social", "SPICe", "Scottish Parliament Information Centre", []),
    ("instagram", "festivalofpolitics", "Festival of Politics", "Events and Exhibitions", []),
    ("x", "FestOfPolitics", "Festival of Politics", "Events and Exhibitions", []),
    (
        "facebook",
        "festivalofpolitics",
        "Festival of Politics",
        "Events and Exhibitions",
        ["propose", "agree"],
    ),
    ("youtube", "HolyroodEvents", "Holyrood events", "Events and Exhibitions", []),
    (
        "flickr",
        "holyroodevents",
        "Holyrood events photos",
        "Events and Exhibitions",
        ["propose", "agree", "close"],
    ),
    ("youtube", "HolyroodTV", "Holyrood TV archive", "Broadcasting Office", []),
    ("x", "SP_Broadcast", "Parliament Broadcasting", "Broadcasting Office", []),
    ("x", "SP_Outreach", "Parliament Outreach", "Participation and Communities Team", []),
    ("instagram", "sp_outreach", "Parliament Outreach", "Participation and Communities Team", []),
    ("facebook", "spoutreach", "Parliament Outreach", "Participation and Communities Team", []),
    (
        "tiktok",
        "sp_outreach",
        "Parliament Outreach",
        "Participation and Communities Team",
        ["propose"],
    ),
    ("x", "SP_Gaelic", "Pàrlamaid na h-Alba", "Participation and Communities Team", []),
    ("instagram", "sp_youth", "Young people at Holyrood", "Participation and Communities Team", []),
    (
        "x",
        "SP_Women",
        "Women in the Parliament 2021",
        "Participation and Communities Team",
        ["propose", "agree", "close"],
    ),
    ("youtube", "SPOutreachTalks", "Outreach talks", "Participation and Communities Team", []),
]


def seed_business_area_accounts(*, dcct, hec) -> int:
    """Live accounts with their teams, some of them on the way to closure."""
    created = 0
    for slug, handle, name, office_name, path in BUSINESS_AREA_ACCOUNTS:
        platform = Platform.objects.get(slug=slug)
        if Account.objects.filter(platform=platform, handle=handle).exists():
            continue
        with transaction.atomic(), transitions.without_notices():
            office = Office.objects.get(name=office_name)
            account = Account.objects.create(
                platform=platform,
                handle=handle,
                display_name=name,
                office=office,
                url=canonical_url(platform, handle),
                kind=AccountKind.BUSINESS_AREA,
                state=AccountState.LIVE,
                purpose=f"{name}: news and conversation from the {office}.",
                audience="People who follow this part of the Parliament's work.",
                went_live_on=timezone.localdate() - datetime.timedelta(days=400 + created * 23),
            )
            team = list(office.members.exclude(pk=office.head_id).order_by("email")[:3])
            for number, person in enumerate(team[created % 2 : created % 2 + 2]):
                AccountMember.objects.create(
                    account=account, person=person, role="owner" if number == 0 else "editor"
                )
            AccountEvent.objects.create(
                account=account,
                actor=dcct,
                actor_role="DCCT",
                action="import",
                comment="Registered from the inventory of existing accounts.",
                # Logged the day it went live, before any later step of its history.
                created_at=timezone.make_aware(
                    datetime.datetime.combine(account.went_live_on, datetime.time(9))
                ),
            )
            # Each closure's steps days apart, weeks ago, so that ages and targets show; the
            # account closes only once its closing date has come.
            days = sum(_DAYS_BEFORE.get(step, 6) for step in path)
            started = timezone.now() - datetime.timedelta(days=10 + 9 * created + days)
            _walk(account, path, dcct=dcct, head=office.head, started=started)
        created += 1
    return created


# Who left the organisation: the owner of this account (and so of its office's others).
LEAVER_ACCOUNT = ("threads", "visitholyrood")


def seed_leaver() -> str:
    """One person who has left, deactivated as an administrator would: their places on teams
    are kept on record, each account they owned passes to its other trained member or waits
    on DCCT's dashboard for an owner, and each team left short of trained people says so
    (services.member_left). Returns their name, or "" where there is nobody to make leave (a
    second run: they have gone already)."""
    slug, handle = LEAVER_ACCOUNT
    account = Account.objects.filter(platform__slug=slug, handle=handle).first()
    if account is None or account.members.filter(removal_reason=services.LEFT).exists():
        return ""  # someone has left it already: the demo's leaver, on an earlier run
    owner = (
        account.members.filter(
            role=AccountMember.Role.OWNER, removed_on__isnull=True, person__is_active=True
        )
        .select_related("person")
        .first()
    )
    if owner is None:
        return ""
    person = owner.person
    with transitions.without_notices():
        person.is_active = False
        person.save(update_fields=["is_active"])  # the leaver process runs with it
    return str(person)


CLOSING_AFTER_DAYS = 32
# Days from the step before: closing waits for the closing date the exit strategy set.
_DAYS_BEFORE = {"close": CLOSING_AFTER_DAYS}


def _walk(account, path, *, dcct, head, started):
    """Take the closure's steps through the services, each at its own past moment."""
    import time_machine  # a development dependency, as is the whole demo

    def strategy():
        return {
            "final_post": f"{account.display_name} is closing. Follow @ScotParl for news.",
            "redirect_to": "@ScotParl on the same platform",
            "archive_location": "Records store, social media archive",
            "closing_date": timezone.localdate() + datetime.timedelta(days=CLOSING_AFTER_DAYS),
        }

    moment = started
    for step in path:
        moment += datetime.timedelta(days=_DAYS_BEFORE.get(step, 6))
        with time_machine.travel(moment, tick=False):
            _step(Account.objects.get(pk=account.pk), step, dcct=dcct, head=head, strategy=strategy)


def _step(account, step, *, dcct, head, strategy):
    """One step of a demo closure, through the services."""
    if step == "propose":
        services.propose_closure(
            account=account,
            actor=dcct,
            reason="not_effective",
            explanation="Engagement has fallen for three quarters in a row and posts "
            "reach fewer than 200 people.",
        )
    elif step == "contest":
        services.contest_closure(
            account=account,
            actor=head,
            comment="A new editor joins next month and we have a plan for the autumn.",
        )
    elif step == "escalate":
        services.escalate_closure(
            account=account,
            actor=dcct,
            business_area_position=services.contested_position(account),
            dcct_position="The corporate account can carry this content with less risk.",
        )
    elif step == "agree":
        services.agree_exit_strategy(account=account, actor=head, exit_strategy=strategy())
    elif step == "close":
        services.update_exit_steps(
            account=account,
            actor=dcct,
            steps={field: timezone.localdate() for field, *_ in ExitStrategy.STEPS},
        )
        services.mark_closed(account=account, actor=dcct)


# Reports of impersonation: (days ago, address as typed, what the reporter said, their email,
# DCCT's steps as (days ago, action, what it carries)), and later reports of the same account
# as (days ago, address as typed, what they said, email).
IMPERSONATION_REPORTS = [
    (
        2,
        "https://x.com/ScotParl_News?s=20",
        "Uses the Parliament's logo and name and posts “official” results of votes that never "
        "happened.",
        "j.morrison@example.net",
        [],
        [],
    ),
    (
        6,
        "https://www.instagram.com/scottish.parliament.official/",
        "Says it is the Parliament's official account and asks people to message it to book "
        "tours, for a fee.",
        "",
        [],
        [
            (
                4,
                "instagram.com/Scottish.Parliament.Official?igsh=MTc4",
                "It messaged me offering paid tickets to First Minister's Questions.",
                "a.campbell@example.net",
            ),
            (
                1,
                "https://m.instagram.com/scottish.parliament.official",
                "Copies the photos from the real account.",
                "",
            ),
        ],
    ),
    (
        3,
        "https://holyrood-official-news.example/latest/",
        "A web site that calls itself the Scottish Parliament's news service and asks for "
        "donations.",
        "",
        [],
        [],
    ),
    (
        12,
        "https://www.facebook.com/ScottishParliamentOfficial",
        "A page with the Parliament's crest running a competition that asks for bank details.",
        "k.reid@example.net",
        [(11, "report_to_platform", "FB-2291734")],
        [],
    ),
    (
        40,
        "https://www.tiktok.com/@holyrood_official",
        "Posts clips of debates with false captions under the Parliament's name.",
        "r.fraser@example.net",
        [(39, "report_to_platform", "TT-88120455"), (30, "mark_taken_down", "")],
        [],
    ),
    (
        21,
        "https://www.youtube.com/@HolyroodLiveTV",
        "Streams the Parliament's sessions under our name and crest with adverts for a crypto "
        "scheme in the description.",
        "s.grant@example.net",
        [
            (20, "report_to_platform", "YT-5530912"),
            (
                8,
                "mark_platform_declined",
                "YouTube replied that the channel does not break its impersonation policy: it "
                "re-streams public footage and its About page says it is not the Parliament's.",
            ),
        ],
        [],
    ),
    (
        25,
        "https://bsky.app/profile/holyroodwatch.bsky.social",
        "Posts about every debate with the Parliament's logo as its picture.",
        "m.ali@example.net",
        [
            (
                23,
                "close_as_not_impersonation",
                "A commentary account: its profile says it is not affiliated with the Parliament, "
                "and the picture is a drawing of the building, not our logo.",
            )
        ],
        [],
    ),
]


def seed_impersonation_reports(*, dcct) -> int:
    """Reports of impersonation in every state, one with later reports merged into it, filed and
    dealt with through the services at their own past moments."""
    import time_machine  # a development dependency, as is the whole demo

    created = 0
    now = timezone.now()
    for days, address, said, email, steps, later in IMPERSONATION_REPORTS:
        if ImpersonationReport.objects.filter(
            address=register.read_reported(address).address
        ).exists():
            continue
        with transaction.atomic(), transitions.without_notices():
            with time_machine.travel(now - datetime.timedelta(days=days), tick=False):
                report = services.file_impersonation_report(
                    address=address, looks_official=said, reporter_email=email
                ).report
            for later_days, later_address, later_said, later_email in later:
                with time_machine.travel(now - datetime.timedelta(days=later_days), tick=False):
                    services.file_impersonation_report(
                        address=later_address, looks_official=later_said, reporter_email=later_email
                    )
            for step_days, action, carries in steps:
                with time_machine.travel(now - datetime.timedelta(days=step_days), tick=False):
                    report.refresh_from_db()
                    if action == "report_to_platform":
                        services.report_to_platform(
                            report=report, actor=dcct, case_reference=carries
                        )
                    else:
                        services.REPORT_ACTIONS[action](report=report, actor=dcct, comment=carries)
        created += 1 + len(later)
    return created
