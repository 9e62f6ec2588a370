import datetime

import factory
from django.contrib.auth.hashers import make_password

from people.models import Office, TrainingRecord, User

PASSWORD = "correct-horse-battery"


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Office {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    office = factory.SubFactory(OfficeFactory)
    password = factory.LazyFunction(lambda: make_password(PASSWORD))


class TrainingRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingRecord

    person = factory.SubFactory(UserFactory)
    course = "Social media for SPS staff"
    completed_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
    expires_on = factory.LazyAttribute(lambda o: o.completed_on + datetime.timedelta(days=365))


class PlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.Platform"
        django_get_or_create = ("slug",)

    slug = "instagram"
    name = "Instagram"
    hosts = ["instagram.com"]
    profile_path = r"^/(?P<handle>[A-Za-z0-9._]{1,30})$"
    handle_pattern = r"^[A-Za-z0-9._]{1,30}$"
    canonical_url = "https://www.instagram.com/{handle}"


class EngagementPriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "proposals.EngagementPriority"
        django_get_or_create = ("name",)

    name = "Young people"


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.Account"

    platform = factory.SubFactory(PlatformFactory)
    handle = factory.Sequence(lambda n: f"ScotParl{n}")
    display_name = factory.Sequence(lambda n: f"Scottish Parliament account {n}")
    office = factory.SubFactory(OfficeFactory)
    kind = "corporate"
    state = "live"


WHY_NOT_EXISTING = (
    "Our corporate Instagram account speaks to a general adult audience about the business of "
    "the Parliament. Secondary school pupils in rural areas do not follow it, and our research "
    "with teachers shows they want short, regular content made with and for young people."
)


class ProposalFactory(factory.django.DjangoModelFactory):
    """A draft whose business case is complete unless `complete=False`."""

    class Meta:
        model = "proposals.Proposal"
        skip_postgeneration_save = True

    class Params:
        complete = True

    proposer = factory.SubFactory(UserFactory)
    office = factory.LazyAttribute(lambda o: o.proposer.office)
    title = factory.Sequence(lambda n: f"Youth engagement pilot {n}")
    platform = factory.Maybe("complete", factory.SubFactory(PlatformFactory), None)
    proposed_handle = factory.Maybe("complete", "@ScotParlYouth", "")
    start_date = factory.Maybe(
        "complete", factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(30))
    )
    objectives = factory.Maybe("complete", "Help young people take part in committee work.", "")
    audience = factory.Maybe("complete", "Pupils aged 14 to 18 across Scotland.", "")
    audience_evidence = factory.Maybe("complete", "Ofcom media use survey 2026.", "")
    why_not_existing = factory.Maybe("complete", WHY_NOT_EXISTING, "")
    content_types = factory.Maybe("complete", "Short videos, stories, quizzes.", "")
    posting_frequency = factory.Maybe("complete", "Three posts a week", "")
    content_sources = factory.Maybe("complete", "Education Service and committee clerks.", "")
    website_links = factory.Maybe("complete", "Every post links to the committee page.", "")
    hours_per_week = factory.Maybe("complete", 6, None)
    cover_arrangements = factory.Maybe("complete", "Two editors cover each other's leave.", "")
    monitoring_plan = factory.Maybe("complete", "Checked twice each working day.", "")
    response_time = factory.Maybe("complete", "one_day", "")
    risks = factory.Maybe("complete", "Abuse in comments; moderation guidance applies.", "")
    accessibility = factory.Maybe("complete", "Captions and alt text on everything.", "")
    records_and_data_protection = factory.Maybe("complete", "No personal data kept.", "")
    exit_plan = factory.Maybe("complete", "Final post pointing to the corporate account.", "")

    @factory.post_generation
    def case_lists(self, create, extracted, **kwargs):
        """Priorities, a team of two and a KPI, for a complete case."""
        if not create or not self.platform_id:
            return
        from proposals.models import ProposalKPI, ProposalTeamMember

        self.priorities.add(EngagementPriorityFactory())
        ProposalTeamMember.objects.create(proposal=self, person=self.proposer, role="owner")
        ProposalTeamMember.objects.create(
            proposal=self, person=UserFactory(office=self.office), role="editor"
        )
        ProposalKPI.objects.create(proposal=self, metric="Followers", unit="followers", target=500)


class ImpersonationReportFactory(factory.django.DjangoModelFactory):
    """An open report of a look-alike X account, unless told otherwise."""

    class Meta:
        model = "accounts.ImpersonationReport"

    handle = factory.Sequence(lambda n: f"FakeParl{n}")
    handle_key = factory.LazyAttribute(lambda o: o.handle.lower())
    address = factory.LazyAttribute(lambda o: f"https://x.com/{o.handle}")
    platform = factory.LazyFunction(
        lambda: PlatformFactory(
            slug="x",
            name="X (Twitter)",
            hosts=["x.com", "twitter.com"],
            profile_path=r"^/@?(?P<handle>[A-Za-z0-9_]{1,15})$",
            handle_pattern=r"^[A-Za-z0-9_]{1,15}$",
            canonical_url="https://x.com/{handle}",
        )
    )
    looks_official = "It uses the Parliament's logo and says it is the official account."
    reporter_email = factory.Sequence(lambda n: f"reporter{n}@example.net")
