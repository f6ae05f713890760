import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from meetings.models import AgendaItem, Attendance, DiscussionSuggestion, Meeting
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    AttendanceFactory,
    DiscussionSuggestionFactory,
    MeetingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _refused(factory, **kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**kwargs)


def test_meeting_must_end_after_it_starts():
    start = dt.datetime(2026, 9, 8, 21, tzinfo=dt.UTC)
    _refused(MeetingFactory, starts_at=start, ends_at=start)
    assert Meeting.objects.count() == 0


def test_meeting_needs_a_location_or_a_link():
    _refused(MeetingFactory, location="", online_link="")
    MeetingFactory(location="", online_link="https://meet.example.edu/x")
    assert Meeting.objects.count() == 1


def test_meeting_status_and_cancellation_reason_go_together():
    _refused(MeetingFactory, status="postponed")
    _refused(MeetingFactory, status="cancelled", cancelled_reason="")
    _refused(MeetingFactory, status="scheduled", cancelled_reason="Why?")


def test_attendance_is_unique_per_meeting_and_person():
    row = AttendanceFactory()
    _refused(AttendanceFactory, meeting=row.meeting, user=row.user)


def test_attendance_values_are_valid_choices():
    _refused(AttendanceFactory, response="maybe")
    _refused(AttendanceFactory, presence="sleeping")
    _refused(AttendanceFactory, response="attending")  # without responded_at


def test_agenda_positions_are_unique_and_topics_only_on_training():
    item = AgendaItemFactory()
    _refused(AgendaItemFactory, meeting=item.meeting, position=item.position)
    _refused(AgendaItemFactory, kind="dance")
    from tests.factories import TopicFactory

    _refused(AgendaItemFactory, kind=AgendaItem.Kind.OTHER, topic=TopicFactory())


def test_anonymous_suggestion_cannot_have_an_author():
    _refused(DiscussionSuggestionFactory, is_anonymous=True, author=UserFactory())
    _refused(DiscussionSuggestionFactory, is_anonymous=False, author=None)
    assert DiscussionSuggestion.objects.count() == 0


def test_presence_that_opens_case_notes():
    assert Attendance.WAS_THERE == ("present", "late")
    assert AttendanceFactory.build(presence="late").was_there is True
    assert AttendanceFactory.build(presence="excused").was_there is False


@pytest.mark.parametrize("brk", ["\r\n", "\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"])
@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (MeetingFactory, "title"),
        (MeetingFactory, "location"),
        (AgendaItemFactory, "title"),
        (ActionItemFactory, "text"),
    ],
)
def test_one_line_fields_refuse_every_line_break(factory, field, brk):
    """What can reach an e-mail header, a subject or a calendar entry stays on one line."""
    from django.core.exceptions import ValidationError

    obj = factory.build(**{field: f"Room 1{brk}Bcc: attacker@evil.test"})
    with pytest.raises(ValidationError) as error:
        obj.full_clean(exclude=["meeting", "campus"])
    assert error.value.message_dict == {field: ["Keep this on one line: remove the line breaks."]}


def test_response_note_stays_on_one_line():
    from django.core.exceptions import ValidationError

    row = AttendanceFactory.build(response="attending", response_note="late\nBcc: x@evil.test")
    with pytest.raises(ValidationError) as error:
        row.full_clean(exclude=["meeting", "user"])
    assert error.value.message_dict == {
        "response_note": ["Keep this on one line: remove the line breaks."]
    }


def test_action_item_due_date_between_2000_and_2100():
    from django.core.exceptions import ValidationError

    item = ActionItemFactory.build(due_on=dt.date(9999, 12, 31))
    with pytest.raises(ValidationError) as error:
        item.full_clean(exclude=["meeting"])
    assert error.value.message_dict == {"due_on": ["Choose a date between 2000 and 2100."]}
