"""A field for naming a colleague by work email that suggests people as you type their name,
email or office (a native <datalist>, filled from people:search)."""

from django import forms
from django.urls import reverse_lazy


class PersonEmailInput(forms.EmailInput):
    def __init__(self, attrs=None):
        super().__init__(
            {
                "autocomplete": "off",
                "data-people-search": reverse_lazy("people-search"),
                **(attrs or {}),
            }
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Each field has its own list, named after its own id, so two pickers never share one.
        context["widget"]["attrs"]["list"] = f"{context['widget']['attrs'].get('id', name)}-people"
        return context
