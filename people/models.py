from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from workflow.validators import single_line


class StaffType(models.TextChoices):
    STAFF = "staff", "SPCB staff"
    SECONDEE = "secondee", "Secondee"
    CONTRACTOR = "contractor", "Contractor"


def normalise_email(email: str) -> str:
    """Addresses are compared whole and case-insensitively: Ann@Example.org is ann@example.org."""
    return (email or "").strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email=normalise_email(email))

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("Every person needs an email address to sign in with.")
        user = self.model(email=normalise_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person authorised to use the SPCB's systems: staff, secondee or contractor."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, validators=[single_line])
    office = models.ForeignKey(
        "people.Office",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    staff_type = models.CharField(max_length=20, choices=StaffType, default=StaffType.STAFF)
    line_manager = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        help_text="Approves in principle the proposals of an office head (nobody approves "
        "their own).",
    )
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="Untick instead of deleting: a person who has left can no longer sign in, "
        "but what they proposed and decided stays on record.",
    )
    is_staff = models.BooleanField(
        "can use the admin site",
        default=False,
        help_text="Set for administrators only.",
    )
    date_joined = models.DateTimeField(default=timezone.now)
    sso_subject = models.CharField(
        "single sign-on subject",
        max_length=300,
        blank=True,
        editable=False,
        help_text="Who the organisation's sign-in says this is (issuer and subject), linked at "
        "their first sign-in through it: later ones must match.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="user_email_is_lower_case"
            ),
            models.UniqueConstraint(
                fields=["sso_subject"],
                condition=~models.Q(sso_subject=""),
                name="one_person_per_sso_subject",
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = normalise_email(self.email)

    def save(self, *args, **kwargs):
        """A save that deactivates someone who was active (read as committed) is their leaving:
        the leaver process (services.person_left) runs with it in one transaction, by whoever
        is signed in, whichever page or command saves it. A bulk update sends nothing."""
        self.email = normalise_email(self.email)
        update_fields = kwargs.get("update_fields")
        leaving = (
            self.pk is not None
            and not self.is_active
            and (update_fields is None or "is_active" in update_fields)
            and type(self).objects.filter(pk=self.pk, is_active=True).exists()
        )
        if not leaving:
            super().save(*args, **kwargs)
            return
        from people.services import person_left
        from workflow.logs import acting_user

        with transaction.atomic():
            super().save(*args, **kwargs)
            person_left(person=self, actor=acting_user())

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Office(models.Model):
    """An office or team of the SPS; its head approves proposals in principle."""

    name = models.CharField(max_length=150, unique=True, validators=[single_line])
    head = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offices_headed",
        help_text="Approves proposals in principle and agrees closures for this office.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="office_name_unique_ignoring_case"),
        ]

    def __str__(self):
        return self.name


class TrainingRecord(models.Model):
    """Social media training a person has completed; an account needs enough of its team
    currently trained (policy.MIN_TRAINED_TEAM)."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="training_records")
    course = models.CharField(max_length=200, validators=[single_line])
    completed_on = models.DateField()
    expires_on = models.DateField(
        null=True, blank=True, help_text="Leave empty if this training does not expire."
    )
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on"]
        indexes = [models.Index(fields=["person", "expires_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(expires_on__gt=models.F("completed_on")),
                name="training_expires_after_completion",
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.course} ({self.completed_on:%d %b %Y})"

    def clean(self):
        super().clean()
        if self.expires_on and self.completed_on and self.expires_on <= self.completed_on:
            raise ValidationError(
                {"expires_on": "The expiry date must be after the completion date."}
            )

    def is_current(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.completed_on <= on and (self.expires_on is None or self.expires_on >= on)
