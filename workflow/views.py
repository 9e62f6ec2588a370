"""What every workflow page does with a service's answer: refusals become form errors beside
their fields, a clash with somebody who acted first becomes a message on the next page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction

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
