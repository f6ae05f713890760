import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ActionItemFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _url(name, world, **kwargs):
    return reverse(name, kwargs={"campus": world.campus.slug, **kwargs})


DATE_FORMAT = "Enter a date as YYYY-MM-DD, e.g. 2026-09-01."
DATE_RANGE = "Choose a date between 2000 and 2100."


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("start=2026-13-01&end=2026-12-31", {"start": [DATE_FORMAT]}),
        ("start=yesterday", {"start": [DATE_FORMAT]}),
        ("start=20260901", {"start": [DATE_FORMAT]}),
        ("end=9999-12-31T20:00", {"end": [DATE_FORMAT]}),
        ("end=a%00b", {"end": [DATE_FORMAT]}),
        (
            "start=2026-09-01&end=2026-01-01",
            {"start": ["The start (2026-09-01) is after the end (2026-01-01)."]},
        ),
        ("start=2000-01-01&end=2026-01-01", {"start": ["Choose a range of at most ten years."]}),
        ("start=1900-01-01&end=2026-01-01", {"start": [DATE_RANGE]}),
        # The last twelve months before year 1, and the day after 31 December 9999, do not exist.
        ("end=0001-01-01", {"end": [DATE_RANGE]}),
        ("start=0001-01-01&end=0001-06-01", {"start": [DATE_RANGE], "end": [DATE_RANGE]}),
        ("end=9999-12-31", {"end": [DATE_RANGE]}),
        ("start=2101-01-01", {"start": [DATE_RANGE]}),
    ],
)
def test_bad_export_dates_answer_a_clear_400(coordinator_client, world, query, errors):
    response = coordinator_client.get(f"{_url('reports:attendance_csv', world)}?{query}")
    html = response.content.decode()
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert response.context["form"].errors == errors
    assert "The attendance export needs valid dates" in html
    for messages in errors.values():
        assert '<div class="invalid-feedback" id="export-' in html
        assert messages[0] in html


def test_export_dates_on_the_edges_of_the_range(coordinator_client, world):
    response = coordinator_client.get(
        f"{_url('reports:attendance_csv', world)}?start=2091-01-01&end=2100-12-31"
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="attendance-riverside-2091-01-01-to-2100-12-31.csv"'
    )


def test_another_campus_meeting_export_is_404(coordinator_client, world):
    from tests.factories import MeetingFactory

    elsewhere = MeetingFactory(campus=world.other_campus)
    url = _url("reports:meeting_attendance_csv", world, pk=elsewhere.pk)
    assert coordinator_client.get(url).status_code == 404


def test_dashboard_shows_the_state_at_a_glance(client, scene):
    w = scene.world
    client.force_login(w.coordinator)
    response = client.get(_url("reports:dashboard", w))
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 member</a> missed 2 or more of their last 3 recorded meetings: Peer One." in html
    assert "A partner representative was not at every one of the first 4 meetings." in html
    assert (
        "<strong>50%</strong> of training items were facilitated by peer supporters (3 of 6)"
        in html
    )
    assert '<tr class="row-below">' in html and "Below expectation" in html
    assert html.count('role="img"') == 2
    # No inline style or script (CSP): the only scripts are files (htmx from its package).
    assert "style=" not in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts and all(" src=" in attrs and not body.strip() for attrs, body in scripts)
    assert "Jo Joiner offers “Navigating conversations about medication”" in html
    assert "Attending (1)" in html and "Not attending (1)" in html and "No response (1)" in html


def test_dashboard_leads_with_what_needs_action(client, scene):
    w = scene.world
    client.force_login(w.coordinator)
    html = client.get(_url("reports:dashboard", w)).content.decode()
    attention = html[html.index('id="attention-heading"') : html.index('id="cadence-heading"')]
    assert (
        "No meeting planned in <strong>October 2026</strong>, <strong>December 2026</strong>. "
        '<a href="/c/riverside/meetings/new/">Schedule a meeting</a>' in attention
    )
    assert '<a href="#cadence-heading">5 past months</a> of the last twelve' in attention
    assert "<strong>1</strong> attending · <strong>1</strong> not attending · " in attention
    assert "overdue" not in attention
    # Only the action section comes before the cadence; the details fold.
    assert html.index('id="attention-heading"') < html.index('id="cadence-heading"')
    assert html.count("<details") == 6  # responses, two tables, members, training, exports
    assert html.count(" data-open-wide>") == 5  # opened on wide screens only
    assert "0 excused" not in html and "0 unrecorded" not in html


def test_dashboard_flags_overdue_action_items(client, world, now):
    meeting = MeetingFactory(campus=world.campus, starts_at=timezone.now() - dt.timedelta(days=20))
    ActionItemFactory(
        meeting=meeting,
        text="Book the room",
        owner=world.peer,
        due_on=timezone.localdate() - dt.timedelta(days=2),
    )
    ActionItemFactory(
        meeting=meeting, text="Not yet due", due_on=timezone.localdate() + dt.timedelta(days=5)
    )
    client.force_login(world.coordinator)
    html = client.get(_url("reports:dashboard", world)).content.decode()
    attention = html[html.index('id="attention-heading"') : html.index('id="next-heading"')]
    assert '<a href="#actions-heading">1 action item overdue</a>: Book the room (' in attention
    assert "Not yet due" not in attention


def test_dashboard_is_not_for_peer_supporters(peer_client, world):
    assert peer_client.get(_url("reports:dashboard", world)).status_code == 403


def test_my_page_has_one_click_respond_buttons(client, scene):
    w = scene.world
    client.force_login(w.peer)
    html = client.get(_url("reports:my_page", w)).content.decode()
    respond = reverse(
        "meetings:meeting_respond", kwargs={"campus": "riverside", "pk": scene.meetings["G"].pk}
    )
    assert f'action="{respond}"' in html
    assert 'name="response" value="attending"' in html
    assert "Your role: Peer supporter" in html
    assert "Personal safety and anonymity" in html


def test_my_page_respond_button_records_the_answer(client, scene):
    w = scene.world
    client.force_login(w.peer)
    g = scene.meetings["G"]
    url = reverse("meetings:meeting_respond", kwargs={"campus": "riverside", "pk": g.pk})
    client.post(url, {"response": "not_attending"})
    assert g.attendances.get(user=w.peer).response == "not_attending"


def test_site_admin_who_is_not_a_member_has_no_own_page(client, world):
    client.force_login(world.admin)
    assert client.get(_url("reports:my_page", world)).status_code == 403
    assert client.get(_url("reports:dashboard", world)).status_code == 200


def test_overview_lists_every_campus_for_site_admins(client, scene):
    client.force_login(scene.world.admin)
    html = client.get(reverse("reports:overview")).content.decode()
    assert "Hillside" in html and "Riverside" in html
    assert html.count('role="img"') == 4


def test_overview_refuses_coordinators(coordinator_client):
    assert coordinator_client.get(reverse("reports:overview")).status_code == 403


def test_home_sends_coordinators_to_the_dashboard_and_others_to_their_page(client, world):
    client.force_login(world.coordinator)
    assert client.get(reverse("home")).url == "/c/riverside/dashboard/"
    client.force_login(world.partner)  # not at a meeting yet: the campus page welcomes them
    assert client.get(reverse("home")).url == "/c/riverside/"


def test_home_sends_a_site_admin_with_a_current_campus_to_its_dashboard(client, world):
    client.force_login(world.admin)
    assert client.get(reverse("home")).status_code == 200  # no current campus: every campus
    client.get(_url("members:campus_home", world))
    assert client.get(reverse("home")).url == "/c/riverside/dashboard/"


def test_coordinator_on_another_campus_is_a_peer_there(client, world):
    MembershipFactory(user=world.other_coordinator, campus=world.campus)
    client.force_login(world.other_coordinator)
    assert client.get(_url("reports:dashboard", world)).status_code == 403
    assert client.get(_url("reports:my_page", world)).status_code == 200


def test_responding_from_my_page_returns_there(client, world):
    import datetime as dt

    from django.utils import timezone

    from meetings import services

    start = timezone.now() + dt.timedelta(days=3)
    meeting = services.schedule_meeting(
        campus=world.campus,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        title="Next one",
        location="Room 5",
        by=world.coordinator,
    )
    client.force_login(world.peer)
    response = client.post(
        f"/c/riverside/meetings/{meeting.pk}/respond/",
        {"response": "attending", "note": "", "next": "me"},
    )
    assert response.url == "/c/riverside/me/"
    assert meeting.attendances.get(user=world.peer).response == "attending"


def test_my_page_lists_the_last_twelve_meetings_and_links_to_all(client, world, now):
    """Fourteen past monthly meetings: the page's table holds the latest twelve and links to
    the full history; the counts above it still read every meeting of the last 12 months."""
    import datetime as dt

    from tests.factories import AttendanceFactory, MeetingFactory

    for month in range(14):
        starts = dt.datetime(2026, 9, 1, 21, tzinfo=dt.UTC) - dt.timedelta(days=30 * month)
        meeting = MeetingFactory(
            campus=world.campus,
            title=f"Past {month}",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=1),
        )
        AttendanceFactory(meeting=meeting, user=world.peer, presence="present")
    client.force_login(world.peer)
    response = client.get(_url("reports:my_page", world))
    html = response.content.decode()
    history = reverse("meetings:attendance_history", kwargs={"campus": world.campus.slug})
    assert f'Your last 12 meetings, latest first (<a href="{history}">all 14</a>)' in html
    assert ">Past 11</a>" in html
    assert ">Past 12</a>" not in html
    assert response.context["last_12_months"].attended == 12  # 6 Sep 2025 is over a year ago
