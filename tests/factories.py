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
