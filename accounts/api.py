"""The read-only JSON API of the public register: /api/v1/accounts/ and /api/v1/verify."""

import datetime

import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import register
from accounts.models import Account
from people.models import Office


class PublicAccountSerializer(serializers.ModelSerializer):
    """What the public may know of an account: never its team, emails or workflow."""

    platform = serializers.CharField(source="platform.name")
    platform_slug = serializers.CharField(source="platform.slug")
    office = serializers.CharField(source="office.name")
    status = serializers.SerializerMethodField()
    official = serializers.SerializerMethodField()

    class Meta:
        model = Account
        fields = [
            "id",
            "display_name",
            "platform",
            "platform_slug",
            "handle",
            "url",
            "office",
            "kind",
            "status",
            "official",
            "went_live_on",
            "closed_on",
        ]

    def get_status(self, account) -> str:
        return register.public_status(account)

    def get_official(self, account) -> bool:
        return register.public_status(account) == "live"


class PublicAccountFilter(django_filters.FilterSet):
    platform = django_filters.CharFilter(field_name="platform__slug", label="Platform slug")
    office = django_filters.ModelChoiceFilter(queryset=Office.objects.all())
    status = django_filters.ChoiceFilter(
        choices=[("live", "live"), ("closed", "closed")], method="by_status"
    )
    changed_since = django_filters.IsoDateTimeFilter(
        method="changed",
        label="Only accounts whose place on the register changed at or after this moment "
        "(ISO 8601), to mirror the register",
    )

    class Meta:
        model = Account
        fields = ["platform", "office", "status", "changed_since"]

    def by_status(self, queryset, name, value):
        return register.search(queryset, status=value)

    def changed(self, queryset, name, value):
        try:
            value.astimezone(datetime.UTC)
        except OverflowError:
            # Before the first moment the database can hold (0001-01-01 with an offset ahead
            # of UTC): every account; after its last: none.
            return queryset if value.year == datetime.MINYEAR else queryset.none()
        return queryset.filter(state_changed_at__gte=value)


class AccountList(generics.ListAPIView):
    """Official accounts of the Parliament, and closed ones with their closing date."""

    serializer_class = PublicAccountSerializer
    filterset_class = PublicAccountFilter

    def get_queryset(self):
        return register.public_accounts()


class VerifyResult(serializers.Serializer):
    official = serializers.BooleanField()
    status = serializers.ChoiceField(choices=["live", "closed", "unknown"])
    message = serializers.CharField()
    account = PublicAccountSerializer(allow_null=True)


def verification(text):
    lookup = register.look_up(text)
    account = lookup.account
    if lookup.status == "live" and lookup.as_handle:
        # A bare handle: official on these platforms only; the same name elsewhere may not be.
        message = (
            f"Official on {', '.join(lookup.platforms)} only: on any other platform an account "
            "with this name is not the Scottish Parliament's."
        )
    elif lookup.status == "live":
        message = f"Yes: this is an official account of the Scottish Parliament ({account.office})."
    elif lookup.status == "closed":
        closed = f" on {account.closed_on:%-d %B %Y}" if account.closed_on else ""
        message = f"No longer official: this account was closed{closed}."
    elif lookup.problem:
        message = f"Not an official account of the Scottish Parliament. {lookup.problem}"
    else:
        message = "Not an official account of the Scottish Parliament that we know of."
    return {
        "official": lookup.status == "live",
        "status": lookup.status,
        "message": message,
        "account": PublicAccountSerializer(account).data if account else None,
    }


class Verify(APIView):
    """Is this profile URL or handle an official account of the Parliament?"""

    @extend_schema(
        parameters=[
            OpenApiParameter("url", str, description="A profile URL or @handle.", required=True)
        ],
        responses=VerifyResult,
    )
    def get(self, request):
        text = request.query_params.get("url", "")
        if not text.strip() or len(text) > register.MAX_LOOKUP:
            return Response(
                {"detail": "Give a profile URL or handle (at most 300 characters) as ?url=…"},
                status=400,
            )
        return Response(verification(text))
