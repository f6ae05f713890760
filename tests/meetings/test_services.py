import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings import agenda, minutes, respond_links, services
from meetings.models import (
    AgendaItem,
    Attendance,
    CaseCollaborationNotes,
    DiscussionSuggestion,
    Meeting,
    MeetingSeries,
    Minutes,
)
from members.models import Membership
from members.services import change_membership, invite_member
from tests.factories import (
    CampusFactory,
    FacilitationOfferFactory,
    MembershipFactory,
    TopicFactory,
    UserFactory,
)
from training.models import FacilitationOffer

from .conftest import TORONTO, attendance, local

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def _schedule(world, **overrides):
    arguments = {
        "campus": world.campus,
        "starts_at": local(2026, 10, 13, 17),
        "ends_at": local(2026, 10, 13, 18, 30),
        "title": "October meeting",
        "location": "Room 1",
        "by": world.coordinator,
    }
    return services.schedule_meeting(**{**arguments, **overrides})


def _snapshot():
    return (
        Meeting.objects.count(),
        AgendaItem.objects.count(),
        Attendance.objects.count(),
        MeetingSeries.objects.count(),
        Meeting.history.count(),
    )


# --- scheduling ----------------------------------------------------------------------------
def test_schedule_meeting_stores_utc_and_expects_every_active_member(world, meeting):
    on_leave = MembershipFactory(campus=world.campus, status=Membership.Status.ON_LEAVE).user
    # on_leave joined after scheduling and is on leave: no row. A left member: none either.
    assert meeting.starts_at == dt.datetime(2026, 9, 8, 21, 0, tzinfo=UTC)
    assert meeting.ends_at == dt.datetime(2026, 9, 8, 22, 30, tzinfo=UTC)
    assert meeting.status == "scheduled"
    assert meeting.sequence == 0
    assert meeting.version == 1
    assert sorted(meeting.attendances.values_list("user__email", flat=True)) == sorted(
        [world.coordinator.email, world.peer.email, world.partner.email]
    )
    assert not meeting.attendances.filter(user=on_leave).exists()
    assert set(meeting.attendances.values_list("response", "presence")) == {
        ("no_response", "unrecorded")
    }
    history = meeting.history.get()
    assert history.history_type == "+"


def test_schedule_meeting_skips_members_on_leave_or_left(world, now):
    on_leave = MembershipFactory(campus=world.campus, status=Membership.Status.ON_LEAVE).user
    left = MembershipFactory(
        campus=world.campus,
        status=Membership.Status.LEFT,
        joined_on=dt.date(2025, 9, 1),
        left_on=dt.date(2026, 8, 1),
    ).user
    meeting = _schedule(world)
    users = set(meeting.attendances.values_list("user", flat=True))
    assert users == {world.coordinator.pk, world.peer.pk, world.partner.pk}
    assert on_leave.pk not in users and left.pk not in users


def test_schedule_meeting_starts_agenda_with_the_guidance_parts(world, meeting):
    items = [
        (item.position, item.kind, str(item.shown_title))
        for item in meeting.agenda_items.order_by("position")
    ]
    # Stored without a title: each reader sees the kind's usual title in their language.
    assert set(meeting.agenda_items.values_list("title", flat=True)) == {""}
    assert items == [
        (1, "case_collaboration", "Case collaboration"),
        (2, "training", "Training"),
        (3, "administrative_update", "Administrative updates"),
        (
            4,
            "reflection",
            "Reflection: what is going well, what is proving difficult, ideas for improving",
        ),
    ]


def test_schedule_meeting_copies_the_structure_of_the_previous_meeting(world, meeting):
    agenda.add_agenda_item(
        meeting=meeting, kind="other", title="Welcome new peers", duration_minutes=10, by=None
    )
    topic = TopicFactory()
    agenda.add_agenda_item(
        meeting=meeting,
        kind="training",
        title="",
        topic=topic,
        facilitator=world.peer,
        by=None,
    )
    october = _schedule(world, agenda="previous")
    copied = [
        (i.kind, str(i.shown_title), i.duration_minutes, i.topic_id, i.facilitator_id)
        for i in october.agenda_items.order_by("position")
    ]
    assert copied == [
        ("case_collaboration", "Case collaboration", None, None, None),
        ("training", "Training", None, None, None),
        ("administrative_update", "Administrative updates", None, None, None),
        (
            "reflection",
            "Reflection: what is going well, what is proving difficult, ideas for improving",
            None,
            None,
            None,
        ),
        ("other", "Welcome new peers", 10, None, None),
        # Last month's topic is not carried over: an empty training slot, for this month's.
        ("training", "Training", None, None, None),
    ]


def test_schedule_meeting_copy_without_previous_meeting_is_refused(world, now):
    with pytest.raises(ValidationError) as error:
        _schedule(world, agenda="previous")
    assert error.value.message_dict == {
        "agenda": [
            "Riverside has no earlier meeting with an agenda to copy. "
            "Start from the guidance's parts instead."
        ]
    }
    assert _snapshot() == (0, 0, 0, 0, 0)


def test_schedule_meeting_ending_before_it_starts_is_refused(world, now):
    with pytest.raises(ValidationError) as error:
        _schedule(world, ends_at=local(2026, 10, 13, 16))
    assert error.value.message_dict == {"ends_at": ["The meeting must end after it starts."]}
    assert _snapshot() == (0, 0, 0, 0, 0)


def test_schedule_meeting_more_than_a_year_ago_is_refused(world, now):
    with pytest.raises(ValidationError) as error:
        _schedule(world, starts_at=local(2025, 8, 30, 17), ends_at=local(2025, 8, 30, 18))
    assert error.value.message_dict == {
        "starts_at": [
            "Sat 30 Aug 2025, 17:00 EDT is more than a year ago. "
            "A meeting that already happened can be recorded up to a year later."
        ]
    }
    assert _snapshot() == (0, 0, 0, 0, 0)


def _members_since_january(world):
    Membership.objects.filter(campus=world.campus).update(joined_on=dt.date(2026, 1, 5))


def test_schedule_meeting_in_the_past_records_it_without_any_email(world, now):
    from meetings.reminders import send_meeting_reminders, send_presence_nudges
    from outbox.models import OutboundEmail

    _members_since_january(world)
    meeting = _schedule(world, starts_at=local(2026, 8, 25, 17), ends_at=local(2026, 8, 25, 18, 30))
    assert meeting.has_started
    assert sorted(meeting.attendances.values_list("user__email", flat=True)) == sorted(
        [world.coordinator.email, world.peer.email, world.partner.email]
    )
    assert [item.kind for item in meeting.agenda_items.all()] == [
        "case_collaboration",
        "training",
        "administrative_update",
        "reflection",
    ]
    assert send_meeting_reminders() == 0
    assert send_presence_nudges() == 0
    assert OutboundEmail.objects.count() == 0


def test_schedule_meeting_in_the_past_expects_those_who_were_members_that_day(world, now):
    _members_since_january(world)
    joined_later = MembershipFactory(campus=world.campus, joined_on=dt.date(2026, 8, 26)).user
    left_since = MembershipFactory(
        campus=world.campus,
        joined_on=dt.date(2026, 1, 5),
        status=Membership.Status.LEFT,
        left_on=dt.date(2026, 8, 28),
    ).user
    left_before = MembershipFactory(
        campus=world.campus,
        joined_on=dt.date(2026, 1, 5),
        status=Membership.Status.LEFT,
        left_on=dt.date(2026, 8, 1),
    ).user
    meeting = _schedule(world, starts_at=local(2026, 8, 25, 17), ends_at=local(2026, 8, 25, 18, 30))
    assert set(meeting.attendances.values_list("user_id", flat=True)) == {
        world.coordinator.pk,
        world.peer.pk,
        world.partner.pk,
        left_since.pk,
    }
    assert {joined_later.pk, left_before.pk}.isdisjoint(
        meeting.attendances.values_list("user_id", flat=True)
    )


def test_presence_and_minutes_of_a_meeting_recorded_afterwards(world, now):
    _members_since_january(world)
    meeting = _schedule(world, starts_at=local(2026, 8, 25, 17), ends_at=local(2026, 8, 25, 18, 30))
    peer = attendance(meeting, world.peer)
    assert (
        services.record_presence(
            meeting=meeting, presences={peer.pk: "present"}, by=world.coordinator
        )
        == 1
    )
    minutes.save_minutes(
        meeting=meeting,
        version=0,
        going_well="Good turnout.",
        proving_difficult="",
        ideas_for_improving="",
        administrative_updates="",
        by=world.coordinator,
    )
    assert Minutes.objects.get(meeting=meeting).going_well == "Good turnout."
    assert attendance(meeting, world.peer).presence == "present"


def test_schedule_meeting_without_location_or_link_is_refused(world, now):
    with pytest.raises(ValidationError) as error:
        _schedule(world, location="", online_link="")
    assert error.value.message_dict == {"location": ["Give a location, an online link, or both."]}
    assert _snapshot() == (0, 0, 0, 0, 0)


def test_local_to_utc_refuses_a_time_the_clocks_skip(world):
    with pytest.raises(ValidationError) as error:
        services.local_to_utc(campus=world.campus, day=dt.date(2027, 3, 14), time=dt.time(2, 30))
    assert error.value.messages == [
        "02:30 does not exist on 14 Mar 2027 in America/Toronto: the clocks change that "
        "night. Choose another time."
    ]


# --- series --------------------------------------------------------------------------------
def _recurrence(**overrides):
    arguments = {
        "frequency": "monthly",
        "first_day": dt.date(2026, 9, 1),
        "last_day": dt.date(2027, 4, 30),
        "start_time": dt.time(17, 0),
        "end_time": dt.time(18, 30),
        "weekday": 1,
        "week_of_month": 2,
    }
    return services.Recurrence(**{**arguments, **overrides})


def test_schedule_series_second_tuesday_september_to_april(world, now):
    meetings = services.schedule_series(
        campus=world.campus,
        recurrence=_recurrence(),
        title="Community of practice",
        location="Room 1",
        by=world.coordinator,
    )
    tz = world.campus.tz
    assert [
        (
            m.starts_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            m.ends_at.astimezone(tz).strftime("%H:%M"),
        )
        for m in meetings
    ] == [
        ("2026-09-08 17:00", "18:30"),
        ("2026-10-13 17:00", "18:30"),
        ("2026-11-10 17:00", "18:30"),
        ("2026-12-08 17:00", "18:30"),
        ("2027-01-12 17:00", "18:30"),
        ("2027-02-09 17:00", "18:30"),
        ("2027-03-09 17:00", "18:30"),
        ("2027-04-13 17:00", "18:30"),
    ]
    # Stored in UTC: 21:00 in summer time, 22:00 in winter.
    assert [m.starts_at.astimezone(UTC).hour for m in meetings] == [21, 21, 22, 22, 22, 22, 22, 21]
    series = MeetingSeries.objects.get()
    assert series.description == (
        "Second Tuesday of every month, 17:00\N{EN DASH}18:30, 1 Sep 2026 to 30 Apr 2027"
    )
    assert "RRULE:FREQ=MONTHLY;UNTIL=20270430T235959;BYDAY=+2TU" in series.rrule
    assert {m.series_id for m in meetings} == {series.pk}
    assert Attendance.objects.count() == 8 * 3
    assert AgendaItem.objects.count() == 8 * 4


def test_schedule_series_every_other_wednesday(world, now):
    meetings = services.schedule_series(
        campus=world.campus,
        recurrence=_recurrence(
            frequency="weekly", weekday=2, interval=2, last_day=dt.date(2026, 10, 31)
        ),
        title="Check-in",
        online_link="https://meet.example.edu/cop",
        by=world.coordinator,
    )
    assert [m.starts_at.astimezone(world.campus.tz).date().isoformat() for m in meetings] == [
        "2026-09-02",
        "2026-09-16",
        "2026-09-30",
        "2026-10-14",
        "2026-10-28",
    ]


def test_schedule_series_with_no_occurrences_is_refused(world, now):
    with pytest.raises(ValidationError) as error:
        services.schedule_series(
            campus=world.campus,
            # The second Tuesday of September 2026 is the 8th, after the last day.
            recurrence=_recurrence(first_day=dt.date(2026, 9, 1), last_day=dt.date(2026, 9, 7)),
            title="Community of practice",
            location="Room 1",
            by=world.coordinator,
        )
    assert error.value.messages == [
        "“Second Tuesday of every month, 17:00\N{EN DASH}18:30, 1 Sep 2026 to 7 Sep 2026” has "
        "no future occurrences. Check the days and the date range."
    ]
    assert _snapshot() == (0, 0, 0, 0, 0)


def test_schedule_series_skips_occurrences_already_past(world, now):
    now.move_to(local(2026, 9, 9, 9))
    meetings = services.schedule_series(
        campus=world.campus,
        recurrence=_recurrence(last_day=dt.date(2026, 10, 31)),
        title="Community of practice",
        location="Room 1",
        by=world.coordinator,
    )
    assert [m.starts_at.astimezone(world.campus.tz).date() for m in meetings] == [
        dt.date(2026, 10, 13)
    ]


# --- editing -------------------------------------------------------------------------------
def _update(meeting, **overrides):
    arguments = {
        "meeting": meeting,
        "version": meeting.version,
        "title": meeting.title,
        "description": meeting.description,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "location": meeting.location,
        "online_link": meeting.online_link,
        "by": None,
    }
    return services.update_meeting(**{**arguments, **overrides})


def test_update_meeting_time_bumps_sequence_and_asks_for_new_responses(world, meeting):
    services.respond(attendance=attendance(meeting, world.peer), response="attending", note="yes")
    [changed] = _update(meeting, starts_at=local(2026, 9, 9, 17), ends_at=local(2026, 9, 9, 18, 30))
    changed.refresh_from_db()
    assert changed.starts_at == dt.datetime(2026, 9, 9, 21, 0, tzinfo=UTC)
    assert (changed.sequence, changed.version) == (1, 2)
    peer = attendance(meeting, world.peer)
    assert (peer.response, peer.response_note, peer.responded_at) == ("no_response", "", None)
    assert peer.history.first().history_change_reason == "meeting moved"


def test_update_meeting_title_only_keeps_sequence_and_responses(world, meeting):
    services.respond(attendance=attendance(meeting, world.peer), response="attending")
    _update(meeting, title="September meeting (welcome back)")
    meeting.refresh_from_db()
    assert (meeting.title, meeting.sequence, meeting.version) == (
        "September meeting (welcome back)",
        0,
        2,
    )
    assert attendance(meeting, world.peer).response == "attending"


def test_update_meeting_stale_version_is_refused_and_changes_nothing(world, meeting):
    _update(meeting, title="First coordinator's title")
    with pytest.raises(services.StaleEdit) as error:
        _update(meeting, version=1, title="Second coordinator's title", location="Library")
    assert error.value.messages == [
        "Someone else saved a change to this meeting after you opened the page, so your "
        "changes were not saved. They are still in the form below: compare them with the "
        "current details and save again."
    ]
    assert error.value.current.title == "First coordinator's title"
    meeting.refresh_from_db()
    assert (meeting.title, meeting.location, meeting.version) == (
        "First coordinator's title",
        "Student Centre, room 204",
        2,
    )
    assert meeting.history.count() == 2


def test_update_meeting_into_the_past_is_refused(world, meeting):
    with pytest.raises(ValidationError) as error:
        _update(meeting, starts_at=local(2026, 8, 30, 17), ends_at=local(2026, 8, 30, 18))
    assert error.value.message_dict["starts_at"] == [
        "Sun 30 Aug 2026, 17:00 EDT is in the past. Meetings can only be scheduled in the future."
    ]
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.version) == (
        dt.datetime(2026, 9, 8, 21, 0, tzinfo=UTC),
        1,
    )


def test_update_meeting_end_before_start_is_refused(world, meeting):
    with pytest.raises(ValidationError) as error:
        _update(meeting, ends_at=local(2026, 9, 8, 16))
    assert error.value.message_dict == {"ends_at": ["The meeting must end after it starts."]}
    meeting.refresh_from_db()
    assert (meeting.ends_at, meeting.version) == (dt.datetime(2026, 9, 8, 22, 30, tzinfo=UTC), 1)


def test_update_this_and_following_moves_the_rest_of_the_series(world, now):
    meetings = services.schedule_series(
        campus=world.campus,
        recurrence=_recurrence(last_day=dt.date(2026, 12, 31)),
        title="Community of practice",
        location="Room 1",
        by=world.coordinator,
    )
    october = meetings[1]
    changed = _update(
        october,
        starts_at=local(2026, 10, 14, 16),
        ends_at=local(2026, 10, 14, 17, 30),
        location="Room 2",
        scope="following",
    )
    assert len(changed) == 3
    tz = world.campus.tz
    rows = [
        (m.starts_at.astimezone(tz).strftime("%a %Y-%m-%d %H:%M"), m.location, m.sequence)
        for m in Meeting.objects.order_by("starts_at")
    ]
    assert rows == [
        ("Tue 2026-09-08 17:00", "Room 1", 0),
        ("Wed 2026-10-14 16:00", "Room 2", 1),
        ("Wed 2026-11-11 16:00", "Room 2", 1),
        ("Wed 2026-12-09 16:00", "Room 2", 1),
    ]


def test_update_following_for_a_single_meeting_is_refused(world, meeting):
    with pytest.raises(ValidationError) as error:
        _update(meeting, scope="following")
    assert error.value.message_dict == {"scope": ["This meeting is not part of a series."]}


def test_cancel_meeting_keeps_the_record_with_its_reason(world, meeting):
    [cancelled] = services.cancel_meeting(meeting=meeting, reason="Reading week", by=None)
    assert (cancelled.status, cancelled.cancelled_reason, cancelled.sequence) == (
        "cancelled",
        "Reading week",
        1,
    )
    assert Meeting.objects.count() == 1
    assert meeting.attendances.count() == 3
    assert meeting.history.first().status == "cancelled"


def test_cancel_meeting_without_reason_is_refused(world, meeting):
    with pytest.raises(ValidationError) as error:
        services.cancel_meeting(meeting=meeting, reason="  ", by=None)
    assert error.value.message_dict == {
        "reason": ["Say why the meeting is cancelled; attendees see it."]
    }
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"


def test_cancel_meeting_after_it_started_is_refused(world, meeting, after_start):
    with pytest.raises(ValidationError) as error:
        services.cancel_meeting(meeting=meeting, reason="Oops", by=None)
    assert error.value.messages == [
        "This meeting has already started; it can no longer be cancelled."
    ]
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"


def test_edit_a_cancelled_meeting_is_refused(world, meeting):
    services.cancel_meeting(meeting=meeting, reason="Storm", by=None)
    meeting.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        _update(meeting, title="New")
    assert error.value.messages == ["This meeting was cancelled; it can no longer be changed."]
    meeting.refresh_from_db()
    assert meeting.title == "September meeting"


# --- agenda --------------------------------------------------------------------------------
def test_training_item_with_facilitators_offer_marks_the_offer_used(world, meeting):
    topic = TopicFactory(title="Facilitating with care")
    offer = FacilitationOfferFactory(topic=topic, campus=world.campus, user=world.peer)
    item = agenda.add_agenda_item(
        meeting=meeting, kind="training", title="", topic=topic, facilitator=world.peer, by=None
    )
    offer.refresh_from_db()
    assert (item.position, item.shown_title, item.facilitation_offer_id) == (
        5,
        "Facilitating with care",
        offer.pk,
    )
    assert offer.status == "used"
    assert offer.closed_at == timezone.now()


def test_training_item_without_an_offer_leaves_other_offers_alone(world, meeting):
    topic = TopicFactory()
    other_topic_offer = FacilitationOfferFactory(campus=world.campus, user=world.peer)
    item = agenda.add_agenda_item(
        meeting=meeting, kind="training", title="", topic=topic, facilitator=world.peer, by=None
    )
    other_topic_offer.refresh_from_db()
    assert item.facilitation_offer is None
    assert other_topic_offer.status == "open"


def test_facilitator_from_another_campus_is_refused(world, meeting):
    topic = TopicFactory()
    offer = FacilitationOfferFactory(
        topic=topic, campus=world.other_campus, user=world.other_coordinator
    )
    with pytest.raises(ValidationError) as error:
        agenda.add_agenda_item(
            meeting=meeting,
            kind="training",
            title="",
            topic=topic,
            facilitator=world.other_coordinator,
            by=None,
        )
    assert error.value.message_dict == {
        "facilitator": [f"{world.other_coordinator} is not an active member of Riverside."]
    }
    offer.refresh_from_db()
    assert offer.status == "open"
    assert meeting.agenda_items.count() == 4


def test_topic_on_a_non_training_item_is_refused(world, meeting):
    with pytest.raises(ValidationError) as error:
        agenda.add_agenda_item(
            meeting=meeting, kind="other", title="x", topic=TopicFactory(), by=None
        )
    assert error.value.message_dict == {"topic": ["Only a training item has a catalogue topic."]}


def test_archived_topic_is_refused(world, meeting):
    topic = TopicFactory(title="Old", is_archived=True)
    with pytest.raises(ValidationError) as error:
        agenda.add_agenda_item(meeting=meeting, kind="training", title="", topic=topic, by=None)
    assert error.value.message_dict == {"topic": ["“Old” is archived; choose a current topic."]}


def _titles(meeting):
    return list(meeting.agenda_items.order_by("position").values_list("position", "kind"))


def test_move_and_remove_agenda_items(world, meeting):
    items = list(meeting.agenda_items.order_by("position"))
    agenda.move_agenda_item(item=items[2], direction="up", by=None)
    assert _titles(meeting) == [
        (1, "case_collaboration"),
        (2, "administrative_update"),
        (3, "training"),
        (4, "reflection"),
    ]
    agenda.move_agenda_item(item=items[3], direction="down", by=None)  # already last
    agenda.move_agenda_item(item=items[0], direction="down", by=None)
    assert _titles(meeting) == [
        (1, "administrative_update"),
        (2, "case_collaboration"),
        (3, "training"),
        (4, "reflection"),
    ]
    agenda.remove_agenda_item(item=items[0], by=None)
    assert _titles(meeting) == [(1, "administrative_update"), (2, "training"), (3, "reflection")]


def test_removing_a_training_item_reopens_the_offer(world, meeting):
    topic = TopicFactory()
    offer = FacilitationOfferFactory(topic=topic, campus=world.campus, user=world.partner)
    item = agenda.add_agenda_item(
        meeting=meeting, kind="training", title="", topic=topic, facilitator=world.partner, by=None
    )
    agenda.remove_agenda_item(item=item, by=None)
    offer.refresh_from_db()
    assert (offer.status, offer.closed_at) == ("open", None)


# --- responses -----------------------------------------------------------------------------
def test_respond_and_change_mind_until_it_starts(world, meeting):
    row = attendance(meeting, world.peer)
    services.respond(attendance=row, response="not_attending", note=" exam that evening ")
    row.refresh_from_db()
    assert (row.response, row.response_note, row.responded_at) == (
        "not_attending",
        "exam that evening",
        timezone.now(),
    )
    services.respond(attendance=row, response="attending", note="")
    row.refresh_from_db()
    assert (row.response, row.response_note) == ("attending", "")
    assert [h.response for h in row.history.order_by("history_id")] == [
        "no_response",
        "not_attending",
        "attending",
    ]
    assert row.history.first().history_user == world.peer


def test_respond_after_the_meeting_started_is_refused(world, meeting, after_start):
    row = attendance(meeting, world.peer)
    with pytest.raises(ValidationError) as error:
        services.respond(attendance=row, response="attending")
    assert error.value.messages == [
        "This meeting has already started, so responses are closed. "
        "Tell your coordinator if something changed."
    ]
    row.refresh_from_db()
    assert (row.response, row.responded_at) == ("no_response", None)


def test_respond_to_a_cancelled_meeting_is_refused(world, meeting):
    services.cancel_meeting(meeting=meeting, reason="Snow day", by=None)
    row = attendance(meeting, world.peer)
    with pytest.raises(ValidationError) as error:
        services.respond(attendance=row, response="attending")
    assert error.value.messages == ["This meeting was cancelled; there is nothing to respond to."]
    row.refresh_from_db()
    assert row.response == "no_response"


def test_respond_token_round_trip(world, meeting):
    row = attendance(meeting, world.peer)
    token = respond_links.respond_token(attendance=row, response="attending")
    services.respond_with_token(token=token, note="see you")
    row.refresh_from_db()
    assert (row.response, row.response_note) == ("attending", "see you")
    assert row.history.first().history_user == world.peer


def test_tampered_respond_token_is_refused(world, meeting):
    row = attendance(meeting, world.peer)
    token = respond_links.respond_token(attendance=row, response="attending")
    tampered = token.replace(token[5], "A" if token[5] != "A" else "B", 1)
    with pytest.raises(respond_links.RespondLinkError) as error:
        services.respond_with_token(token=tampered)
    assert str(error.value) == (
        "This link is not valid. Use the link exactly as it arrived, or log in to respond."
    )
    row.refresh_from_db()
    assert row.response == "no_response"


def test_respond_token_for_another_persons_row_is_refused(world, meeting):
    from django.core import signing

    peer_row = attendance(meeting, world.peer)
    forged = signing.dumps(
        {"a": peer_row.pk, "u": world.partner.pk, "r": "attending"}, salt="other-salt"
    )
    with pytest.raises(respond_links.RespondLinkError):
        services.respond_with_token(token=forged)
    mismatched = signing.dumps(
        {"a": peer_row.pk, "u": world.partner.pk, "r": "attending"}, salt=respond_links.RESPOND_SALT
    )
    with pytest.raises(respond_links.RespondLinkError) as error:
        services.respond_with_token(token=mismatched)
    assert str(error.value) == "This link is no longer valid. Log in to respond."
    peer_row.refresh_from_db()
    assert peer_row.response == "no_response"


def test_expired_respond_token_is_refused(world, now):
    meeting = _schedule(
        world, starts_at=local(2026, 11, 10, 17), ends_at=local(2026, 11, 10, 18, 30)
    )
    row = attendance(meeting, world.peer)
    token = respond_links.respond_token(attendance=row, response="attending")
    now.shift(dt.timedelta(days=31))
    with pytest.raises(respond_links.RespondLinkError) as error:
        services.respond_with_token(token=token)
    assert str(error.value) == "This link has expired. Log in to respond from the meeting's page."
    row.refresh_from_db()
    assert row.response == "no_response"


def test_respond_token_after_start_is_refused(world, meeting, after_start):
    row = attendance(meeting, world.peer)
    token = respond_links.respond_token(attendance=row, response="attending")
    with pytest.raises(respond_links.RespondLinkError) as error:
        services.respond_with_token(token=token)
    assert str(error.value) == "This meeting has already started, so responses are closed."


# --- presence ------------------------------------------------------------------------------
def test_record_presence_before_the_meeting_is_refused(world, meeting):
    row = attendance(meeting, world.peer)
    with pytest.raises(ValidationError) as error:
        services.record_presence(meeting=meeting, presences={row.pk: "present"}, by=None)
    assert error.value.messages == [
        "Presence can be recorded once the meeting has started (Tue 8 Sep 2026, 17:00 EDT)."
    ]
    row.refresh_from_db()
    assert row.presence == "unrecorded"


def test_record_presence_for_everyone_at_once(world, meeting, after_start):
    rows = {a.user: a for a in meeting.attendances.all()}
    changed = services.record_presence(
        meeting=meeting,
        presences={
            rows[world.peer].pk: "present",
            rows[world.partner].pk: "late",
            rows[world.coordinator].pk: "present",
        },
        by=world.coordinator,
    )
    assert changed == 3
    assert dict(meeting.attendances.values_list("user", "presence")) == {
        world.peer.pk: "present",
        world.partner.pk: "late",
        world.coordinator.pk: "present",
    }
    peer = attendance(meeting, world.peer)
    assert peer.presence_recorded_by == world.coordinator
    assert peer.history.first().history_user == world.coordinator


def test_record_presence_with_unknown_value_or_row_changes_nothing(world, meeting, after_start):
    row = attendance(meeting, world.peer)
    with pytest.raises(ValidationError) as error:
        services.record_presence(meeting=meeting, presences={row.pk: "asleep"}, by=None)
    assert error.value.messages == ["Choose present, late, excused or absent for each person."]
    with pytest.raises(ValidationError) as error:
        services.record_presence(
            meeting=meeting, presences={row.pk: "present", 999999: "absent"}, by=None
        )
    assert error.value.messages == ["Someone on this list is not expected at this meeting."]
    assert set(meeting.attendances.values_list("presence", flat=True)) == {"unrecorded"}


def test_everyone_who_confirmed_was_present(world, meeting, now):
    services.respond(attendance=attendance(meeting, world.peer), response="attending")
    services.respond(attendance=attendance(meeting, world.partner), response="not_attending")
    services.respond(attendance=attendance(meeting, world.coordinator), response="attending")
    now.move_to(local(2026, 9, 8, 19))
    services.record_presence(
        meeting=meeting, presences={attendance(meeting, world.coordinator).pk: "late"}, by=None
    )
    assert services.take_presence(
        meeting=meeting, presences={}, confirmed_present=True, by=world.coordinator
    ) == (1, 1)
    assert dict(meeting.attendances.values_list("user", "presence")) == {
        world.peer.pk: "present",
        world.partner.pk: "unrecorded",
        world.coordinator.pk: "late",
    }


# --- joining and leaving -------------------------------------------------------------------
def test_new_member_is_added_to_future_meetings_only(world, now):
    past = _schedule(world, starts_at=local(2026, 9, 2, 17), ends_at=local(2026, 9, 2, 18))
    future = _schedule(world)
    cancelled = _schedule(world, starts_at=local(2026, 11, 3, 17), ends_at=local(2026, 11, 3, 18))
    services.cancel_meeting(meeting=cancelled, reason="Holiday", by=None)
    now.move_to(local(2026, 9, 5, 12))
    result = invite_member(
        campus=world.campus,
        email=UserFactory(email="late@example.edu").email,
        role="peer_supporter",
        by=world.coordinator,
    )
    newcomer = result.membership.user
    assert list(Attendance.objects.filter(user=newcomer).values_list("meeting", flat=True)) == [
        future.pk
    ]
    assert not past.attendances.filter(user=newcomer).exists()


def test_member_going_on_leave_and_coming_back(world, meeting):
    membership = world.peer.memberships.get()
    change_membership(membership=membership, role="peer_supporter", status="on_leave", by=None)
    assert not meeting.attendances.filter(user=world.peer).exists()
    change_membership(membership=membership, role="peer_supporter", status="active", by=None)
    assert meeting.attendances.filter(user=world.peer, response="no_response").count() == 1


def test_add_member_to_future_meetings_is_idempotent(world, meeting):
    membership = world.peer.memberships.get()
    assert services.add_member_to_future_meetings(membership=membership) == 0
    assert meeting.attendances.filter(user=world.peer).count() == 1


def test_member_of_another_campus_joining_gets_nothing_here(world, meeting):
    MembershipFactory(campus=CampusFactory())
    assert meeting.attendances.count() == 3


# --- minutes -------------------------------------------------------------------------------
def test_save_minutes_then_a_stale_save_is_refused(world, meeting):
    saved = minutes.save_minutes(
        meeting=meeting, version=0, by=world.coordinator, going_well="Good turnout"
    )
    assert (saved.version, saved.going_well, saved.updated_by) == (
        1,
        "Good turnout",
        world.coordinator,
    )
    minutes.save_minutes(meeting=meeting, version=1, by=world.coordinator, going_well="Great")
    with pytest.raises(services.StaleEdit) as error:
        minutes.save_minutes(meeting=meeting, version=1, by=world.coordinator, going_well="Mine")
    assert error.value.current.going_well == "Great"
    saved.refresh_from_db()
    assert (saved.version, saved.going_well) == (2, "Great")
    with pytest.raises(services.StaleEdit):
        minutes.save_minutes(meeting=meeting, version=0, by=world.coordinator, going_well="New")
    assert Minutes.objects.count() == 1


def test_case_notes_history_records_who_and_when_but_never_the_text(world, meeting):
    minutes.save_case_notes(
        meeting=meeting, version=0, text="A participant felt stuck.", by=world.coordinator
    )
    notes = CaseCollaborationNotes.objects.get()
    history = notes.history.get()
    assert history.history_user == world.coordinator
    assert not hasattr(history, "text")
    assert "text" not in [f.name for f in CaseCollaborationNotes.history.model._meta.fields]


def test_action_items(world, meeting):
    item = minutes.add_action_item(
        meeting=meeting,
        text="Book the room for October",
        owner=world.partner,
        due_on=dt.date(2026, 9, 30),
        by=None,
    )
    minutes.set_action_item_done(item=item, done=True, by=None)
    item.refresh_from_db()
    assert (item.done, item.done_at) == (True, timezone.now())
    with pytest.raises(ValidationError) as error:
        minutes.add_action_item(
            meeting=meeting, text="Elsewhere", owner=world.other_coordinator, by=None
        )
    assert error.value.message_dict == {
        "owner": [f"{world.other_coordinator} is not an active member of Riverside."]
    }


# --- suggestions ---------------------------------------------------------------------------
def test_anonymous_suggestion_stores_no_author(world, now):
    suggestion = services.suggest(
        campus=world.campus,
        kind="case_question",
        text="How do we handle a participant who stops replying?",
        anonymous=True,
        by=world.peer,
    )
    suggestion.refresh_from_db()
    assert (suggestion.author, suggestion.is_anonymous, suggestion.submitted_on) == (
        None,
        True,
        dt.date(2026, 9, 1),
    )
    assert not hasattr(DiscussionSuggestion, "history")


def test_named_suggestion_and_marking_it_used(world, meeting):
    suggestion = services.suggest(
        campus=world.campus, kind="idea", text="Walking meeting", anonymous=False, by=world.peer
    )
    assert suggestion.author == world.peer
    services.mark_suggestion_used(suggestion=suggestion, meeting=meeting, by=world.coordinator)
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.used_in, suggestion.used_at) == (
        "used",
        meeting,
        timezone.now(),
    )
    with pytest.raises(ValidationError) as error:
        services.mark_suggestion_used(suggestion=suggestion, by=world.coordinator)
    assert error.value.messages == ["This suggestion was already marked used."]


def test_suggestion_from_a_non_member_is_refused(world, now):
    with pytest.raises(ValidationError) as error:
        services.suggest(
            campus=world.campus, kind="idea", text="x", anonymous=True, by=world.other_coordinator
        )
    assert error.value.messages == ["Only members of Riverside can make suggestions."]
    assert DiscussionSuggestion.objects.count() == 0


# --- calendar feed -------------------------------------------------------------------------
def test_reset_calendar_feed_changes_the_token(world):
    feed = services.calendar_feed_for(user=world.peer)
    old = feed.token
    assert services.calendar_feed_for(user=world.peer).token == old
    new = services.reset_calendar_feed(user=world.peer)
    assert new.token != old and len(new.token) == 43


def test_offer_status_values_match_training(world):
    assert set(FacilitationOffer.Status.values) == {"open", "withdrawn", "used", "declined"}


def test_schedule_series_with_too_many_occurrences_is_refused(world, now):
    with pytest.raises(ValidationError) as error:
        services.schedule_series(
            campus=world.campus,
            recurrence=_recurrence(frequency="weekly", weekday=2, last_day=dt.date(2028, 9, 1)),
            title="Weekly",
            location="Room 1",
            by=world.coordinator,
        )
    assert error.value.messages == [
        "That makes more than 60 meetings. Choose an earlier last day or a less frequent pattern."
    ]
    assert _snapshot() == (0, 0, 0, 0, 0)


def test_schedule_series_last_day_before_first_day_is_refused(world, now):
    with pytest.raises(ValidationError) as error:
        services.schedule_series(
            campus=world.campus,
            recurrence=_recurrence(first_day=dt.date(2026, 10, 1), last_day=dt.date(2026, 9, 1)),
            title="Backwards",
            location="Room 1",
            by=world.coordinator,
        )
    assert error.value.message_dict == {
        "last_day": ["The last day must not be before the first day."]
    }
    assert _snapshot() == (0, 0, 0, 0, 0)


# --- bad input from callers that bypass the forms ------------------------------------------
@pytest.mark.parametrize(
    ("zone", "day", "time"),
    [
        ("America/Toronto", dt.date(9999, 12, 31), dt.time(20, 0)),
        ("Asia/Tokyo", dt.date(1, 1, 1), dt.time(0, 0)),
        ("America/Toronto", dt.date(1999, 12, 31), dt.time(17, 0)),
        ("America/Toronto", dt.date(2101, 1, 1), dt.time(17, 0)),
    ],
)
def test_local_to_utc_refuses_a_day_outside_2000_to_2100(world, zone, day, time):
    world.campus.time_zone = zone
    with pytest.raises(ValidationError) as error:
        services.local_to_utc(campus=world.campus, day=day, time=time)
    assert error.value.messages == ["Choose a date between 2000 and 2100."]


def test_local_to_utc_on_the_edges_of_the_range(world):
    assert services.local_to_utc(
        campus=world.campus, day=dt.date(2000, 1, 1), time=dt.time(0, 0)
    ) == dt.datetime(2000, 1, 1, 5, 0, tzinfo=UTC)
    assert services.local_to_utc(
        campus=world.campus, day=dt.date(2100, 12, 31), time=dt.time(23, 59)
    ) == dt.datetime(2101, 1, 1, 4, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("field", "starts_at"),
    [
        ("starts_at", dt.datetime(9999, 12, 31, 20, 0, tzinfo=TORONTO)),
        ("starts_at", dt.datetime(2101, 1, 2, 17, 0, tzinfo=TORONTO)),
        ("ends_at", dt.datetime(2100, 12, 31, 23, 0, tzinfo=UTC)),
    ],
)
def test_schedule_meeting_outside_2000_to_2100_is_refused(world, now, field, starts_at):
    with pytest.raises(ValidationError) as error:
        _schedule(world, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2))
    assert error.value.message_dict == {field: ["Choose a date between 2000 and 2100."]}
    assert _snapshot() == (0, 0, 0, 0, 0)


def test_update_meeting_to_year_9999_is_refused(world, meeting):
    starts_at = dt.datetime(9999, 12, 31, 20, 0, tzinfo=TORONTO)
    with pytest.raises(ValidationError) as error:
        services.update_meeting(
            meeting=meeting,
            version=meeting.version,
            title=meeting.title,
            description="",
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=1),
            location=meeting.location,
            online_link="",
            by=world.coordinator,
        )
    assert error.value.message_dict == {"starts_at": ["Choose a date between 2000 and 2100."]}
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.version) == (local(2026, 9, 8, 17), 1)


def test_schedule_series_outside_2000_to_2100_is_refused(world, now):
    with pytest.raises(ValidationError) as error:
        services.schedule_series(
            campus=world.campus,
            recurrence=_recurrence(
                first_day=dt.date(9999, 12, 31),
                last_day=dt.date(9999, 12, 31),
                weekday=4,
                week_of_month=-1,
                start_time=dt.time(20, 0),
                end_time=dt.time(21, 0),
            ),
            title="Community of practice",
            location="Room 1",
            by=world.coordinator,
        )
    assert error.value.message_dict == {"first_day": ["Choose a date between 2000 and 2100."]}
    assert _snapshot() == (0, 0, 0, 0, 0)


ONE_LINE = ["Keep this on one line: remove the line breaks."]


@pytest.mark.parametrize("field", ["title", "location"])
def test_schedule_meeting_refuses_a_line_break(world, now, field):
    with pytest.raises(ValidationError) as error:
        _schedule(world, **{field: "Room 1\r\nBcc: attacker@evil.test"})
    assert error.value.message_dict == {field: ONE_LINE}
    assert _snapshot() == (0, 0, 0, 0, 0)


def test_add_agenda_item_refuses_a_line_break(world, meeting):
    with pytest.raises(ValidationError) as error:
        agenda.add_agenda_item(
            meeting=meeting, kind="other", title="Welcome\nBcc: x@evil.test", by=None
        )
    assert error.value.message_dict == {"title": ONE_LINE}
    assert meeting.agenda_items.count() == 4


def test_add_action_item_refuses_a_line_break(world, meeting):
    with pytest.raises(ValidationError) as error:
        minutes.add_action_item(meeting=meeting, text="Book\u2028a room", by=None)
    assert error.value.message_dict == {"text": ONE_LINE}
    assert meeting.action_items.count() == 0


def test_respond_refuses_a_note_with_a_line_break(world, meeting):
    row = attendance(meeting, world.peer)
    with pytest.raises(ValidationError) as error:
        services.respond(attendance=row, response="attending", note="late\r\nBcc: x@evil.test")
    assert error.value.message_dict == {"response_note": ONE_LINE}
    row.refresh_from_db()
    assert row.response == "no_response"


def test_respond_token_of_a_closed_account_is_refused(world, meeting):
    row = attendance(meeting, world.peer)
    token = respond_links.respond_token(attendance=row, response="attending")
    world.peer.is_active = False
    world.peer.save()
    message = (
        "This link belongs to an account that is closed, so it no longer records answers. "
        "Ask your coordinator if that is a mistake."
    )
    for call in (respond_links.attendance_for_token, services.respond_with_token):
        with pytest.raises(respond_links.RespondLinkError) as error:
            call(token=token)
        assert str(error.value) == message
    row.refresh_from_db()
    assert row.response == "no_response"


def test_respond_token_of_a_cancelled_meeting_is_valid_but_records_nothing(world, meeting):
    row = attendance(meeting, world.peer)
    token = respond_links.respond_token(attendance=row, response="attending")
    services.cancel_meeting(meeting=meeting, reason="Snow", by=None)
    found, response = respond_links.attendance_for_token(token)
    assert (found, response, found.meeting.is_cancelled) == (row, "attending", True)
    with pytest.raises(respond_links.RespondLinkError) as error:
        services.respond_with_token(token=token)
    assert str(error.value) == "This meeting was cancelled; there is nothing to respond to."
