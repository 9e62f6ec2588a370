from django import template
from django.utils.safestring import mark_safe

from workflow.forms import problems_of, refused_forms
from workflow.renderers import option_html
from workflow.states import state_of

register = template.Library()


@register.inclusion_tag("workflow/_state_badge.html")
def state_badge(obj):
    """The state of a proposal, account or review as a badge: colour, icon and words."""
    return {"state": state_of(obj), "label": obj.get_state_display()}


@register.simple_tag
def next_step(obj):
    return state_of(obj).next_step


@register.simple_tag
def options(choices, selected=""):
    """The <option>s of a select of many plain (value, label) choices, `selected` marked: built
    here, not by a template loop, which costs about ten times as much for the hundreds of
    offices a large organisation's filters list."""
    selected = str(selected)
    return mark_safe(
        "".join(
            option_html(value, label, {"selected": True} if str(value) == selected else {})
            for value, label in choices
        )
    )


@register.simple_tag(takes_context=True)
def problems(context):
    """Every error of every refused form on the page, for the error summary at its top: each a
    (message, id of the field to go to) pair, the id empty where there is no field to go to."""
    return problems_of(refused_forms(context.flatten().values()))
