import django_filters
from django.db.models import Q

from accounts.models import Account, AccountKind, AccountState, Platform
from people.models import Office
from workflow.forms import SEARCH_MAX_LENGTH


class RegisterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search", max_length=SEARCH_MAX_LENGTH)
    platform = django_filters.ModelChoiceFilter(
        queryset=Platform.objects.filter(internal=False), empty_label="All platforms"
    )
    office = django_filters.ModelChoiceFilter(
        queryset=Office.objects.all(), empty_label="All offices"
    )
    state = django_filters.ChoiceFilter(choices=AccountState.choices, empty_label="All states")
    kind = django_filters.ChoiceFilter(choices=AccountKind.choices, empty_label="All kinds")

    class Meta:
        model = Account
        fields = ["q", "platform", "office", "state", "kind"]

    def search(self, queryset, name, value):
        value = value.strip().lstrip("@")
        return queryset.filter(Q(display_name__icontains=value) | Q(handle__icontains=value))
