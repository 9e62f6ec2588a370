"""What every workflow page does with a service's answer: refusals become form errors beside
their fields, a clash with somebody who acted first becomes a message on the next page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render

from workflow import transitions
from workflow.states import state_of
from workflow.transitions import Changed, NotReady


def add_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field where the form has it."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


def attempt(request, form, act) -> str:
    """Run a page's action in one transaction. Returns "done"; "refused", with the reasons on
    the form; or "changed", when somebody acted first (a message on the next page says so)."""
    try:
        with transaction.atomic():
            act()
    except Changed as changed:
        messages.error(request, str(changed))
        return "changed"
    except NotReady as not_ready:
        for reason in not_ready.reasons:
            form.add_error(None, reason)
        return "refused"
    except ValidationError as error:
        add_errors(form, error)
        return "refused"
    return "done"


def transition_page(request, obj, action, *, services, form_for, template, context=None):
    """The page of one transition of any workflow: 404 for an action the workflow does not
    have, a message when the state no longer allows it, 403 when this person may not take it;
    then the form the transition needs, the service with plain values, and back to the object.

    `services` maps each action to its service, called with the object under its model's name;
    `form_for(transition, data, initial)` builds the form; `context` is a dict, or a function of
    the form for pages that show it among others."""
    if action not in services:
        raise Http404("No such action")
    transition = transitions.transition_of(obj, action)
    if transition is None:
        if request.method == "POST":  # the page was stale: somebody acted first
            messages.error(request, str(Changed(obj)))
        else:
            messages.warning(
                request,
                f"That is not possible now: the {obj._meta.verbose_name} is "
                f"“{obj.get_state_display()}”.",
            )
        return redirect(obj)
    if not transitions.may_take(obj, action, request.user):
        raise PermissionDenied(transitions.refusal(obj, transition))

    data = request.POST if request.method == "POST" else None
    form = form_for(transition, data, {"expected_state": transitions.stamp(obj)})
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        subject = {obj._meta.model_name: obj}
        outcome = attempt(
            request, form, lambda: services[action](**subject, actor=request.user, **values)
        )
        if outcome == "done":
            messages.success(
                request, f"{transition.custom['label']}: done. {state_of(obj).next_step}"
            )
        if outcome != "refused":
            return redirect(obj)
    extra = context(form) if callable(context) else (context or {})
    return render(
        request,
        template,
        {obj._meta.model_name: obj, "form": form, "transition": transition, **extra},
    )
