"""Meetings of a campus's community of practice: the agenda, who comes, what was said.

Models stay thin; every change goes through `meetings.services`.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from members.validators import validate_date_in_range, validate_single_line


class MeetingSeries(models.Model):
    """Meetings scheduled together from one recurrence rule; each occurrence is its own Meeting."""

    campus = models.ForeignKey("members.Campus", on_delete=models.PROTECT, related_name="+")
    # An iCalendar RRULE (with DTSTART in the campus's local time), e.g.
    # "DTSTART:20260908T170000\nRRULE:FREQ=MONTHLY;BYDAY=+2TU;UNTIL=20270430T235959"
    rrule = models.TextField()
    description = models.CharField(max_length=200, help_text=_("In words, e.g. “second Tuesday”."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    def __str__(self):
        return f"{self.campus}: {self.description}"

    @property
    def ical_uid(self):
        """The series is one recurring event in calendars: one UID for all its meetings."""
        return f"series-{self.pk}@copractice"


# From a meeting's start until this long after its end, taking presence comes first on its
# pages (a day: after that, its coordinators get a reminder by e-mail instead).
PRESENCE_FIRST_FOR = dt.timedelta(hours=24)


def new_check_in_secret() -> str:
    return secrets.token_hex(32)


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("meeting status", "Scheduled")
    CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")


class Meeting(models.Model):
    """One meeting. Never deleted: a cancelled meeting keeps its record and its reason."""

    Status = MeetingStatus

    campus = models.ForeignKey("members.Campus", on_delete=models.PROTECT, related_name="meetings")
    series = models.ForeignKey(
        MeetingSeries,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    title = models.CharField(max_length=200, validators=[validate_single_line])
    description = models.TextField(blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        help_text=_("A room or an address."),
    )
    online_link = models.URLField(
        _("online link"), max_length=500, blank=True, help_text=_("For people joining online.")
    )
    # For a meeting of a series: the start the series gave it, kept when the meeting moves. It
    # names the occurrence in calendars (RECURRENCE-ID).
    original_starts_at = models.DateTimeField(null=True, blank=True, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    cancelled_reason = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # iCalendar SEQUENCE: bumped whenever the time or the place changes (and on cancelling).
    sequence = models.PositiveIntegerField(default=0)
    # Optimistic concurrency: every save claims `version` with a conditional UPDATE.
    version = models.PositiveIntegerField(default=1)
    # The key of the check-in codes (meetings.checkin): never shown, never leaves the server.
    check_in_secret = models.CharField(max_length=64, default=new_check_in_secret, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["check_in_secret"])

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values), name="meeting_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(location="") | ~Q(online_link=""),
                name="meeting_has_location_or_link",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="cancelled") & ~Q(cancelled_reason="") & Q(cancelled_at__isnull=False)
                )
                | (Q(status="scheduled") & Q(cancelled_reason="") & Q(cancelled_at__isnull=True)),
                name="meeting_cancelled_has_reason",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="meeting_version_positive"),
            models.CheckConstraint(
                condition=Q(series__isnull=True, original_starts_at__isnull=True)
                | Q(series__isnull=False, original_starts_at__isnull=False),
                name="meeting_original_start_iff_series",
            ),
        ]
        indexes = [models.Index(fields=["campus", "starts_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "meetings:meeting_detail", kwargs={"campus": self.campus.slug, "pk": self.pk}
        )

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def has_started(self):
        return self.starts_at <= timezone.now()

    @property
    def is_on_now(self):
        return self.starts_at <= timezone.now() < self.ends_at

    @property
    def presence_due(self):
        """On now, or ended less than PRESENCE_FIRST_FOR ago: pages offer "Take presence"
        first."""
        now = timezone.now()
        return not self.is_cancelled and self.starts_at <= now < self.ends_at + PRESENCE_FIRST_FOR

    @property
    def takes_responses(self):
        return not self.is_cancelled and not self.has_started

    @property
    def ical_uid(self):
        return f"meeting-{self.pk}@copractice"


class AgendaItemKind(models.TextChoices):
    CASE_COLLABORATION = "case_collaboration", _("Case collaboration")
    TRAINING = "training", pgettext_lazy("agenda item kind", "Training")
    ADMINISTRATIVE_UPDATE = "administrative_update", _("Administrative updates")
    REFLECTION = "reflection", _("Reflection")
    OTHER = "other", pgettext_lazy("agenda item kind", "Other")


# The title an item of each kind shows when it has none of its own: the guidance's parts of a
# meeting are stored without a title, so that each person reads them in their own language.
DEFAULT_AGENDA_TITLES = {
    AgendaItemKind.CASE_COLLABORATION: _("Case collaboration"),
    AgendaItemKind.TRAINING: pgettext_lazy("agenda item kind", "Training"),
    AgendaItemKind.ADMINISTRATIVE_UPDATE: _("Administrative updates"),
    AgendaItemKind.REFLECTION: _(
        "Reflection: what is going well, what is proving difficult, ideas for improving"
    ),
}


class AgendaItem(models.Model):
    Kind = AgendaItemKind

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # Empty: the kind's usual title (DEFAULT_AGENDA_TITLES), in the reader's language.
    title = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    notes = models.TextField(blank=True)
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    topic = models.ForeignKey(
        "training.Topic",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="facilitated_items",
    )
    facilitation_offer = models.ForeignKey(
        "training.FacilitationOffer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"], name="agenda_item_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AgendaItemKind.values), name="agenda_item_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(topic__isnull=True) | Q(kind="training"),
                name="agenda_item_topic_only_for_training",
            ),
            models.CheckConstraint(
                condition=Q(facilitation_offer__isnull=True)
                | (Q(topic__isnull=False) & Q(facilitator__isnull=False)),
                name="agenda_item_offer_needs_topic_and_facilitator",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True) | Q(duration_minutes__gte=1),
                name="agenda_item_duration_positive",
            ),
        ]

    def __str__(self):
        return str(self.shown_title)

    @property
    def shown_title(self):
        """The item's own title; else its topic's, or its kind's usual one, in the reader's
        language."""
        if self.title:
            return self.title
        if self.topic_id is not None:
            return self.topic.title  # in the reader's language (training/translation.py)
        return DEFAULT_AGENDA_TITLES.get(self.kind) or self.get_kind_display()


class AttendanceResponse(models.TextChoices):
    NO_RESPONSE = "no_response", _("No response")
    ATTENDING = "attending", _("Attending")
    NOT_ATTENDING = "not_attending", _("Not attending")


class AttendancePresence(models.TextChoices):
    UNRECORDED = "unrecorded", _("Not recorded")
    PRESENT = "present", pgettext_lazy("presence", "Present")
    LATE = "late", pgettext_lazy("presence", "Late")
    EXCUSED = "excused", pgettext_lazy("presence", "Excused")
    ABSENT = "absent", pgettext_lazy("presence", "Absent")


class PresenceSource(models.TextChoices):
    NONE = "", _("Not recorded")
    COORDINATOR = "coordinator", _("Recorded by a coordinator")
    SELF_CODE = "self_code", _("Checked in with the code")
    SELF_LINK = "self_link", _("Checked in with the online link")


class Attendance(models.Model):
    """A person expected at a meeting: their response, and the coordinator's record of presence."""

    Response = AttendanceResponse
    Presence = AttendancePresence
    Source = PresenceSource
    # Presence that lets someone read the meeting's case-collaboration notes.
    WAS_THERE = (AttendancePresence.PRESENT, AttendancePresence.LATE)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attendances"
    )
    response = models.CharField(
        max_length=16, choices=Response.choices, default=Response.NO_RESPONSE
    )
    response_note = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    responded_at = models.DateTimeField(null=True, blank=True)
    presence = models.CharField(
        max_length=16, choices=Presence.choices, default=Presence.UNRECORDED
    )
    presence_recorded_at = models.DateTimeField(null=True, blank=True)
    presence_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # How the presence was recorded: by a coordinator, or by the person checking in themselves
    # (then `checked_in_at` is when; it stays when a coordinator corrects the presence).
    presence_source = models.CharField(
        max_length=16, choices=PresenceSource.choices, blank=True, default=PresenceSource.NONE
    )
    checked_in_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "user__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attendance_unique"),
            models.CheckConstraint(
                condition=Q(response__in=AttendanceResponse.values),
                name="attendance_response_valid",
            ),
            models.CheckConstraint(
                condition=Q(presence__in=AttendancePresence.values),
                name="attendance_presence_valid",
            ),
            models.CheckConstraint(
                condition=Q(response="no_response", responded_at__isnull=True, response_note="")
                | (~Q(response="no_response") & Q(responded_at__isnull=False)),
                name="attendance_responded_at_iff_response",
            ),
            models.CheckConstraint(
                condition=Q(presence_source__in=PresenceSource.values),
                name="attendance_presence_source_valid",
            ),
            models.CheckConstraint(
                condition=~Q(presence_source__in=["self_code", "self_link"])
                | Q(checked_in_at__isnull=False),
                name="attendance_self_check_in_has_time",
            ),
        ]
        indexes = [models.Index(fields=["user", "meeting"])]

    def __str__(self):
        return _("%(person)s at %(meeting)s") % {"person": self.user, "meeting": self.meeting}

    @property
    def was_there(self):
        return self.presence in self.WAS_THERE

    @property
    def checked_in_themselves(self):
        return self.presence_source in (PresenceSource.SELF_CODE, PresenceSource.SELF_LINK)


class Minutes(models.Model):
    """What the meeting said: the three reflection questions and administrative updates.

    Case-collaboration notes are deliberately not here (see CaseCollaborationNotes)."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    going_well = models.TextField(_("what is going well"), blank=True)
    proving_difficult = models.TextField(_("what is proving difficult"), blank=True)
    ideas_for_improving = models.TextField(_("ideas for improving"), blank=True)
    administrative_updates = models.TextField(_("administrative updates"), blank=True)
    version = models.PositiveIntegerField(default=1)
    # When the campus's retention setting erased the texts (meetings.retention); the row stays.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="minutes_version_positive"),
            models.CheckConstraint(
                condition=Q(erased_at__isnull=True)
                | Q(
                    going_well="",
                    proving_difficult="",
                    ideas_for_improving="",
                    administrative_updates="",
                ),
                name="minutes_erased_have_no_text",
            ),
        ]

    def __str__(self):
        return _("Minutes of %(meeting)s") % {"meeting": self.meeting}


class CaseCollaborationNotes(models.Model):
    """Notes from case collaboration: readable only by the campus's coordinators and the people
    recorded present at that meeting. A model of its own so that no other page, export, feed or
    e-mail can include them by accident. History records who changed them and when, never the
    text."""

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="case_collaboration_notes"
    )
    text = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    # When the campus's retention setting erased the text (meetings.retention): the row stays,
    # so that the meeting still shows that notes existed.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["text"])

    class Meta:
        verbose_name = _("case-collaboration notes")
        verbose_name_plural = _("case-collaboration notes")
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="case_notes_version_positive"),
            models.CheckConstraint(
                condition=Q(erased_at__isnull=True) | Q(text=""),
                name="case_notes_erased_have_no_text",
            ),
        ]

    def __str__(self):
        return _("Case-collaboration notes of %(meeting)s") % {"meeting": self.meeting}


class ActionItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(max_length=300, validators=[validate_single_line])
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
    )
    due_on = models.DateField(null=True, blank=True, validators=[validate_date_in_range])
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "done", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done=True, done_at__isnull=False) | Q(done=False, done_at__isnull=True),
                name="action_item_done_at_iff_done",
            ),
        ]

    def __str__(self):
        return self.text


class SuggestionKind(models.TextChoices):
    GOING_WELL = "going_well", _("Something going well")
    PROVING_DIFFICULT = "proving_difficult", _("Something proving difficult")
    IDEA = "idea", _("An idea for improving")
    CASE_QUESTION = "case_question", _("A question for case collaboration")


class SuggestionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("suggestion status", "Open")
    USED = "used", pgettext_lazy("suggestion status", "Used")


class DiscussionSuggestion(models.Model):
    """Something a member would like discussed at the next meeting.

    No history on purpose: an anonymous suggestion must not keep its author anywhere."""

    Kind = SuggestionKind
    Status = SuggestionStatus

    campus = models.ForeignKey(
        "members.Campus", on_delete=models.PROTECT, related_name="discussion_suggestions"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    text = models.TextField(max_length=2000)
    is_anonymous = models.BooleanField(default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="discussion_suggestions",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    used_in = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="suggestions_used"
    )
    used_at = models.DateTimeField(null=True, blank=True)
    # A date, not a time: the moment of an anonymous submission could identify its author.
    submitted_on = models.DateField()

    class Meta:
        ordering = ["status", "-submitted_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SuggestionKind.values), name="suggestion_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=SuggestionStatus.values), name="suggestion_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(is_anonymous=True, author__isnull=True)
                | Q(is_anonymous=False, author__isnull=False),
                name="suggestion_anonymous_has_no_author",
            ),
            models.CheckConstraint(
                condition=Q(status="open", used_at__isnull=True)
                | Q(status="used", used_at__isnull=False),
                name="suggestion_used_at_iff_used",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:40]}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's private calendar-feed address; resetting the token retires the old address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)
    reset_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return _("Calendar feed of %(person)s") % {"person": self.user}

    def get_absolute_url(self):
        return reverse("meetings:calendar_feed", kwargs={"token": self.token})


class GapReminderStage(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming (from the 20th of the month before)")
    OVERDUE = "overdue", _("Overdue (from the 1st)")
    ESCALATION = "escalation", _("Escalation (from the 15th)")


class GapReminder(models.Model):
    """A reminder that a campus's month has no meeting; each (campus, month, stage) once."""

    Stage = GapReminderStage

    campus = models.ForeignKey(
        "members.Campus", on_delete=models.PROTECT, related_name="gap_reminders"
    )
    month = models.DateField(help_text=_("The first day of the month without a meeting."))
    stage = models.CharField(max_length=16, choices=Stage.choices)
    recipients = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month", "campus"]
        constraints = [
            models.UniqueConstraint(
                fields=["campus", "month", "stage"], name="gap_reminder_once_per_stage"
            ),
            models.CheckConstraint(
                condition=models.Q(stage__in=GapReminderStage.values),
                name="gap_reminder_stage_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="gap_reminder_month_first_day"
            ),
        ]

    def __str__(self):
        return f"{self.campus} {self.month:%Y-%m} {self.stage}"
