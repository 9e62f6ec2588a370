"""Sections of the account page that apps above accounts contribute (evaluation adds the reviews
and the KPI chart). They register in their `AppConfig.ready`, so accounts never imports them."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    template: str
    context: Callable  # (account, user) -> dict; an "alerts" list is shown at the top of the page


_sections: list[Section] = []


def add_section(*, template: str, context: Callable) -> None:
    if all(section.template != template for section in _sections):
        _sections.append(Section(template, context))


def sections_context(account, user) -> dict:
    """The page context every registered section asks for, merged, with their templates in
    the order they registered and their alerts together."""
    merged = {"sections": [], "alerts": []}
    for section in _sections:
        extra = dict(section.context(account, user))
        merged["alerts"].extend(extra.pop("alerts", []))
        merged.update(extra)
        merged["sections"].append(section.template)
    return merged
