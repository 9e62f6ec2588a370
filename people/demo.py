"""Demo people and offices for trying the product out (seed_demo). Idempotent: keyed on email
and office name, so a second run changes nothing."""

import datetime
import itertools

from django.contrib.auth.hashers import make_password
from django.db import transaction

from people.models import Office, StaffType, TrainingRecord, User
from people.roles import Role
from people.services import assign_role, set_office_head
from workflow.models import Delivery, NoticeKind
from workflow.notifications import set_preferences

DEFAULT_DEMO_PASSWORD = "demo-password"

OFFICES = [
    ("Participation and Communities Team", "Fiona Sinclair"),
    ("Education Service", "Gordon Murray"),
    ("Committee Office", "Aileen Fraser"),
    ("Visitor Services", "Kenneth Ross"),
    ("Scottish Parliament Information Centre", "Morven Campbell"),
    ("Events and Exhibitions", "Iain Robertson"),
    ("Broadcasting Office", "Catriona Grant"),
    ("Parliament Communications Office", "Douglas Stewart"),
]
DCCT_OFFICE = "Parliament Communications Office"

# The sign-ins every demo offers, one for each role (email, name, office, what it shows).
DEMO_SIGNINS = [
    ("staff@example.org", "Shona MacLeod", OFFICES[0][0], "Staff, " + OFFICES[0][0]),
    ("head@example.org", OFFICES[0][1], OFFICES[0][0], "Office head, " + OFFICES[0][0]),
    ("staff2@example.org", "Ewan Duncan", OFFICES[1][0], "Staff, " + OFFICES[1][0]),
    ("dcct@example.org", "Rhona Kerr", DCCT_OFFICE, "DCCT"),
    ("hec@example.org", "Alasdair Reid", DCCT_OFFICE, "Head of Engagement and Communications"),
    ("policy@example.org", "Morag Henderson", DCCT_OFFICE, "Policy owner"),
    ("admin@example.org", "Neil Paterson", None, "Administrator"),
]
ROLE_OF_SIGNIN = {
    "dcct@example.org": Role.DCCT,
    "hec@example.org": Role.HEC,
    "policy@example.org": Role.POLICY_OWNER,
    "admin@example.org": Role.ADMINISTRATOR,
}
OTHER_DCCT = [
    ("dcct2@example.org", "Jamie Wallace"),
    ("dcct3@example.org", "Kirsty Boyd"),
    ("dcct4@example.org", "Lewis Mackay"),
]
FIRST_NAMES = [
    "Ailsa",
    "Blair",
    "Callum",
    "Eilidh",
    "Finlay",
    "Isla",
    "Lachlan",
    "Mhairi",
    "Rory",
    "Skye",
    "Euan",
    "Kirsteen",
    "Hamish",
    "Iona",
    "Niamh",
    "Struan",
    "Greer",
    "Fraser",
]
LAST_NAMES = [
    "Anderson",
    "Baird",
    "Cameron",
    "Drummond",
    "Ferguson",
    "Gillespie",
    "Hamilton",
    "Innes",
    "Johnstone",
    "Kennedy",
    "Lindsay",
    "McIntyre",
    "Ogilvie",
    "Rennie",
    "Sutherland",
    "Watt",
]
STAFF_TYPES = [StaffType.STAFF] * 6 + [StaffType.SECONDEE, StaffType.CONTRACTOR]
STAFF_COUNT = 40
COURSES = [
    ("Social media for SPS staff", 730),
    ("Moderating comments and messages", 365),
    ("Accessible social content", 730),
]


@transaction.atomic
def seed_people(*, password: str, today: datetime.date) -> dict[str, int]:
    """Create the demo offices, people, roles and training; returns what was created."""
    created = {"offices": 0, "people": 0, "training": 0}
    password_hash = make_password(password)  # hashed once: hashing per person takes seconds

    def person(email, full_name, office, staff_type=StaffType.STAFF):
        user, was_created = User.objects.get_or_create(
            email=email,
            defaults={
                "full_name": full_name,
                "office": office,
                "staff_type": staff_type,
                "password": password_hash,
            },
        )
        created["people"] += was_created
        return user

    offices = {}
    for name, _ in OFFICES:
        offices[name], was_created = Office.objects.get_or_create(name=name)
        created["offices"] += was_created

    signin_people = {}
    for email, full_name, office_name, _ in DEMO_SIGNINS:
        user = person(email, full_name, offices.get(office_name))
        if user.password != password_hash and not user.check_password(password):
            user.password = password_hash
            user.save(update_fields=["password"])
        signin_people[email] = user
    for email, role in ROLE_OF_SIGNIN.items():
        assign_role(user=signin_people[email], role=role)
    dcct_team = [signin_people["dcct@example.org"]]
    for email, full_name in OTHER_DCCT:
        dcct_team.append(person(email, full_name, offices[DCCT_OFFICE]))
        assign_role(user=dcct_team[-1], role=Role.DCCT)

    for index, (name, head_name) in enumerate(OFFICES):
        office = offices[name]
        if index == 0:
            head = signin_people["head@example.org"]
        else:
            slug = head_name.lower().replace(" ", ".")
            head = person(f"{slug}@example.org", head_name, office)
        if office.head_id != head.pk:
            set_office_head(office=office, head=head)

    names = itertools.product(LAST_NAMES, FIRST_NAMES)
    staff = [signin_people["staff@example.org"], signin_people["staff2@example.org"]]
    for number in range(STAFF_COUNT - len(staff)):
        last, first = next(names)
        office = offices[OFFICES[number % len(OFFICES)][0]]
        staff.append(
            person(
                f"{first}.{last}@example.org".lower(),
                f"{first} {last}",
                office,
                STAFF_TYPES[number % len(STAFF_TYPES)],
            )
        )

    trained = [*staff, *dcct_team, signin_people["head@example.org"]]
    for number, user in enumerate(trained):
        course, valid_days = COURSES[number % len(COURSES)]
        # Spread completion dates so that some training is current, some about to expire
        # and some already expired.
        completed_on = today - datetime.timedelta(days=40 + (number * 37) % (valid_days + 90))
        _, was_created = TrainingRecord.objects.get_or_create(
            person=user,
            course=course,
            defaults={
                "completed_on": completed_on,
                "expires_on": completed_on + datetime.timedelta(days=valid_days),
            },
        )
        created["training"] += was_created

    # A busy office head who reads decisions and reminders once a day, in the digest.
    set_preferences(
        person=signin_people["head@example.org"],
        choices={NoticeKind.DECISION: Delivery.DIGEST, NoticeKind.REMINDER: Delivery.DIGEST},
    )
    return created
