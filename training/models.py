from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.validators import validate_single_line

# The languages a topic is written in (settings.LANGUAGES): its title, summary and description
# have one column per language (training/translation.py registers them with modeltranslation).
TOPIC_LANGUAGES = ("en", "fr")
TRANSLATED_FIELDS = ("title", "summary", "description")


def _filled(field: str) -> Q:
    return Q(**{f"{field}__isnull": False}) & ~Q(**{field: ""})


def lacking_translation(language: str) -> Q:
    """Topics with a text written in another language but not in `language`."""
    condition = Q()
    for name in TRANSLATED_FIELDS:
        for other in TOPIC_LANGUAGES:
            if other != language:
                condition |= _filled(f"{name}_{other}") & ~_filled(f"{name}_{language}")
    return condition


class Topic(models.Model):
    """A training topic in the shared catalogue, in English, French or both.

    `title`, `summary` and `description` read the reader's language, or the other one when the
    topic is not written in theirs (`shown_language` says which); `title_en`, `title_fr`... are
    the columns (modeltranslation). The history (`Topic.history`) is registered in
    training/translation.py, after the language columns exist, so that it records them too."""

    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    summary = models.CharField(_("summary"), max_length=300, help_text=_("One or two sentences."))
    description = models.TextField(_("description"), blank=True)
    refresh_interval_months = models.PositiveSmallIntegerField(
        _("refresh interval (months)"),
        null=True,
        blank=True,
        help_text=_("Revisit this topic every so many months (leave empty if once is enough)."),
    )
    is_archived = models.BooleanField(
        _("archived"),
        default=False,
        help_text=_("Archived topics are hidden from pickers but kept where used."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        permissions = [("edit_catalogue", "Can add, edit and archive catalogue topics")]
        constraints = [
            # A title is unique in its language, whatever its case; a language may be empty.
            models.UniqueConstraint(
                Lower("title_en"), condition=~Q(title_en=""), name="topic_title_en_unique_ci"
            ),
            models.UniqueConstraint(
                Lower("title_fr"), condition=~Q(title_fr=""), name="topic_title_fr_unique_ci"
            ),
            models.CheckConstraint(
                condition=_filled("title_en") | _filled("title_fr"),
                name="topic_has_a_title",
            ),
            models.CheckConstraint(
                condition=Q(refresh_interval_months__isnull=True)
                | Q(refresh_interval_months__gte=1),
                name="topic_refresh_interval_positive",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The untranslated columns (title, summary, description) hold the English text (the
        # French one for a topic only in French), whatever the language of whoever saves.
        with translation.override("en"):
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("training:topic_detail", kwargs={"pk": self.pk})

    def text_in(self, field: str, language: str) -> str:
        return getattr(self, f"{field}_{language}", None) or ""

    @staticmethod
    def shown_language_of_reader() -> str:
        current = (translation.get_language() or "en").split("-")[0]
        return current if current in TOPIC_LANGUAGES else "en"

    def shown_language(self, field: str = "title") -> str:
        """The language `field` is shown in to the current reader: theirs, or the other one
        when the topic is not written in theirs."""
        current = self.shown_language_of_reader()
        if self.text_in(field, current):
            return current
        for language in TOPIC_LANGUAGES:
            if self.text_in(field, language):
                return language
        return current

    @property
    def missing_languages(self) -> list[str]:
        """The languages the topic lacks a text in, while it has it in another."""
        missing = []
        for language in TOPIC_LANGUAGES:
            others = [lang for lang in TOPIC_LANGUAGES if lang != language]
            if any(
                self.text_in(name, other) and not self.text_in(name, language)
                for name in TRANSLATED_FIELDS
                for other in others
            ):
                missing.append(language)
        return missing


class TopicReference(models.Model):
    """A source for a topic: a citation and, optionally, where to read it."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="references")
    citation = models.CharField(_("citation"), max_length=500, validators=[validate_single_line])
    url = models.URLField(_("URL"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["topic", "position", "pk"]

    def __str__(self):
        return self.citation


class FacilitationOffer(models.Model):
    """A member offers to facilitate a topic at their campus."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        USED = "used", _("Scheduled")
        DECLINED = "declined", _("Declined")

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
        _("reason"),
        max_length=300,
        blank=True,
        validators=[validate_single_line],
        help_text=_("Optional; the person who offered sees it."),
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
        return _("%(person)s offers %(topic)s at %(campus)s") % {
            "person": self.user,
            "topic": self.topic,
            "campus": self.campus,
        }
