import django_filters
from django.db.models import Q

from accounts.models import Account, AccountKind, AccountState, Platform
from people.selectors import office_choices
from workflow.forms import SEARCH_MAX_LENGTH


class RegisterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search", max_length=SEARCH_MAX_LENGTH)
    platform = django_filters.ModelChoiceFilter(
        queryset=Platform.objects.filter(internal=False), empty_label="All platforms"
    )
    # Plain (id, name) pairs, from the cache: a large organisation has hundreds of offices.
    office = django_filters.ChoiceFilter(
        choices=office_choices, empty_label="All offices", label="Office"
    )
    state = django_filters.ChoiceFilter(choices=AccountState.choices, empty_label="All states")
    kind = django_filters.ChoiceFilter(choices=AccountKind.choices, empty_label="All kinds")

    class Meta:
        model = Account
        fields = ["q", "platform", "office", "state", "kind"]

    def search(self, queryset, name, value):
        value = value.strip().lstrip("@")
        return queryset.filter(Q(display_name__icontains=value) | Q(handle__icontains=value))
