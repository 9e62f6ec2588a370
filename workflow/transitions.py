"""The one way every workflow object changes state (DESIGN.md section 4): check the actor's
role for this object, the guards and the reasons; run the django-fsm transition; save with
optimistic locking; write the append-only log row. Proposals and accounts both go through it."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed


class Changed(Exception):
    """Somebody else acted on the object first; nothing was saved."""

    def __init__(self, obj):
        self.obj = obj
        noun = obj._meta.verbose_name
        super().__init__(
            f"This {noun} has changed since you opened it: it is now "
            f"“{obj.get_state_display()}”. Check the latest version before acting."
        )


class NotReady(Exception):
    """A guard refused the action; `reasons` says what is missing."""

    def __init__(self, reasons):
        self.reasons = list(reasons)
        super().__init__(" ".join(self.reasons))


def transition_of(obj, action):
    """The django-fsm transition `action` would run from the object's current state, or None."""
    meta = getattr(obj, action)._django_fsm
    return meta.get_transition(obj.state) if meta.has_transition(obj.state) else None


def action_label(model, action: str, other_steps=None) -> str:
    """The policy's words for an action, as on its button ("Approve in principle"); a log's
    steps that are not transitions ("Added to the team") come from `other_steps`."""
    if other_steps and action in other_steps:
        return other_steps[action]
    for candidate in model._meta.get_field("state").get_all_transitions(model):
        if candidate.name == action:
            return candidate.custom["label"]
    return action.replace("_", " ").capitalize()


def latest_comment(log, action: str) -> str:
    """What was said the last time `action` was taken, from an object's log: where an
    escalation's business-area position starts from."""
    row = log.filter(action=action).order_by("-created_at", "-pk").first()
    return row.comment if row else ""


def escalation_opener(escalations, *, actor, business_area_position, dcct_position):
    """Check that both positions are written, and return the step that opens the escalation
    once the state-checked save has succeeded (`escalations`: the object's related manager)."""
    require_both_positions(business_area_position, dcct_position)
    return lambda: escalations.create(
        business_area_position=business_area_position.strip(),
        dcct_position=dcct_position.strip(),
        escalated_by=actor,
    )


def may_take(obj, action, user) -> bool:
    """Whether this person holds the role the action needs here, whatever its guards say."""
    meta = getattr(obj, action)._django_fsm
    return meta.has_transition(obj.state) and meta.has_transition_perm(obj, obj.state, user)


def refusal(obj, transition) -> str:
    return (
        f"Your role does not allow you to “{transition.custom['label']}” on this "
        f"{obj._meta.verbose_name}."
    )


def stamp(obj) -> str:
    """The state and the moment it was entered: what a page records as what its reader saw, so
    that a decision made on a stale page is refused even after a round trip back to the same
    state."""
    return f"{obj.state}@{obj.state_changed_at.isoformat()}"


_UNREAD = object()  # a deferred field, not read with the object


def lock(obj) -> str:
    """Lock the object's row until the transaction ends, read its fields again (all but the
    state, which is returned: the caller decides what a changed state means) except those the
    caller has set since reading it, and forget the lists and one-to-one records read with it
    (a team, a checklist), so that the rules checked next read what is committed.

    Whatever changes a workflow object, or what its rules count ("at least one owner", "at
    least policy.MIN_TRAINED_TEAM trained"), locks it first: of two people acting at once, the
    second waits here until the first has committed, then reads what the first did. PostgreSQL:
    SELECT ... FOR NO KEY UPDATE (rows pointing at the object, such as its log, can still be
    added meanwhile). SQLite has no row locks, but lets one writing transaction in at a time
    (transaction_mode IMMEDIATE in config/settings), which serialises them the same way."""
    fields = [field for field in obj._meta.concrete_fields if not field.primary_key]
    committed = (
        type(obj)
        ._base_manager.select_for_update(no_key=True)
        .filter(pk=obj.pk)
        .values(*[field.attname for field in fields])
        .get()
    )
    # Every other field as committed, too: the page read the object before the lock, and a
    # step saves the whole row, so a field another page changed meanwhile (a handle put right
    # while somebody pressed "Go live") would be written back as it was, and its rules checked
    # against what is no longer true. A field the caller has set since reading or saving the
    # object (answers to be submitted with the step) is theirs to save, and kept; so is every
    # field of an object this process made, of which nothing else is known.
    loaded = getattr(obj, "_loaded_values", {})
    for field in fields:
        name, value = field.attname, committed[field.attname]
        current = obj.__dict__.get(name, _UNREAD)
        if name == "state" or current == value:
            continue
        if current is _UNREAD or (name in loaded and current == loaded[name]):
            setattr(obj, name, value)
    state = committed["state"]
    obj._prefetched_objects_cache = {}
    for relation in obj._meta.related_objects:
        if relation.one_to_one and relation.is_cached(obj):
            relation.delete_cached_value(obj)
    return state


def reload_state(obj) -> None:
    """Read the object's state (and when it was entered) again, as committed."""
    obj.refresh_from_db(fields=["state", "state_changed_at"])


def broken_constraints(obj) -> list[str]:
    """What the database's rules (its unique constraints) say against the object as it stands:
    the words for a save that another object beat to it (two accounts going live on one
    handle at the same moment)."""
    try:
        obj.validate_constraints()
    except ValidationError as error:
        return error.messages
    return []


def run(
    *,
    obj,
    action,
    actor,
    log,
    actor_role,
    comment="",
    expected_state=None,
    prepare=None,
    record=None,
    not_ready_reasons=(),
):
    """Run `action` for `actor` and create the log row with `log(from_state=..., ...)`.

    `prepare` checks and sets what the action carries on the object, before the transition,
    writing nothing; `record` saves what goes with it (a plan, an escalation) once the
    state-checked save has succeeded, so that of two people acting at once the second is
    stopped before anything of theirs is written. `expected_state` is the state (or the
    `stamp`) the actor saw; `not_ready_reasons` may be a function, to read them behind the
    lock. Raises PermissionDenied, NotReady, ValidationError or Changed; the caller's
    transaction rolls back on any of them, so nothing is half-saved.

    Of two people acting on one object at once, one wins and the other is told that somebody
    acted first (Changed): the row is locked before anything is checked (`lock`), and the save
    is state-checked besides (ConcurrentTransitionMixin)."""
    if lock(obj) != obj.state:
        reload_state(obj)
        raise Changed(obj)
    if expected_state is not None and expected_state not in (obj.state, stamp(obj)):
        raise Changed(obj)
    transition = transition_of(obj, action)
    if transition is None:
        raise Changed(obj)
    if not may_take(obj, action, actor):
        raise PermissionDenied(refusal(obj, transition))
    method = getattr(obj, action)

    def not_ready():
        reasons = not_ready_reasons() if callable(not_ready_reasons) else not_ready_reasons
        return NotReady(list(reasons) or [f"“{transition.custom['label']}” is not possible yet."])

    if not can_proceed(method):
        raise not_ready()
    comment = (comment or "").strip()
    if transition.custom.get("comment") == "required" and not comment:
        raise ValidationError({"comment": "Give your reasons: the people concerned will see them."})
    if prepare is not None:
        prepare()

    from_state = obj.state
    try:
        method()
    except TransitionNotAllowed:  # django-fsm checks the guards again: one read rows since changed
        raise not_ready() from None
    obj.state_changed_at = timezone.now()
    try:
        with transaction.atomic():  # a savepoint, so the state can be read again after a clash
            obj.save()
    except ConcurrentTransition:
        reload_state(obj)
        raise Changed(obj) from None
    except IntegrityError:
        reasons = broken_constraints(obj)
        reload_state(obj)
        if not reasons:
            raise
        raise NotReady(reasons) from None
    if record is not None:
        record()
    return log(
        actor=actor,
        actor_role=actor_role,
        action=action,
        from_state=from_state,
        to_state=obj.state,
        comment=comment,
    )


def step(act, subject: str, action: str, doc: str, *, record=None):
    """The service of a step that carries only comments, run through its app's `act`:
    `service(*, <subject>=obj, actor, comment="", expected_state=None)`. `record(obj, actor,
    comment)` saves what goes with the step once the state-checked save has succeeded. Each
    app names its services with this, one line and one docstring per policy action."""

    @transaction.atomic
    def service(*, actor, comment="", expected_state=None, **named):
        if list(named) != [subject]:
            raise TypeError(f"{action}() takes {subject}=, actor=, comment= and expected_state=")
        obj = named[subject]
        return act(
            **{subject: obj},
            actor=actor,
            action=action,
            comment=comment,
            expected_state=expected_state,
            record=(lambda: record(obj, actor, comment)) if record else None,
        )

    service.__name__ = service.__qualname__ = action
    service.__doc__ = doc
    return service


def escalation_step(act, subject: str, action: str, doc: str):
    """The service that escalates a disagreement to HEC with both positions written:
    `service(*, <subject>=obj, actor, business_area_position, dcct_position, expected_state)`.
    DCCT's position is the step's comment; the escalation opens with the state-checked save."""

    @transaction.atomic
    def service(*, actor, business_area_position, dcct_position, expected_state=None, **named):
        if list(named) != [subject]:
            raise TypeError(f"{action}() takes {subject}=, actor= and both positions")
        obj = named[subject]
        opener = escalation_opener(
            obj.escalations,
            actor=actor,
            business_area_position=business_area_position,
            dcct_position=dcct_position,
        )
        return act(
            **{subject: obj},
            actor=actor,
            action=action,
            comment=dcct_position.strip(),
            expected_state=expected_state,
            record=opener,
        )

    service.__name__ = service.__qualname__ = action
    service.__doc__ = doc
    return service


_quiet = ContextVar("workflow_notices_paused", default=False)


@contextmanager
def without_notices():
    """For loading demo history: record the steps but email nobody about them."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def notify_after_commit(send) -> None:
    """Send the notices once the transaction commits; a broker that is down must not turn a
    decision already made into an error (robust)."""
    if not _quiet.get():
        transaction.on_commit(send, robust=True)


def require_both_positions(business_area_position, dcct_position) -> None:
    """An escalation puts both sides to HEC: neither position may be blank."""
    errors = {}
    if not (business_area_position or "").strip():
        errors["business_area_position"] = "Set out the business area's position."
    if not (dcct_position or "").strip():
        errors["dcct_position"] = "Set out DCCT's position."
    if errors:
        raise ValidationError(errors)
