"""Changes to people, offices and roles. Views, admin actions and commands call these."""

import logging
from dataclasses import dataclass, field

from axes.utils import reset as reset_sign_in_attempts
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from people.models import Office, User
from people.roles import Role, forget_roles
from people.signals import leaving_approvals
from people.signals import person_left as person_left_signal
from workflow.models import NoticeKind
from workflow.notifications import tell
from workflow.transitions import notify_after_commit

logger = logging.getLogger(__name__)

# The apps whose data an administrator looks after in the admin site.
ADMINISTERED_APPS = (
    "people",
    "workflow",
    "accounts",
    "proposals",
    "evaluation",
    "django_celery_beat",
)
# Sign-in attempts (django-axes): administrators see them and the sign-in logs, and unlock a
# person by clearing their failed attempts; nobody edits the logs.
SIGN_IN_PERMISSIONS = (
    "view_accessattempt",
    "delete_accessattempt",
    "view_accesslog",
    "view_accessfailurelog",
)


def sync_role_groups() -> None:
    """Make sure every team role has its group, and administrators may manage reference data.

    Runs after every migrate, so a new model's permissions reach administrators at once."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    administrators = Group.objects.get(name=Role.ADMINISTRATOR.value)
    administrators.permissions.set(
        Permission.objects.filter(
            Q(content_type__app_label__in=ADMINISTERED_APPS)
            | Q(content_type__app_label="axes", codename__in=SIGN_IN_PERMISSIONS)
        )
    )


@transaction.atomic
def assign_role(*, user: User, role: Role) -> None:
    user.groups.add(Group.objects.get(name=role.value))
    if role == Role.ADMINISTRATOR and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget_roles(user)


@transaction.atomic
def remove_role(*, user: User, role: Role) -> None:
    user.groups.remove(Group.objects.get(name=role.value))
    if role == Role.ADMINISTRATOR and user.is_staff and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    forget_roles(user)


def lock_people(people) -> None:
    """Lock these people (ids) until the transaction commits. People are locked before the
    proposals and accounts a change to them reaches (a leaver's departure locks the leaver
    first, then their proposals, then their accounts): every change that locks both takes them
    in that order, so that two never wait for each other."""
    list(
        User.objects.select_for_update(no_key=True)
        .filter(pk__in=list(people))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def set_office_head(*, office: Office, head: User | None) -> None:
    office.head = head
    office.save(update_fields=["head"])
    if head is not None:
        forget_roles(head)


def unlock_sign_in(*, person: User) -> int:
    """Lift a sign-in lockout at once: forget the person's failed attempts from every address.
    Returns how many records of attempts were cleared."""
    if not person.email:  # axes would read no name as "everybody"
        return 0
    return reset_sign_in_attempts(username=person.email)


# --- Leavers -----------------------------------------------------------------------------------


@dataclass
class Leaver:
    """What deactivating a person changed among the people: who heads the offices they headed
    (their own line manager, acting, or nobody), and who now manages the people they managed."""

    person: User
    acting_heads: dict[Office, User | None] = field(default_factory=dict)
    reports: list[User] = field(default_factory=list)


@transaction.atomic
def person_left(*, person: User, actor: User | None = None) -> Leaver:
    """A person was deactivated (in the admin, or any other way: people.apps sees every save
    that does it): the offices they headed are headed, acting, by their own line manager, and
    the people they line-managed report to that line manager too, until an administrator
    records otherwise; then every app does its part (`signals.person_left`: their places on
    teams, the approvals waiting for them, the proposals they made). Each change is logged
    where its object keeps its history, and each person it moves work to is told."""
    person = User.objects.select_for_update(no_key=True).get(pk=person.pk)
    successor = person.line_manager if person.line_manager_id else None
    if successor is not None and not successor.is_active:
        successor = None
    leaver = Leaver(person=person)
    for office in Office.objects.select_for_update(no_key=True).filter(head=person).order_by("pk"):
        office.head = successor
        office.save(update_fields=["head"])
        leaver.acting_heads[office] = successor
        logger.info(
            "Leaver %s: office %s now headed (acting) by %s",
            person.pk,
            office.pk,
            successor.pk if successor else None,
        )
    reports = User.objects.select_for_update(no_key=True).filter(line_manager=person)
    for report in reports.order_by("pk"):
        report.line_manager = successor
        report.save(update_fields=["line_manager"])
        leaver.reports.append(report)
    if successor is not None:
        forget_roles(successor)
        notify_after_commit(lambda: _tell_acting_head(leaver, successor))
    # Proposals first, then accounts: the order every change locks them in (ARCHITECTURE.md).
    for signal in (leaving_approvals, person_left_signal):
        signal.send(sender=User, person=person, actor=actor, acting_heads=dict(leaver.acting_heads))
    return leaver


def _tell_acting_head(leaver: Leaver, successor: User) -> None:
    if not leaver.acting_heads and not leaver.reports:
        return
    lines = [
        f"{leaver.person} has left, and you take on, until an administrator records otherwise:"
    ]
    lines += [f"- heading {office} (acting)" for office in leaver.acting_heads]
    lines += [f"- line-managing {report}" for report in leaver.reports]
    lines += ["", "Proposals waiting for their approval in principle now wait for yours."]
    tell(
        f"leaver:{leaver.person.pk}:successor",
        [successor],
        f"{leaver.person} has left: you are acting in their place",
        "\n".join(lines),
        kind=NoticeKind.ACTION,
    )
