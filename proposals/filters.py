import django_filters
from django.db.models import Q

from accounts.models import Platform
from people.models import Office
from proposals.models import OPEN_STATES, ProposalState


class QueueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search")
    state = django_filters.ChoiceFilter(
        choices=[
            (s.value, s.label)
            for s in [*OPEN_STATES, ProposalState.APPROVED]
            if s != ProposalState.WITH_OFFICE_HEAD
        ],
        empty_label="All open states",
    )
    office = django_filters.ModelChoiceFilter(
        queryset=Office.objects.all(), empty_label="All offices"
    )
    platform = django_filters.ModelChoiceFilter(
        queryset=Platform.objects.filter(internal=False), empty_label="All platforms"
    )

    def search(self, queryset, name, value):
        value = value.strip()
        condition = Q(title__icontains=value) | Q(proposer__full_name__icontains=value)
        reference = value.upper().removeprefix("P-")
        if reference.isdigit():
            condition |= Q(pk=int(reference))
        return queryset.filter(condition)
