from django import template

from workflow.states import state_of

register = template.Library()


@register.inclusion_tag("workflow/_state_badge.html")
def state_badge(obj):
    """The state of a proposal, account or review as a badge: colour, icon and words."""
    return {"state": state_of(obj), "label": obj.get_state_display()}


@register.simple_tag
def next_step(obj):
    return state_of(obj).next_step
