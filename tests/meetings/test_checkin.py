"""Self check-in with a fixed clock: the window, the rotating code, the grace period, the online
link, every refusal, the coordinator's entry winning, and everything else counting it.

The meeting (conftest): Tuesday 8 September 2026, 17:00 to 18:30 in Toronto. With the campus's
defaults, check-in is open from 16:45 to 19:00 and people are late after 17:10."""

import datetime as dt
import re
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse

from meetings import checkin, selectors, services
from meetings.checkin import ALPHABET, check_in, current_code, link_code
from meetings.reminders import send_presence_nudges
from members.models import Membership
from reports.selectors import member_attendance
from tests.factories import MembershipFactory

from .conftest import local

pytestmark = pytest.mark.django_db


def at(hour, minute, second=0):
    """A moment on the meeting's day, in Toronto."""
    return local(2026, 9, 8, hour, minute) + dt.timedelta(seconds=second)


def _row(meeting, user):
    return meeting.attendances.get(user=user)


def _refused(meeting, user, message, **kwargs):
    before = _row(meeting, user)
    with pytest.raises(ValidationError) as error:
        check_in(meeting=meeting, user=user, **kwargs)
    assert error.value.messages == [message]
    after = _row(meeting, user)
    assert (after.presence, after.presence_source, after.checked_in_at) == (
        before.presence,
        before.presence_source,
        before.checked_in_at,
    )


def _url(name, meeting):
    return reverse(name, kwargs={"campus": meeting.campus.slug, "pk": meeting.pk})


WRONG = (
    "That is not the code for this meeting. Check the screen in the room (the code changes every "
    "minute) and try again."
)
STALE = "This code is too old: the code changes every minute. Enter the code the screen shows now."


# --- the code ------------------------------------------------------------------------------
def test_code_is_six_unambiguous_characters_changing_every_minute(meeting, now):
    now.move_to(at(17, 0, 0))
    first = current_code(meeting)
    assert len(first) == 6
    assert set(first) <= set(ALPHABET)
    assert not set("01ILO") & set(ALPHABET)
    now.move_to(at(17, 0, 59))
    assert current_code(meeting) == first
    now.move_to(at(17, 1, 0))
    assert current_code(meeting) != first


def test_code_depends_on_the_meetings_own_secret(world, meeting, now):
    other = services.schedule_meeting(
        campus=world.campus,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        title="Same time",
        location="Room 9",
        by=world.coordinator,
    )
    assert other.check_in_secret != meeting.check_in_secret
    assert len(meeting.check_in_secret) == 64
    assert current_code(other) != current_code(meeting)
    assert link_code(other) != link_code(meeting)


# --- checking in ---------------------------------------------------------------------------
def test_check_in_with_the_code_on_time_is_present(world, meeting, now):
    now.move_to(at(17, 5))
    attendance = check_in(meeting=meeting, user=world.peer, code=current_code(meeting))
    assert attendance.presence == "present"
    row = _row(meeting, world.peer)
    assert row.presence == "present"
    assert row.presence_source == "self_code"
    assert row.checked_in_at == at(17, 5)
    assert row.presence_recorded_by == world.peer
    assert row.history.first().history_user == world.peer


def test_check_in_code_typed_in_lower_case_with_spaces_is_accepted(world, meeting, now):
    now.move_to(at(16, 45))
    code = current_code(meeting)
    check_in(meeting=meeting, user=world.peer, code=f" {code[:3].lower()} {code[3:].lower()}")
    assert _row(meeting, world.peer).presence == "present"


def test_check_in_with_last_minutes_code_is_accepted(world, meeting, now):
    now.move_to(at(17, 4, 0))
    code = current_code(meeting)
    now.move_to(at(17, 5, 59))
    check_in(meeting=meeting, user=world.peer, code=code)
    assert _row(meeting, world.peer).presence == "present"


def test_check_in_with_a_code_two_periods_old_is_refused_as_stale(world, meeting, now):
    now.move_to(at(17, 3, 30))
    code = current_code(meeting)
    now.move_to(at(17, 5, 0))
    _refused(meeting, world.peer, STALE, code=code)


def test_check_in_after_the_grace_period_is_late(world, meeting, now):
    now.move_to(at(17, 10, 0))
    check_in(meeting=meeting, user=world.peer, code=current_code(meeting))
    now.move_to(at(17, 10, 1))
    check_in(meeting=meeting, user=world.partner, code=current_code(meeting))
    assert _row(meeting, world.peer).presence == "present"
    assert _row(meeting, world.partner).presence == "late"


def test_grace_period_is_the_campus_setting(world, meeting, now):
    world.campus.check_in_grace_minutes = 0
    world.campus.save()
    now.move_to(at(17, 0, 30))
    check_in(meeting=meeting, user=world.peer, code=current_code(meeting))
    assert _row(meeting, world.peer).presence == "late"


def test_check_in_before_the_window_is_refused(world, meeting, now):
    now.move_to(at(16, 44, 59))
    _refused(meeting, world.peer, "Check-in opens at 16:45 EDT.", code=current_code(meeting))


def test_check_in_after_the_window_is_refused(world, meeting, now):
    now.move_to(at(19, 0, 1))
    _refused(
        meeting,
        world.peer,
        "Check-in closed at 19:00 EDT. If you were there, ask the coordinator to record your "
        "presence.",
        code=current_code(meeting),
    )


def test_window_is_the_campus_setting(world, meeting, now):
    world.campus.check_in_opens_minutes_before = 60
    world.campus.check_in_closes_minutes_after = 0
    world.campus.save()
    now.move_to(at(16, 0))
    check_in(meeting=meeting, user=world.peer, code=current_code(meeting))
    now.move_to(at(18, 30, 1))
    _refused(
        meeting,
        world.partner,
        "Check-in closed at 18:30 EDT. If you were there, ask the coordinator to record your "
        "presence.",
        code=current_code(meeting),
    )


def test_wrong_code_is_refused(world, meeting, now):
    now.move_to(at(17, 5))
    code = current_code(meeting)
    wrong = "".join(ALPHABET[(ALPHABET.index(c) + 1) % len(ALPHABET)] for c in code)
    _refused(meeting, world.peer, WRONG, code=wrong)


def test_code_of_another_meeting_is_refused(world, meeting, now):
    other = services.schedule_meeting(
        campus=world.campus,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        title="Same time",
        location="Room 9",
        by=world.coordinator,
    )
    now.move_to(at(17, 5))
    _refused(meeting, world.peer, WRONG, code=current_code(other))
    _refused(
        meeting,
        world.peer,
        "This check-in link is not this meeting's. Use the link posted "
        "in the meeting's chat, or enter the code on the screen.",
        link=link_code(other),
    )


def test_code_of_another_campus_is_refused(world, meeting, now):
    other = services.schedule_meeting(
        campus=world.other_campus,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        title="Hillside",
        location="Hall",
        by=world.other_coordinator,
    )
    now.move_to(at(17, 5))
    _refused(meeting, world.peer, WRONG, code=current_code(other))


def test_member_of_another_campus_is_refused(world, meeting, now, client):
    now.move_to(at(17, 5))
    with pytest.raises(ValidationError) as error:
        check_in(meeting=meeting, user=world.other_coordinator, code=current_code(meeting))
    assert error.value.messages == [
        "You are not an active member of this campus (on leave, or no longer a member), so there "
        "is no presence to record."
    ]
    client.force_login(world.other_coordinator)
    response = client.post(_url("meetings:check_in", meeting), {"code": current_code(meeting)})
    assert response.status_code == 404


@pytest.mark.parametrize("status", ["on_leave", "left"])
def test_member_on_leave_or_who_left_is_refused(world, meeting, now, status):
    membership = Membership.objects.get(user=world.peer, campus=world.campus)
    Membership.objects.filter(pk=membership.pk).update(
        status=status, left_on=F("joined_on") if status == "left" else None
    )
    now.move_to(at(17, 5))
    _refused(
        meeting,
        world.peer,
        "You are not an active member of this campus (on leave, or no longer a member), so there "
        "is no presence to record.",
        code=current_code(meeting),
    )


def test_member_who_joined_after_the_start_is_refused(world, meeting, now):
    now.move_to(at(17, 5))
    newcomer = MembershipFactory(campus=world.campus, role="peer_supporter").user
    with pytest.raises(ValidationError) as error:
        check_in(meeting=meeting, user=newcomer, code=current_code(meeting))
    assert error.value.messages == [
        "You are not on the list for this meeting (you joined after it was scheduled). Ask the "
        "coordinator to record your presence."
    ]
    assert not meeting.attendances.filter(user=newcomer).exists()


def test_checking_in_twice_is_refused(world, meeting, now):
    now.move_to(at(17, 5))
    check_in(meeting=meeting, user=world.peer, code=current_code(meeting))
    now.move_to(at(17, 20))
    _refused(
        meeting, world.peer, "You already checked in at 17:05 EDT.", code=current_code(meeting)
    )
    assert _row(meeting, world.peer).presence == "present"


def test_check_in_over_the_coordinators_entry_is_refused(world, meeting, now):
    now.move_to(at(17, 5))
    row = _row(meeting, world.peer)
    services.record_presence(meeting=meeting, presences={row.pk: "excused"}, by=world.coordinator)
    _refused(
        meeting,
        world.peer,
        "The coordinator has already recorded your presence (excused). Ask them if it needs to "
        "change.",
        code=current_code(meeting),
    )


def test_check_in_to_a_cancelled_meeting_is_refused(world, meeting, now):
    services.cancel_meeting(meeting=meeting, reason="Snow day", by=world.coordinator)
    meeting.refresh_from_db()
    now.move_to(at(17, 5))
    _refused(
        meeting,
        world.peer,
        "This meeting was cancelled; there is nothing to check in to.",
        code=current_code(meeting),
    )


def test_wrong_codes_are_rate_limited_per_person(world, meeting, now):
    now.move_to(at(17, 5))
    for _ in range(checkin.MAX_FAILURES_PER_PERSON):
        _refused(meeting, world.peer, WRONG, code="AAAAAA")
    limited = (
        "Too many wrong codes: wait ten minutes and try again, or ask the coordinator to record "
        "your presence."
    )
    _refused(meeting, world.peer, limited, code=current_code(meeting))
    # Others are not held up by one person's mistakes.
    check_in(meeting=meeting, user=world.partner, code=current_code(meeting))
    assert _row(meeting, world.partner).presence == "present"


def test_wrong_codes_are_rate_limited_per_meeting(world, meeting, now):
    now.move_to(at(17, 5))
    now.move_to(at(16, 0))
    guessers = [MembershipFactory(campus=world.campus).user for _ in range(12)]  # expected too
    now.move_to(at(17, 5))
    for user in guessers:
        for _ in range(checkin.MAX_FAILURES_PER_PERSON):
            _refused(meeting, user, WRONG, code="AAAAAA")
    _refused(
        meeting,
        world.peer,
        "Too many wrong codes were tried for this meeting: check-in is paused for a few minutes. "
        "Ask the coordinator to record your presence.",
        code=current_code(meeting),
    )


# --- online --------------------------------------------------------------------------------
def test_online_link_checks_in_for_the_whole_window(world, meeting, now):
    now.move_to(at(16, 45))
    check_in(meeting=meeting, user=world.peer, link=link_code(meeting))
    now.move_to(at(18, 59))
    check_in(meeting=meeting, user=world.partner, link=link_code(meeting))
    peer, partner = _row(meeting, world.peer), _row(meeting, world.partner)
    assert (peer.presence, peer.presence_source) == ("present", "self_link")
    assert (partner.presence, partner.presence_source) == ("late", "self_link")


def test_online_link_outside_the_window_is_refused(world, meeting, now):
    now.move_to(at(19, 1))
    _refused(
        meeting,
        world.peer,
        "Check-in closed at 19:00 EDT. If you were there, ask the coordinator to record your "
        "presence.",
        link=link_code(meeting),
    )


# --- the coordinator confirms ----------------------------------------------------------------
def test_coordinators_correction_wins_and_is_kept_in_history(world, meeting, now):
    now.move_to(at(17, 5))
    check_in(meeting=meeting, user=world.peer, code=current_code(meeting))
    row = _row(meeting, world.peer)
    now.move_to(at(18, 40))
    services.record_presence(
        meeting=meeting,
        presences={row.pk: "excused", _row(meeting, world.partner).pk: "present"},
        by=world.coordinator,
    )
    row.refresh_from_db()
    assert (row.presence, row.presence_source) == ("excused", "coordinator")
    assert row.checked_in_at == at(17, 5)
    assert row.presence_recorded_by == world.coordinator
    assert [(h.presence, h.presence_source, h.history_user) for h in row.history.all()][:2] == [
        ("excused", "coordinator", world.coordinator),
        ("present", "self_code", world.peer),
    ]


def test_roster_shows_self_check_ins(world, meeting, now, client):
    now.move_to(at(17, 5))
    check_in(meeting=meeting, user=world.peer, code=current_code(meeting))
    now.move_to(at(17, 12))
    check_in(meeting=meeting, user=world.partner, link=link_code(meeting))
    client.force_login(world.coordinator)
    page = client.get(_url("meetings:roster", meeting)).content.decode()
    assert f"{world.peer.name} checked in themselves at 17:05 with the code: present" in page
    how = "with the online link"
    assert f"{world.partner.name} checked in themselves at 17:12 {how}: late" in page


# --- everything else follows -----------------------------------------------------------------
def test_self_check_ins_count_on_the_dashboard_like_recorded_presence(world, meeting, now):
    now.move_to(at(17, 5))
    check_in(meeting=meeting, user=world.peer, code=current_code(meeting))
    now.move_to(at(17, 30))
    services.record_presence(
        meeting=meeting,
        presences={_row(meeting, world.partner).pk: "present"},
        by=world.coordinator,
    )
    now.move_to(local(2026, 9, 9, 9, 0))
    records = {r.user: r.last_6_months for r in member_attendance(campus=world.campus)}
    assert (records[world.peer].attended, records[world.peer].rate) == (1, 100)
    assert (records[world.partner].attended, records[world.partner].rate) == (1, 100)
    assert records[world.coordinator].unrecorded == 1


def test_self_check_in_opens_the_case_collaboration_notes(world, meeting, now):
    membership = Membership.objects.get(user=world.peer, campus=world.campus)
    now.move_to(at(17, 5))
    assert not selectors.can_read_case_notes(
        user=world.peer, meeting=meeting, membership=membership
    )
    check_in(meeting=meeting, user=world.peer, code=current_code(meeting))
    assert selectors.can_read_case_notes(user=world.peer, meeting=meeting, membership=membership)


def test_no_presence_nudge_when_every_presence_is_recorded_by_check_in(world, meeting, now):
    now.move_to(at(17, 5))
    for user in (world.peer, world.partner, world.coordinator):
        check_in(meeting=meeting, user=user, code=current_code(meeting))
    now.move_to(local(2026, 9, 9, 19, 0))
    assert send_presence_nudges() == 0


def test_presence_nudge_while_someone_has_not_checked_in(world, meeting, now):
    now.move_to(at(17, 5))
    for user in (world.peer, world.partner):
        check_in(meeting=meeting, user=user, code=current_code(meeting))
    now.move_to(local(2026, 9, 9, 19, 0))
    assert send_presence_nudges() == 1


# --- pages ---------------------------------------------------------------------------------
def test_check_in_page_fills_in_the_code_from_the_qr_link(world, meeting, now, client):
    now.move_to(at(17, 5))
    client.force_login(world.peer)
    page = client.get(_url("meetings:check_in", meeting) + "?code=abc234").content.decode()
    assert re.search(r'name="code"[^>]*value="ABC234"', page)


def test_qr_link_keeps_its_code_through_the_login(world, meeting, now, client):
    now.move_to(at(17, 5))
    url = _url("meetings:check_in", meeting) + "?code=ABC234"
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?next=" + quote(url, safe="/")


def test_check_in_page_posts_and_redirects_to_the_meeting(world, meeting, now, client):
    now.move_to(at(17, 5))
    client.force_login(world.peer)
    response = client.post(
        _url("meetings:check_in", meeting), {"code": current_code(meeting)}, follow=True
    )
    assert response.redirect_chain == [(meeting.get_absolute_url(), 302)]
    assert "You are checked in to “September meeting”: present." in response.content.decode()


def test_check_in_page_refusal_is_a_message_and_nothing_changes(world, meeting, now, client):
    now.move_to(at(17, 5))
    client.force_login(world.peer)
    response = client.post(_url("meetings:check_in", meeting), {"code": "AAAAAA"}, follow=True)
    assert response.redirect_chain == [(_url("meetings:check_in", meeting), 302)]
    assert WRONG in response.content.decode()
    assert _row(meeting, world.peer).presence == "unrecorded"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": ""}, "Enter the code shown on the screen."),
        ({"code": "ABC10I"}, "A code has six letters and digits, as the screen shows it."),
        ({"code": "x" * 50}, "Ensure this value has at most 20 characters (it has 50)."),
        ({"link": "bad"}, "This check-in link is damaged: open the link from the meeting"),
    ],
)
def test_check_in_form_refuses_malformed_input(world, meeting, now, client, data, message):
    now.move_to(at(17, 5))
    client.force_login(world.peer)
    response = client.post(_url("meetings:check_in", meeting), data)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert _row(meeting, world.peer).presence == "unrecorded"


def test_screen_shows_the_code_qr_and_count_without_inline_style(world, meeting, now, client):
    now.move_to(at(17, 5))
    check_in(meeting=meeting, user=world.peer, code=current_code(meeting))
    client.force_login(world.coordinator)
    response = client.get(_url("meetings:check_in_screen", meeting))
    page = response.content.decode()
    assert f"<strong data-check-in-code>{current_code(meeting)}</strong>" in page
    assert '<svg role="img" viewBox=' in page
    assert f"?code={current_code(meeting)}" in page
    assert response["Refresh"] == "20"
    assert "<strong>1</strong> of 3 people checked in" in page
    assert "Time here: <time" in page and ">17:05</time>" in page
    assert " style=" not in page
    assert "<script>" not in page
    assert response["Cache-Control"].startswith("max-age=0")


def test_screen_outside_the_window_shows_no_code(world, meeting, now, client):
    client.force_login(world.coordinator)
    now.move_to(at(16, 44))
    page = client.get(_url("meetings:check_in_screen", meeting)).content.decode()
    assert "Check-in opens at 16:45." in page
    assert current_code(meeting) not in page
    assert "<svg" not in page


def test_online_link_page_shows_the_link(world, meeting, now, client):
    client.force_login(world.coordinator)
    page = client.get(_url("meetings:check_in_link", meeting)).content.decode()
    assert f"/check-in/?link={link_code(meeting)}" in page
    assert "Check-in is open from 16:45 to 19:00 (America/Toronto)." in page


def test_online_link_opens_the_check_in_page_with_its_code(world, meeting, now, client):
    now.move_to(at(17, 5))
    client.force_login(world.peer)
    url = _url("meetings:check_in", meeting) + f"?link={link_code(meeting)}"
    page = client.get(url).content.decode()
    assert f'name="link" value="{link_code(meeting)}"' in page
    client.post(url, {"link": link_code(meeting)})
    assert _row(meeting, world.peer).presence_source == "self_link"


def test_meeting_page_offers_check_in_while_open(world, meeting, now, client):
    client.force_login(world.peer)
    now.move_to(at(16, 0))
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "At the meeting, check in here from 16:45." in page
    now.move_to(at(17, 0))
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert f'href="{_url("meetings:check_in", meeting)}">Check in</a>' in page
    assert "Open the check-in screen" not in page
    client.force_login(world.coordinator)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Open the check-in screen" in page


def test_campus_settings_page_has_the_check_in_settings(world, client):
    client.force_login(world.coordinator)
    page = client.get(reverse("members:campus_settings", kwargs={"campus": "riverside"}))
    content = page.content.decode()
    for name in (
        "check_in_grace_minutes",
        "check_in_opens_minutes_before",
        "check_in_closes_minutes_after",
    ):
        assert f'name="{name}"' in content


# --- queries: constant in the number of members ---------------------------------------------
@pytest.mark.parametrize("members", [5, 120])
@pytest.mark.parametrize(
    ("name", "role", "queries"),
    [
        ("meetings:check_in_screen", "coordinator", 7),
        ("meetings:check_in", "peer", 7),
        ("meetings:check_in_link", "coordinator", 6),
    ],
)
def test_check_in_pages_queries(
    world, meeting, now, client, django_assert_num_queries, members, name, role, queries
):
    for _ in range(members - 3):
        MembershipFactory(campus=world.campus)  # expected at the meeting
    meeting.attendances.update(presence="present", presence_source="coordinator")
    now.move_to(at(17, 5))
    client.force_login(getattr(world, role))
    with django_assert_num_queries(queries):
        response = client.get(_url(name, meeting))
    assert response.status_code == 200
