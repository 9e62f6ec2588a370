from django.db import models


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
