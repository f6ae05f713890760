from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from simple_history.models import HistoricalRecords

from members.validators import validate_single_line


class Topic(models.Model):
    """A training topic in the shared catalogue."""

    title = models.CharField(max_length=200, validators=[validate_single_line])
    summary = models.CharField(max_length=300, help_text="One or two sentences.")
    description = models.TextField(blank=True)
    refresh_interval_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Revisit this topic every so many months (leave empty if once is enough).",
    )
    is_archived = models.BooleanField(
        default=False, help_text="Archived topics are hidden from pickers but kept where used."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        permissions = [("edit_catalogue", "Can add, edit and archive catalogue topics")]
        constraints = [
            models.UniqueConstraint(Lower("title"), name="topic_title_unique_ci"),
            models.CheckConstraint(
                condition=Q(refresh_interval_months__isnull=True)
                | Q(refresh_interval_months__gte=1),
                name="topic_refresh_interval_positive",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("training:topic_detail", kwargs={"pk": self.pk})


class TopicReference(models.Model):
    """A source for a topic: a citation and, optionally, where to read it."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="references")
    citation = models.CharField(max_length=500, validators=[validate_single_line])
    url = models.URLField("URL", max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["topic", "position", "pk"]

    def __str__(self):
        return self.citation


class FacilitationOffer(models.Model):
    """A member offers to facilitate a topic at their campus."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        WITHDRAWN = "withdrawn", "Withdrawn"
        USED = "used", "Scheduled"
        DECLINED = "declined", "Declined"

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="offers")
    campus = models.ForeignKey(
        "members.Campus", on_delete=models.CASCADE, related_name="facilitation_offers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="facilitation_offers"
    )
    note = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    decline_reason = models.CharField(
        "reason",
        max_length=300,
        blank=True,
        validators=[validate_single_line],
        help_text="Optional; the person who offered sees it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "campus", "user"],
                condition=Q(status="open"),
                name="offer_one_open_per_person_topic",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "withdrawn", "used", "declined"]),
                name="offer_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} offers {self.topic} at {self.campus}"
