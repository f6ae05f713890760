"""The minutes page: one form where nothing typed is lost, a draft kept while typing that
respects the version, the change history for coordinators, follow-up of open action items."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings import minutes, selectors, services
from meetings.models import ActionItem, CaseCollaborationNotes, Minutes

from .conftest import local

pytestmark = pytest.mark.django_db

NOTES = "A student in residence felt isolated; we discussed referral options."


def _url(name, meeting, **kwargs):
    return reverse(
        f"meetings:{name}", kwargs={"campus": meeting.campus.slug, "pk": meeting.pk, **kwargs}
    )


def _messages(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def held(world, meeting, after_start):
    """The meeting is on; the peer supporter was there (and may read the notes)."""
    services.record_presence(
        meeting=meeting,
        presences={meeting.attendances.get(user=world.peer).pk: "present"},
        by=world.coordinator,
    )
    return meeting


def _page_data(**overrides):
    return {
        "part": ["minutes", "case_notes", "action_item"],
        "minutes-version": "0",
        "minutes-going_well": "Everyone took part",
        "minutes-proving_difficult": "",
        "minutes-ideas_for_improving": "A lunchtime slot",
        "minutes-administrative_updates": "",
        "case-version": "0",
        "case-text": NOTES,
        "action-text": "Book the October room",
        "action-owner": "",
        "action-due_on": "",
        **overrides,
    }


def test_one_save_keeps_the_minutes_the_notes_and_the_action_item(client, world, held):
    client.force_login(world.coordinator)
    response = client.post(
        _url("minutes", held), _page_data(**{"action-owner": str(world.peer.pk)})
    )
    assert response.status_code == 302
    assert _messages(client.get(response.url)) == [
        "Saved the minutes. Saved the case-collaboration notes. Added the action item."
    ]
    saved = Minutes.objects.get(meeting=held)
    assert (saved.going_well, saved.ideas_for_improving, saved.version) == (
        "Everyone took part",
        "A lunchtime slot",
        1,
    )
    assert CaseCollaborationNotes.objects.get(meeting=held).text == NOTES
    assert list(held.action_items.values_list("text", "owner")) == [
        ("Book the October room", world.peer.pk)
    ]


def test_a_refused_action_item_loses_nothing_typed(client, world, held):
    client.force_login(world.coordinator)
    response = client.post(
        _url("minutes", held), _page_data(**{"action-text": "Book\r\nBcc: x@evil.test"})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["action_form"].errors == {
        "text": ["Keep this on one line: remove the line breaks."]
    }
    assert "Everyone took part" in html
    assert "A lunchtime slot" in html
    assert NOTES in html
    assert Minutes.objects.filter(meeting=held).count() == 0
    assert CaseCollaborationNotes.objects.filter(meeting=held).count() == 0


def test_an_empty_action_row_is_no_action_item(client, world, held):
    client.force_login(world.coordinator)
    response = client.post(_url("minutes", held), _page_data(**{"action-text": ""}))
    assert response.status_code == 302
    assert held.action_items.count() == 0


def test_a_stale_save_saves_no_part_and_keeps_every_text(client, world, held):
    minutes.save_minutes(meeting=held, version=0, by=world.partner, going_well="Theirs")
    client.force_login(world.coordinator)
    response = client.post(_url("minutes", held), _page_data())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved these minutes after you opened the page" in html
    assert "Everyone took part" in html
    assert NOTES in html
    assert 'name="minutes-version" value="1"' in html
    assert Minutes.objects.get(meeting=held).going_well == "Theirs"
    assert CaseCollaborationNotes.objects.filter(meeting=held).count() == 0
    assert held.action_items.count() == 0


def test_a_part_left_as_saved_keeps_its_version(client, world, held):
    minutes.save_case_notes(meeting=held, version=0, text=NOTES, by=world.coordinator)
    client.force_login(world.coordinator)
    response = client.post(
        _url("minutes", held), _page_data(**{"case-version": "1", "action-text": ""})
    )
    assert _messages(client.get(response.url)) == ["Saved the minutes."]
    assert CaseCollaborationNotes.objects.get(meeting=held).version == 1


def test_draft_keeps_the_sections_and_answers_the_new_version(client, world, held):
    client.force_login(world.coordinator)
    response = client.post(
        _url("minutes_draft", held), _page_data(), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Draft kept at 17:30." in html
    assert 'name="minutes-version" value="1" id="id_minutes-version" hx-swap-oob="true"' in html
    assert 'name="case-version" value="1" id="id_case-version" hx-swap-oob="true"' in html
    assert Minutes.objects.get(meeting=held).going_well == "Everyone took part"
    assert held.action_items.count() == 0  # an action item waits for the page's Save


def test_draft_after_someone_else_saved_writes_nothing(client, world, held):
    minutes.save_minutes(meeting=held, version=0, by=world.partner, going_well="Theirs")
    client.force_login(world.coordinator)
    response = client.post(
        _url("minutes_draft", held), _page_data(), headers={"HX-Request": "true"}
    )
    assert "Someone else saved this meeting's minutes or notes meanwhile" in (
        response.content.decode()
    )
    assert Minutes.objects.get(meeting=held).going_well == "Theirs"
    assert CaseCollaborationNotes.objects.filter(meeting=held).count() == 0


def test_history_says_who_when_and_which_section_never_the_notes_text(
    client, world, held, after_start
):
    minutes.save_minutes(meeting=held, version=0, by=world.coordinator, going_well="Good")
    minutes.save_case_notes(meeting=held, version=0, text=NOTES, by=world.coordinator)
    after_start.shift(dt.timedelta(hours=1))
    minutes.save_minutes(
        meeting=held, version=1, by=world.partner, going_well="Good", proving_difficult="Rooms"
    )
    client.force_login(world.coordinator)
    page = client.get(_url("minutes", held)).content.decode()
    assert f'href="{_url("minutes_history", held)}"' in page  # the minutes lead there
    response = client.get(_url("minutes_history", held))
    history = [(c.who, c.sections) for c in response.context["history"]]
    assert [(who, [str(s) for s in sections]) for who, sections in history] == [
        (str(world.partner), ["What is proving difficult"]),
        (str(world.coordinator), ["What is going well", "Case-collaboration notes"]),
    ]
    html = response.content.decode()
    start = html.index('id="history-heading"')
    history_html = html[start : html.index("</section>", start)]
    assert "What is proving difficult" in history_html
    assert NOTES not in history_html


def test_history_is_for_coordinators_only(client, world, held):
    minutes.save_minutes(meeting=held, version=0, by=world.coordinator, going_well="Good")
    client.force_login(world.peer)
    response = client.get(_url("minutes", held))
    assert _url("minutes_history", held) not in response.content.decode()
    assert client.get(_url("minutes_history", held)).status_code == 403


# --- follow-up -----------------------------------------------------------------------------
@pytest.fixture
def next_meeting(world, held):
    return services.schedule_meeting(
        campus=world.campus,
        starts_at=local(2026, 10, 13, 17),
        ends_at=local(2026, 10, 13, 18, 30),
        title="October meeting",
        location="Room 1",
        by=world.coordinator,
    )


def test_open_actions_show_on_the_next_meeting_from_last_time(client, world, held, next_meeting):
    open_one = minutes.add_action_item(meeting=held, text="Book a room", owner=world.peer, by=None)
    done = minutes.add_action_item(meeting=held, text="Print flyers", by=None)
    minutes.set_action_item_done(item=done, done=True, by=None)
    assert [row.pk for row in selectors.open_actions_before(meeting=next_meeting)] == [open_one.pk]
    assert selectors.open_actions_before(meeting=held) == []
    client.force_login(world.coordinator)
    for page in ("agenda", "minutes"):
        html = client.get(_url(page, next_meeting)).content.decode()
        assert "From last time: open action items" in html, page
        assert "Book a room" in html, page
        assert "Print flyers" not in html, page


def test_owner_marks_their_own_action_done_and_returns_where_they_were(
    client, world, held, next_meeting
):
    item = minutes.add_action_item(meeting=held, text="Book a room", owner=world.peer, by=None)
    client.force_login(world.peer)
    back = _url("minutes", next_meeting)
    response = client.post(
        _url("action_item_done", held, item=item.pk), {"done": "1", "next": back}
    )
    assert (response.status_code, response.url) == (302, back)
    item.refresh_from_db()
    assert item.done is True
    assert selectors.open_actions_before(meeting=next_meeting) == []


def test_someone_elses_action_cannot_be_marked_by_a_peer(client, world, held):
    item = minutes.add_action_item(meeting=held, text="Book", owner=world.partner, by=None)
    client.force_login(world.peer)
    response = client.post(_url("action_item_done", held, item=item.pk), {"done": "1"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.done is False


@pytest.mark.parametrize("target", ["https://evil.test/", "//evil.test/x", "javascript:x"])
def test_action_done_never_sends_elsewhere(client, world, held, target):
    item = minutes.add_action_item(meeting=held, text="Book", owner=world.peer, by=None)
    client.force_login(world.peer)
    response = client.post(
        _url("action_item_done", held, item=item.pk), {"done": "1", "next": target}
    )
    assert response.url == _url("minutes", held)


def test_overdue_actions_are_those_past_due_and_open(world, held, after_start):
    late = minutes.add_action_item(
        meeting=held, text="Late", owner=world.peer, due_on=dt.date(2026, 9, 7), by=None
    )
    minutes.add_action_item(
        meeting=held, text="Due today", owner=world.peer, due_on=dt.date(2026, 9, 8), by=None
    )
    finished = minutes.add_action_item(
        meeting=held, text="Finished", owner=world.peer, due_on=dt.date(2026, 9, 1), by=None
    )
    minutes.set_action_item_done(item=finished, done=True, by=None)
    other = minutes.add_action_item(
        meeting=held, text="Theirs", owner=world.partner, due_on=dt.date(2026, 9, 2), by=None
    )
    assert selectors.overdue_actions(campus=world.campus) == [other, late]
    assert selectors.overdue_actions(campus=world.campus, owner=world.peer) == [late]
    assert ActionItem.objects.count() == 4


def test_overdue_actions_flagged_on_the_dashboard_and_the_owners_page(client, world, held):
    minutes.add_action_item(
        meeting=held, text="Book a room", owner=world.peer, due_on=dt.date(2026, 9, 7), by=None
    )
    minutes.add_action_item(
        meeting=held, text="Call the partner", owner=world.partner, due_on=dt.date(2026, 9, 1),
        by=None,
    )  # fmt: skip
    client.force_login(world.coordinator)
    dashboard = client.get(reverse("reports:dashboard", kwargs={"campus": world.campus.slug}))
    html = dashboard.content.decode()
    assert (
        f"2 action items overdue</a>: Call the partner ({world.partner.name}, due 1 Sep); "
        f"Book a room ({world.peer.name}, due 7 Sep)."
    ) in html
    client.force_login(world.peer)
    own = client.get(reverse("reports:my_page", kwargs={"campus": world.campus.slug}))
    assert [item.text for item in own.context["overdue_actions"]] == ["Book a room"]
    assert "1 overdue action item" in own.content.decode()


def test_stale_notes_show_what_is_saved_now_beside_what_was_typed(client, world, held):
    minutes.save_case_notes(meeting=held, version=0, text="Their notes", by=world.partner)
    client.force_login(world.coordinator)
    response = client.post(_url("minutes", held), _page_data(**{"action-text": ""}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved the case-collaboration notes after you opened the page" in html
    assert "<p>Their notes</p>" in html
    assert NOTES in html
    assert 'name="case-version" value="1"' in html
    assert Minutes.objects.filter(meeting=held).count() == 0
