import datetime as dt

import pytest
from django.urls import reverse

from meetings import minutes, respond_links, services
from meetings.models import (
    AgendaItem,
    Attendance,
    CalendarFeed,
    CaseCollaborationNotes,
    DiscussionSuggestion,
    Meeting,
    MeetingSeries,
)
from tests.factories import FacilitationOfferFactory, TopicFactory

from .conftest import attendance, local

pytestmark = pytest.mark.django_db

UTC = dt.UTC
SECRET = "The participant in residence B asked about medication."


def _url(name, meeting=None, **kwargs):
    if meeting is not None:
        kwargs.update(campus=meeting.campus.slug, pk=meeting.pk)
    return reverse(f"meetings:{name}", kwargs=kwargs)


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def _form_data(**overrides):
    data = {
        "title": "October meeting",
        "day": "2026-10-13",
        "start_time": "17:00",
        "end_time": "18:30",
        "location": "Student Centre, room 204",
        "online_link": "",
        "description": "",
        "agenda": "guidance",
    }
    return {**data, **overrides}


# --- list and page -------------------------------------------------------------------------
def test_meeting_list_shows_times_in_the_campus_zone(client, world, meeting):
    client.force_login(world.peer)
    response = client.get(_url("meeting_list", campus=world.campus.slug))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<time datetime="2026-09-08T21:00:00+00:00">Tue 8, 17:00\N{EN DASH}18:30</time>' in html
    assert "Times are shown in Riverside's time zone, America/Toronto." in html
    assert '<h3 class="h6 meeting-month">September 2026</h3>' in html
    assert [m.pk for m in response.context["upcoming"]] == [meeting.pk]
    assert "0 attending · 0 not · 3 no response" in html
    assert html.count('name="response" value="attending"') == 1


def test_meeting_list_rows_for_coordinators_have_no_response_form(client, world, meeting):
    client.force_login(world.coordinator)
    html = client.get(_url("meeting_list", campus=world.campus.slug)).content.decode()
    assert 'name="response"' not in html
    assert "0 attending · 0 not · 3 no response" in html


def test_meeting_list_groups_by_month_upcoming_then_past(client, world, meeting, now):
    from tests.factories import MeetingFactory

    for title, starts in (
        ("July", local(2026, 7, 14)),
        ("August", local(2026, 8, 11)),
        ("October", local(2026, 10, 13)),
    ):
        MeetingFactory(
            campus=world.campus,
            title=title,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=1),
        )
    client.force_login(world.coordinator)
    response = client.get(_url("meeting_list", campus=world.campus.slug))
    upcoming = [
        (month.strftime("%Y-%m"), [m.title for m in ms])
        for month, ms in response.context["upcoming_months"]
    ]
    past = [
        (month.strftime("%Y-%m"), [m.title for m in ms])
        for month, ms in response.context["past_months"]
    ]
    assert upcoming == [("2026-09", ["September meeting"]), ("2026-10", ["October"])]
    assert past == [("2026-08", ["August"]), ("2026-07", ["July"])]


def test_meeting_list_puts_take_presence_first_while_on_and_just_after(client, world, meeting, now):
    client.force_login(world.coordinator)
    url = _url("meeting_list", campus=world.campus.slug)
    roster = _url("roster", meeting)
    assert roster not in client.get(url).content.decode()
    for moment, badge in (
        (local(2026, 9, 8, 17, 30), "On now"),
        (local(2026, 9, 9, 18, 29), "Just ended"),
    ):
        now.move_to(moment)
        html = client.get(url).content.decode()
        row = html[html.index('<li class="meeting-row') :]
        assert row.index(f'href="{roster}"') < row.index("meeting-row-when")
        assert badge in row
        detail = client.get(meeting.get_absolute_url()).content.decode()
        nav = detail[detail.index('aria-label="This meeting"') :]
        assert nav.index(f'href="{roster}"') < nav.index("Edit or reschedule")
    now.move_to(local(2026, 9, 9, 18, 31))
    assert roster not in client.get(url).content.decode()


def test_meeting_list_shows_presence_for_past_meetings(client, world, meeting, now):
    now.move_to(local(2026, 9, 8, 17, 30))
    services.record_presence(
        meeting=meeting,
        presences={
            attendance(meeting, world.peer).pk: "present",
            attendance(meeting, world.partner).pk: "absent",
        },
        by=world.coordinator,
    )
    now.move_to(local(2026, 9, 20))
    client.force_login(world.coordinator)
    html = client.get(_url("meeting_list", campus=world.campus.slug)).content.decode()
    assert "Presence: 1 there · 1 away · 1 unrecorded" in html
    client.force_login(world.peer)
    html = client.get(_url("meeting_list", campus=world.campus.slug)).content.decode()
    assert "You: Present" in html
    assert "Presence: 1 there" not in html


def test_meeting_calendar_shows_the_month_in_the_campus_zone(client, world, meeting):
    client.force_login(world.peer)
    response = client.get(_url("meeting_calendar", campus=world.campus.slug, year=2026, month=9))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Meetings in September 2026</h1>" in html
    assert html.count('<th scope="col">') == 7
    weeks = response.context["weeks"]
    assert [len(week) for week in weeks] == [7] * 5
    days = {d.day: [m.pk for m in d.meetings] for week in weeks for d in week if d.meetings}
    assert days == {dt.date(2026, 9, 8): [meeting.pk]}
    assert f'href="{meeting.get_absolute_url()}">17:00 September meeting</a>' in html
    assert _url("meeting_calendar", campus=world.campus.slug, year=2026, month=8) in html
    assert _url("meeting_calendar", campus=world.campus.slug, year=2026, month=10) in html


def test_meeting_calendar_at_the_ends_of_the_range(client, world, now):
    client.force_login(world.peer)
    html = client.get(
        _url("meeting_calendar", campus=world.campus.slug, year=2000, month=1)
    ).content.decode()
    assert "No meetings in January 2000." in html
    assert "/calendar/1999/12/" not in html
    html = client.get(
        _url("meeting_calendar", campus=world.campus.slug, year=2100, month=12)
    ).content.decode()
    assert "/calendar/2101/1/" not in html


@pytest.mark.parametrize(("year", "month"), [(1999, 12), (2101, 1), (2026, 13), (2026, 0)])
def test_meeting_calendar_outside_the_range_is_404(client, world, now, year, month):
    client.force_login(world.peer)
    response = client.get(
        _url("meeting_calendar", campus=world.campus.slug, year=year, month=month)
    )
    assert response.status_code == 404


def test_past_meetings_come_a_year_per_page(client, world, now):
    """Fourteen past monthly meetings: the latest twelve first, the other two a page further;
    a page number that is not one shows the nearest page instead of an error."""
    from tests.factories import MeetingFactory

    for month in range(14):
        starts = local(2025, 7, 10, 17) - dt.timedelta(days=30 * month)
        MeetingFactory(
            campus=world.campus,
            title=f"Past {month}",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=1),
        )
    client.force_login(world.coordinator)
    url = _url("meeting_list", campus=world.campus.slug)
    first = client.get(url)
    assert [m.title for m in first.context["past"]] == [f"Past {i}" for i in range(12)]
    assert 'href="?page=2#past-heading">Show earlier meetings</a>' in first.content.decode()
    second = client.get(url + "?page=2")
    assert [m.title for m in second.context["past"]] == ["Past 12", "Past 13"]
    assert 'href="?page=1#past-heading">Later meetings</a>' in second.content.decode()
    assert client.get(url + "?page=99").context["past"].number == 2
    assert client.get(url + "?page=x").context["past"].number == 1


def test_meeting_page_shows_agenda_and_coordinators_see_responses(client, world, meeting):
    services.respond(
        attendance=attendance(meeting, world.peer), response="not_attending", note="exam"
    )
    client.force_login(world.coordinator)
    response = client.get(meeting.get_absolute_url())
    html = response.content.decode()
    assert "Case collaboration" in html and "Administrative updates" in html
    assert "<strong>0</strong> attending · <strong>1</strong> not attending" in html
    assert f'{world.peer.name} <span class="text-body-secondary">— exam</span>' in html
    groups = response.context["responses"]
    assert [a.user_id for a in groups["not_attending"]] == [world.peer.pk]
    assert len(groups["no_response"]) == 2


def test_peer_does_not_see_others_responses(client, world, meeting):
    client.force_login(world.peer)
    response = client.get(meeting.get_absolute_url())
    assert "responses" not in response.context
    assert "Responses</h2>" not in response.content.decode()


def test_another_campus_meeting_is_404(client, world, meeting):
    client.force_login(world.other_coordinator)
    url = reverse(
        "meetings:meeting_detail", kwargs={"campus": world.other_campus.slug, "pk": meeting.pk}
    )
    assert client.get(url).status_code == 404


# --- scheduling ----------------------------------------------------------------------------
def test_coordinator_schedules_a_meeting(client, world, now):
    client.force_login(world.coordinator)
    response = client.post(_url("meeting_create", campus=world.campus.slug), _form_data())
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == meeting.get_absolute_url()
    assert meeting.starts_at == dt.datetime(2026, 10, 13, 21, 0, tzinfo=UTC)
    assert meeting.created_by == world.coordinator
    assert meeting.history.get().history_user == world.coordinator
    assert meeting.attendances.count() == 3
    response = client.get(response.url)
    assert _messages(response) == ["Scheduled “October meeting”; 3 people are expected."]


def test_schedule_a_past_meeting_lands_on_its_presence_without_any_email(client, world, now):
    from members.models import Membership
    from outbox.models import OutboundEmail

    Membership.objects.filter(campus=world.campus).update(joined_on=dt.date(2026, 1, 5))
    client.force_login(world.coordinator)
    response = client.post(
        _url("meeting_create", campus=world.campus.slug), _form_data(day="2026-08-25")
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == _url("roster", meeting)
    assert OutboundEmail.objects.count() == 0
    page = client.get(response.url)
    assert _messages(page) == [
        "Recorded “October meeting”, which has already taken place; nobody was e-mailed. "
        "Record who was there (3 people were members then), then the minutes."
    ]
    assert page.status_code == 200


def test_schedule_form_offers_the_previous_agenda_first_once_there_is_one(client, world, now):
    client.force_login(world.coordinator)
    url = _url("meeting_create", campus=world.campus.slug)
    assert client.get(url).context["form"]["agenda"].value() == "guidance"
    services.schedule_meeting(
        campus=world.campus,
        starts_at=local(2026, 9, 8, 17),
        ends_at=local(2026, 9, 8, 18),
        title="September",
        location="Room 1",
        by=world.coordinator,
    )
    assert client.get(url).context["form"]["agenda"].value() == "previous"


def test_schedule_form_shows_the_time_zone(client, world, now):
    client.force_login(world.coordinator)
    html = client.get(_url("meeting_create", campus=world.campus.slug)).content.decode()
    assert "In America/Toronto time." in html
    assert "Times are in <strong>America/Toronto</strong>" in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_time": "16:00"}, "The meeting must end after it starts."),
        (
            {"day": "2025-08-01"},
            "Fri 1 Aug 2025, 17:00 EDT is more than a year ago. "
            "A meeting that already happened can be recorded up to a year later.",
        ),
        ({"location": ""}, "Give a location, an online link, or both."),
        (
            {"agenda": "previous"},
            "Riverside has no earlier meeting with an agenda to copy. "
            "Start from the guidance&#x27;s parts instead.",
        ),
    ],
)
def test_schedule_bad_input_shows_message_and_changes_nothing(
    client, world, now, overrides, message
):
    client.force_login(world.coordinator)
    response = client.post(
        _url("meeting_create", campus=world.campus.slug), _form_data(**overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (Meeting.objects.count(), Attendance.objects.count(), AgendaItem.objects.count()) == (
        0,
        0,
        0,
    )


def test_coordinator_schedules_a_series(client, world, now):
    client.force_login(world.coordinator)
    response = client.post(
        _url("series_create", campus=world.campus.slug),
        {
            "title": "Community of practice",
            "frequency": "monthly",
            "week_of_month": "2",
            "weekday": "1",
            "interval": "1",
            "first_day": "2026-09-01",
            "last_day": "2027-04-30",
            "start_time": "17:00",
            "end_time": "18:30",
            "location": "Room 1",
            "agenda": "guidance",
        },
    )
    assert response.status_code == 302
    assert Meeting.objects.count() == 8
    response = client.get(response.url)
    assert _messages(response) == [
        "Scheduled 8 meetings: Second Tuesday of every month, 17:00\N{EN DASH}18:30, "
        "1 Sep 2026 to 30 Apr 2027."
    ]


def test_series_with_no_occurrences_shows_message(client, world, now):
    client.force_login(world.coordinator)
    response = client.post(
        _url("series_create", campus=world.campus.slug),
        {
            "title": "Community of practice",
            "frequency": "monthly",
            "week_of_month": "2",
            "weekday": "1",
            "interval": "1",
            "first_day": "2026-09-01",
            "last_day": "2026-09-07",
            "start_time": "17:00",
            "end_time": "18:30",
            "location": "Room 1",
            "agenda": "guidance",
        },
    )
    assert response.status_code == 200
    assert "has no future occurrences. Check the days and the date range." in (
        response.content.decode()
    )
    assert (Meeting.objects.count(), MeetingSeries.objects.count()) == (0, 0)


# --- editing -------------------------------------------------------------------------------
def test_edit_form_starts_with_local_times_and_version(client, world, meeting):
    client.force_login(world.coordinator)
    response = client.get(_url("meeting_edit", meeting))
    form = response.context["form"]
    assert (form.initial["day"], form.initial["start_time"], form.initial["version"]) == (
        dt.date(2026, 9, 8),
        dt.time(17, 0),
        1,
    )
    assert "scope" not in form.fields
    assert 'name="version" value="1"' in response.content.decode()


def test_stale_edit_is_refused_and_keeps_what_was_typed(client, world, meeting):
    client.force_login(world.coordinator)
    services.update_meeting(
        meeting=meeting,
        version=1,
        title="Changed by the other coordinator",
        description="",
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        location="Library",
        online_link="",
        by=world.admin,
    )
    response = client.post(
        _url("meeting_edit", meeting),
        _form_data(title="My title", day="2026-09-08", location="Room 9", version="1"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved a change to this meeting after you opened the page" in html
    assert 'value="My title"' in html and 'value="Room 9"' in html
    assert "Changed by the other coordinator" in html  # what is saved now
    assert 'name="version" value="2"' in html  # saving again is a deliberate overwrite
    meeting.refresh_from_db()
    assert (meeting.title, meeting.location, meeting.version) == (
        "Changed by the other coordinator",
        "Library",
        2,
    )


def test_edit_with_current_version_saves(client, world, meeting):
    client.force_login(world.coordinator)
    response = client.post(
        _url("meeting_edit", meeting),
        _form_data(title="Moved", day="2026-09-10", version="1"),
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title, meeting.starts_at, meeting.sequence) == (
        "Moved",
        dt.datetime(2026, 9, 10, 21, 0, tzinfo=UTC),
        1,
    )


def test_cancel_through_the_page(client, world, meeting):
    client.force_login(world.coordinator)
    response = client.post(_url("meeting_cancel", meeting), {"reason": "Campus closed"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancelled_reason) == ("cancelled", "Campus closed")
    client.force_login(world.peer)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "This meeting is cancelled.</strong> Campus closed" in html
    assert 'name="response"' not in html


def test_cancel_without_reason_shows_message(client, world, meeting):
    client.force_login(world.coordinator)
    response = client.post(_url("meeting_cancel", meeting), {"reason": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"


# --- agenda --------------------------------------------------------------------------------
def test_agenda_page_lists_offers_and_suggestions(client, world, meeting):
    FacilitationOfferFactory(
        topic=TopicFactory(title="Wellness for us"), campus=world.campus, user=world.peer
    )
    services.suggest(
        campus=world.campus, kind="idea", text="Shorter updates", anonymous=True, by=world.peer
    )
    client.force_login(world.coordinator)
    html = client.get(_url("agenda", meeting)).content.decode()
    assert f"<strong>{world.peer.name}</strong> offers “Wellness for us”" in html
    assert "Shorter updates" in html
    assert "An idea for improving · anonymous" in html


def test_add_training_item_through_the_page_uses_the_offer(client, world, meeting):
    topic = TopicFactory(title="Wellness for us")
    offer = FacilitationOfferFactory(topic=topic, campus=world.campus, user=world.peer)
    client.force_login(world.coordinator)
    response = client.post(
        _url("agenda", meeting),
        {"kind": "training", "title": "", "topic": topic.pk, "facilitator": world.peer.pk},
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == "used"
    response = client.get(response.url)
    assert _messages(response) == [
        f"Added “Wellness for us” to the agenda. {world.peer}'s offer to lead this topic is "
        "marked used."
    ]


def test_facilitator_from_another_campus_through_the_page(client, world, meeting):
    topic = TopicFactory()
    client.force_login(world.coordinator)
    response = client.post(
        _url("agenda", meeting),
        {
            "kind": "training",
            "title": "",
            "topic": topic.pk,
            "facilitator": world.other_coordinator.pk,
        },
    )
    assert response.status_code == 200
    assert f"{world.other_coordinator} is not an active member of Riverside." in (
        response.content.decode()
    )
    assert meeting.agenda_items.count() == 4


def test_move_and_remove_through_the_page(client, world, meeting):
    client.force_login(world.coordinator)
    first = meeting.agenda_items.get(position=1)
    client.post(_url("agenda_item_move", meeting, item=first.pk), {"direction": "down"})
    first.refresh_from_db()
    assert first.position == 2
    client.post(_url("agenda_item_remove", meeting, item=first.pk))
    assert list(meeting.agenda_items.values_list("kind", flat=True).order_by("position")) == [
        "training",
        "administrative_update",
        "reflection",
    ]


# --- responding ----------------------------------------------------------------------------
def test_peer_responds_from_the_list_with_a_note(client, world, meeting):
    client.force_login(world.peer)
    response = client.post(
        _url("meeting_respond", meeting),
        {"response": "not_attending", "note": "exam that evening", "next": "list"},
    )
    assert response.url == _url("meeting_list", campus=world.campus.slug)
    row = attendance(meeting, world.peer)
    assert (row.response, row.response_note) == ("not_attending", "exam that evening")
    assert _messages(client.get(response.url)) == [
        "Your response to “September meeting”: not attending."
    ]


def test_response_after_the_meeting_started_shows_message(client, world, meeting, after_start):
    client.force_login(world.peer)
    response = client.post(_url("meeting_respond", meeting), {"response": "attending"})
    assert _messages(client.get(response.url)) == [
        "This meeting has already started, so responses are closed. "
        "Tell your coordinator if something changed."
    ]
    assert attendance(meeting, world.peer).response == "no_response"


def test_respond_link_shows_only_the_meeting_and_records_on_post(client, world, meeting):
    row = attendance(meeting, world.peer)
    url = respond_links.respond_url(attendance=row, response="attending")
    assert url.startswith("http://127.0.0.1:8000/respond/")
    path = url.removeprefix("http://127.0.0.1:8000")
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 200
    assert "September meeting" in html and "Tue 8 Sep 2026, 17:00\N{EN DASH}18:30 EDT" in html
    assert "Yes, I will attend" in html
    assert world.peer.email not in html
    assert '<dd class="col-sm-9">Student Centre, room 204</dd>' in html  # where to go
    assert response["Cache-Control"].startswith("max-age=0")
    assert attendance(meeting, world.peer).response == "no_response"  # a GET changes nothing
    response = client.post(path, {"note": "on my way from class"})
    assert response.status_code == 200
    assert "is recorded: <strong>attending</strong>" in response.content.decode()
    row.refresh_from_db()
    assert (row.response, row.response_note) == ("attending", "on my way from class")


def test_tampered_respond_link_is_400_and_changes_nothing(client, world, meeting):
    row = attendance(meeting, world.peer)
    token = respond_links.respond_token(attendance=row, response="attending")
    path = reverse("meetings:respond_link", kwargs={"token": token[:-2] + "xx"})
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 400
        assert (
            "This link is not valid. Use the link exactly as it arrived, or log in to respond."
            in response.content.decode()
        )
    row.refresh_from_db()
    assert row.response == "no_response"


def test_expired_respond_link_is_400(client, world, now):
    meeting = services.schedule_meeting(
        campus=world.campus,
        starts_at=local(2026, 12, 1),
        ends_at=local(2026, 12, 1, 18),
        title="December",
        location="Room 1",
        by=world.coordinator,
    )
    token = respond_links.respond_token(
        attendance=attendance(meeting, world.peer), response="attending"
    )
    now.shift(dt.timedelta(days=31))
    response = client.post(reverse("meetings:respond_link", kwargs={"token": token}))
    assert response.status_code == 400
    assert "This link has expired." in response.content.decode()
    assert attendance(meeting, world.peer).response == "no_response"


# --- presence ------------------------------------------------------------------------------
def test_roster_records_presence_for_everyone(client, world, meeting, after_start):
    client.force_login(world.coordinator)
    rows = {a.user: a for a in meeting.attendances.all()}
    response = client.post(
        _url("roster", meeting),
        {
            f"presence-{rows[world.peer].pk}": "present",
            f"presence-{rows[world.partner].pk}": "excused",
        },
    )
    assert _messages(client.get(response.url)) == [
        "Saved presence: 1 there, 1 excused or absent, 1 not recorded yet."
    ]
    assert dict(meeting.attendances.values_list("user", "presence")) == {
        world.peer.pk: "present",
        world.partner.pk: "excused",
        world.coordinator.pk: "unrecorded",
    }


def test_roster_shortcut_keeps_the_choices_posted_with_it(client, world, meeting, now):
    for person in (world.peer, world.partner, world.coordinator):
        services.respond(attendance=attendance(meeting, person), response="attending")
    now.move_to(local(2026, 9, 8, 18))
    client.force_login(world.coordinator)
    response = client.post(
        _url("roster", meeting),
        {
            f"presence-{attendance(meeting, world.partner).pk}": "absent",
            "shortcut": "confirmed_present",
        },
    )
    assert _messages(client.get(response.url)) == [
        "Marked 2 people who had confirmed as present. "
        "Saved presence: 2 there, 1 excused or absent, 0 not recorded yet."
    ]
    assert dict(meeting.attendances.values_list("user", "presence")) == {
        world.peer.pk: "present",
        world.partner.pk: "absent",
        world.coordinator.pk: "present",
    }


def test_roster_shortcut_never_overwrites_a_recorded_presence(client, world, meeting, now):
    services.respond(attendance=attendance(meeting, world.peer), response="attending")
    now.move_to(local(2026, 9, 8, 18))
    services.record_presence(
        meeting=meeting, presences={attendance(meeting, world.peer).pk: "late"}, by=None
    )
    client.force_login(world.coordinator)
    response = client.post(_url("roster", meeting), {"shortcut": "confirmed_present"})
    assert _messages(client.get(response.url)) == [
        "Marked 0 people who had confirmed as present. "
        "Saved presence: 1 there, 0 excused or absent, 2 not recorded yet."
    ]
    assert attendance(meeting, world.peer).presence == "late"


def test_roster_unknown_shortcut_changes_nothing(client, world, meeting, after_start):
    client.force_login(world.coordinator)
    row = attendance(meeting, world.peer)
    response = client.post(
        _url("roster", meeting), {f"presence-{row.pk}": "present", "shortcut": "everyone"}
    )
    assert _messages(client.get(response.url)) == ["Save presence, or use the shortcut button."]
    assert attendance(meeting, world.peer).presence == "unrecorded"


def test_roster_with_htmx_saves_one_person_and_answers_the_count(
    client, world, meeting, after_start
):
    client.force_login(world.coordinator)
    row = attendance(meeting, world.peer)
    response = client.post(
        _url("roster", meeting), {f"presence-{row.pk}": "present"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = " ".join(response.content.decode().split())
    assert "<strong>2</strong> people still unrecorded" in html
    assert "(1 there, 0 excused or absent, of 3 expected)" in html
    assert attendance(meeting, world.peer).presence == "present"


def test_roster_tells_people_with_the_same_name_apart(client, world, meeting, after_start):
    from members.models import User

    User.objects.filter(pk__in=[world.peer.pk, world.partner.pk]).update(name="Sam Lee")
    client.force_login(world.coordinator)
    html = client.get(_url("roster", meeting)).content.decode()
    assert f'Sam Lee <span class="roster-email">({world.peer.email})</span>' in html
    assert f'Sam Lee <span class="roster-email">({world.partner.email})</span>' in html
    assert f"({world.coordinator.email})" not in html
    assert "<strong>3</strong> people still unrecorded" in " ".join(html.split())


def test_roster_page_has_a_radio_group_per_person(client, world, meeting, after_start):
    client.force_login(world.coordinator)
    html = client.get(_url("roster", meeting)).content.decode()
    assert html.count('<fieldset class="roster-person"') == 3
    assert html.count('type="radio"') == 12
    # Each person's change saved with htmx, the count of who is left its answer.
    form = html[html.index('<form method="post" class="roster"') :]
    assert form.startswith(
        '<form method="post" class="roster" hx-target="#roster-count" hx-swap="innerHTML"'
    )
    row = attendance(meeting, world.peer)
    assert (
        f'<fieldset class="roster-person" hx-post="{_url("roster", meeting)}" '
        f'hx-trigger="change" hx-params="presence-{row.pk}">'
    ) in form
    assert "Everyone who confirmed was present" in html


def test_confirmed_present_shortcut(client, world, meeting, now):
    services.respond(attendance=attendance(meeting, world.peer), response="attending")
    now.move_to(local(2026, 9, 8, 18))
    client.force_login(world.coordinator)
    response = client.post(_url("roster", meeting), {"shortcut": "confirmed_present"})
    assert _messages(client.get(response.url))[0].startswith(
        "Marked 1 person who had confirmed as present."
    )
    assert attendance(meeting, world.peer).presence == "present"


def test_roster_before_the_meeting_refuses(client, world, meeting):
    client.force_login(world.coordinator)
    row = attendance(meeting, world.peer)
    response = client.post(_url("roster", meeting), {f"presence-{row.pk}": "present"})
    assert _messages(client.get(response.url)) == [
        "Presence can be recorded once the meeting has started (Tue 8 Sep 2026, 17:00 EDT)."
    ]
    assert attendance(meeting, world.peer).presence == "unrecorded"


def test_history_shows_own_meetings_response_and_presence(client, world, meeting, after_start):
    services.record_presence(
        meeting=meeting, presences={attendance(meeting, world.peer).pk: "late"}, by=None
    )
    client.force_login(world.peer)
    response = client.get(_url("attendance_history", campus=world.campus.slug))
    assert [(a.meeting, a.presence) for a in response.context["rows"]] == [(meeting, "late")]
    assert "<td>Late</td>" in response.content.decode()


# --- minutes and case-collaboration notes --------------------------------------------------
@pytest.fixture
def minutes_written(world, meeting, after_start):
    services.record_presence(
        meeting=meeting,
        presences={
            attendance(meeting, world.peer).pk: "present",
            attendance(meeting, world.partner).pk: "absent",
        },
        by=world.coordinator,
    )
    minutes.save_minutes(
        meeting=meeting, version=0, by=world.coordinator, going_well="Strong turnout"
    )
    minutes.save_case_notes(meeting=meeting, version=0, text=SECRET, by=world.coordinator)
    return meeting


@pytest.mark.parametrize(
    ("role", "sees_notes"),
    [("coordinator", True), ("peer", True), ("partner", False), ("admin", False)],
)
def test_case_notes_only_for_coordinators_and_those_present(
    client, world, minutes_written, role, sees_notes
):
    client.force_login(getattr(world, role))
    response = client.get(_url("minutes", minutes_written))
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Strong turnout" in html
    assert (SECRET in html) is sees_notes
    assert ("De-identify" in html) is sees_notes


def test_case_notes_appear_on_no_other_page_or_feed(client, world, minutes_written):
    client.force_login(world.coordinator)
    meeting = minutes_written
    pages = [
        meeting.get_absolute_url(),
        _url("meeting_list", campus=world.campus.slug),
        _url("agenda", meeting),
        _url("roster", meeting),
        _url("meeting_ics", meeting),
        _url("attendance_history", campus=world.campus.slug),
        _url("suggestion_list", campus=world.campus.slug),
        reverse(
            "meetings:calendar_feed",
            kwargs={"token": services.calendar_feed_for(user=world.coordinator).token},
        ),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert SECRET not in response.content.decode(), page


def test_peer_cannot_post_minutes_or_case_notes(client, world, minutes_written):
    client.force_login(world.peer)
    response = client.post(
        _url("minutes", minutes_written),
        {"part": "case_notes", "case-version": "1", "case-text": "overwritten"},
    )
    assert response.status_code == 403
    assert CaseCollaborationNotes.objects.get().text == SECRET


def test_coordinator_saves_minutes_and_a_stale_save_keeps_the_text(client, world, minutes_written):
    client.force_login(world.coordinator)
    url = _url("minutes", minutes_written)
    data = {
        "part": "minutes",
        "minutes-version": "1",
        "minutes-going_well": "Everyone came",
        "minutes-proving_difficult": "Finding a room",
        "minutes-ideas_for_improving": "",
        "minutes-administrative_updates": "New forms",
    }
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "minutes-going_well": "My stale text"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved these minutes after you opened the page" in html
    assert "My stale text" in html
    assert 'name="minutes-version" value="2"' in html
    minutes_written.minutes.refresh_from_db()
    assert minutes_written.minutes.going_well == "Everyone came"


def test_coordinator_adds_action_item_and_marks_it_done(client, world, minutes_written):
    client.force_login(world.coordinator)
    url = _url("minutes", minutes_written)
    response = client.post(
        url,
        {
            "part": "action_item",
            "action-text": "Book October room",
            "action-owner": world.partner.pk,
            "action-due_on": "2026-09-30",
        },
    )
    assert response.status_code == 302
    item = minutes_written.action_items.get()
    assert (item.text, item.owner, item.due_on) == (
        "Book October room",
        world.partner,
        dt.date(2026, 9, 30),
    )
    client.post(_url("action_item_done", minutes_written, item=item.pk), {"done": "1"})
    item.refresh_from_db()
    assert item.done is True


# --- suggestions ---------------------------------------------------------------------------
def test_anonymous_suggestion_through_the_page(client, world, now):
    client.force_login(world.peer)
    response = client.post(
        _url("suggestion_list", campus=world.campus.slug),
        {"kind": "proving_difficult", "text": "Evening meetings clash", "is_anonymous": "on"},
    )
    assert response.status_code == 302
    suggestion = DiscussionSuggestion.objects.get()
    assert (suggestion.author, suggestion.is_anonymous) == (None, True)
    assert _messages(client.get(response.url)) == [
        "Thank you: your suggestion is with the coordinators (anonymously)."
    ]
    client.force_login(world.coordinator)
    html = client.get(_url("suggestion_list", campus=world.campus.slug)).content.decode()
    assert "Evening meetings clash" in html
    assert "<td>Anonymous</td>" in html
    assert world.peer.name not in html


@pytest.mark.parametrize("kind", [None, "", "gossip"])
def test_suggestion_needs_one_of_the_four_kinds(client, world, now, kind):
    client.force_login(world.peer)
    url = _url("suggestion_list", campus=world.campus.slug)
    data = {"text": "Evening meetings clash"} | ({} if kind is None else {"kind": kind})
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["kind"]
    assert DiscussionSuggestion.objects.count() == 0
    html = client.get(url).content.decode()
    assert html.count('name="kind"') == 4  # the four kinds as radios, no empty choice
    assert 'name="kind" value=""' not in html


def test_admin_cannot_submit_a_suggestion(client, world, now):
    client.force_login(world.admin)
    response = client.post(
        _url("suggestion_list", campus=world.campus.slug),
        {"kind": "idea", "text": "x", "is_anonymous": "on"},
    )
    assert response.status_code == 403
    assert DiscussionSuggestion.objects.count() == 0


# --- calendar ------------------------------------------------------------------------------
def test_the_calendar_feed_page_writes_nothing_on_get(client, world):
    client.force_login(world.peer)
    response = client.get(_url("calendar_feed_settings"))
    assert response.status_code == 200
    assert response.context["feed_url"] is None
    assert "Get my calendar address" in response.content.decode()
    assert not CalendarFeed.objects.exists()


def test_calendar_feed_page_and_reset(client, world):
    client.force_login(world.peer)
    response = client.post(_url("calendar_feed_reset"), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Your calendar address is ready: subscribe to it in your calendar."
    ]
    old_url = response.context["feed_url"]
    assert old_url.startswith("http://127.0.0.1:8000/calendar/") and old_url.endswith(".ics")
    assert CalendarFeed.objects.filter(user=world.peer).count() == 1
    client.post(_url("calendar_feed_reset"))
    new_url = client.get(_url("calendar_feed_settings")).context["feed_url"]
    assert new_url != old_url
    client.logout()
    assert client.get(old_url.removeprefix("http://127.0.0.1:8000")).status_code == 404
    assert client.get(new_url.removeprefix("http://127.0.0.1:8000")).status_code == 200


def test_attendees_see_what_changed(client, world, meeting):
    services.update_meeting(
        meeting=meeting,
        version=1,
        title=meeting.title,
        description="",
        starts_at=local(2026, 9, 9, 17),
        ends_at=local(2026, 9, 9, 18),
        location="Library, room 3",
        online_link="",
        by=world.coordinator,
    )
    client.force_login(world.peer)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "The time or place of this meeting has changed since it was first announced." in html
    assert "Previously: <time" in html
    assert "Tue 8 Sep 2026, 17:00\N{EN DASH}18:30 EDT</time>" in html
    assert ", Student Centre, room 204." in html
    assert "Wed 9 Sep 2026, 17:00\N{EN DASH}18:00 EDT" in html


def test_edit_this_and_following_through_the_page(client, world, now):
    meetings = services.schedule_series(
        campus=world.campus,
        recurrence=services.Recurrence(
            frequency="monthly",
            first_day=dt.date(2026, 9, 1),
            last_day=dt.date(2026, 11, 30),
            start_time=dt.time(17),
            end_time=dt.time(18, 30),
            weekday=1,
            week_of_month=2,
        ),
        title="Community of practice",
        location="Room 1",
        by=world.coordinator,
    )
    client.force_login(world.coordinator)
    url = _url("meeting_edit", meetings[1])
    assert 'value="following"' in client.get(url).content.decode()
    response = client.post(
        url,
        _form_data(
            title="Community of practice",
            day="2026-10-13",
            start_time="16:00",
            end_time="17:30",
            location="Room 1",
            version="1",
            scope="following",
        ),
    )
    assert response.status_code == 302
    assert _messages(client.get(response.url)) == ["Saved this and 1 following meeting."]
    tz = world.campus.tz
    assert [
        m.starts_at.astimezone(tz).strftime("%m-%d %H:%M")
        for m in Meeting.objects.order_by("starts_at")
    ] == ["09-08 17:00", "10-13 16:00", "11-10 16:00"]


def test_schedule_at_a_time_the_clocks_skip_shows_message(client, world, now):
    client.force_login(world.coordinator)
    response = client.post(
        _url("meeting_create", campus=world.campus.slug),
        _form_data(day="2027-03-14", start_time="02:30", end_time="03:30"),
    )
    assert response.status_code == 200
    assert (
        "02:30 does not exist on 14 Mar 2027 in America/Toronto: the clocks change that night."
        in response.content.decode()
    )
    assert Meeting.objects.count() == 0


def test_series_last_day_error_is_shown_on_its_field(client, world, now):
    client.force_login(world.coordinator)
    response = client.post(
        _url("series_create", campus=world.campus.slug),
        {
            "title": "Community of practice",
            "frequency": "monthly",
            "week_of_month": "2",
            "weekday": "1",
            "interval": "1",
            "first_day": "2026-10-01",
            "last_day": "2026-09-01",
            "start_time": "17:00",
            "end_time": "18:30",
            "location": "Room 1",
            "agenda": "guidance",
        },
    )
    assert response.context["form"].errors == {
        "last_day": ["The last day must not be before the first day."]
    }
    assert Meeting.objects.count() == 0


def test_coordinators_see_who_changed_the_meeting_and_when(client, world, meeting, now):
    now.move_to(local(2026, 9, 2, 10))
    services.update_meeting(
        meeting=meeting,
        version=1,
        title="September meeting",
        description="Welcome back.",
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        location="Library, room 3",
        online_link="https://meet.example.edu/cop",
        by=world.admin,
    )
    client.force_login(world.coordinator)
    response = client.get(meeting.get_absolute_url())
    assert [(c["what"], c["by"]) for c in response.context["changes"]] == [
        ("changed location, online link", str(world.admin)),
        ("scheduled", str(world.coordinator)),
    ]
    html = response.content.decode()
    assert f"2 Sep 2026, 10:00 EDT — changed location, online link by {world.admin}" in html
    client.force_login(world.peer)
    assert "changes" not in client.get(meeting.get_absolute_url()).context


# --- bad input: a clear message, nothing changed ---------------------------------------------
BREAKS = ["x\r\nBcc: attacker@evil.test", "x\ny", "x\u2028y", "x\u2029y", "x\x85y", "x\x0by"]
ONE_LINE = "Keep this on one line: remove the line breaks."
DATE_RANGE = "Choose a date between 2000 and 2100."


def _counts():
    return (Meeting.objects.count(), Attendance.objects.count(), AgendaItem.objects.count())


def _series_data(**overrides):
    data = {
        "title": "Community of practice",
        "frequency": "monthly",
        "week_of_month": "2",
        "weekday": "1",
        "interval": "1",
        "first_day": "2026-09-01",
        "last_day": "2027-04-30",
        "start_time": "17:00",
        "end_time": "18:30",
        "location": "Room 1",
        "agenda": "guidance",
    }
    return {**data, **overrides}


@pytest.mark.parametrize("title", BREAKS)
def test_meeting_title_with_a_line_break_is_refused(client, world, now, title):
    client.force_login(world.coordinator)
    response = client.post(
        _url("meeting_create", campus=world.campus.slug), _form_data(title=title)
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"title": [ONE_LINE]}
    assert _counts() == (0, 0, 0)


def test_meeting_location_with_a_line_break_is_refused(client, world, now):
    client.force_login(world.coordinator)
    response = client.post(
        _url("meeting_create", campus=world.campus.slug),
        _form_data(location="Room 1\r\nBcc: attacker@evil.test"),
    )
    assert response.context["form"].errors == {"location": [ONE_LINE]}
    assert _counts() == (0, 0, 0)


def test_series_title_with_a_line_break_is_refused(client, world, now):
    client.force_login(world.coordinator)
    response = client.post(
        _url("series_create", campus=world.campus.slug),
        _series_data(title="x\r\nBcc: attacker@evil.test"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"title": [ONE_LINE]}
    assert (_counts(), MeetingSeries.objects.count()) == ((0, 0, 0), 0)


def test_edited_title_with_a_line_break_is_refused(client, world, meeting):
    client.force_login(world.coordinator)
    data = {
        **_form_data(day="2026-09-08"),
        "title": "x\r\nBcc: attacker@evil.test",
        "version": meeting.version,
    }
    response = client.post(_url("meeting_edit", meeting), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {"title": [ONE_LINE]}
    meeting.refresh_from_db()
    assert (meeting.title, meeting.version) == ("September meeting", 1)


@pytest.mark.parametrize(
    ("zone", "day", "time"),
    [
        ("America/Toronto", "9999-12-31", "20:00"),  # 01:00 UTC would be in year 10000
        ("Asia/Tokyo", "0001-01-01", "00:00"),  # 15:00 UTC the day before year 1
        ("America/Toronto", "1999-12-31", "17:00"),
        ("America/Toronto", "2101-01-01", "17:00"),
    ],
)
def test_meeting_outside_2000_to_2100_is_refused(client, world, now, zone, day, time):
    world.campus.time_zone = zone
    world.campus.save()
    client.force_login(world.coordinator)
    response = client.post(
        _url("meeting_create", campus=world.campus.slug),
        _form_data(day=day, start_time=time, end_time="23:59"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"day": [DATE_RANGE]}
    assert _counts() == (0, 0, 0)


def test_series_on_the_last_day_of_year_9999_is_refused(client, world, now):
    client.force_login(world.coordinator)
    response = client.post(
        _url("series_create", campus=world.campus.slug),
        _series_data(
            week_of_month="-1",
            weekday="4",  # 31 December 9999 is the last Friday of its month
            first_day="9999-12-31",
            last_day="9999-12-31",
            start_time="20:00",
            end_time="21:00",
        ),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"first_day": [DATE_RANGE], "last_day": [DATE_RANGE]}
    assert (_counts(), MeetingSeries.objects.count()) == ((0, 0, 0), 0)


def test_meeting_moved_to_year_9999_is_refused(client, world, meeting):
    client.force_login(world.coordinator)
    data = {
        **_form_data(day="9999-12-31", start_time="20:00", end_time="21:00"),
        "title": "September meeting",
        "version": meeting.version,
    }
    response = client.post(_url("meeting_edit", meeting), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {"day": [DATE_RANGE]}
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.version) == (local(2026, 9, 8, 17), 1)


@pytest.mark.parametrize("value", ["abc", "1.5", " ", "-1", "99999999999999999999", "foreign"])
def test_suggestion_used_in_a_bogus_meeting_is_a_message_and_changes_nothing(
    client, world, meeting, value
):
    from tests.factories import DiscussionSuggestionFactory, MeetingFactory

    suggestion = DiscussionSuggestionFactory(campus=world.campus)
    if value == "foreign":
        value = str(MeetingFactory(campus=world.other_campus).pk)
    client.force_login(world.coordinator)
    response = client.post(
        _url("suggestion_use", campus=world.campus.slug, pk=suggestion.pk), {"meeting": value}
    )
    assert response.status_code == 302
    assert response.url == _url("suggestion_list", campus=world.campus.slug)
    assert _messages(client.get(response.url)) == [
        "That meeting is not one of this campus's meetings: nothing was changed."
    ]
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.used_in, suggestion.used_at) == ("open", None, None)


def test_suggestion_used_in_a_meeting_goes_to_its_agenda(client, world, meeting):
    from tests.factories import DiscussionSuggestionFactory

    suggestion = DiscussionSuggestionFactory(campus=world.campus)
    client.force_login(world.coordinator)
    response = client.post(
        _url("suggestion_use", campus=world.campus.slug, pk=suggestion.pk),
        {"meeting": str(meeting.pk)},
    )
    assert response.url == _url("agenda", meeting)
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.used_in) == ("used", meeting)


def test_roster_with_an_unknown_presence_changes_nothing(client, world, meeting, after_start):
    client.force_login(world.coordinator)
    peer, partner = attendance(meeting, world.peer), attendance(meeting, world.partner)
    response = client.post(
        _url("roster", meeting),
        {f"presence-{peer.pk}": "present", f"presence-{partner.pk}": "asleep"},
    )
    assert _messages(client.get(response.url)) == [
        "Choose present, late, excused or absent for each person."
    ]
    assert set(meeting.attendances.values_list("presence", flat=True)) == {"unrecorded"}


def test_roster_ignores_what_is_not_a_person_of_this_meeting(client, world, meeting, after_start):
    from tests.factories import AttendanceFactory

    elsewhere = AttendanceFactory(user=world.other_coordinator)
    client.force_login(world.coordinator)
    peer = attendance(meeting, world.peer)
    response = client.post(
        _url("roster", meeting),
        {
            f"presence-{peer.pk}": "late",
            f"presence-{elsewhere.pk}": "present",
            "presence-abc": "present",
            "presence-": "present",
        },
    )
    assert _messages(client.get(response.url)) == [
        "Saved presence: 1 there, 0 excused or absent, 2 not recorded yet."
    ]
    assert attendance(meeting, world.peer).presence == "late"
    elsewhere.refresh_from_db()
    assert elsewhere.presence == "unrecorded"


@pytest.mark.parametrize("done", ["yes", "", "2", "1.5"])
def test_action_item_with_a_bogus_done_flag_changes_nothing(client, world, minutes_written, done):
    item = minutes.add_action_item(meeting=minutes_written, text="Book a room", by=None)
    minutes.set_action_item_done(item=item, done=True, by=None)
    client.force_login(world.coordinator)
    response = client.post(_url("action_item_done", minutes_written, item=item.pk), {"done": done})
    assert _messages(client.get(response.url)) == ["Mark the action item done or not done."]
    item.refresh_from_db()
    assert item.done is True


def test_action_item_marked_not_done(client, world, minutes_written):
    item = minutes.add_action_item(meeting=minutes_written, text="Book a room", by=None)
    minutes.set_action_item_done(item=item, done=True, by=None)
    client.force_login(world.coordinator)
    client.post(_url("action_item_done", minutes_written, item=item.pk), {"done": "0"})
    item.refresh_from_db()
    assert (item.done, item.done_at) == (False, None)


def test_action_item_text_with_a_line_break_is_refused(client, world, minutes_written):
    client.force_login(world.coordinator)
    response = client.post(
        _url("minutes", minutes_written),
        {"part": "action_item", "action-text": "Book\r\nBcc: attacker@evil.test"},
    )
    assert response.status_code == 200
    assert response.context["action_form"].errors == {"text": [ONE_LINE]}
    assert minutes_written.action_items.count() == 0


@pytest.mark.parametrize("form", ["", "gossip", "x" * 10_000])
def test_minutes_page_with_an_unknown_form_saves_nothing(client, world, minutes_written, form):
    client.force_login(world.coordinator)
    response = client.post(_url("minutes", minutes_written), {"part": form})
    assert _messages(client.get(response.url)) == ["Nothing to save."]


def test_agenda_item_title_with_a_line_break_is_refused(client, world, meeting):
    client.force_login(world.coordinator)
    response = client.post(
        _url("agenda", meeting), {"kind": "other", "title": "Welcome\r\nBcc: x@evil.test"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"title": [ONE_LINE]}
    assert meeting.agenda_items.count() == 4


@pytest.mark.parametrize(
    ("direction", "message"),
    [
        ("", "Move an item up or down, or give its new position."),
        ("sideways", "Move an item up or down."),
        ("x" * 10_000, "Move an item up or down."),
    ],
)
def test_agenda_move_in_a_bogus_direction_changes_nothing(
    client, world, meeting, direction, message
):
    client.force_login(world.coordinator)
    first = meeting.agenda_items.order_by("position").first()
    response = client.post(
        _url("agenda_item_move", meeting, item=first.pk), {"direction": direction}
    )
    assert _messages(client.get(response.url)) == [message]
    first.refresh_from_db()
    assert first.position == 1


@pytest.mark.parametrize("back", ["", "elsewhere", "https://evil.test/"])
def test_response_with_an_unknown_way_back_returns_to_the_meeting(client, world, meeting, back):
    client.force_login(world.peer)
    response = client.post(
        _url("meeting_respond", meeting), {"response": "attending", "next": back}
    )
    assert response.url == meeting.get_absolute_url()
    assert attendance(meeting, world.peer).response == "attending"


@pytest.mark.parametrize(
    ("note", "error"),
    [
        ("a\x00b", "A note cannot contain a null character."),
        ("late\r\nBcc: attacker@evil.test", ONE_LINE),
        ("x" * 201, "A note has at most 200 characters."),
    ],
)
def test_response_with_a_bad_note_changes_nothing(client, world, meeting, note, error):
    client.force_login(world.peer)
    response = client.post(
        _url("meeting_respond", meeting), {"response": "attending", "note": note}
    )
    assert _messages(client.get(response.url)) == [error]
    assert attendance(meeting, world.peer).response == "no_response"


@pytest.mark.parametrize(
    ("note", "error"),
    [
        ("a\x00b", "A note cannot contain a null character."),
        ("late\r\nBcc: attacker@evil.test", ONE_LINE),
        ("x" * 201, "A note has at most 200 characters."),
    ],
)
def test_respond_link_with_a_bad_note_is_400_and_changes_nothing(
    client, world, meeting, note, error
):
    path = reverse(
        "meetings:respond_link",
        kwargs={
            "token": respond_links.respond_token(
                attendance=attendance(meeting, world.peer), response="attending"
            )
        },
    )
    response = client.post(path, {"note": note})
    html = response.content.decode()
    assert response.status_code == 400
    assert error in html
    assert "Yes, I will attend" in html  # the same page, to try again
    assert attendance(meeting, world.peer).response == "no_response"


def test_respond_link_of_a_closed_account_records_nothing(client, world, meeting):
    path = reverse(
        "meetings:respond_link",
        kwargs={
            "token": respond_links.respond_token(
                attendance=attendance(meeting, world.peer), response="attending"
            )
        },
    )
    world.peer.is_active = False
    world.peer.save()
    for method in (client.get, client.post):
        response = method(path)
        html = response.content.decode()
        assert response.status_code == 400
        assert "This link belongs to an account that is closed" in html
        assert "Yes, I will attend" not in html
    assert attendance(meeting, world.peer).response == "no_response"


def test_respond_link_to_a_cancelled_meeting_says_so(client, world, meeting):
    path = reverse(
        "meetings:respond_link",
        kwargs={
            "token": respond_links.respond_token(
                attendance=attendance(meeting, world.peer), response="attending"
            )
        },
    )
    services.cancel_meeting(meeting=meeting, reason="Campus closed for snow", by=None)
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 200
    assert "This meeting was cancelled" in html
    assert "Campus closed for snow" in html
    assert "Yes, I will attend" not in html and "<form" not in html.split("<main")[1]
    response = client.post(path)
    assert response.status_code == 400
    assert "This meeting was cancelled; there is nothing to respond to." in (
        response.content.decode()
    )
    assert attendance(meeting, world.peer).response == "no_response"


@pytest.mark.parametrize("token", ["%00", "a%00b", "a%20b", "a%0d%0ab", "x" * 600, "%E2%80%AE"])
def test_malformed_feed_and_respond_tokens_are_404_before_any_query(
    client, django_assert_num_queries, token
):
    for path in (f"/calendar/{token}.ics", f"/respond/{token}/"):
        with django_assert_num_queries(0):
            response = client.get(path)
        assert response.status_code == 404, path
