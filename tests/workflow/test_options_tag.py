"""{% options %}: a select's many options, built in Python."""

from django.template import Context, Template


def render(choices, selected):
    template = Template("{% load workflow %}{% options choices selected %}")
    return template.render(Context({"choices": choices, "selected": selected}))


def test_each_choice_is_an_option_with_the_selected_one_marked_and_labels_escaped():
    html = render([(1, "Visitor Services"), (12, "Rock & <Roll>")], "12")

    assert html == (
        '<option value="1">Visitor Services</option>'
        '<option value="12" selected>Rock &amp; &lt;Roll&gt;</option>'
    )


def test_nothing_is_selected_for_an_empty_or_unknown_value():
    assert "selected" not in render([(1, "A"), (2, "B")], "")
    assert "selected" not in render([(1, "A")], 'x" onmouseover="1')
    assert render([], "1") == ""
