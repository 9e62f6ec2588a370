"""Demo proposals in every state, built through the real services so that each has its true
timeline (seed_demo). Keyed on title: a second run makes nothing twice."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Platform
from people.models import User
from proposals import services
from proposals.models import (
    EngagementPriority,
    Proposal,
    ProposalKPI,
    ProposalTeamMember,
)
from workflow import transitions

WHY_NOT = {
    "youth": "The corporate accounts speak to an adult audience about parliamentary business "
    "and have very few followers under eighteen. Teachers we work with tell us pupils want short "
    "videos made with young people, about issues they choose, which would sit oddly beside "
    "chamber clips and committee notices.",
    "gaelic": "Gaelic speakers are a distinct audience, and the corporate channels post in "
    "English with only occasional Gaelic content. Bòrd na Gàidhlig research shows Gaelic "
    "communities follow Gaelic-first accounts, and a mixed feed would not reach them.",
    "visitors": "Visitors planning a trip look for opening times, tours and events; the "
    "corporate accounts mix these with parliamentary business, and our visitor survey shows "
    "people miss what they need. A feed for visitors would keep the corporate accounts focused.",
    "committee": "People who give evidence to committees are specialists who follow the subject "
    "rather than the Parliament. The corporate accounts cannot carry every call for views, and "
    "our stakeholders say they find out too late about inquiries in their field.",
    "research": "Researchers and journalists want briefings the day they publish. The corporate "
    "accounts cover too many topics to post every briefing, and SPICe readers have asked for a "
    "single place to follow new research, as the House of Commons Library offers.",
    "events": "Festival audiences come for culture and debate rather than for parliamentary "
    "business. The corporate accounts reach them only during the Festival fortnight, and we "
    "need a year-round conversation with the people who attend and perform.",
}

# title, platform slug, proposer email, why-not key, the actions to take after drafting
SCENARIOS = [
    ("Holyrood for under-18s", "tiktok", "staff@example.org", "youth", ["submit"]),
    (
        "Gaelic at Holyrood",
        "instagram",
        "staff@example.org",
        "gaelic",
        ["submit", "approve_in_principle"],
    ),
    (
        "Committee calls for views",
        "linkedin",
        "staff@example.org",
        "committee",
        ["submit", "approve_in_principle", "advise_against"],
    ),
    (
        "Youth parliament live",
        "youtube",
        "staff@example.org",
        "youth",
        ["submit", "approve_in_principle", "advise_against", "disagree"],
    ),
    (
        "Schools debate challenge",
        "instagram",
        "staff@example.org",
        "youth",
        ["submit", "approve_in_principle", "advise_against", "disagree", "escalate"],
    ),
    (
        "Family days at Holyrood",
        "instagram",
        "staff2@example.org",
        "visitors",
        ["submit", "approve_in_principle", "endorse"],
    ),
    (
        "Learning resources for teachers",
        "facebook",
        "staff2@example.org",
        "youth",
        ["submit", "approve_in_principle", "request_changes"],
    ),
    (
        "SPICe research briefings",
        "bluesky",
        "staff2@example.org",
        "research",
        ["submit", "approve_in_principle", "endorse", "start_set_up"],
    ),
    (
        "Festival of Politics year-round",
        "threads",
        "staff2@example.org",
        "events",
        ["submit", "approve_in_principle", "advise_against", "accept_alternative"],
    ),
    (
        "Chamber highlights on WhatsApp",
        "whatsapp-channel",
        "staff@example.org",
        "committee",
        ["submit", "decline"],
    ),
    (
        "Petitions explained",
        "tiktok",
        "staff@example.org",
        "committee",
        ["submit", "approve_in_principle", "advise_against", "disagree", "escalate", "reject"],
    ),
    (
        "Parliament photos for press",
        "flickr",
        "staff2@example.org",
        "visitors",
        ["submit", "withdraw"],
    ),
    ("Community outreach podcast clips", "youtube", "staff@example.org", "committee", []),
]

COMMENTS = {
    "submit": "",
    "approve_in_principle": "Fits our engagement plan for the year; happy for DCCT to assess.",
    "advise_against": "",
    "disagree": "The corporate account's audience is not the one we need to reach; a slot "
    "would be lost among everything else it posts.",
    "escalate": "",
    "endorse": "",
    "request_changes": "Please add evidence that teachers use this channel, and name a second "
    "person for cover during school holidays.",
    "start_set_up": "Set-up booked for next week.",
    "accept_alternative": "A pilot is a sensible way to start.",
    "decline": "We do not have the capacity to run this alongside our other work this year.",
    "reject": "The corporate channels can carry petitions content; revisit after the campaign.",
    "withdraw": "Press office now covers this through the media centre.",
}


def _case(title, platform, proposer, why_key):
    return {
        "title": title,
        "platform": platform,
        "proposed_handle": "@" + "".join(word.capitalize() for word in title.split()[:3]),
        "start_date": datetime.date.today() + datetime.timedelta(days=60),
        "objectives": f"{title}: reach people the Parliament's corporate channels miss, and "
        "help them take part in its work.",
        "audience": "People in Scotland who do not follow the corporate accounts.",
        "audience_evidence": "Our 2026 audience survey and the platform's own reach figures.",
        "why_not_existing": WHY_NOT[why_key],
        "content_types": "Short videos, explainers, behind-the-scenes posts and live Q&As.",
        "posting_frequency": "Three posts a week",
        "content_sources": f"{proposer.office}, with committee clerks and the Broadcasting Office.",
        "website_links": "Every post links to the relevant page on parliament.scot.",
        "hours_per_week": 6,
        "cover_arrangements": "Two trained editors cover each other's leave; DCCT covers recess.",
        "monitoring_plan": "Comments and messages checked twice each working day, following the "
        "moderation guidance.",
        "response_time": "one_day",
        "risks": "Abusive comments; posting in error during a sensitive debate; account "
        "takeover. Moderation guidance and two-factor sign-in apply.",
        "accessibility": "Captions on all video, alt text on images, plain English.",
        "records_and_data_protection": "No personal data collected; posts archived yearly.",
        "exit_plan": "A final post pointing followers to the corporate account; content "
        "archived; the handle kept dormant.",
    }


def _actor(action, proposal, cast):
    if action in ("submit", "disagree", "accept_alternative", "withdraw", "resubmit"):
        return proposal.proposer
    if action in ("approve_in_principle", "decline", "return_to_proposer"):
        return proposal.approver
    if action in ("reject", "approve_as_proposed", "approve_alternative", "refer_back"):
        return cast["hec"]
    return cast["dcct"]


def _take(action, proposal, actor):
    comment = COMMENTS.get(action, "")
    if action == "advise_against":
        corporate = proposal.platform.accounts.filter(kind="corporate", state="live").first()
        return services.advise_against(
            proposal=proposal,
            actor=actor,
            approach="corporate_slot" if corporate else "pilot",
            corporate_account=corporate,
            pilot_end_date=None if corporate else proposal.start_date + datetime.timedelta(180),
            recommendation="A regular slot on the corporate account, made with DCCT."
            if corporate
            else "A six-month pilot, reviewed monthly, before any permanent account.",
            rationale="It reaches much of the same audience without a new account to staff "
            "and keep safe.",
            proposer_gets="A weekly slot, help with video production and monthly figures.",
        )
    if action == "escalate":
        return services.escalate(
            proposal=proposal,
            actor=actor,
            business_area_position=services.business_area_position(proposal),
            dcct_position="A slot on the corporate account tests demand first; a new account "
            "needs more resource than the office has named.",
        )
    if action == "submit":
        return services.submit(
            proposal=proposal,
            actor=actor,
            existing_accounts_response="Their followers are not the audience we need.",
        )
    if action == "endorse":
        return services.endorse(
            proposal=proposal, actor=actor, conditions="First review after three months."
        )
    return services.ACTIONS[action](proposal=proposal, actor=actor, comment=comment)


def history_dates(number: int, steps: int, now: datetime.datetime) -> list[datetime.datetime]:
    """When the demo's `number`th item was drafted and took each of its `steps`: spread from a
    couple of weeks to several months ago, days apart, the last still in the past, so that
    queues show real ages and some items are past their target times."""
    started = now - datetime.timedelta(days=12 + 13 * number + 5 * steps, hours=3 * number)
    return [started + datetime.timedelta(days=5 * step) for step in range(steps + 1)]


@transaction.atomic
def seed_proposals(*, cast: dict[str, User]) -> int:
    """Create the demo proposals; `cast` names the demo dcct and hec. Each is built through the
    services with the clock moved back (time-machine, a development dependency, as is the whole
    demo), so its history has true dates."""
    import time_machine

    created = 0
    priorities = list(EngagementPriority.objects.all()[:2])
    now = timezone.now()
    with transitions.without_notices():
        for number, (title, slug, email, why_key, actions) in enumerate(SCENARIOS):
            if Proposal.objects.filter(title=title).exists():
                continue
            when = history_dates(number, len(actions), now)
            proposer = User.objects.get(email=email)
            platform = Platform.objects.get(slug=slug)
            with time_machine.travel(when[0], tick=False):
                proposal = services.create_draft(
                    proposer=proposer, **_case(title, platform, proposer, why_key)
                )
            proposal.priorities.set(priorities)
            colleague = (
                proposer.office.members.exclude(pk=proposer.pk)
                .exclude(pk=proposer.office.head_id)
                .first()
            )
            ProposalTeamMember.objects.create(proposal=proposal, person=proposer, role="owner")
            ProposalTeamMember.objects.create(proposal=proposal, person=colleague, role="editor")
            ProposalKPI.objects.create(
                proposal=proposal, metric="Engagement rate", unit="%", target=4
            )
            ProposalKPI.objects.create(
                proposal=proposal, metric="Followers", unit="followers", target=1500
            )
            for step, action in enumerate(actions, start=1):
                with time_machine.travel(when[step], tick=False):
                    proposal = Proposal.objects.get(pk=proposal.pk)
                    _take(action, proposal, _actor(action, proposal, cast))
            created += 1
    return created
