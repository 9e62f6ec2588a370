"""Changes to people, offices and roles. Views, admin actions and commands call these."""

from axes.utils import reset as reset_sign_in_attempts
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from people.models import Office, User
from people.roles import Role, forget_roles

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
