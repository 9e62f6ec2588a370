"""`{% report_rows %}` makes what the template loop over every cell made, character for
character, for every kind of cell a report's table holds."""

from decimal import Decimal

from django.template import Context, Template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

LOOP = Template(
    "{% for row in rows %}<tr>{% for cell in row %}{% if forloop.first %}"
    '<th scope="row" class="fw-normal">{{ cell }}</th>{% else %}'
    '<td class="text-end">{{ cell }}</td>{% endif %}{% endfor %}</tr>{% endfor %}'
)
TAG = Template("{% load report_tables %}{% report_rows rows %}")


def test_the_tag_renders_what_the_loop_rendered():
    rows = [
        ["Office <A> & “B”", 12, 0, 3],
        ["Time at DCCT", 7, 2.5, "–"],
        [gettext_lazy("Live"), 1234567, -1, None],
        [mark_safe("<b>kept</b>"), Decimal("3.50"), 0.1, ""],
        [None, 1.0, True, "O'Brien"],
    ]

    made = TAG.render(Context({"rows": rows}))

    assert made == LOOP.render(Context({"rows": rows}))
    assert made.startswith('<tr><th scope="row" class="fw-normal">Office &lt;A&gt; &amp; “B”</th>')


def test_no_rows_make_nothing():
    assert TAG.render(Context({"rows": []})) == ""
