"""What every workflow shares: the append-only log row, the escalation to HEC, and the outbox of
notices. Abstract bases carry no table of their own; each app's concrete log has its own."""

import functools

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMFieldMixin, FSMModelMixin


class StateMachine(ConcurrentTransitionMixin):
    """A workflow object (a proposal, an account, a review, a recertification, a report of
    impersonation): django-fsm's protected state and state-checked save, with a
    `refresh_from_db` that is safe while other requests run. django-fsm's own reload switches
    the protection off on the field itself, which every thread shares, and back on: a thread
    reloading meanwhile met it switched on again ("Direct state modification is not allowed"),
    and the loser of a race got a 500. Here only this object's own value is set aside, and the
    protection lets a value in where there is none."""

    @property
    def state_fields(self):
        """django-fsm's, worked out once per model rather than on every instance's creation
        (it walks every field of the model; a list page makes hundreds of instances)."""
        return _state_fields(type(self))

    @classmethod
    def from_db(cls, db, field_names, values):
        """Keep the values as read, so that `transitions.lock` can tell a field the caller has
        set (kept) from one another page may have changed meanwhile (read again)."""
        instance = super().from_db(db, field_names, values)
        instance._loaded_values = dict(zip(field_names, values, strict=True))  # by attname
        return instance

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # What is saved is what the database holds: as good as read.
        saved = kwargs.get("update_fields")
        fields = [
            field
            for field in self._meta.concrete_fields
            if saved is None or field.name in saved or field.attname in saved
        ]
        loaded = getattr(self, "_loaded_values", {})
        loaded.update({f.attname: f.value_from_object(self) for f in fields})
        self._loaded_values = loaded

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        reloaded = [
            field.attname
            for field in self._meta.concrete_fields
            if isinstance(field, FSMFieldMixin)
            and field.protected
            and (fields is None or field.attname in fields)
        ]
        for name in reloaded:
            self.__dict__.pop(name, None)
        # Past django-fsm's FSMModelMixin, to Django's own reload.
        super(FSMModelMixin, self).refresh_from_db(using, fields, from_queryset)
        if reloaded:
            self._update_initial_state()


@functools.cache
def _state_fields(model) -> tuple:
    return tuple(field for field in model._meta.fields if isinstance(field, FSMFieldMixin))


def save_fields(obj, values: dict) -> None:
    """Set these fields, check the object as its page's form does (its `clean` and these
    fields), and save only them; many-to-many fields are set after the save."""
    many = {name: values[name] for name in values if obj._meta.get_field(name).many_to_many}
    single = {name: value for name, value in values.items() if name not in many}
    for name, value in single.items():
        setattr(obj, name, value)
    obj.full_clean(exclude=[field.name for field in obj._meta.fields if field.name not in single])
    # Fields that stamp every save (auto_now) are saved too, as a plain save() would.
    stamps = [f.name for f in obj._meta.fields if getattr(f, "auto_now", False)]
    obj.save(update_fields=[*single, *stamps])
    for name, value in many.items():
        getattr(obj, name).set(value)


# The trigger name every append-only table carries; the test of the logs and the system check
# look for it.
APPEND_ONLY = "append_only"


def append_only_trigger():
    """PostgreSQL refuses to change or remove a row of this table, whichever way it is asked:
    QuerySet.update, the base manager, an upsert (bulk_create with update_conflicts) or raw
    SQL. Row-level, so TRUNCATE (the test suite's flush) still empties the table. SQLite has no
    such trigger: there the Python guards below are all there is."""
    return pgtrigger.Protect(name=APPEND_ONLY, operation=pgtrigger.Update | pgtrigger.Delete)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("This log is append-only.")

    def bulk_create(self, objs, *args, update_conflicts=False, **kwargs):
        if update_conflicts:  # an upsert rewrites the rows it meets
            raise TypeError("This log is append-only.")
        return super().bulk_create(objs, *args, **kwargs)

    def delete(self):
        raise TypeError("This log is append-only.")


class AppendOnlyRecord(models.Model):
    """A row of a log that is only ever added to: what was decided is never rewritten or lost.
    Proposals' decisions, accounts' events and reviews' events each keep one.

    A concrete log's Meta extends AppendOnlyRecord.Meta, so that its table gets the trigger
    (checked by workflow.checks). Whatever a log row points at (its object, its actor) is
    PROTECTed: a person who acted or an object with a history cannot be deleted, only
    deactivated or closed, so no deletion ever needs to remove a log row."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(max_length=80)
    action = models.CharField(max_length=40)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        triggers = [append_only_trigger()]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("This log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("This log is append-only.")


class Export(AppendOnlyRecord):
    """A record somebody took away (a decision log, a printable history, a range of decisions):
    who, when and what. Exports of the audit trail are themselves part of it."""

    class Meta(AppendOnlyRecord.Meta):
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.comment} – {self.actor}, {self.created_at:%-d %b %Y %H:%M}"


class EscalationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(decided_at__isnull=True)

    def rule(self, *, ruling: str, reasons: str, actor) -> int:
        """Record HEC's ruling on the open escalation."""
        return self.open().update(
            ruling=ruling,
            reasons=(reasons or "").strip(),
            decided_by=actor,
            decided_at=timezone.now(),
        )


# What HEC writes when ruling on an escalation; everything else is fixed when it is escalated.
RULING_FIELDS = ["ruling", "reasons", "decided_by", "decided_at"]


class EscalationRecord(models.Model):
    """A disagreement DCCT puts to HEC, with both positions written down, and HEC's ruling.
    Proposals and closures both have them; each names its own rulings.

    Part of the decision record, so PostgreSQL keeps it: a row is never deleted, the positions
    never change, and the ruling is written once (on an open escalation) and never again."""

    business_area_position = models.TextField("the business area's position")
    dcct_position = models.TextField("DCCT's position")
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    escalated_at = models.DateTimeField(default=timezone.now)
    reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = EscalationQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-escalated_at"]
        triggers = [
            pgtrigger.Protect(name="escalation_kept", operation=pgtrigger.Delete),
            pgtrigger.ReadOnly(name="escalation_positions_fixed", exclude=RULING_FIELDS),
            pgtrigger.Protect(
                name="escalation_ruled_once",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__decided_at__isnull=False),
            ),
        ]


class NoticeKind(models.TextChoices):
    """What a notice asks of its reader; each person chooses, per kind, an email at once or a
    line in the daily digest (DESIGN.md section 5: immediate for what needs their action)."""

    ACTION = "action", "Something waits for you to act"
    DECISION = "decision", "A decision or step on something you are part of"
    REMINDER = "reminder", "Reminders: due soon, overdue, waiting, training expiring"


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", "Email me at once"
    DIGEST = "digest", "Put it in my daily digest"


# What a person who has not chosen gets.
DEFAULT_DELIVERY = {
    NoticeKind.ACTION: Delivery.IMMEDIATE,
    NoticeKind.DECISION: Delivery.IMMEDIATE,
    NoticeKind.REMINDER: Delivery.DIGEST,
}


class NoticePreference(models.Model):
    """One person's choice for one kind of notice; no row means the default."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences"
    )
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    delivery = models.CharField(max_length=20, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="one_preference_per_kind"),
        ]

    def __str__(self):
        return f"{self.person}: {self.get_kind_display()} → {self.get_delivery_display()}"


class Digest(models.Model):
    """One daily digest email to one person. Its notices are claimed by pointing at it before it
    is sent, so two workers never put one notice in two digests; a digest whose sending died is
    released after CLAIM_EXPIRES and its notices go in the next."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Digest for {self.recipient}, {self.created_at:%-d %B %Y}"


class Notification(models.Model):
    """An email the product sent, or is about to send: one row per event and recipient, so a
    job that runs twice never emails twice, and people can see what they were told."""

    key = models.CharField(
        max_length=200, unique=True, help_text="What the notice is about, e.g. decision:42:user:7"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=20, choices=NoticeKind.choices, default=NoticeKind.DECISION)
    delivery = models.CharField(
        max_length=20,
        choices=Delivery.choices,
        default=Delivery.IMMEDIATE,
        help_text="Chosen from the recipient's preferences when the notice was made.",
    )
    digest = models.ForeignKey(
        Digest, null=True, blank=True, on_delete=models.SET_NULL, related_name="notices"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a worker took it to send; a stale claim expires."
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "people_notification"  # made in people before the outbox moved here
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="notification_unsent",
                condition=models.Q(sent_at__isnull=True),
            ),
            models.Index(
                fields=["recipient", "created_at"],
                name="notification_digest_pending",
                condition=models.Q(sent_at__isnull=True, delivery="digest"),
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {self.recipient}"


class Heartbeat(models.Model):
    """When a background part last showed it was alive, for /health/ (config/health.py): the
    beat scheduler notes itself as it ticks (workflow.beat.Scheduler), the worker as it runs the
    heartbeat task the scheduler sends every minute (workflow.tasks.heartbeat)."""

    SCHEDULER = "scheduler"
    WORKER = "worker"

    name = models.CharField(max_length=20, primary_key=True)
    at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def note(cls, name: str) -> None:
        cls.objects.update_or_create(name=name, defaults={"at": timezone.now()})


# The retention schedule (portal/retention.py): what stands where free text was removed.
REMOVED = "[Removed under the retention policy]"


def removed(*fields: str) -> dict:
    """For a QuerySet.update: each text field's written words replaced by REMOVED, an empty
    one left empty (nothing was written, so nothing is said to have been removed)."""
    return {
        field: models.Case(
            models.When(**{field: ""}, then=models.Value("")), default=models.Value(REMOVED)
        )
        for field in fields
    }
