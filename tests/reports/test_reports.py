import datetime as dt

import pytest

from meetings.models import Attendance
from members.models import Membership
from reports import charts
from reports import selectors as reports
from tests.factories import MembershipFactory

from .conftest import NOW, attend, local, meeting

pytestmark = pytest.mark.django_db


def _counts(c):
    return (c.expected, c.attended, c.excused, c.missed, c.unrecorded)


def test_cadence_states_in_the_campus_time_zone(scene):
    cells = reports.cadence(campus=scene.world.campus, now=NOW)
    assert [(f"{c.month:%Y-%m}", c.state) for c in cells] == [
        ("2025-10", "none"),
        ("2025-11", "none"),
        ("2025-12", "none"),
        ("2026-01", "none"),
        ("2026-02", "held"),
        ("2026-03", "held"),  # 21:00 on 31 March in Toronto is 1 April in UTC
        ("2026-04", "held"),  # a held meeting and a cancelled one
        ("2026-05", "cancelled"),
        ("2026-06", "held"),
        ("2026-07", "held"),
        ("2026-08", "held"),
        ("2026-09", "scheduled"),
        ("2026-10", "none"),
        ("2026-11", "scheduled"),
        ("2026-12", "none"),
    ]
    april = cells[6]
    assert (april.held, april.scheduled, april.cancelled) == (1, 0, 1)
    assert [c.is_current for c in cells].index(True) == 11


def test_a_meeting_held_earlier_this_month_makes_the_month_held(scene):
    meeting(scene.world.campus, local(2026, 9, 3), "Early September")
    cells = reports.cadence(campus=scene.world.campus, now=NOW)
    assert (cells[11].state, cells[11].held, cells[11].scheduled) == ("held", 1, 1)


def test_cadence_by_campus_keeps_campuses_apart(scene):
    w = scene.world
    result = reports.cadence_by_campus(campuses=[w.campus, w.other_campus], now=NOW)
    assert [c.state for c in result[w.other_campus.pk]].count("held") == 1  # August elsewhere
    assert result[w.other_campus.pk][10].state == "held"


def test_next_meeting_groups_responses(scene):
    w = scene.world
    nxt = reports.next_meeting(campus=w.campus, now=NOW)
    assert nxt.meeting == scene.meetings["G"]
    assert [a.user_id for a in nxt.attending] == [w.peer.pk]
    assert [a.user_id for a in nxt.not_attending] == [scene.joiner.pk]
    assert [a.user_id for a in nxt.no_response] == [scene.peer3.pk]


def test_no_next_meeting(world, now):
    assert reports.next_meeting(campus=world.campus, now=NOW) is None


def test_member_attendance_counts_and_highlighting(scene):
    w = scene.world
    rows = {r.user: r for r in reports.member_attendance(campus=w.campus, now=NOW)}
    assert [r.user.name for r in reports.member_attendance(campus=w.campus, now=NOW)] == [
        "Cora Coordinator",
        "Jo Joiner",
        "Pat Third",
        "Peer One",
        "Pia Partner",
    ]
    # (expected, attended, excused, missed, unrecorded)
    peer = rows[w.peer]
    assert _counts(peer.last_6_months) == (5, 2, 0, 2, 1)  # A B D E F; C was cancelled
    assert _counts(peer.last_12_months) == (6, 3, 0, 2, 1)  # and Y in February
    assert (peer.recent_recorded, peer.recent_missed, peer.below_expectation) == (3, 2, True)
    peer3 = rows[scene.peer3]
    assert _counts(peer3.last_6_months) == (5, 3, 1, 1, 0)
    assert _counts(peer3.last_12_months) == (5, 3, 1, 1, 0)  # Z is older than 12 months
    assert (peer3.recent_recorded, peer3.recent_missed, peer3.below_expectation) == (3, 1, False)
    # Joined in July: never counted at the meetings before.
    joiner = rows[scene.joiner]
    assert _counts(joiner.last_12_months) == (2, 1, 0, 1, 0)
    assert (joiner.recent_recorded, joiner.recent_missed, joiner.below_expectation) == (
        2,
        1,
        False,
    )
    partner = rows[w.partner]
    assert _counts(partner.last_12_months) == (3, 1, 0, 1, 1)
    assert (partner.recent_recorded, partner.recent_missed) == (3, 1)  # B absent, A and Z present
    assert rows[w.coordinator].last_12_months.rate == 100
    assert peer.last_12_months.rate == 60  # 3 of 5 recorded and not excused


def test_highlighting_follows_the_campus_setting(scene):
    campus = scene.world.campus
    campus.attendance_window, campus.attendance_max_missed = 5, 1
    rows = {r.user: r for r in reports.member_attendance(campus=campus, now=NOW)}
    below = {user.name for user, r in rows.items() if r.below_expectation}
    assert below == {"Peer One", "Pat Third", "Jo Joiner", "Pia Partner"}
    assert rows[scene.world.peer].recent_recorded == 5  # F (unrecorded) skipped, Y included


def test_people_who_left_are_not_listed(scene):
    m = Membership.objects.get(user=scene.peer3, campus=scene.world.campus)
    m.status, m.left_on = Membership.Status.LEFT, dt.date(2026, 9, 15)
    m.save()
    names = [r.user.name for r in reports.member_attendance(campus=m.campus, now=NOW)]
    assert "Pat Third" not in names


def test_attendance_by_month(scene):
    months = reports.attendance_by_month(campus=scene.world.campus, now=NOW)
    assert f"{months[0].month:%Y-%m}" == "2025-10"
    by = {f"{m.month:%Y-%m}": m for m in months}
    march = by["2026-03"]  # A: peer present, peer3 excused, coordinator present, partner present
    assert (march.meetings, march.expected, march.attended, march.excused, march.rate) == (
        1,
        4,
        3,
        1,
        75,
    )
    april = by["2026-04"]  # B only (Bc cancelled): peer late, peer3, coordinator; partner absent
    assert (april.meetings, april.expected, april.attended, april.missed, april.rate) == (
        1,
        4,
        3,
        1,
        75,
    )
    assert by["2026-05"].rate is None  # only cancelled
    august = by["2026-08"]  # F: peer unrecorded, peer3 present, joiner absent, coordinator
    assert (august.expected, august.attended, august.missed, august.unrecorded) == (4, 2, 1, 1)
    assert by["2026-09"].expected == 0  # G is still to come


def test_partner_involvement_warns_about_a_first_meeting_without_the_partner(scene):
    partner = reports.partner_involvement(campus=scene.world.campus, now=NOW)
    assert [(p.meeting.title, p.attended, p.facilitated, p.lacking) for p in partner.meetings] == [
        ("Z", True, False, False),
        ("Y", False, False, True),
        ("A", True, False, False),
        ("B", False, True, False),  # absent, but facilitated the training
    ]
    assert partner.warning is True
    assert partner.not_yet_scheduled == 0


def test_partner_involvement_without_warning_while_meetings_are_to_come(world, now):
    campus = world.campus
    first = meeting(campus, local(2026, 8, 11), "First")
    meeting(campus, local(2026, 8, 25), "Called off", cancelled=True)
    second = meeting(campus, local(2026, 9, 22), "Second")
    attend(first, world.partner, Attendance.Presence.LATE)
    attend(second, world.partner)
    partner = reports.partner_involvement(campus=campus, now=NOW)
    assert [(p.meeting.title, p.involved, p.has_started) for p in partner.meetings] == [
        ("First", True, True),
        ("Second", False, False),
    ]
    assert (partner.warning, partner.not_yet_scheduled) == (False, 1)


def test_a_peer_supporter_present_does_not_count_as_partner(world, now):
    first = meeting(world.campus, local(2026, 8, 11), "First")
    attend(first, world.peer, Attendance.Presence.PRESENT)
    partner = reports.partner_involvement(campus=world.campus, now=NOW)
    assert partner.warning is True


def test_topic_coverage(scene):
    coverage = reports.topic_coverage(campus=scene.world.campus, now=NOW)
    assert [(c.topic.title, c.times_covered, c.last_covered, c.state) for c in coverage] == [
        ("Avoiding peer drift", 2, dt.date(2026, 8, 11), "covered"),
        ("Cultural competency", 1, dt.date(2026, 6, 9), "due"),  # every 3 months
        ("Navigating conversations about medication", 0, None, "never"),
        ("Old used topic", 1, dt.date(2026, 7, 14), "covered"),  # archived but used here
        ("Personal safety and anonymity", 1, dt.date(2026, 3, 31), "covered"),  # local date
    ]


def test_a_topic_is_due_only_after_its_whole_interval(scene):
    coverage = {
        c.topic.title: c.state
        for c in reports.topic_coverage(
            campus=scene.world.campus, now=dt.datetime(2026, 9, 9, 12, tzinfo=dt.UTC)
        )
    }
    assert coverage["Cultural competency"] == "covered"  # exactly three months: not yet due


def test_facilitation_share_and_peers_not_yet(scene):
    f = reports.facilitation(campus=scene.world.campus, now=NOW)
    # B partner, F peer, D coordinator, A peer3, E nobody, E peer (no topic): 3 of 6 by peers.
    assert (f.training_items, f.by_peer_supporters, f.share) == (6, 3, 50)
    # The joiner is to facilitate G, which has not happened yet.
    assert [m.user for m in f.peers_not_yet] == [scene.joiner]


def test_training_suggestions(scene):
    campus = scene.world.campus
    coverage = reports.topic_coverage(campus=campus, now=NOW)
    s = reports.training_suggestions(coverage=coverage, campus=campus)
    assert [(o.user, o.topic.title) for o in s.offers] == [
        (scene.joiner, "Navigating conversations about medication")
    ]
    assert [c.topic.title for c in s.due] == ["Cultural competency"]
    assert [c.topic.title for c in s.never] == ["Navigating conversations about medication"]


def test_my_page(scene):
    w = scene.world
    page = reports.my_page(user=w.peer, campus=w.campus, now=NOW)
    assert [m.title for m in page["upcoming"]] == ["G", "H"]
    assert [m.title for m in page["past"]] == ["F", "E", "D", "C", "B", "A", "Y"]
    assert _counts(page["last_6_months"]) == (5, 2, 0, 2, 1)
    assert _counts(page["last_12_months"]) == (6, 3, 0, 2, 1)
    assert page["past_count"] == 7
    assert [(t.topic.title, t.times, t.last) for t in page["training"].attended_topics] == [
        ("Avoiding peer drift", 1, local(2026, 4, 14)),
        ("Personal safety and anonymity", 1, local(2026, 3, 31, 21)),
    ]
    assert [
        (i.starts_at, i.topic and i.topic.title, i.title, i.coming_up)
        for i in page["training"].facilitated
    ] == [
        (local(2026, 8, 11), "Avoiding peer drift", "Training", False),
        (local(2026, 7, 14), None, "Peer-led role play", False),
    ]
    joiner = reports.my_page(user=scene.joiner, campus=w.campus, now=NOW)
    assert [(i.starts_at, i.coming_up) for i in joiner["training"].facilitated] == [
        (local(2026, 9, 22), True)  # G, coming up
    ]
    assert [o.topic.title for o in joiner["offers"]] == [
        "Navigating conversations about medication"
    ]


def test_my_page_shows_the_last_twelve_past_meetings_and_counts_them_all(world, now):
    """Fourteen past monthly meetings and two to come (one cancelled): the table gets the
    latest twelve, the count and the figures every one."""
    for i in range(14):
        m = meeting(world.campus, local(2026, 9, 1) - dt.timedelta(days=30 * i), f"P{i}")
        attend(m, world.peer, Attendance.Presence.PRESENT)
    attend(meeting(world.campus, local(2026, 10, 6), "Next"), world.peer)
    attend(meeting(world.campus, local(2026, 9, 22), "Called off", cancelled=True), world.peer)
    page = reports.my_page(user=world.peer, campus=world.campus, now=NOW)
    assert [m.title for m in page["upcoming"]] == ["Next"]
    assert [m.title for m in page["past"]] == [f"P{i}" for i in range(12)]
    assert page["past_count"] == 14
    assert page["last_12_months"].attended == 12


def test_training_record_topics_once_each_latest_first_ties_by_agenda_order(world, now):
    from tests.factories import AgendaItemFactory, TopicFactory

    first, second, third = (TopicFactory(title=t) for t in ("Zeta", "Alpha", "Mu"))
    old, recent = (
        meeting(world.campus, local(2026, 6, 9), "Old"),
        meeting(world.campus, local(2026, 8, 11), "Recent"),
    )
    for m in (old, recent):
        attend(m, world.peer, Attendance.Presence.PRESENT)
    items = [(old, third), (old, second), (recent, first), (recent, second), (recent, first)]
    for position, (m, topic) in enumerate(items, start=1):
        AgendaItemFactory(meeting=m, position=position, kind="training", topic=topic)
    record = reports.my_page(user=world.peer, campus=world.campus, now=NOW)["training"]
    assert [(t.topic.title, t.times, t.last) for t in record.attended_topics] == [
        ("Zeta", 1, local(2026, 8, 11)),  # twice in one meeting: once
        ("Alpha", 2, local(2026, 8, 11)),
        ("Mu", 1, local(2026, 6, 9)),
    ]


def test_overview(scene):
    rows = reports.overview(now=NOW)
    assert [(r.campus.name, r.active_members) for r in rows] == [
        ("Hillside", 1),
        ("Riverside", 5),
    ]
    riverside = rows[1]
    assert riverside.months_without_meeting == 5  # Oct-Jan none, May only cancelled
    # 12 months: Y 2/2, A 3/4, B 3/4, D 2/4, E 2/4, F 2/4.
    assert riverside.attendance_rate == 64


def test_charts_are_accessible_svg(scene):
    campus = scene.world.campus
    strip = charts.cadence_strip(reports.cadence(campus=campus, now=NOW))
    assert strip.startswith('<svg class="chart chart-cadence" role="img" aria-label="Meetings')
    assert "October 2025 to December 2026: 6 held, 2 scheduled, 1 only cancelled, 6 with" in strip
    assert strip.count("<rect") == 15
    assert "style=" not in strip and "<script" not in strip
    bars = charts.attendance_bars(reports.attendance_by_month(campus=campus, now=NOW))
    assert 'role="img"' in bars
    assert "6 of 12 months had meetings; lowest 50%, highest 100%, overall 64%." in bars
    assert bars.count('class="chart-bar') == 6
    assert "style=" not in bars


def test_chart_labels_are_escaped():
    months = [reports.CadenceMonth(dt.date(2026, 1, 1), "none")]
    assert '&lt;b&gt;"' not in charts.cadence_strip(months, label='<b>"')
    assert "&lt;b&gt;&quot;" in charts.cadence_strip(months, label='<b>"')


def test_joined_later_member_has_no_rows_before(scene):
    late = MembershipFactory(campus=scene.world.campus, user__name="Newest").user
    rows = {r.user: r for r in reports.member_attendance(campus=scene.world.campus, now=NOW)}
    assert _counts(rows[late].last_12_months) == (0, 0, 0, 0, 0)
    assert rows[late].below_expectation is False


def test_attended_topics_lists_each_topic_once_latest_first():
    import types

    def item(meeting_id, topic, day):
        return (meeting_id, dt.datetime(2026, 1, day, tzinfo=dt.UTC), topic.pk)

    drift = types.SimpleNamespace(pk=1, title="Avoiding peer drift")
    safety = types.SimpleNamespace(pk=2, title="Personal safety and anonymity")
    topics = reports.attended_topics(
        [  # latest first, as training_record reads them
            item(30, drift, 30),
            item(20, safety, 20),
            item(10, drift, 10),
            item(10, drift, 10),  # twice in one meeting: once
        ],
        {1: drift, 2: safety},
    )
    assert [(t.topic.title, t.times, t.last.day) for t in topics] == [
        ("Avoiding peer drift", 2, 30),
        ("Personal safety and anonymity", 1, 20),
    ]


def test_my_page_topics_in_the_readers_language_else_the_other(world, now):
    from django.utils import translation

    from tests.factories import FacilitationOfferFactory, TopicFactory

    from .conftest import training

    both = TopicFactory(title="Listening well", title_fr="Bien écouter")
    english = TopicFactory(title="Only in English", title_fr="")
    held = meeting(world.campus, local(2026, 8, 11), "Held")
    attend(held, world.peer, Attendance.Presence.PRESENT)
    training(held, topic=both)
    training(held, topic=english, facilitator=world.peer)
    FacilitationOfferFactory(campus=world.campus, user=world.peer, topic=both, note="Soon")
    with translation.override("fr"):
        page = reports.my_page(user=world.peer, campus=world.campus, now=NOW)
    record = page["training"]
    assert [(t.topic.title, t.topic.url) for t in record.attended_topics] == [
        ("Bien écouter", f"/catalogue/{both.pk}/"),
        ("Only in English", f"/catalogue/{english.pk}/"),
    ]
    assert [(i.topic.title, i.coming_up) for i in record.facilitated] == [
        ("Only in English", False)
    ]
    assert [(o.topic.title, o.topic.url, o.note) for o in page["offers"]] == [
        ("Bien écouter", f"/catalogue/{both.pk}/", "Soon")
    ]


def test_my_page_meetings_to_come_carry_their_answer_and_addresses(world, now):
    nxt = meeting(world.campus, local(2026, 10, 6), "Next")
    attend(nxt, world.peer)
    page = reports.my_page(user=world.peer, campus=world.campus, now=NOW)
    [upcoming] = page["upcoming"]
    assert (upcoming.pk, upcoming.url, upcoming.response, upcoming.ends_at) == (
        nxt.pk,
        f"/c/{world.campus.slug}/meetings/{nxt.pk}/",
        "no_response",
        nxt.ends_at,
    )


def test_own_overdue_actions_are_the_persons_open_past_due_ones_on_this_campus(world, now):
    from tests.factories import ActionItemFactory

    held = meeting(world.campus, local(2026, 8, 11), "Held <b>")
    elsewhere = meeting(world.other_campus, local(2026, 8, 11), "Elsewhere")
    today = NOW.astimezone(world.campus.tz).date()
    late = ActionItemFactory(meeting=held, owner=world.peer, due_on=today - dt.timedelta(days=2))
    ActionItemFactory(meeting=held, owner=world.peer, due_on=today)  # due today: not yet
    ActionItemFactory(
        meeting=held, owner=world.peer, due_on=dt.date(2026, 8, 1), done=True, done_at=NOW
    )
    ActionItemFactory(meeting=held, owner=world.partner, due_on=dt.date(2026, 8, 1))
    ActionItemFactory(meeting=elsewhere, owner=world.peer, due_on=dt.date(2026, 8, 1))
    items = reports.own_overdue_actions(user=world.peer, campus=world.campus)
    assert [(i.pk, i.meeting_id, i.meeting_title, i.owner, i.owner_id) for i in items] == [
        (late.pk, held.pk, "Held <b>", world.peer, world.peer.pk)
    ]
