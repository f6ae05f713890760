"""Forms collect input; the rules live in meetings.services (their errors come back here)."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from training.models import Topic

from . import services
from .models import ActionItem, AgendaItem, Attendance, DiscussionSuggestion


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on a field the form has, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                form.add_error(target, e)
    else:
        form.add_error(None, error)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


AGENDA_CHOICES = [
    (
        services.AGENDA_GUIDANCE,
        "The guidance's parts: case collaboration, training, "
        "administrative updates and a reflection",
    ),
    (services.AGENDA_PREVIOUS, "A copy of the structure of this campus's previous meeting"),
    (services.AGENDA_EMPTY, "An empty agenda"),
]


class _MeetingFieldsForm(forms.Form):
    title = forms.CharField(max_length=200, initial="Community of practice meeting")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    location = forms.CharField(max_length=200, required=False, help_text="A room or an address.")
    online_link = forms.URLField(
        label="Online link", max_length=500, required=False, assume_scheme="https"
    )

    def __init__(self, *args, campus, **kwargs):
        self.campus = campus
        super().__init__(*args, **kwargs)
        zone = campus.time_zone
        for name in ("start_time", "end_time"):
            if name in self.fields:
                self.fields[name].help_text = f"In {zone} time."

    def clean(self):
        data = super().clean()
        if not data.get("location") and not data.get("online_link") and not self.errors:
            raise ValidationError("Give a location, an online link, or both.")
        return data


class MeetingForm(_MeetingFieldsForm):
    """One meeting: a day, a start and an end, entered in the campus's time zone."""

    day = forms.DateField(label="Date", widget=DateInput())
    start_time = forms.TimeField(label="Starts at", widget=TimeInput())
    end_time = forms.TimeField(label="Ends at", widget=TimeInput())
    field_order = ["title", "day", "start_time", "end_time", "location", "online_link"]

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            try:
                data["starts_at"] = services.local_to_utc(campus=self.campus, day=day, time=start)
                data["ends_at"] = services.local_to_utc(campus=self.campus, day=day, time=end)
            except ValidationError as error:
                raise ValidationError(error.messages) from None
        return data

    @classmethod
    def initial_for(cls, meeting):
        start = meeting.starts_at.astimezone(meeting.campus.tz)
        end = meeting.ends_at.astimezone(meeting.campus.tz)
        return {
            "title": meeting.title,
            "description": meeting.description,
            "day": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "location": meeting.location,
            "online_link": meeting.online_link,
            "version": meeting.version,
        }


class MeetingCreateForm(MeetingForm):
    agenda = forms.ChoiceField(
        label="Start the agenda with",
        choices=AGENDA_CHOICES,
        initial=services.AGENDA_GUIDANCE,
        widget=forms.RadioSelect,
    )


class MeetingEditForm(MeetingForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    scope = forms.ChoiceField(
        label="Apply the changes to",
        choices=[("this", "This meeting only"), ("following", "This and the following meetings")],
        initial="this",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, in_series: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not in_series:
            del self.fields["scope"]


WEEKDAY_CHOICES = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]
WEEK_OF_MONTH_CHOICES = [(1, "First"), (2, "Second"), (3, "Third"), (4, "Fourth"), (-1, "Last")]


class SeriesForm(_MeetingFieldsForm):
    frequency = forms.ChoiceField(
        label="Repeat",
        choices=[("monthly", "Monthly, on the chosen week and weekday"), ("weekly", "Weekly")],
        initial="monthly",
        widget=forms.RadioSelect,
    )
    week_of_month = forms.TypedChoiceField(
        label="Week of the month",
        choices=WEEK_OF_MONTH_CHOICES,
        coerce=int,
        initial=2,
        help_text="For monthly meetings, e.g. the second Tuesday.",
    )
    weekday = forms.TypedChoiceField(choices=WEEKDAY_CHOICES, coerce=int, initial=1)
    interval = forms.IntegerField(
        label="Every how many weeks",
        min_value=1,
        max_value=8,
        initial=1,
        help_text="For weekly meetings.",
    )
    first_day = forms.DateField(label="From", widget=DateInput())
    last_day = forms.DateField(label="Until", widget=DateInput())
    start_time = forms.TimeField(label="Starts at", widget=TimeInput(), initial=dt.time(17, 0))
    end_time = forms.TimeField(label="Ends at", widget=TimeInput(), initial=dt.time(18, 30))
    agenda = forms.ChoiceField(
        label="Start each agenda with",
        choices=AGENDA_CHOICES,
        initial=services.AGENDA_GUIDANCE,
        widget=forms.RadioSelect,
    )
    field_order = [
        "title",
        "frequency",
        "week_of_month",
        "weekday",
        "interval",
        "first_day",
        "last_day",
        "start_time",
        "end_time",
        "location",
        "online_link",
        "description",
        "agenda",
    ]

    def recurrence(self) -> services.Recurrence:
        data = self.cleaned_data
        return services.Recurrence(
            frequency=data["frequency"],
            first_day=data["first_day"],
            last_day=data["last_day"],
            start_time=data["start_time"],
            end_time=data["end_time"],
            weekday=data["weekday"],
            interval=data["interval"],
            week_of_month=data["week_of_month"],
        )


class CancelForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Everyone expected at the meeting sees it.",
        max_length=1000,
    )
    scope = forms.ChoiceField(
        label="Cancel",
        choices=[("this", "This meeting only"), ("following", "This and the following meetings")],
        initial="this",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, in_series: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not in_series:
            del self.fields["scope"]


class AgendaItemForm(forms.Form):
    kind = forms.ChoiceField(choices=AgendaItem.Kind.choices)
    title = forms.CharField(
        max_length=200,
        required=False,
        help_text="For a training item, the topic's title is used when left empty.",
    )
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.none(),
        required=False,
        help_text="For a training item: a topic from the catalogue.",
    )
    facilitator = forms.ModelChoiceField(queryset=None, required=False)
    duration_minutes = forms.IntegerField(
        label="Minutes", min_value=1, max_value=600, required=False
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = Topic.objects.filter(is_archived=False)
        # Any user: the service says clearly when someone is not of this campus.
        from django.contrib.auth import get_user_model

        self.fields["facilitator"].queryset = get_user_model().objects.all()
        self.fields["facilitator"].choices = [("", "—")] + [
            (p.pk, p.name or p.email) for p in people
        ]
        self.fields[
            "facilitator"
        ].help_text = "A peer supporter, partner representative or coordinator of this campus."


class RespondForm(forms.Form):
    response = forms.ChoiceField(
        choices=[
            (Attendance.Response.ATTENDING, "Attending"),
            (Attendance.Response.NOT_ATTENDING, "Not attending"),
        ]
    )
    note = forms.CharField(
        max_length=200,
        required=False,
        label="Note (optional)",
        help_text="E.g. “exam that evening”.",
    )


class MinutesForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    going_well = forms.CharField(
        label="What is going well", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    proving_difficult = forms.CharField(
        label="What is proving difficult", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    ideas_for_improving = forms.CharField(
        label="Ideas for improving", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    administrative_updates = forms.CharField(
        label="Administrative updates", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class CaseNotesForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label="Case-collaboration notes",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="De-identify: no names, initials, programmes, residences or details that "
        "could identify a person you support.",
    )


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["text", "owner", "due_on"]
        labels = {"text": "Action", "due_on": "Due"}
        widgets = {"due_on": DateInput()}

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people


class SuggestionForm(forms.ModelForm):
    class Meta:
        model = DiscussionSuggestion
        fields = ["kind", "text", "is_anonymous"]
        labels = {
            "kind": "What is it?",
            "text": "Your suggestion",
            "is_anonymous": "Submit anonymously",
        }
        help_texts = {
            "is_anonymous": "Your name is not stored at all, so nobody (not even a coordinator "
            "or a site admin) can see who wrote it.",
            "text": "For case collaboration, leave out anything that could identify a person.",
        }
        # Four kinds: all in sight and one tap each, rather than a menu that starts empty.
        widgets = {"kind": forms.RadioSelect, "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = DiscussionSuggestion.Kind.choices  # no empty choice
