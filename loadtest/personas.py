"""The people the load test signs in as: a few of each role found in the load database, given
one fresh random password, written as JSON to stdout for loadtest/locustfile.py.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/load_demo \\
        .venv/bin/python loadtest/personas.py > var/loadtest/personas.json

It changes those people's passwords, so it refuses production settings (ALLOW_DEMO_DATA) and any
database whose name does not say it is for load tests or benchmarks ("load...", "..._bench_...").
The password is hashed once, with the first of PASSWORD_HASHERS, as every later sign-in reads it.
"""

import json
import os
import random
import re
import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Exists, OuterRef  # noqa: E402

from accounts.models import AccountMember  # noqa: E402
from people.models import Office, User  # noqa: E402
from people.roles import Role  # noqa: E402
from proposals.models import Proposal  # noqa: E402

# How many people of each role the simulated users share (each user signs in as one of them).
PER_ROLE = {"staff": 12, "head": 6, "dcct": 4, "hec": 2}
LOAD_DATABASE = re.compile(r"^load|_bench_")


def candidates() -> dict[str, list[str]]:
    active = User.objects.filter(is_active=True)
    heads = Office.objects.filter(head__isnull=False).values("head")
    in_a_role = User.groups.through.objects.values("user")
    staff = (
        active.exclude(pk__in=heads)
        .exclude(pk__in=in_a_role)
        .filter(
            Exists(AccountMember.objects.filter(person=OuterRef("pk"), removed_on__isnull=True))
            | Exists(Proposal.objects.filter(proposer=OuterRef("pk")))
        )
    )
    found = {
        "staff": staff,
        "head": active.filter(pk__in=heads).exclude(pk__in=in_a_role),
        "dcct": active.filter(groups__name=Role.DCCT.value),
        "hec": active.filter(groups__name=Role.HEC.value),
    }
    rng = random.Random(13)
    chosen = {}
    for role, people in found.items():
        # The first few hundred by id, sampled: the same people every run, spread over offices.
        emails = list(people.order_by("pk").values_list("email", flat=True)[:500])
        if not emails:
            sys.exit(f"No {role} found in the load database: is it seeded?")
        chosen[role] = sorted(rng.sample(emails, min(PER_ROLE[role], len(emails))))
    return chosen


def main() -> None:
    name = connection.settings_dict["NAME"]
    if not settings.ALLOW_DEMO_DATA or not LOAD_DATABASE.search(str(name)):
        sys.exit(
            f"Refusing to change passwords in {name!r}: run with the local settings against a "
            "database named load... or ..._bench_..."
        )
    personas = candidates()
    password = secrets.token_urlsafe(18)
    with transaction.atomic():
        emails = [email for people in personas.values() for email in people]
        User.objects.filter(email__in=emails).update(password=make_password(password))
    json.dump({"password": password, "personas": personas}, sys.stdout, indent=2)
    print()
    counts = ", ".join(f"{len(people)} {role}" for role, people in personas.items())
    print(f"Load-test personas in {name}: {counts}", file=sys.stderr)


if __name__ == "__main__":
    main()
