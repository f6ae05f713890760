"""Forms collect input; the rules live in meetings.services and meetings.minutes (their errors
come back through members.forms.add_service_error)."""

import datetime as dt
from html import escape

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from members.forms import NextForm
from members.validators import (
    EARLIEST_DATE,
    LATEST_DATE,
    validate_date_in_range,
    validate_single_line,
)

from . import selectors, services
from .models import ActionItem, Attendance, DiscussionSuggestion, Meeting
from .people import campus_people, option_html


class DateInput(forms.DateInput):
    """A date picker limited to the dates meetings and reports work with."""

    input_type = "date"

    def __init__(self, **kwargs):
        attrs = {"min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()}
        super().__init__(format="%Y-%m-%d", attrs=attrs | kwargs.pop("attrs", {}), **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class PlainSelect(forms.Select):
    """Django's Select (the same markup, without option groups), drawn in one pass in Python
    instead of through a template per option: for long lists, such as a campus's people. Given
    `DrawnChoices`, it takes their options as drawn."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = self.format_value(value)
        chosen = chosen[0] if chosen else None
        choices = self.choices
        if isinstance(choices, DrawnChoices):
            options = choices.options
            if chosen is not None and chosen in choices.values:
                at = choices.values.index(chosen)  # only the first match, as Django's Select
                options = options.copy()
                options[at] = option_html(chosen, str(choices.choices[at][1]), selected=True)
        else:
            options = []
            for option_value, label in choices:
                option_value = "" if option_value is None else str(option_value)
                selected = option_value == chosen
                if selected:
                    chosen = None  # only the first match, as Django's Select
                options.append(option_html(option_value, str(label), selected=selected))
        final_attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(
            f'<select name="{escape(name)}"{final_attrs}>{"".join(options)}\n</select>'
        )


class ReadChoices(BaseChoiceIterator):
    """Choices already read, as (value, label) pairs, given to a field as they are: Django
    goes through a plain list pair by pair each time a field or its widget is given it (twice
    per form, and again when the form copies its fields), a campus's people included."""

    def __init__(self, choices):
        self.choices = list(choices)

    def __iter__(self):
        return iter(self.choices)

    def __len__(self):
        return len(self.choices)


class DrawnChoices(ReadChoices):
    """Choices with each `<option>` already drawn (`options`, none selected), and their values
    as strings (`values`), for a PlainSelect."""

    def __init__(self, choices, options):
        super().__init__(choices)
        self.options = list(options)
        self.values = ["" if value is None else str(value) for value, _label in self.choices]


def people_choices(*, campus, empty_label) -> DrawnChoices:
    """The campus's active people as a select's choices: (id, name or e-mail), kept in the
    cache while none of them changes (meetings/people.py), the empty choice first."""
    people = campus_people(campus=campus)
    return DrawnChoices(
        [("", empty_label), *people.choices],
        [option_html("", str(empty_label)), *people.options],
    )


AGENDA_CHOICES = [
    (
        services.AGENDA_GUIDANCE,
        _(
            "The guidance's parts: case collaboration, training, "
            "administrative updates and a reflection"
        ),
    ),
    (services.AGENDA_PREVIOUS, _("A copy of the structure of this campus's previous meeting")),
    (services.AGENDA_EMPTY, _("An empty agenda")),
]


class _MeetingFieldsForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        initial=_("Community of practice meeting"),
        validators=[validate_single_line],
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    location = forms.CharField(
        label=_("Location"),
        max_length=200,
        required=False,
        validators=[validate_single_line],
        help_text=_("A room or an address."),
    )
    online_link = forms.URLField(
        label=_("Online link"), max_length=500, required=False, assume_scheme="https"
    )

    def __init__(self, *args, campus, **kwargs):
        self.campus = campus
        super().__init__(*args, **kwargs)
        zone = campus.time_zone
        for name in ("start_time", "end_time"):
            if name in self.fields:
                self.fields[name].help_text = _("In %(zone)s time.") % {"zone": zone}

    def clean(self):
        data = super().clean()
        if not data.get("location") and not data.get("online_link") and not self.errors:
            raise ValidationError(_("Give a location, an online link, or both."))
        return data


class MeetingForm(_MeetingFieldsForm):
    """One meeting: a day, a start and an end, entered in the campus's time zone."""

    day = forms.DateField(label=_("Date"), widget=DateInput(), validators=[validate_date_in_range])
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Ends at"), widget=TimeInput())
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
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].help_text = _(
            "A past date (up to a year ago) records a meeting that already took place: nobody "
            "is e-mailed, and you go straight to its presence and minutes."
        )
        # Next month's meeting usually follows last month's: offer its agenda first.
        if selectors.has_agenda_to_copy(campus=self.campus):
            self.fields["agenda"].initial = services.AGENDA_PREVIOUS

    agenda = forms.ChoiceField(
        label=_("Start the agenda with"),
        choices=AGENDA_CHOICES,
        initial=services.AGENDA_GUIDANCE,
        widget=forms.RadioSelect,
    )


class MeetingEditForm(MeetingForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    scope = forms.ChoiceField(
        label=_("Apply the changes to"),
        choices=[
            ("this", _("This meeting only")),
            ("following", _("This and the following meetings")),
        ],
        initial="this",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, in_series: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not in_series:
            del self.fields["scope"]


WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
WEEK_OF_MONTH_CHOICES = [
    (1, _("First")),
    (2, _("Second")),
    (3, _("Third")),
    (4, _("Fourth")),
    (-1, _("Last")),
]


class SeriesForm(_MeetingFieldsForm):
    frequency = forms.ChoiceField(
        label=_("Repeat"),
        choices=[
            ("monthly", _("Monthly, on the chosen week and weekday")),
            ("weekly", _("Weekly")),
        ],
        initial="monthly",
        widget=forms.RadioSelect,
    )
    week_of_month = forms.TypedChoiceField(
        label=_("Week of the month"),
        choices=WEEK_OF_MONTH_CHOICES,
        coerce=int,
        initial=2,
        help_text=_("For monthly meetings, e.g. the second Tuesday."),
    )
    weekday = forms.TypedChoiceField(
        label=_("Weekday"), choices=WEEKDAY_CHOICES, coerce=int, initial=1
    )
    interval = forms.IntegerField(
        label=_("Every how many weeks"),
        min_value=1,
        max_value=8,
        initial=1,
        help_text=_("For weekly meetings."),
    )
    first_day = forms.DateField(
        label=_("From"), widget=DateInput(), validators=[validate_date_in_range]
    )
    last_day = forms.DateField(
        label=_("Until"), widget=DateInput(), validators=[validate_date_in_range]
    )
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput(), initial=dt.time(17, 0))
    end_time = forms.TimeField(label=_("Ends at"), widget=TimeInput(), initial=dt.time(18, 30))
    agenda = forms.ChoiceField(
        label=_("Start each agenda with"),
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
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Everyone expected at the meeting sees it."),
        max_length=1000,
    )
    scope = forms.ChoiceField(
        label=_("Cancel"),
        choices=[
            ("this", _("This meeting only")),
            ("following", _("This and the following meetings")),
        ],
        initial="this",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, in_series: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not in_series:
            del self.fields["scope"]


RESPONSE_NOTE_ERRORS = {
    "max_length": _("A note has at most 200 characters."),
    "null_characters_not_allowed": _("A note cannot contain a null character."),
}


class RespondForm(forms.Form):
    response = forms.ChoiceField(
        choices=[
            (Attendance.Response.ATTENDING, _("Attending")),
            (Attendance.Response.NOT_ATTENDING, _("Not attending")),
        ],
        error_messages={
            "required": _("Choose attending or not attending."),
            "invalid_choice": _("Choose attending or not attending."),
        },
    )
    note = forms.CharField(
        max_length=200,
        required=False,
        validators=[validate_single_line],
        error_messages=RESPONSE_NOTE_ERRORS,
        label=_("Note (optional)"),
        help_text=_("E.g. “exam that evening”."),
    )


class RespondFromForm(forms.Form):
    """Where a response was given, to go back there: the meetings list, the person's own page,
    or (left out) the meeting's page."""

    next = forms.ChoiceField(
        choices=[("list", _("The meetings list")), ("me", _("My page"))], required=False
    )

    def back_to(self) -> str | None:
        if not self.is_valid():
            return None
        return {"list": "meetings:meeting_list", "me": "reports:my_page"}.get(
            self.cleaned_data["next"]
        )


class RespondLinkForm(forms.Form):
    """The one-click link's page: the answer is in the link; a note may go with it."""

    note = forms.CharField(
        max_length=200,
        required=False,
        validators=[validate_single_line],
        error_messages=RESPONSE_NOTE_ERRORS,
        label=_("Note (optional)"),
    )


class MinutesForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    going_well = forms.CharField(
        label=_("What is going well"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    proving_difficult = forms.CharField(
        label=_("What is proving difficult"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    ideas_for_improving = forms.CharField(
        label=_("Ideas for improving"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    administrative_updates = forms.CharField(
        label=_("Administrative updates"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class CaseNotesForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Case-collaboration notes"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_(
            "De-identify: no names, initials, programmes, residences or details that "
            "could identify a person you support."
        ),
    )


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["text", "owner", "due_on"]
        labels = {"text": _("Action"), "owner": _("Owner"), "due_on": _("Due")}
        widgets = {"due_on": DateInput(), "owner": PlainSelect()}

    def __init__(self, *args, campus, **kwargs):
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        if self.is_bound:  # what is sent is checked against who an owner may be
            owner.queryset = selectors.active_people(campus=campus)
        owner.choices = people_choices(campus=campus, empty_label=owner.empty_label)


class SuggestionForm(forms.ModelForm):
    class Meta:
        model = DiscussionSuggestion
        fields = ["kind", "text", "is_anonymous"]
        labels = {
            "kind": _("What is it?"),
            "text": _("Your suggestion"),
            "is_anonymous": _("Submit anonymously"),
        }
        help_texts = {
            "is_anonymous": _(
                "Your name is not stored at all, so nobody (not even a coordinator "
                "or a site admin) can see who wrote it."
            ),
            "text": _("For case collaboration, leave out anything that could identify a person."),
        }
        # Four kinds: all in sight and one tap each, rather than a menu that starts empty.
        widgets = {"kind": forms.RadioSelect, "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = DiscussionSuggestion.Kind.choices  # no empty choice


class SuggestionUseForm(forms.Form):
    """Mark a suggestion used, in one of this campus's meetings or in none."""

    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": _(
                "That meeting is not one of this campus's meetings: nothing was changed."
            )
        },
    )

    def __init__(self, *args, campus, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = selectors.meetings_for(campus=campus)


class ActionItemDoneForm(NextForm):
    """The button on each action item: "1" marks it done, "0" not done."""

    done = forms.TypedChoiceField(
        choices=[("1", _("Done")), ("0", _("Not done"))],
        coerce=lambda value: value == "1",
        error_messages={
            "required": _("Mark the action item done or not done."),
            "invalid_choice": _("Mark the action item done or not done."),
        },
    )


MINUTES_PARTS = [
    ("minutes", _("The minutes")),
    ("case_notes", _("The case-collaboration notes")),
    ("action_item", _("A new action item")),
]


class MinutesPartForm(forms.Form):
    """Which parts of the minutes page were sent (hidden `part` fields: the page sends every
    part it shows, in one form, so that nothing typed in one part is lost saving another).
    Not `form`: a field of that name hides the form element's own `form` property from
    scripts."""

    part = forms.MultipleChoiceField(choices=MINUTES_PARTS)


PRESENCE_CHOICES = [
    (value, label)
    for value, label in Attendance.Presence.choices
    if value != Attendance.Presence.UNRECORDED
]


class PresenceForm(forms.Form):
    """The roster: a presence for each person expected at the meeting, one field per attendance
    row, named `presence-<id>` as the page's buttons are (`meeting_tags.roster_people`).
    A person left without a choice keeps what is recorded; other names are ignored."""

    # The form's second submit button: fill in those who confirmed and have no choice yet.
    shortcut = forms.ChoiceField(
        choices=[("confirmed_present", _("Everyone who confirmed was present"))],
        required=False,
        error_messages={"invalid_choice": _("Save presence, or use the shortcut button.")},
    )

    def __init__(self, *args, attendance_ids, **kwargs):
        super().__init__(*args, **kwargs)
        for pk in attendance_ids:
            self.fields[f"presence-{pk}"] = forms.ChoiceField(
                choices=PRESENCE_CHOICES,
                required=False,
                error_messages={
                    "invalid_choice": _("Choose present, late, excused or absent for each person.")
                },
            )

    def presences(self) -> dict[int, str]:
        """{attendance id: presence} for the people given one."""
        return {
            int(name.removeprefix("presence-")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("presence-") and value
        }

    def confirmed_present(self) -> bool:
        return self.cleaned_data.get("shortcut") == "confirmed_present"


class MonthForm(forms.Form):
    """The month of the calendar view, from its address: 2000 to 2100 (a 404 otherwise)."""

    year = forms.IntegerField(min_value=EARLIEST_DATE.year, max_value=LATEST_DATE.year)
    month = forms.IntegerField(min_value=1, max_value=12)

    def first_day(self) -> dt.date:
        return dt.date(self.cleaned_data["year"], self.cleaned_data["month"], 1)
