"""Sections of the account page, and marks on the register's rows, that apps above accounts
contribute (evaluation adds the reviews, the KPI chart and the recertification, and marks accounts
not recertified). They register in their `AppConfig.ready`, so accounts never imports them."""

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


# Marks on the rows of the internal register that apps above accounts contribute (evaluation
# marks accounts not recertified): each is (accounts on the page, user) -> {account id: [words]}.
_register_marks: list[Callable] = []


def add_register_marks(marks: Callable) -> None:
    if marks not in _register_marks:
        _register_marks.append(marks)


def register_marks(accounts, user) -> dict[int, list[str]]:
    """Every registered app's marks for these accounts (a page of the register), merged."""
    merged: dict[int, list[str]] = {}
    for marks in _register_marks:
        for account_id, words in marks(accounts, user).items():
            merged.setdefault(account_id, []).extend(words)
    return merged
