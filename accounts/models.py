from django.db import models
from django.db.models.functions import Lower
from django_fsm import FSMField


class Platform(models.Model):
    """A channel in the catalogue. Its rules for reading a profile URL are data, so that a new
    platform or a changed host name is an admin edit rather than a release."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=40, unique=True)
    internal = models.BooleanField(
        default=False,
        help_text="Internal tools (SharePoint blogs and forums) need no approval: site owners "
        "decide.",
    )
    icon = models.CharField(
        max_length=40, blank=True, help_text="Bootstrap Icons name, for example 'twitter-x'."
    )
    hosts = models.JSONField(
        default=list,
        blank=True,
        help_text="Host names a profile URL may use, aliases included, without 'www.' or 'm.'.",
    )
    profile_path = models.CharField(
        max_length=200,
        blank=True,
        help_text="Regular expression for a profile URL's path, with a group named 'handle'.",
    )
    handle_pattern = models.CharField(
        max_length=200, blank=True, help_text="Regular expression a bare handle must match."
    )
    canonical_url = models.CharField(
        max_length=200,
        blank=True,
        help_text="Profile URL template with {handle}, for example https://x.com/{handle}.",
    )
    handles_case_sensitive = models.BooleanField(default=False)
    sort_order = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(
        default=True, help_text="Untick to stop offering it for new proposals."
    )

    class Meta:
        ordering = ["internal", "sort_order", "name"]

    def __str__(self):
        return self.name


class AccountState(models.TextChoices):
    SETTING_UP = "setting_up", "Being set up"
    LIVE = "live", "Live"
    CLOSURE_PROPOSED = "closure_proposed", "Closure proposed"
    CLOSURE_ESCALATED = "closure_escalated", "Closure escalated to HEC"
    CLOSING = "closing", "Closing"
    CLOSED = "closed", "Closed"


class AccountKind(models.TextChoices):
    CORPORATE = "corporate", "Corporate"
    BUSINESS_AREA = "business_area", "Business area"


class Account(models.Model):
    """An official social media account of the Parliament."""

    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="accounts")
    handle = models.CharField(max_length=120, blank=True)
    url = models.URLField(blank=True)
    display_name = models.CharField(max_length=150)
    office = models.ForeignKey("people.Office", on_delete=models.PROTECT, related_name="accounts")
    kind = models.CharField(max_length=20, choices=AccountKind, default=AccountKind.BUSINESS_AREA)
    purpose = models.TextField(blank=True)
    audience = models.TextField(blank=True)
    proposal = models.OneToOneField(
        "proposals.Proposal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="account",
    )
    state = FSMField(default=AccountState.SETTING_UP, choices=AccountState, protected=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["platform", "display_name"]
        constraints = [
            models.UniqueConstraint(
                "platform",
                Lower("handle"),
                name="one_live_account_per_platform_handle",
                condition=models.Q(state="live"),
            ),
        ]
        indexes = [
            models.Index(
                fields=["platform", "kind"],
                name="account_live_by_platform",
                condition=models.Q(state="live"),
            ),
        ]

    def __str__(self):
        return f"{self.display_name} ({self.platform})"
