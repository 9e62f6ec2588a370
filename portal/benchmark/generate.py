"""Years of an organisation's history (ten, or as many as asked), for the benchmark: offices
and people with their roles and training, proposals with their whole approval history, the
accounts they led to (and ones registered from the inventory) with their teams, set-up,
reviews, figures, recertifications and closures, and the public's reports of impersonation.

Deterministic: one seeded random generator, and the same plan for the same scale, years and day
(the history ends on the day it runs, so that open items are recent and queues look as they
would). A shorter history of the same organisation (`years`) has the same offices, people and
work in hand, and proportionally less of everything that piles up: proposals decided long ago,
accounts and their reviews, reports dealt with.

Every step of every history is one the state tables allow (checked against the models'
transitions as it is written), in the order and with the fields the services would have given
it. Written with PostgreSQL's COPY (psycopg 3) a batch at a time, while the next batch is made
(Writer); the append-only logs' triggers refuse only UPDATE and DELETE, so COPY passes."""

import datetime as dt
import io
import queue
import random
import threading
from collections import Counter

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command, get_commands
from django.core.management.color import no_style
from django.db import DatabaseError, connection
from django.utils import timezone

from accounts.handles import canonical_url
from accounts.models import (
    Account,
    AccountEvent,
    AccountMember,
    ClosureEscalation,
    ExitStrategy,
    ImpersonationReport,
    ImpersonationReportEvent,
    Platform,
    SetupChecklist,
    trained_period,
)
from accounts.services import load_platform_catalogue
from evaluation.models import (
    KPI,
    MetricObservation,
    MetricValue,
    Recertification,
    RecertificationEvent,
    RecertificationSchedule,
    Review,
    ReviewEvent,
    ReviewSchedule,
)
from people import policy
from people.models import Office, TrainingRecord, User
from people.roles import Role
from proposals.models import (
    AlternativePlan,
    Comment,
    Decision,
    EngagementPriority,
    Escalation,
    Proposal,
    ProposalKPI,
    ProposalTeamMember,
)
from proposals.services import load_engagement_priorities

SEED = 13  # the number: any fixed value makes the same data every run

# The large data set at --scale 1; the small one is SMALL_FRACTION of it. About 34% of the
# proposals end with an account set up, so with the inventory's accounts there are 20,000.
FULL = {
    "offices": 300,
    "people": 4_000,
    "proposals": 50_000,
    "inventory_accounts": 3_000,
    "impersonation_reports": 3_000,
}
SMALL_FRACTION = 0.01
YEARS = 10
# The young data set: the large one's organisation, with its work in hand, two years into using
# the system (a fifth of the history). Two, not one: an account closed after a year live and
# gone quiet, and a recertification a year after going live, need that long.
YOUNG_YEARS = 2
# What piles up with the years (the rest is the organisation: offices and people).
ACCUMULATING = {"proposals", "inventory_accounts", "impersonation_reports"}
# Whatever the scale, enough of each to have every state and every role's page.
MINIMUM = {
    "offices": 6,
    "people": 60,
    "proposals": 60,
    "inventory_accounts": 10,
    "impersonation_reports": 20,
}
DCCT_MEMBERS = 8
COMMUNICATIONS_OFFICE = "Parliament Communications Office"

# Where proposals end up: every state of the table. Open ones are recent, ended ones spread
# over the history; set_up ones led to an account (whose own state is ACCOUNT_STATES').
# What is open is what a working organisation has in hand: the last six weeks' arrivals, not
# a tenth of ten years' (about 1.4% of all, as many as arrive in eight weeks).
PROPOSAL_STATES = {
    "set_up": 34,
    "approved": 0.6,  # most of them waiting to be set up
    "declined": 18,
    "rejected": 4,
    "withdrawn": 34,
    "draft": 8,
    "with_office_head": 0.3,
    "with_dcct": 0.3,
    "revising": 0.2,
    "alternative_offered": 0.2,
    "contested": 0.15,
    "escalated": 0.25,
}
OPEN_PROPOSAL_STATES = {
    "with_office_head",
    "with_dcct",
    "revising",
    "alternative_offered",
    "contested",
    "escalated",
}
# What is in hand at any time, however long the history: the open proposals, and the
# approvals waiting to be set up.
PROPOSALS_IN_HAND = {*OPEN_PROPOSAL_STATES, "approved"}
# Accounts being set up or closed are, likewise, the last few weeks' (about 1.6% of all).
ACCOUNT_STATES = {
    "setting_up": 0.75,
    "live": 70.8,
    "retained": 2,  # live again after HEC retained it: a decided closure escalation
    "closure_proposed": 0.25,
    "closure_contested": 0.15,
    "closure_escalated": 0.15,
    "closing": 0.3,
    "closed": 25.6,
}
ACCOUNTS_IN_HAND = {
    "setting_up",
    "closure_proposed",
    "closure_contested",
    "closure_escalated",
    "closing",
}
REPORT_STATES = {
    "open": 2,
    "reported_to_platform": 3,
    "resolved": 45,
    "platform_declined": 15,
    "not_impersonation": 25,
    "merged": 10,
}
FREQUENCIES = {"monthly": 24, "quarterly": 49, "six_monthly": 17, "yearly": 10}
# Loops a proposal may go round: returned by its office head, or sent back and forth with DCCT.
P_RETURNED = 0.5
P_DCCT_LOOP = 0.765

TOPICS = [
    "Youth engagement",
    "Gaelic at Holyrood",
    "Committee calls for views",
    "Visitor news",
    "Research briefings",
    "Festival of Politics",
    "Petitions explained",
    "Learning resources",
    "Chamber highlights",
    "Community outreach",
    "Education visits",
    "Broadcasting clips",
]
FIRST_NAMES = [
    "Ailsa", "Blair", "Callum", "Eilidh", "Finlay", "Isla", "Lachlan", "Mhairi", "Rory", "Skye",
    "Euan", "Kirsteen", "Hamish", "Iona", "Niamh", "Struan", "Greer", "Fraser", "Morven", "Ewan",
]  # fmt: skip
LAST_NAMES = [
    "Anderson", "Baird", "Cameron", "Drummond", "Ferguson", "Gillespie", "Hamilton", "Innes",
    "Johnstone", "Kennedy", "Lindsay", "McIntyre", "Ogilvie", "Rennie", "Sutherland", "Watt",
    "Munro", "Fraser", "Grant", "Ross",
]  # fmt: skip
WHY_NOT_EXISTING = (
    "The corporate accounts speak to an adult audience about parliamentary business and have "
    "very few followers in this group. The people we work with tell us they want short, "
    "regular content made with and for them, which would sit oddly beside chamber clips."
)
CASE = {
    "objectives": "Reach people the corporate channels miss, and help them take part.",
    "audience": "People in Scotland who do not follow the corporate accounts.",
    "audience_evidence": "Our audience survey and the platform's own reach figures.",
    "why_not_existing": WHY_NOT_EXISTING,
    "existing_accounts_response": "Their followers are not the audience we need.",
    "content_types": "Short videos, explainers and behind-the-scenes posts.",
    "posting_frequency": "Three posts a week",
    "content_sources": "The office, with committee clerks and the Broadcasting Office.",
    "website_links": "Every post links to the relevant page on the website.",
    "cover_arrangements": "Two trained editors cover each other's leave.",
    "monitoring_plan": "Comments and messages checked twice each working day.",
    "response_time": "one_day",
    "risks": "Abusive comments; posting in error; account takeover.",
    "accessibility": "Captions on all video, alt text on images, plain English.",
    "records_and_data_protection": "No personal data collected; posts archived yearly.",
    "exit_plan": "A final post pointing followers to the corporate account.",
}
COMMENTS = {
    "return_to_proposer": "Please say more about who covers the account during leave.",
    "decline": "We do not have the capacity to run this alongside our other work.",
    "request_changes": "Please add evidence that this audience uses the channel.",
    "disagree": "The corporate account's audience is not the one we need to reach.",
    "revise_advice": "Having heard the office, DCCT looks at it again.",
    "escalate": "A slot on the corporate account tests demand first.",
    "approve_as_proposed": "The case is made; approved as proposed.",
    "approve_alternative": "The alternative meets the aims with less risk.",
    "reject": "The corporate channels can carry this content.",
    "refer_back": "DCCT and the office should try once more to agree.",
    "withdraw": "No longer needed.",
    "start_set_up": "Set-up booked.",
}
KPI_CHOICES = [
    ("Followers", "followers", 1500, "higher"),
    ("Engagement rate", "%", 4, "higher"),
    ("Posts a week", "posts", 3, "higher"),
    ("Response time", "hours", 24, "lower"),
]
DAY = dt.timedelta(days=1)


def months_after(day: dt.date, months: int, anchor: int) -> dt.date:
    """evaluation.models.add_months(day, months, anchor), in plain arithmetic: it runs for every
    review period and recertification, and dateutil would be a third of the generation's time."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    if month == 2:
        last = 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    else:
        last = 30 if month in (4, 6, 9, 11) else 31
    return dt.date(year, month, min(anchor, last))


def count_of(what: str, scale: float, years: float = YEARS) -> int:
    history = years / YEARS if what in ACCUMULATING else 1
    return max(MINIMUM[what], round(FULL[what] * scale * history))


def in_hand(weights: dict, open_states, years: float) -> dict:
    """`weights` (shares of all, over YEARS years) for a history of `years`: the same number
    in the states of work in hand, which is the last weeks' arrivals however long the history,
    so their share of fewer in all is larger."""
    return {
        state: weight * YEARS / years if state in open_states else weight
        for state, weight in weights.items()
    }


def allocate(rng: random.Random, n: int, weights: dict) -> list:
    """`n` keys in the proportions of `weights`, each at least once (when n allows), shuffled."""
    total = sum(weights.values())
    counts = {key: max(1, int(n * weight / total)) for key, weight in weights.items()}
    biggest = max(weights, key=weights.get)
    counts[biggest] += n - sum(counts.values())
    keys = [key for key, times in counts.items() for _ in range(times)]
    rng.shuffle(keys)
    return keys


def _transition_table(model) -> dict:
    """(action, from state) -> the states it may lead to, from the model's django-fsm table."""
    table = {}
    for transition in model._meta.get_field("state").get_all_transitions(model):
        target = transition.target
        targets = getattr(target, "allowed_states", None) or [target]
        table[(transition.name, transition.source)] = set(targets)
    return table


class Table:
    """A table COPY writes: the columns each row gives, then the ones every row shares (the
    field's default, or "" for text left blank), so that no NOT NULL column is forgotten."""

    def __init__(self, model, columns: str):
        columns = columns.split()
        self.model = model
        self.name = model._meta.db_table
        fields = {field.attname: field for field in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise ValueError(f"{self.name} has no {', '.join(sorted(unknown))}")
        shared = []
        for name, field in fields.items():
            if name in columns or field.primary_key:
                continue
            if field.has_default() and not callable(field.default):
                shared.append((name, field.get_default()))
            elif field.null:
                continue
            elif field.empty_strings_allowed and field.blank:
                shared.append((name, ""))
            else:
                raise ValueError(f"{self.name}.{name} needs a value in every row")
        self.columns = [*columns, *(name for name, _ in shared)]
        self.shared = tuple(value for _, value in shared)
        self.rows = []

    def add(self, *values):
        self.rows.append(values + self.shared)

    def take(self) -> tuple[str, list]:
        """The COPY statement and the rows waiting, which are no longer kept here."""
        columns = ", ".join(f'"{name}"' for name in self.columns)
        rows, self.rows = self.rows, []
        return f'COPY "{self.name}" ({columns}) FROM STDIN', rows


class Writer:
    """COPY on a connection of its own, in a thread of its own, so that PostgreSQL writes one
    batch while Python makes the next (psycopg lets go of the GIL while it waits).

    The session skips the per-row foreign-key triggers (session_replication_role = replica,
    for a superuser; otherwise they run), which take most of the time of a bulk load:
    `unchecked` says so, and History checks every foreign key afterwards in one query each.
    The unique and check constraints are no triggers and hold as always."""

    def __init__(self, wrapper):
        self.connection = wrapper.get_new_connection(wrapper.get_connection_params())
        self.unchecked = True
        with self.connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            self.connection.commit()
            try:
                cursor.execute("SET session_replication_role = replica")
            except Exception:  # not a superuser: the triggers check each row as it goes in
                self.connection.rollback()
                self.unchecked = False
            self.connection.commit()
        self.batches = queue.Queue(maxsize=1)
        self.error = None
        self.thread = threading.Thread(target=self._write, name="benchmark-copy", daemon=True)
        self.thread.start()

    def put(self, batch: list[tuple[str, list]]) -> None:
        if self.error is not None:
            raise self.error
        self.batches.put(batch)

    def _write(self):
        while (batch := self.batches.get()) is not None:
            if self.error is not None:
                continue  # drained, so that the generating thread never waits for nothing
            try:
                with self.connection.cursor() as cursor:
                    for statement, rows in batch:
                        with cursor.copy(statement) as copy:
                            write = copy.write_row
                            for row in rows:
                                write(row)
                self.connection.commit()
            except Exception as error:
                self.error = error

    def close(self) -> None:
        self.batches.put(None)
        self.thread.join()
        self.connection.close()
        if self.error is not None:
            raise self.error


class History:
    """Generates and writes one data set; `run()` returns the rows written per table."""

    BATCH_ROWS = 400_000  # written (one transaction) whenever this many rows are waiting

    def __init__(
        self, *, scale: float, years: int = YEARS, today: dt.date | None = None, seed: int = SEED
    ):
        self.scale = scale
        self.years = years
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        # The start of today: the same all day (for the same data), and never ahead of the clock.
        self.now = timezone.make_aware(dt.datetime.combine(self.today, dt.time.min))
        self.start = self.today.replace(year=self.today.year - years, day=min(self.today.day, 28))
        self.written = Counter()
        self.ids = Counter()
        self.plans_offered = Counter()  # DCCT's alternative plans so far, per proposal
        self.rules = {
            "proposal": _transition_table(Proposal),
            "account": _transition_table(Account),
            "review": _transition_table(Review),
            "recertification": _transition_table(Recertification),
            "report": _transition_table(ImpersonationReport),
        }
        self._tables()

    # --- Writing ------------------------------------------------------------------------------

    def _tables(self):
        log = "actor_id actor_role action comment created_at from_state to_state"
        escalation = (
            "business_area_position dcct_position escalated_by_id escalated_at reasons "
            "decided_by_id decided_at ruling"
        )
        self.recert_answers = [field for field, _, _ in Recertification.ITEMS]
        self.t_office = Table(Office, "id name head_id")
        self.t_user = Table(
            User,
            "id password is_superuser email full_name office_id staff_type line_manager_id "
            "is_active is_staff date_joined",
        )
        self.t_user_group = Table(User.groups.through, "user_id group_id")
        self.t_training = Table(
            TrainingRecord, "person_id course completed_on expires_on recorded_at"
        )
        self.t_proposal = Table(
            Proposal,
            "id proposer_id office_id approver_id state state_changed_at created_at updated_at "
            "submitted_at decided_at outcome for_new_account conditions title platform_id "
            "proposed_handle start_date hours_per_week review_frequency " + " ".join(CASE),
        )
        self.t_priority = Table(Proposal.priorities.through, "proposal_id engagementpriority_id")
        self.t_team = Table(ProposalTeamMember, "proposal_id person_id role")
        self.t_proposal_kpi = Table(ProposalKPI, "proposal_id metric unit target direction")
        self.t_decision = Table(Decision, f"proposal_id {log}")
        self.t_comment = Table(Comment, "proposal_id author_id body created_at")
        self.t_plan = Table(
            AlternativePlan,
            "proposal_id approach corporate_account_id pilot_end_date recommendation rationale "
            "proposer_gets created_by_id created_at",
        )
        self.t_escalation = Table(Escalation, f"proposal_id {escalation}")
        self.t_account = Table(
            Account,
            "id platform_id handle url display_name office_id kind purpose audience proposal_id "
            "state state_changed_at created_at went_live_on closed_on closure_reason "
            "closure_explanation closure_proposed_by closure_proposer_id retention_conditions "
            "platform_sort_order team_trained_from team_trained_until last_activity_on",
        )
        self.t_member = Table(
            AccountMember,
            "account_id person_id role provides_cover added_on removed_on removal_reason",
        )
        self.t_setup = Table(
            SetupChecklist,
            "account_id corporate_email corporate_email_address credentials_in_password_manager "
            "password_manager_entry two_factor profile_complete in_management_tool team_trained "
            "listed_in_register",
        )
        self.t_exit = Table(
            ExitStrategy,
            "account_id final_post redirect_to archive_location handle_outcome closing_date "
            "agreed_by_id agreed_at " + " ".join(field for field, _, _ in ExitStrategy.STEPS),
        )
        self.t_account_event = Table(AccountEvent, f"account_id {log}")
        self.t_closure_escalation = Table(ClosureEscalation, f"account_id {escalation}")
        self.t_kpi = Table(KPI, "id account_id metric unit target direction")
        self.t_schedule = Table(
            ReviewSchedule, "account_id frequency period_start next_due_on anchor_day"
        )
        self.t_review = Table(
            Review,
            "id account_id period_start period_end due_on state state_changed_at created_at "
            "went_well not_well hours_spent submitted_by_id submitted_at outcome assessment "
            "action_plan assessed_by_id assessed_at",
        )
        self.t_review_event = Table(ReviewEvent, f"review_id {log}")
        self.t_value = Table(MetricValue, "review_id kpi_id value target")
        self.t_observation = Table(
            MetricObservation, "account_id kpi_id day value imported_by_id imported_at"
        )
        self.t_recert_schedule = Table(RecertificationSchedule, "account_id next_due_on anchor_on")
        self.t_recert = Table(
            Recertification,
            "id account_id due_on state state_changed_at created_at "
            + " ".join(self.recert_answers)
            + " team_trained_note submitted_by_id submitted_at follow_up_note followed_up_by_id "
            "followed_up_at",
        )
        self.t_recert_event = Table(RecertificationEvent, f"recertification_id {log}")
        self.t_report = Table(
            ImpersonationReport,
            "id address platform_id handle handle_key looks_official reporter_email "
            "merged_into_id state state_changed_at created_at case_reference acknowledged_at "
            "outcome_sent_at",
        )
        self.t_report_event = Table(ImpersonationReportEvent, f"report_id {log}")
        # A batch is one transaction: where the writer's session checks foreign keys, they are
        # checked at its commit (Django makes them DEFERRABLE), so the order of tables is free.
        self.order = [table for table in vars(self).values() if isinstance(table, Table)]

    def _maybe_flush(self):
        if sum(len(table.rows) for table in self.order) >= self.BATCH_ROWS:
            self.flush()

    def flush(self):
        batch = []
        for table in self.order:
            if table.rows:
                self.written[table.name] += len(table.rows)
                batch.append(table.take())
        self.writer.put(batch)

    def next_id(self, kind: str) -> int:
        self.ids[kind] += 1
        return self.ids[kind]

    def check(self, machine: str, action: str, from_state: str, to_state: str) -> None:
        """Refuse to write a step the model's state table does not allow."""
        if to_state not in self.rules[machine].get((action, from_state), ()):
            raise AssertionError(f"{machine}: {action} from {from_state} to {to_state}")

    # --- Time ---------------------------------------------------------------------------------

    def moment(self, day: dt.date, hour: int = 9) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)

    def between(self, first: dt.datetime, last: dt.datetime) -> dt.datetime:
        seconds = max(0.0, (last - first).total_seconds())
        return first + dt.timedelta(seconds=int(self.rng.random() * seconds))

    def days(self, low: float, high: float) -> dt.timedelta:
        return dt.timedelta(days=low + self.rng.random() * (high - low))

    # --- The whole run ------------------------------------------------------------------------

    def run(self) -> Counter:
        load_platform_catalogue()
        load_engagement_priorities()
        platforms = list(Platform.objects.filter(internal=False).order_by("sort_order"))
        self.platforms = [(p.pk, p, p.sort_order) for p in platforms]
        self.priority_ids = list(EngagementPriority.objects.values_list("pk", flat=True))
        self.groups = dict(Group.objects.values_list("name", "pk"))
        self.writer = Writer(connection)
        try:
            self._people()
            self._inventory_accounts()
            self._proposals()
            self._impersonation_reports()
            self.flush()
        finally:
            self.writer.close()
        models = [table.model for table in self.order]
        if self.writer.unchecked:
            check_foreign_keys(models)
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
        return self.written

    # --- Offices and people -------------------------------------------------------------------

    def _people(self):
        rng = self.rng
        offices = count_of("offices", self.scale)
        people = count_of("people", self.scale)
        password = make_password(None)  # nobody signs in with a password: pages use force_login
        dcct_count = max(2, min(DCCT_MEMBERS, round(DCCT_MEMBERS * self.scale**0.25)))
        directors = max(1, round(10 * self.scale))
        # Office sizes fall away from the biggest, as an organisation's do; three at least.
        weights = [1 / (rank + 1) ** 0.7 for rank in range(offices)]
        role_holders = dcct_count + 3 + directors  # DCCT, HEC, policy owner, administrator
        others = people - role_holders
        sizes = [max(3, int(others * weight / sum(weights))) for weight in weights]
        sizes[0] += max(0, others - sum(sizes))
        self.office_members = {}
        self.office_heads = {}
        self.staff = []
        self.user_office = {}
        joined_from = self.moment(self.start) - dt.timedelta(days=400)
        user_id = 0

        def person(office, *, line_manager=None, staff_type="staff", is_staff=False):
            nonlocal user_id
            user_id += 1
            name = f"{FIRST_NAMES[user_id % 20]} {LAST_NAMES[(user_id // 20) % 20]}"
            self.t_user.add(
                user_id,
                password,
                False,
                f"person{user_id:05d}@example.org",
                name,
                office,
                staff_type,
                line_manager,
                True,
                is_staff,
                self.between(joined_from, self.now - 400 * DAY),
            )
            self.user_office[user_id] = office
            return user_id

        communications = 1
        self.dcct = [person(communications) for _ in range(dcct_count)]
        self.hec = person(communications)
        self.policy_owner = person(communications)
        self.administrator = person(communications, is_staff=True)  # as assign_role makes one
        self.directors = [person(communications) for _ in range(directors)]
        for member in self.dcct:
            self.t_user_group.add(member, self.groups[Role.DCCT.value])
        self.t_user_group.add(self.hec, self.groups[Role.HEC.value])
        self.t_user_group.add(self.policy_owner, self.groups[Role.POLICY_OWNER.value])
        self.t_user_group.add(self.administrator, self.groups[Role.ADMINISTRATOR.value])
        staff_types = ["staff"] * 6 + ["secondee", "contractor"]
        self.line_managers = {}  # of the heads: who approves a head's own proposals
        for number, size in zip(range(1, offices + 1), sizes, strict=True):
            director = rng.choice(self.directors)
            head = person(number, line_manager=director)
            self.line_managers[head] = director
            self.office_heads[number] = head
            members = [head]
            for _ in range(size - 1):
                members.append(person(number, staff_type=rng.choice(staff_types)))
            self.office_members[number] = members
            self.staff.extend(members)
        for number in range(1, offices + 1):
            name = COMMUNICATIONS_OFFICE if number == communications else f"Office {number:03d}"
            self.t_office.add(number, name, self.office_heads[number])
        # Training: a course every two years or so, from before the history starts; some let it
        # lapse for a while, so that some teams fall below policy.MIN_TRAINED_TEAM now and then.
        recorded = self.now - 300 * DAY
        self.training = {}
        for person_id in range(1, user_id + 1):
            completed = self.start - dt.timedelta(days=rng.randrange(0, 700))
            records = self.training[person_id] = []
            while completed < self.today:
                records.append((completed, completed + 730 * DAY))
                self.t_training.add(
                    person_id,
                    "Social media for SPS staff",
                    completed,
                    completed + 730 * DAY,
                    recorded,
                )
                completed += dt.timedelta(
                    days=rng.randrange(600, 730 if rng.random() < 0.85 else 1000)
                )
        # Proposers: everybody in an office may propose, some much more than others.
        proposers = list(self.staff)
        rng.shuffle(proposers)
        self.proposers = proposers
        self.proposer_weights = []
        total = 0.0
        for rank in range(len(proposers)):
            total += 1 / (1 + rank / 20)
            self.proposer_weights.append(total)

    def _team_for(self, office: int, lead: int, *, exclude: set) -> list[tuple[int, str]]:
        """The lead as owner and one or two colleagues of the office as editors."""
        members = self.office_members[office]
        team = [(lead, "owner")]
        chosen = {lead, *exclude}
        for _ in range(1 + (self.rng.random() < 0.4)):
            candidate = self.rng.choice(members)
            if candidate not in chosen:
                chosen.add(candidate)
                team.append((candidate, "editor"))
        if len(team) < policy.MIN_TEAM:
            for candidate in members:
                if candidate not in chosen:
                    team.append((candidate, "editor"))
                    break
        return team

    # --- Proposals ----------------------------------------------------------------------------

    def _head_phase(self) -> list[str]:
        path = ["submit"]
        while self.rng.random() < P_RETURNED:
            path += ["return_to_proposer", "submit"]
        return path

    def _dcct_loops(self) -> list[str]:
        path = []
        while self.rng.random() < P_DCCT_LOOP:
            roll = self.rng.random()
            if roll < 0.5:
                path += ["request_changes", "resubmit"]
            elif roll < 0.8:
                path += ["advise_against", "disagree", "revise_advice"]
            else:
                path += ["escalate", "refer_back"]
        return path

    def _path(self, target: str) -> tuple[list[str], str]:
        """The actions that bring a new draft to `target`, and the outcome."""
        rng = self.rng
        to_dcct = [*self._head_phase(), "approve_in_principle", *self._dcct_loops()]
        escalate = (
            ["escalate"] if rng.random() < 0.5 else ["advise_against", "disagree", "escalate"]
        )
        if target == "draft":
            return ([] if rng.random() < 0.6 else [*self._head_phase(), "return_to_proposer"]), ""
        if target == "with_office_head":
            return self._head_phase(), ""
        if target == "declined":
            return [*self._head_phase(), "decline"], ""
        if target == "withdrawn":
            roll = rng.random()
            if roll < 0.3:
                return ["withdraw"], ""
            if roll < 0.55:
                return [*self._head_phase(), "withdraw"], ""
            if roll < 0.8:
                return [*to_dcct, "request_changes", "withdraw"], ""
            return [*to_dcct, "advise_against", "withdraw"], ""
        if target == "with_dcct":
            return to_dcct, ""
        if target == "revising":
            return [*to_dcct, "request_changes"], ""
        if target == "alternative_offered":
            return [*to_dcct, "advise_against"], ""
        if target == "contested":
            return [*to_dcct, "advise_against", "disagree"], ""
        if target == "escalated":
            return [*to_dcct, *escalate], ""
        if target == "rejected":
            return [*to_dcct, *escalate, "reject"], ""
        roll = rng.random()
        if roll < 0.6:
            ending, outcome = ["endorse"], "as_proposed"
        elif roll < 0.8:
            ending, outcome = ["advise_against", "accept_alternative"], "alternative"
        elif roll < 0.9:
            ending, outcome = [*escalate, "approve_as_proposed"], "as_proposed"
        else:  # HEC approves the alternative DCCT put forward
            ending = ["advise_against", "disagree", "escalate", "approve_alternative"]
            outcome = "alternative"
        path = [*to_dcct, *ending]
        if target == "set_up":
            path.append("start_set_up")
        return path, outcome

    def _proposals(self):
        rng = self.rng
        total = count_of("proposals", self.scale, self.years)
        targets = allocate(rng, total, in_hand(PROPOSAL_STATES, PROPOSALS_IN_HAND, self.years))
        account_states = iter(
            allocate(
                rng,
                targets.count("set_up"),
                in_hand(ACCOUNT_STATES, ACCOUNTS_IN_HAND, self.years),
            )
        )
        frequencies = list(FREQUENCIES)
        frequency_weights = list(FREQUENCIES.values())
        for target in targets:
            pid = self.next_id("proposal")
            proposer = rng.choices(self.proposers, cum_weights=self.proposer_weights)[0]
            office = self.user_office[proposer]
            head = self.office_heads[office]
            heads_it = head == proposer
            approver = self.line_managers[proposer] if heads_it else head
            team = self._team_for(office, proposer, exclude={approver})
            platform = self.platforms[rng.randrange(len(self.platforms))]
            frequency = rng.choices(frequencies, frequency_weights)[0]
            kpis = rng.sample(KPI_CHOICES, 1 + (rng.random() < 0.5))
            path, outcome = self._path(target)
            account = None
            if target == "set_up":
                account = self._account_plan(next(account_states))
                end = account["created"]
            elif target in OPEN_PROPOSAL_STATES or (
                target == "approved" and outcome == "as_proposed"
            ):
                end = self.now - self.days(0.5, 45)
            else:
                end = None
            self._proposal(
                pid=pid,
                target=target,
                path=path,
                outcome=outcome,
                proposer=proposer,
                office=office,
                approver=approver,
                heads_it=heads_it,
                team=team,
                platform=platform,
                frequency=frequency,
                kpis=kpis,
                end=end,
            )
            if account is not None:
                account.update(
                    proposal=pid,
                    office=office,
                    platform=platform,
                    team=team,
                    kpis=kpis,
                    frequency=frequency,
                    title=f"{TOPICS[pid % len(TOPICS)]} {pid}",
                    kind="business_area",
                )
                self._account(account)
            self._maybe_flush()

    def _proposal(
        self, *, pid, target, path, outcome, proposer, office, approver, heads_it, team,
        platform, frequency, kpis, end,
    ):  # fmt: skip
        """One proposal's business case, team, KPIs and its history up to `end`."""
        rng = self.rng
        gaps = [self.days(0.2, 1) + dt.timedelta(days=rng.expovariate(1 / 5)) for _ in path]
        drafting = self.days(1, 30)
        duration = drafting + sum(gaps, dt.timedelta())
        if end is None:
            end = self.between(
                min(self.moment(self.start) + duration, self.now - DAY), self.now - DAY
            )
        moment = end - sum(gaps, dt.timedelta())
        created = moment - drafting
        approver_role = (
            "Line manager (the proposer heads the office)" if heads_it else "Office head"
        )
        roles = {"proposer": "Proposer", "approver": approver_role, "dcct": "DCCT", "hec": "HEC"}
        actors = {
            "proposer": proposer,
            "approver": approver,
            "dcct": rng.choice(self.dcct),
            "hec": self.hec,
        }
        state = "draft"
        submitted_at = decided_at = None
        open_escalation = None
        plan_is_pilot = False
        for action, gap in zip(path, gaps, strict=True):
            moment += gap
            to_state = ACTION_TARGETS[action]
            self.check("proposal", action, state, to_state)
            role = ACTION_ROLES[action]
            actor = actors[role]
            if role == "dcct" and rng.random() < 0.3:
                actor = actors["dcct"] = rng.choice(self.dcct)
            comment = COMMENTS.get(action, "")
            self.t_decision.add(pid, actor, roles[role], action, comment, moment, state, to_state)
            if action == "submit":
                submitted_at = moment
            if action in DECIDING:
                decided_at = moment
            if action == "advise_against":
                plan_is_pilot = self._alternative_plan(pid, path, actor, moment, target, outcome)
            if action == "escalate":
                open_escalation = (actor, moment)
            if state == "escalated" and open_escalation is not None:
                by, at = open_escalation
                self.t_escalation.add(
                    pid,
                    "The office needs its own account to reach this audience.",
                    COMMENTS["escalate"],
                    by,
                    at,
                    comment,
                    actor,
                    moment,
                    action,
                )
                open_escalation = None
            state = to_state
        if open_escalation is not None:
            by, at = open_escalation
            self.t_escalation.add(
                pid,
                "The office needs its own account to reach this audience.",
                COMMENTS["escalate"],
                by,
                at,
                "",
                None,
                None,
                "",
            )
        if target == "set_up" and outcome == "alternative" and not plan_is_pilot:
            raise AssertionError("an account was set up from an alternative that is no pilot")
        last = moment if path else created
        self.t_proposal.add(
            pid,
            proposer,
            office,
            approver if submitted_at else None,
            state,
            last,
            created,
            last,
            submitted_at,
            decided_at,
            outcome,
            outcome == "as_proposed" or (outcome == "alternative" and plan_is_pilot),
            "First review after three months." if outcome == "as_proposed" else "",
            f"{TOPICS[pid % len(TOPICS)]} {pid}",
            platform[0],
            f"@SpProp{pid:06d}",
            (created + 60 * DAY).date(),
            6,
            frequency,
            *CASE.values(),
        )
        for person, role in team:
            self.t_team.add(pid, person, role)
        for metric, unit, target_value, direction in kpis:
            self.t_proposal_kpi.add(pid, metric, unit, target_value, direction)
        for priority in rng.sample(self.priority_ids, min(len(self.priority_ids), 1 + pid % 2)):
            self.t_priority.add(pid, priority)
        if rng.random() < 0.1:
            for _ in range(rng.randrange(1, 4)):
                self.t_comment.add(
                    pid, rng.choice(team)[0], "Added the figures from last year.", created + DAY
                )

    def _alternative_plan(self, pid, path, actor, moment, target, outcome) -> bool:
        """DCCT's alternative; the last one offered is a pilot where an account was set up
        from it, a slot on a corporate account where one was agreed without a new account."""
        rng = self.rng
        self.plans_offered[pid] += 1
        last_plan = path.count("advise_against") == self.plans_offered[pid]
        if last_plan and outcome == "alternative":
            approach = "pilot" if target == "set_up" else "corporate_slot"
        else:
            approach = rng.choice(["campaign", "pilot", "corporate_slot", "other"])
        corporate = rng.choice(self.corporate_accounts) if approach == "corporate_slot" else None
        self.t_plan.add(
            pid,
            approach,
            corporate,
            (moment + 180 * DAY).date() if approach == "pilot" else None,
            "A regular slot on the corporate account, made with DCCT.",
            "It reaches much of the same audience without a new account to staff.",
            "A weekly slot, help with video production and monthly figures.",
            actor,
            moment,
        )
        return approach == "pilot"

    # --- Accounts -----------------------------------------------------------------------------

    def _account_plan(self, state: str) -> dict:
        """When an account was created and went live, and where its life has got to."""
        now = self.now
        start = self.moment(self.start) + 120 * DAY
        if state == "setting_up":
            created = now - self.days(1, 50)
            return {"state": state, "created": created, "live": None}
        recent = state in ("closure_proposed", "closure_contested", "closure_escalated", "closing")
        # Late enough to close (or have its closure refused) a while before today: a closed
        # account after 300 days live, a retained one after 200.
        latest_live = now - {"closed": 400, "retained": 260}.get(state, 60) * DAY
        live = self.between(start, latest_live)
        created = live - self.days(14, 60)
        plan = {"state": state, "created": created, "live": live.date()}
        if state == "closed":
            plan["closure"] = self.between(live + 300 * DAY, now - 60 * DAY)
        elif recent:
            plan["closure"] = now - self.days(3, 25)
        elif state == "retained":
            plan["closure"] = self.between(live + 200 * DAY, now - 60 * DAY)
        return plan

    def _inventory_accounts(self):
        """Accounts registered from the inventory of existing ones, some corporate."""
        rng = self.rng
        count = count_of("inventory_accounts", self.scale, self.years)
        states = allocate(
            rng,
            count,
            in_hand(
                {k: v for k, v in ACCOUNT_STATES.items() if k != "setting_up"},
                ACCOUNTS_IN_HAND,
                self.years,
            ),
        )
        self.corporate_accounts = []
        offices = list(self.office_members)
        office_weights = [len(self.office_members[office]) for office in offices]
        for number, state in enumerate(states):
            corporate = number % 10 == 0
            office = 1 if corporate else rng.choices(offices, office_weights)[0]
            members = self.office_members[office]
            # Each office's social media lead (its second person) owns most of its accounts.
            lead = members[1 % len(members)] if rng.random() < 0.6 else rng.choice(members)
            if corporate:
                lead = self.dcct[0]
                state = "live"
            plan = self._account_plan(state)
            plan.update(
                created=self.moment(plan["live"], 9),  # registered the day it is listed as live
                proposal=None,
                office=office,
                platform=self.platforms[rng.randrange(len(self.platforms))],
                team=self._team_for(office, lead, exclude={self.office_heads[office]})
                if not corporate
                else [(self.dcct[0], "owner"), (self.dcct[-1], "editor")],
                kpis=rng.sample(KPI_CHOICES, 1 + (rng.random() < 0.5)),
                frequency="quarterly",
                title=f"{'Scottish Parliament' if corporate else 'Office'} channel {number}",
                kind="corporate" if corporate else "business_area",
            )
            account_id = self._account(plan)
            if corporate and state == "live":
                self.corporate_accounts.append(account_id)
            self._maybe_flush()

    def _account(self, plan: dict) -> int:
        rng = self.rng
        aid = self.next_id("account")
        platform_id, platform, sort_order = plan["platform"]
        handle = _handle(platform, f"SpAcct{aid:06d}")
        state = plan["state"]
        created = plan["created"]
        # The DCCT member who sets it up, assesses its reviews and follows it up: never one
        # who helps run it (evaluation.permissions.may_assess).
        on_team = {person for person, _ in plan["team"]}
        dcct = rng.choice([member for member in self.dcct if member not in on_team] or self.dcct)
        office = plan["office"]
        head = self.office_heads[office]
        owner = plan["team"][0][0]
        events = self.t_account_event
        live_day = plan["live"]
        went_live = self.moment(live_day, 10) if live_day else None
        if plan["proposal"] is not None:
            events.add(
                aid,
                dcct,
                "DCCT",
                "created",
                f"From proposal P-{plan['proposal']:04d}.",
                created,
                "",
                "",
            )
            events.add(
                aid,
                dcct,
                "DCCT",
                "update_details",
                f"{plan['title']}: {handle}.",
                created + DAY,
                "",
                "",
            )
            done = 7 if went_live else rng.randrange(0, 7)
            events.add(
                aid, dcct, "DCCT", "update_setup", f"Done: {done} of 7.", created + 2 * DAY, "", ""
            )
            ticks = [True] * done + [False] * (7 - done)
            self.t_setup.add(
                aid,
                ticks[0],
                f"socialmedia+{aid}@example.org" if ticks[0] else "",
                ticks[1],
                f"Social media vault / {handle}" if ticks[1] else "",
                *ticks[2:],
            )
        else:
            events.add(
                aid,
                dcct,
                "DCCT",
                "import",
                "Registered from the inventory of existing accounts.",
                went_live,
                "",
                "",
            )
        added_on = created.date()
        current_team = [person for person, _ in plan["team"]]
        for person, role in plan["team"]:
            self.t_member.add(aid, person, role, role == "editor", added_on, None, "")
        state_changed = created
        fields = {
            "closed_on": None,
            "reason": "",
            "explanation": "",
            "by": "",
            "proposer": None,
            "conditions": "",
        }
        if went_live is not None:
            if plan["proposal"] is not None:
                self.check("account", "go_live", "setting_up", "live")
                events.add(aid, dcct, "DCCT", "go_live", "", went_live, "setting_up", "live")
            state_changed = went_live
            team_changes = went_live + self.days(30, 300)
            if team_changes < self.now and rng.random() < 0.25:
                person = rng.choice(self.office_members[office])
                if person not in current_team:
                    current_team.append(person)
                    self.t_member.add(aid, person, "editor", False, team_changes.date(), None, "")
                    events.add(
                        aid,
                        head,
                        "Office head",
                        "add_member",
                        f"{person}: editor.",
                        team_changes,
                        "",
                        "",
                    )
            if len(plan["team"]) > 2 and team_changes < self.now and rng.random() < 0.3:
                # An editor left: the place is kept, with the day and the reason.
                left = team_changes + 10 * DAY
                self.t_member.add(
                    aid,
                    self._spare(office, plan),
                    "editor",
                    False,
                    added_on,
                    left.date(),
                    "Moved to another office",
                )
                events.add(
                    aid,
                    head,
                    "Office head",
                    "remove_member",
                    "Moved to another office.",
                    left,
                    "",
                    "",
                )
            state, state_changed = self._closure(
                aid, plan, fields, dcct, head, owner, state_changed
            )
        last_activity = self._evaluation(aid, plan, owner, dcct) if went_live else None
        # Facts the services keep on the row as teams, training and reviews change.
        trained_from, trained_until = trained_period(
            {person: self.training[person] for person in current_team},
            on=self.today,
            minimum=policy.MIN_TRAINED_TEAM,
        )
        self.t_account.add(
            aid,
            platform_id,
            handle,
            canonical_url(platform, handle),
            plan["title"],
            office,
            plan["kind"],
            "News and conversation from the office.",
            "People who follow this part of the Parliament's work.",
            plan["proposal"],
            state,
            state_changed,
            created,
            live_day,
            fields["closed_on"],
            fields["reason"],
            fields["explanation"],
            fields["by"],
            fields["proposer"],
            fields["conditions"],
            sort_order,
            trained_from,
            trained_until,
            last_activity,
        )
        return aid

    def _spare(self, office, plan) -> int:
        members = self.office_members[office]
        team = {member for member, _ in plan["team"]}
        for person in members:
            if person not in team:
                return person
        return members[0] if members[0] not in team else self.office_heads[office]

    def _closure(self, aid, plan, fields, dcct, head, owner, state_changed):
        """The account's closure, as far as it has got: proposed by DCCT or the business area,
        agreed or contested, escalated to HEC, closing and closed; or retained by HEC."""
        target = plan["state"]
        if target == "live":
            return "live", state_changed
        rng = self.rng
        events = self.t_account_event
        moment = plan["closure"]
        by_dcct = rng.random() < 0.6
        proposer = dcct if by_dcct else head
        other, other_role = (head, "Office head") if by_dcct else (dcct, "DCCT")
        reason = rng.choice(["not_effective", "cannot_be_resourced", "campaign_ended"])
        explanation = "Engagement has fallen for three quarters in a row."
        fields.update(
            reason=reason,
            explanation=explanation,
            by="dcct" if by_dcct else "business_area",
            proposer=proposer,
        )
        state = "live"

        def step(action, actor, role, comment, to_state, gap=(3, 12)):
            nonlocal state, moment
            moment += self.days(*gap)
            self.check("account", action, state, to_state)
            events.add(aid, actor, role, action, comment, moment, state, to_state)
            state = to_state

        step(
            "propose_closure",
            proposer,
            "DCCT" if by_dcct else "Office head",
            explanation,
            "closure_proposed",
            (0, 0),
        )
        if target == "closure_proposed":
            return state, moment
        escalated = target in ("closure_contested", "closure_escalated", "retained") or (
            target == "closed" and rng.random() < 0.15
        )
        if escalated:
            step(
                "contest_closure",
                other,
                other_role,
                "We have a plan to turn it round.",
                "closure_contested",
            )
            if target == "closure_contested":
                return state, moment
            escalated_by = rng.choice(self.dcct)
            step(
                "escalate_closure",
                escalated_by,
                "DCCT",
                "The corporate account can carry this.",
                "closure_escalated",
                (1, 5),
            )
            escalated_at = moment  # the escalation's row and its event, at one time
            if target == "closure_escalated":
                self._closure_escalation(aid, escalated_by, escalated_at, None, None, "", "")
                return state, moment
            if target == "retained":
                conditions = "Two posts a week and a review in three months."
                step("retain_account", self.hec, "HEC", conditions, "live")
                self._closure_escalation(
                    aid, escalated_by, escalated_at, self.hec, moment, "retain_account", conditions
                )
                fields.update(reason="", by="", proposer=None, conditions=conditions)
                return state, moment
            step("close_account", self.hec, "HEC", "The account closes.", "closing")
            self._closure_escalation(
                aid,
                escalated_by,
                escalated_at,
                self.hec,
                moment,
                "close_account",
                "The account closes.",
            )
            agreed_by = self.hec
        else:
            step("agree_exit_strategy", other, other_role, "", "closing")
            agreed_by = other
        closing_date = moment.date() + dt.timedelta(days=rng.randrange(28, 60))
        closed = target == "closed"
        done = [
            closing_date - dt.timedelta(days=policy.CLOSURE_NOTICE_DAYS.get(notice, 0))
            if closed or rng.random() < 0.4
            else None
            for _, _, notice in ExitStrategy.STEPS
        ]
        if not closed:
            done = [day if day is not None and day <= self.today else None for day in done]
        self.t_exit.add(
            aid,
            "This account is closing. Follow @ScotParl for news.",
            "@ScotParl on the same platform",
            "Records store, social media archive",
            "dormant",
            closing_date,
            agreed_by,
            moment,
            *done,
        )
        if any(done):
            events.add(aid, dcct, "DCCT", "update_exit_steps", "", moment + DAY, "", "")
        if not closed:
            return state, moment
        moment = self.moment(max(closing_date, moment.date() + DAY), 16)
        self.check("account", "mark_closed", state, "closed")
        events.add(aid, dcct, "DCCT", "mark_closed", "", moment, state, "closed")
        fields["closed_on"] = moment.date()
        plan["closed_at"] = moment
        return "closed", moment

    def _closure_escalation(self, aid, by, at, decided_by, decided_at, ruling, reasons):
        self.t_closure_escalation.add(
            aid,
            "We have a plan to turn it round.",
            "The corporate account can carry this.",
            by,
            at,
            reasons,
            decided_by,
            decided_at,
            ruling,
        )

    # --- Reviews, figures and recertifications -------------------------------------------------

    def _evaluation(self, aid, plan, owner, dcct_default) -> dt.date | None:
        """What evaluation gives an account that went live: KPIs, its review schedule and each
        period's review (reported, assessed, with its figures), and its yearly recertifications.
        Returns the last day it was seen in use: a review submitted, or figures for that day."""
        rng = self.rng
        today, now = self.today, self.now
        live = plan["live"]
        # Reviews are raised only while the account is live: a closure stops them.
        stop_at = plan.get("closure") if plan["state"] not in ("live", "retained") else None
        last_day = min(today, stop_at.date()) if stop_at else today
        kpis = []
        for metric, unit, target, direction in plan["kpis"]:
            kid = self.next_id("kpi")
            self.t_kpi.add(kid, aid, metric, unit, target, direction)
            kpis.append((kid, target))
        frequency = plan["frequency"]
        months = policy.REVIEW_FREQUENCY_MONTHS[frequency]
        anchor = live.day
        period_start = live
        period_end = months_after(live, policy.FIRST_REVIEW_AFTER_MONTHS, anchor)
        reviews, values, review_events = self.t_review, self.t_value, self.t_review_event
        rnd = rng.random
        recent = today - dt.timedelta(days=45)
        last_submitted = None
        while period_end <= last_day:
            rid = self.next_id("review")
            raised = self.moment(period_end, 6)
            due_on = period_end + dt.timedelta(days=policy.DAYS_TO_SUBMIT_REVIEW)
            roll = rnd()
            if due_on >= today:
                state = "submitted" if roll < 0.2 else "due"
            elif due_on >= recent:
                state = "assessed" if roll < 0.45 else "submitted" if roll < 0.8 else "due"
            else:  # a few are never sent in (DCCT chases them, or the account goes dormant)
                state = "due" if roll < 0.002 else "assessed"
            submitted_at = assessed_at = None
            if state != "due":
                submitted_at = raised + dt.timedelta(days=1 + rnd() * 17)
                if submitted_at >= now:
                    submitted_at = now - dt.timedelta(hours=1 + rnd() * 20)
                if state == "assessed":
                    assessed_at = submitted_at + dt.timedelta(days=1 + rnd() * 20)
                    if assessed_at >= now:
                        state, assessed_at = "submitted", None
            improve = state == "assessed" and rnd() < 0.12
            reviews.add(
                rid,
                aid,
                period_start,
                period_end,
                due_on,
                state,
                assessed_at or submitted_at or raised,
                raised,
                "Steady growth; the videos did well." if submitted_at else "",
                "Fewer posts during recess." if submitted_at else "",
                4.5 if submitted_at else None,
                owner if submitted_at else None,
                submitted_at,
                ("improve" if improve else "effective") if assessed_at else "",
                "On track against its KPIs." if assessed_at else "",
                "Post at least twice a week." if improve else "",
                dcct_default if assessed_at else None,
                assessed_at,
            )
            if submitted_at is not None:
                last_submitted = submitted_at
                self.check("review", "submit", "due", "submitted")
                review_events.add(
                    rid, owner, "Account team", "submit", "", submitted_at, "due", "submitted"
                )
                for kid, target in kpis:
                    values.add(rid, kid, round(target * (0.6 + rnd() * 0.8), 2), target)
            if assessed_at is not None:
                self.check("review", "assess", "submitted", "assessed")
                review_events.add(
                    rid,
                    dcct_default,
                    "DCCT",
                    "assess",
                    "On track against its KPIs.",
                    assessed_at,
                    "submitted",
                    "assessed",
                )
            period_start = period_end
            period_end = months_after(period_end, months, anchor)
        self.t_schedule.add(aid, frequency, period_start, period_end, anchor)
        # Daily figures from the platform's analytics, for some accounts, the last three months.
        figures = plan["state"] in ("live", "retained") and rnd() < 0.1
        if figures:
            kid, target = kpis[0]
            imported = now - 2 * DAY
            for back in range(1, 92):
                self.t_observation.add(
                    aid,
                    kid,
                    today - dt.timedelta(days=back),
                    round(target * (0.5 + rnd()), 2),
                    owner,
                    imported,
                )
            self.t_account_event.add(
                aid,
                owner,
                "Account owner",
                "import_metrics",
                "91 figures imported.",
                imported,
                "",
                "",
            )
        self._recertifications(aid, plan, owner, dcct_default, stop_at)
        last_used = [timezone.localdate(last_submitted)] if last_submitted else []
        if figures:
            last_used.append(today - DAY)
        return max(last_used, default=None)

    def _recertifications(self, aid, plan, owner, dcct, stop_at):
        rng = self.rng
        today, now = self.today, self.now
        live = plan["live"]
        opens_days = dt.timedelta(days=policy.RECERTIFICATION_OPENS_DAYS_BEFORE)
        closed = plan["state"] == "closed"
        answers = self.recert_answers
        years = 1
        due_on = months_after(live, 12, live.day)
        last_due = None
        while due_on - opens_days <= today:
            opened = self.moment(due_on - opens_days, 6)
            if stop_at is not None and opened > stop_at:
                break
            last_due = due_on
            rid = self.next_id("recertification")
            following = months_after(live, 12 * (years + 1), live.day)
            latest = following - opens_days > today or (
                stop_at is not None and self.moment(following - opens_days, 6) > stop_at
            )
            roll = rng.random()
            if latest and closed:
                state = "withdrawn"
            elif latest and opened > now - 2 * DAY:
                state = "open"
            elif latest and due_on >= today:
                state = (
                    "open" if roll < 0.55 else "recertified" if roll < 0.9 else "needs_follow_up"
                )
            elif latest:
                # Past its date: most owners have answered; a few are late (within the grace
                # period, DCCT chases them; past it, the account is a candidate for closure).
                within_grace = due_on >= today - dt.timedelta(
                    days=settings.RECERTIFICATION_GRACE_DAYS
                )
                late = 0.2 if within_grace else 0.03
                state = (
                    "open"
                    if roll < late
                    else "recertified"
                    if roll < 0.93
                    else "needs_follow_up"
                    if due_on >= today - 60 * DAY
                    else "followed_up"
                )
            else:
                state = "recertified" if roll < 0.92 else "followed_up"
            submitted_at = followed_up_at = None
            if state in ("recertified", "needs_follow_up", "followed_up"):
                submitted_at = min(opened + dt.timedelta(days=1 + rng.random() * 30), now - DAY)
            if state == "followed_up":
                followed_up_at = submitted_at + dt.timedelta(days=2 + rng.random() * 10)
            all_yes = state == "recertified"
            trained = None if submitted_at is None else all_yes
            values = [True if submitted_at else None] * len(answers)
            values[answers.index("team_trained")] = trained
            changed = followed_up_at or submitted_at or opened
            if state == "withdrawn":  # when DCCT marked the account closed
                changed = plan["closed_at"]
            self.t_recert.add(
                rid,
                aid,
                due_on,
                state,
                changed,
                opened,
                *values,
                "" if trained is not False else "One editor's training lapsed; booked for May.",
                owner if submitted_at else None,
                submitted_at,
                "Training booked and done." if followed_up_at else "",
                dcct if followed_up_at else None,
                followed_up_at,
            )
            if submitted_at is not None:
                to_state = "recertified" if all_yes else "needs_follow_up"
                self.check("recertification", "submit", "open", to_state)
                self.t_recert_event.add(
                    rid, owner, "Account owner", "submit", "", submitted_at, "open", to_state
                )
            if followed_up_at is not None:
                self.check("recertification", "close_follow_up", "needs_follow_up", "followed_up")
                self.t_recert_event.add(
                    rid,
                    dcct,
                    "DCCT",
                    "close_follow_up",
                    "Training booked and done.",
                    followed_up_at,
                    "needs_follow_up",
                    "followed_up",
                )
            if state == "withdrawn":
                self.check("recertification", "withdraw", "open", "withdrawn")
                self.t_recert_event.add(
                    rid, dcct, "DCCT", "withdraw", "", changed, "open", "withdrawn"
                )
            years += 1
            due_on = following
        # The schedule moves on once one is done: while one is open it still names that date.
        next_due = due_on if last_due is None else (due_on if state != "open" else last_due)
        self.t_recert_schedule.add(aid, next_due, live)

    # --- Reports of impersonation --------------------------------------------------------------

    def _impersonation_reports(self):
        rng = self.rng
        count = count_of("impersonation_reports", self.scale, self.years)
        states = allocate(
            rng, count, in_hand(REPORT_STATES, {"open", "reported_to_platform"}, self.years)
        )
        # Reports a later one may have joined while they were still being dealt with:
        # (id, address, platform, handle, filed, dealt with).
        earlier = []
        for number, state in enumerate(states):
            rid = self.next_id("report")
            if state == "merged" and earlier:
                target_id, address, platform_id, handle, filed, dealt_with = rng.choice(earlier)
                created = self.between(filed, dealt_with)
                self.t_report.add(
                    rid,
                    address,
                    platform_id,
                    handle,
                    handle.lower(),
                    "It uses the Parliament's logo.",
                    "",
                    target_id,
                    "merged",
                    created,
                    created,
                    "",
                    None,
                    None,
                )
                continue
            if state == "merged":
                state = "not_impersonation"
            if number % 10 == 9:
                platform_id, handle = None, ""
                address = f"https://fake-parliament.example/{rid}"
            else:
                platform_id, platform, _ = self.platforms[rng.randrange(len(self.platforms))]
                handle = _handle(platform, f"FakeSp{rid:06d}")
                address = canonical_url(platform, handle)
            if state in ("open", "reported_to_platform"):
                created = self.now - self.days(0.2, 10)
            else:
                created = self.between(self.moment(self.start), self.now - 20 * DAY)
            email = f"reporter{rid}@example.net" if rng.random() < 0.7 else ""
            steps = {
                "open": [],
                "reported_to_platform": ["report_to_platform"],
                "resolved": ["report_to_platform", "mark_taken_down"],
                "platform_declined": ["report_to_platform", "mark_platform_declined"],
                "not_impersonation": ["close_as_not_impersonation"],
            }[state]
            moment, current = created, "open"
            dcct = rng.choice(self.dcct)
            for action in steps:
                moment += self.days(0.1, 6)
                to_state = REPORT_TARGETS[action]
                self.check("report", action, current, to_state)
                comment = "" if action in ("report_to_platform", "mark_taken_down") else "Checked."
                self.t_report_event.add(
                    rid, dcct, "DCCT", action, comment, moment, current, to_state
                )
                current = to_state
            self.t_report.add(
                rid,
                address,
                platform_id,
                handle,
                handle.lower(),
                "Uses the Parliament's logo and says it is the official account.",
                email,
                None,
                state,
                moment,
                created,
                f"CASE-{rid}" if steps and steps[0] == "report_to_platform" else "",
                created + dt.timedelta(minutes=1) if email else None,
                moment
                if email and state in ("resolved", "platform_declined", "not_impersonation")
                else None,
            )
            dealt_with = self.now if state in ("open", "reported_to_platform") else moment
            earlier.append((rid, address, platform_id, handle, created, dealt_with))


# The project's commands that count again what its services keep as rows are written (COPY
# passes no service): run once the data is in. Facts on the rows themselves (an account's
# trained run of days, last activity, platform order) History writes as the services would.
AFTER_BULK_LOAD = ["recount_report_figures"]


def recount() -> list[str]:
    """Run the AFTER_BULK_LOAD commands this version of the project has; returns their names."""
    done = []
    for name in AFTER_BULK_LOAD:
        if name in get_commands():
            call_command(name, stdout=io.StringIO())
            done.append(name)
    return done


def check_foreign_keys(models) -> None:
    """Every foreign key of these tables points at a row: one anti-join per key, which
    PostgreSQL answers far faster than it checks the rows one by one as they go in."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models:
            for field in model._meta.concrete_fields:
                if not (field.is_relation and field.db_constraint):
                    continue
                target = field.target_field
                cursor.execute(
                    f"SELECT count(*) FROM {quote(model._meta.db_table)} c "
                    f"WHERE c.{quote(field.column)} IS NOT NULL AND NOT EXISTS ("
                    f"SELECT 1 FROM {quote(target.model._meta.db_table)} p "
                    f"WHERE p.{quote(target.column)} = c.{quote(field.column)})"
                )
                (broken,) = cursor.fetchone()
                if broken:
                    raise DatabaseError(
                        f"{broken} rows of {model._meta.db_table}.{field.column} point nowhere"
                    )


ACTION_TARGETS = {
    "submit": "with_office_head",
    "withdraw": "withdrawn",
    "approve_in_principle": "with_dcct",
    "return_to_proposer": "draft",
    "decline": "declined",
    "endorse": "approved",
    "request_changes": "revising",
    "resubmit": "with_dcct",
    "advise_against": "alternative_offered",
    "accept_alternative": "approved",
    "disagree": "contested",
    "revise_advice": "with_dcct",
    "escalate": "escalated",
    "approve_as_proposed": "approved",
    "approve_alternative": "approved",
    "reject": "rejected",
    "refer_back": "with_dcct",
    "start_set_up": "set_up",
}
# Who takes each step: the transition's own `role` (Proposal's state table).
ACTION_ROLES = {
    action: transition.custom["role"]
    for transition in Proposal._meta.get_field("state").get_all_transitions(Proposal)
    for action in [transition.name]
}
DECIDING = {
    "withdraw",
    "decline",
    "endorse",
    "accept_alternative",
    "approve_as_proposed",
    "approve_alternative",
    "reject",
}
REPORT_TARGETS = {
    "report_to_platform": "reported_to_platform",
    "mark_taken_down": "resolved",
    "mark_platform_declined": "platform_declined",
    "close_as_not_impersonation": "not_impersonation",
}


def _handle(platform, name: str) -> str:
    """A handle of the platform's shape: a federated platform's names its server."""
    return f"{name}@social.example" if platform.federated else name
