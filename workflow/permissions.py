"""Each permission rule carries the words a refused person reads, so that the page and the
service refuse in the same words and nobody writes them twice."""

from django.core.exceptions import PermissionDenied


def refuses(message: str):
    """Mark a permission rule with what a person it refuses is told."""

    def mark(rule):
        rule.refusal = message
        return rule

    return mark


def require(rule, *args) -> None:
    """Raise PermissionDenied, in the rule's own words, unless `rule(*args)` allows it."""
    if not rule(*args):
        raise PermissionDenied(getattr(rule, "refusal", "You may not do this."))
