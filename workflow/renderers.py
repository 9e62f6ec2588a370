"""The form renderer: Django's own widget templates in their Jinja2 versions, which render the
same HTML several times faster (a select of 300 offices cost the DCCT queue a third of its
time), and every other form template (the admin's widgets) through the Django engine as usual."""

from functools import cached_property

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template.exceptions import TemplateDoesNotExist


class FormRenderer(BaseRenderer):
    @cached_property
    def _jinja2(self):
        return Jinja2()

    @cached_property
    def _django(self):
        return DjangoTemplates()

    def get_template(self, template_name):
        try:
            return self._jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self._django.get_template(template_name)
