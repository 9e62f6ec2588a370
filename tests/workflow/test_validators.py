"""Names are one line of visible text, wherever they are typed (workflow.validators)."""

import pytest
from django.core.exceptions import ValidationError

from workflow.validators import single_line


@pytest.mark.parametrize(
    "name",
    [
        "Scottish Parliament",
        "Pàrlamaid na h-Alba",
        "Comataidh: Foghlam & Sgilean (2026)",
        "ScotParl 🏴",
        "👩‍💻 Digital team",  # a zero-width joiner holds the emoji together
        "Ḟḯṅḁḻ – “quoted”",
        "",
    ],
)
def test_ordinary_names_of_any_script_are_accepted(name):
    single_line(name)


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Youth\nParliament", "a line break"),
        ("Youth\r\nParliament", "a line break"),
        ("Youth\u2028Parliament", "a line break"),
        ("Youth\x0bParliament", "a line break"),  # Word's manual line break, pasted
        ("Youth\tParliament", "a tab"),
        ("\x1b[31mYouth", "an invisible control character (U+001B)"),
        ("Youth\x00", "an invisible control character (U+0000)"),
        ("\u202eltraPtocS", "an invisible control character (U+202E)"),  # reads backwards
    ],
)
def test_line_breaks_tabs_and_control_characters_are_refused_saying_which(name, said):
    with pytest.raises(ValidationError) as refused:
        single_line(name)

    assert refused.value.code == "control_character"
    assert refused.value.messages == [f"Keep this to one line of plain text: it contains {said}."]
