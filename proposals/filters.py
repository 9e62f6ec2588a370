import django_filters
from django.db.models import Q

from accounts.models import Platform
from people.selectors import office_choices
from proposals.models import OPEN_STATES, ProposalState
from workflow.forms import SEARCH_MAX_LENGTH


class QueueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search", max_length=SEARCH_MAX_LENGTH)
    state = django_filters.ChoiceFilter(
        choices=[
            (s.value, s.label)
            for s in [*OPEN_STATES, ProposalState.APPROVED]
            if s != ProposalState.WITH_OFFICE_HEAD
        ],
        empty_label="All open states",
    )
    # Plain (id, name) pairs, from the cache: a large organisation has hundreds of offices.
    office = django_filters.ChoiceFilter(
        choices=office_choices, empty_label="All offices", label="Office"
    )
    platform = django_filters.ModelChoiceFilter(
        queryset=Platform.objects.filter(internal=False), empty_label="All platforms"
    )

    def search(self, queryset, name, value):
        value = value.strip()
        condition = Q(title__icontains=value) | Q(proposer__full_name__icontains=value)
        # A reference is P- and a number: ASCII digits, as many as an id has (isdigit() also
        # says yes to "²", and int() refuses that and numbers of over 4,300 digits).
        reference = value.upper().removeprefix("P-")
        if reference.isascii() and reference.isdecimal() and len(reference) <= 19:
            condition |= Q(pk=int(reference))
        return queryset.filter(condition)
