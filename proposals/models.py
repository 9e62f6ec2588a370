from django.db import models


class EngagementPriority(models.Model):
    """A public engagement priority that a proposal must say it supports."""

    name = models.CharField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    sort_order = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name_plural = "engagement priorities"

    def __str__(self):
        return self.name
