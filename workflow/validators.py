"""What a name may hold, wherever it is typed: a page's form, the admin, a CSV import."""

import unicodedata

from django.core.exceptions import ValidationError

# Characters that reorder the text around them: in a name on the public register they could
# make one handle read as another.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def _described(character: str) -> str:
    if character in LINE_BREAKS:
        return "a line break"
    if character == "\t":
        return "a tab"
    return f"an invisible control character (U+{ord(character):04X})"


def single_line(value: str) -> None:
    """A name, title, handle or short answer is one line of visible text. A line break in an
    account's name once stopped every email about it (an email subject is one line), and
    control characters show as nothing, or break the register's feed (XML allows none)."""
    for character in value or "":
        if unicodedata.category(character) == "Cc" or character in LINE_BREAKS | BIDI_CONTROLS:
            raise ValidationError(
                "Keep this to one line of plain text: it contains %(what)s.",
                code="control_character",
                params={"what": _described(character)},
            )
