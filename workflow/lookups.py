"""Lookups that keep input from the web out of the database's error log.

Django answers `filter(pk=n)` with nothing, rather than an error, when no integer column can hold
`n`; `filter(pk__in=[...])` gets no such care, and SQLite refuses a 30-digit number outright
(OverflowError: a 500 wherever a form's choice of many, such as a proposal's priorities, or a
filter reads ids from a request). Here `in` drops such numbers as `exact` does: they match
nothing, and the form or filter says the choice is not one of those offered."""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            internal_type = self.lhs.output_field.get_internal_type()
            low, high = connection.ops.integer_field_range(internal_type)
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
