"""Who holds which role. Every permission check in the project asks these functions, so the
meaning of "DCCT" or "office head of" lives in exactly one place (DESIGN.md section 2)."""

from django.db import models
from django.db.models import CharField, Exists, F, Value
from django.db.models.functions import Cast


class Role(models.TextChoices):
    """Team roles held through Django groups; the value is the group's name."""

    DCCT = "DCCT", "DCCT"
    HEC = "HEC", "Head of Engagement and Communications"
    POLICY_OWNER = "Policy owner", "Policy owner"
    ADMINISTRATOR = "Administrator", "Administrator"


def role_names(user) -> frozenset[str]:
    """The team roles a person holds, read once and kept on the user object for the request."""
    return _held(user, "_role_names", nobody=frozenset())


def _held(user, name, *, nobody):
    """What `_read_roles` keeps on the user as `name`, read on first asking; `nobody` for an
    anonymous or deactivated person, who holds nothing."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return nobody
    if getattr(user, name, None) is None:
        _read_roles(user)
    return getattr(user, name)


def _read_roles(user) -> None:
    """A person's team roles, the offices they head, and whether they line-manage a head, in
    one statement (every signed-in page asks at least one of them, most pages all three), kept
    on the user object for the request."""
    from django.contrib.auth.models import Group

    from people.models import Office, User

    def rows(queryset, kind, value):
        text = CharField()
        return (
            queryset.order_by()
            .annotate(kind=Value(kind, text), value=value)
            .values_list("kind", "value")
        )

    manages_a_head = Exists(Office.objects.filter(head__line_manager=user))
    found = rows(Group.objects.filter(user=user), "role", F("name")).union(
        rows(Office.objects.filter(head=user), "heads", Cast("pk", CharField())),
        rows(User.objects.filter(pk=user.pk).filter(manages_a_head), "manages", Value("1")),
        all=True,
    )
    kept = {"role": set(), "heads": set(), "manages": set()}
    for kind, value in found:
        kept[kind].add(value)
    user._role_names = frozenset(kept["role"])
    user._offices_headed_ids = frozenset(int(pk) for pk in kept["heads"])
    user._manages_a_head = bool(kept["manages"])


def forget_roles(user) -> None:
    """Drop the cached roles after a change of group membership."""
    for name in ("_role_names", "_offices_headed_ids", "_manages_a_head"):
        user.__dict__.pop(name, None)


def members_of(role: Role) -> list:
    """The active people who hold a team role: who hears about what waits for that team."""
    from people.models import User

    return list(User.objects.filter(groups__name=role.value, is_active=True))


def teams() -> dict[str, list]:
    """DCCT's and HEC's active members, read once for a job that tells many people."""
    return {"dcct": members_of(Role.DCCT), "hec": members_of(Role.HEC)}


def has_role(user, role: Role) -> bool:
    return role.value in role_names(user)


def is_dcct(user) -> bool:
    return has_role(user, Role.DCCT)


def is_hec(user) -> bool:
    return has_role(user, Role.HEC)


def is_policy_owner(user) -> bool:
    return has_role(user, Role.POLICY_OWNER)


def is_administrator(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or has_role(user, Role.ADMINISTRATOR)


def offices_headed_ids(user) -> frozenset[int]:
    return _held(user, "_offices_headed_ids", nobody=frozenset())


def manages_a_head(user) -> bool:
    """Is the line manager of someone who heads an office: approves that head's proposals."""
    return _held(user, "_manages_a_head", nobody=False)


def is_office_head(user) -> bool:
    """Heads at least one office."""
    return bool(offices_headed_ids(user))


def is_office_head_of(user, office) -> bool:
    return office is not None and office.pk in offices_headed_ids(user)


def is_member_of(user, office) -> bool:
    """Belongs to the office, or heads it (a head may sit in another office's list)."""
    if office is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.office_id == office.pk or is_office_head_of(user, office)


def sees_all_offices(user) -> bool:
    """DCCT oversees activity across the organisation; HEC and the policy owner need the
    overall picture. Everybody else sees their own office only."""
    return bool(role_names(user) & {Role.DCCT.value, Role.HEC.value, Role.POLICY_OWNER.value})


def describe_roles(user) -> list[str]:
    """The roles a person holds, in words, for the page header and their profile."""
    if not getattr(user, "is_authenticated", False):
        return []
    labels = []
    if user.office_id:
        labels.append("Staff")
    if is_office_head(user):
        names = ", ".join(user.offices_headed.order_by("name").values_list("name", flat=True))
        labels.append(f"Office head ({names})")
    labels.extend(role.label for role in Role if has_role(user, role))
    if user.is_superuser and not has_role(user, Role.ADMINISTRATOR):
        labels.append(Role.ADMINISTRATOR.label)
    return labels
