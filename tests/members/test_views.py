import pytest
from django.db.models import F
from django.urls import reverse

from meetings.models import Attendance
from members.models import Invitation, Membership, User
from tests.factories import (
    AttendanceFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def test_login_lands_a_new_member_on_the_campus_page(client, world):
    response = client.post(
        reverse("account_login"), {"login": world.peer.email, "password": "a-long-test-password-42"}
    )
    assert response.status_code == 302
    response = client.get(response.url, follow=True)
    assert response.redirect_chain[-1][0] == "/c/riverside/"
    assert "Your role: Peer supporter" in response.content.decode()


def test_login_lands_a_member_who_attended_on_their_page(client, world):
    AttendanceFactory(
        meeting=MeetingFactory(campus=world.campus),
        user=world.peer,
        presence=Attendance.Presence.PRESENT,
    )
    response = client.post(
        reverse("account_login"), {"login": world.peer.email, "password": "a-long-test-password-42"}
    )
    response = client.get(response.url, follow=True)
    assert response.redirect_chain[-1][0] == "/c/riverside/me/"


def test_public_signup_is_closed(client, db):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "x@example.edu",
            "password1": "a-long-pass-1234",
            "password2": "a-long-pass-1234",
        },
    )
    assert "Joining is by invitation" in response.content.decode()
    assert User.objects.count() == 0


def test_home_remembers_the_campus_last_visited(client, world):
    MembershipFactory(user=world.peer, campus=world.other_campus)
    client.force_login(world.peer)
    client.get(reverse("members:campus_home", kwargs={"campus": "hillside"}))
    assert client.get(reverse("home")).url == "/c/hillside/"
    client.get(reverse("members:campus_home", kwargs={"campus": "riverside"}))
    assert client.get(reverse("home")).url == "/c/riverside/"


def test_home_remembers_the_last_campus_across_logins(client, world):
    MembershipFactory(
        user=world.coordinator, campus=world.other_campus, role=Membership.Role.COORDINATOR
    )
    client.force_login(world.coordinator)
    assert client.get(reverse("home")).url == "/c/hillside/dashboard/"  # first by name
    client.get(reverse("reports:dashboard", kwargs={"campus": "hillside"}))
    client.get(reverse("members:campus_home", kwargs={"campus": "riverside"}))  # switches
    client.logout()
    client.force_login(world.coordinator)  # a new session
    assert client.get(reverse("home")).url == "/c/riverside/dashboard/"
    world.coordinator.refresh_from_db()
    assert world.coordinator.last_campus == world.campus


def test_home_ignores_a_last_campus_the_person_left(client, world):
    membership = MembershipFactory(user=world.coordinator, campus=world.other_campus)
    client.force_login(world.coordinator)
    client.get(reverse("members:campus_home", kwargs={"campus": "riverside"}))
    client.get(reverse("members:campus_home", kwargs={"campus": "hillside"}))
    Membership.objects.filter(pk=membership.pk).update(
        status=Membership.Status.LEFT, left_on=membership.joined_on
    )
    client.logout()
    client.force_login(world.coordinator)
    assert client.get(reverse("home")).url == "/c/riverside/dashboard/"
    world.coordinator.refresh_from_db()
    assert world.coordinator.last_campus == world.other_campus  # kept, but not followed


def test_campus_switcher_lists_only_own_campuses(client, world):
    MembershipFactory(user=world.peer, campus=world.other_campus)
    client.force_login(world.peer)
    html = client.get("/c/riverside/").content.decode()
    assert 'href="/c/hillside/"' in html
    client.force_login(world.coordinator)
    assert 'href="/c/hillside/"' not in client.get("/c/riverside/").content.decode()


def test_member_who_left_gets_404_for_the_campus(client, world):
    Membership.objects.filter(user=world.peer).update(status="left", left_on=F("joined_on"))
    client.force_login(world.peer)
    assert client.get("/c/riverside/").status_code == 404


def test_peer_sees_no_member_list_on_campus_page(client, world):
    client.force_login(world.peer)
    html = client.get("/c/riverside/").content.decode()
    assert world.partner.email not in html
    client.force_login(world.coordinator)
    assert world.partner.email in client.get("/c/riverside/").content.decode()


def test_invite_malformed_email_shows_field_error(coordinator_client, world):
    response = coordinator_client.post(
        "/c/riverside/members/invite/", {"email": "not-an-address", "role": "peer_supporter"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"email": ["Enter a valid email address."]}
    assert Invitation.objects.count() == 0


def test_invite_existing_member_shows_message(coordinator_client, world):
    response = coordinator_client.post(
        "/c/riverside/members/invite/", {"email": world.peer.email, "role": "peer_supporter"}
    )
    assert response.context["form"].errors == {
        "email": [f"{world.peer.email} is already a member of Riverside."]
    }
    assert Invitation.objects.count() == 0


def test_coordinator_cannot_grant_site_admin(coordinator_client, world):
    response = coordinator_client.post(
        "/c/riverside/members/invite/", {"email": "boss@example.edu", "role": "admin"}
    )
    assert "Select a valid choice" in response.context["form"].errors["role"][0]
    membership = world.peer.memberships.get()
    response = coordinator_client.post(
        f"/c/riverside/members/{membership.pk}/", {"role": "site_admin", "status": "active"}
    )
    assert "role" in response.context["form"].errors
    world.peer.refresh_from_db()
    assert (world.peer.is_superuser, world.peer.is_staff) == (False, False)
    assert Invitation.objects.count() == 0


def test_coordinator_changes_role_and_puts_member_on_leave(coordinator_client, world):
    membership = world.peer.memberships.get()
    response = coordinator_client.post(
        f"/c/riverside/members/{membership.pk}/", {"role": "coordinator", "status": "on_leave"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.role, membership.status) == ("coordinator", "on_leave")
    history = coordinator_client.get(f"/c/riverside/members/{membership.pk}/").context["history"]
    assert history[0].history_user == world.coordinator


def test_membership_of_another_campus_is_404(coordinator_client, world):
    other = world.other_coordinator.memberships.get()
    assert coordinator_client.get(f"/c/riverside/members/{other.pk}/").status_code == 404
    response = coordinator_client.post(
        f"/c/riverside/members/{other.pk}/", {"role": "peer_supporter", "status": "left"}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert (other.role, other.status) == ("coordinator", "active")


def test_invitation_of_another_campus_cannot_be_revoked(coordinator_client, world):
    invitation = InvitationFactory(campus=world.other_campus)
    response = coordinator_client.post(f"/c/riverside/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_accepting_an_invitation_logs_in_and_lands_on_campus(client, world):
    InvitationFactory(campus=world.campus, email="new@example.edu", token="tok")
    response = client.post(
        "/invitations/tok/",
        {
            "name": "New Person",
            "password1": "a-good-long-passphrase",
            "password2": "a-good-long-passphrase",
        },
    )
    assert response.url == "/c/riverside/"
    assert client.get("/c/riverside/").context["user"].email == "new@example.edu"


def test_accepting_with_mismatched_passwords_changes_nothing(client, world):
    InvitationFactory(campus=world.campus, email="new@example.edu", token="tok")
    response = client.post(
        "/invitations/tok/",
        {
            "name": "New Person",
            "password1": "a-good-long-passphrase",
            "password2": "different-one-here",
        },
    )
    assert response.context["form"].errors == {"password2": ["The two passwords differ."]}
    assert not User.objects.filter(email="new@example.edu").exists()


def test_accepting_with_weak_password_changes_nothing(client, world):
    InvitationFactory(campus=world.campus, email="new@example.edu", token="tok")
    response = client.post(
        "/invitations/tok/", {"name": "New Person", "password1": "123", "password2": "123"}
    )
    assert "This password is too short." in response.context["form"].errors["password1"][0]
    assert not User.objects.filter(email="new@example.edu").exists()


def test_reused_and_unknown_links_get_a_clear_page(client, world):
    InvitationFactory(campus=world.campus, email="new@example.edu", token="tok")
    data = {
        "name": "N",
        "password1": "a-good-long-passphrase",
        "password2": "a-good-long-passphrase",
    }
    client.post("/invitations/tok/", data)
    client.logout()
    response = client.get("/invitations/tok/")
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    response = client.get("/invitations/made-up/")
    assert response.status_code == 410
    assert "not valid" in response.content.decode()


def test_existing_account_joins_after_logging_in(client, world):
    InvitationFactory(campus=world.other_campus, email=world.peer.email, token="tok")
    response = client.get("/invitations/tok/")
    assert "Log in to join" in response.content.decode()
    client.force_login(world.peer)
    response = client.post("/invitations/tok/")
    assert response.url == "/c/hillside/"
    assert world.peer.memberships.filter(campus=world.other_campus).exists()


def test_security_headers_on_every_page(client, world):
    response = client.get(reverse("account_login"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"


def test_repeated_failed_logins_are_rate_limited(client, world):
    data = {"login": world.peer.email, "password": "wrong-password"}
    for _ in range(5):
        response = client.post(reverse("account_login"), data)
        assert "not correct" in response.content.decode()
    response = client.post(
        reverse("account_login"), {"login": world.peer.email, "password": "a-long-test-password-42"}
    )
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_coordinator_changes_campus_settings(coordinator_client, world):
    data = {
        "time_zone": "America/Vancouver",
        "partner_organisation": "New Partner",
        "reminder_hours_before": 24,
        "partner_initial_meetings": 4,
        "attendance_window": 4,
        "attendance_max_missed": 3,
        "check_in_grace_minutes": 5,
        "check_in_opens_minutes_before": 20,
        "check_in_closes_minutes_after": 0,
        "case_notes_retention_months": 24,
        "minutes_retention_months": "",
    }
    response = coordinator_client.post("/c/riverside/settings/", data)
    assert response.status_code == 302
    world.campus.refresh_from_db()
    assert (world.campus.time_zone, world.campus.reminder_hours_before) == ("America/Vancouver", 24)
    assert (world.campus.attendance_window, world.campus.attendance_max_missed) == (4, 3)
    assert (
        world.campus.check_in_grace_minutes,
        world.campus.check_in_opens_minutes_before,
        world.campus.check_in_closes_minutes_after,
    ) == (5, 20, 0)


def test_bad_campus_settings_change_nothing(coordinator_client, world):
    data = {
        "time_zone": "Mars/Olympus_Mons",
        "partner_organisation": "",
        "reminder_hours_before": 48,
        "partner_initial_meetings": 3,
        "attendance_window": 2,
        "attendance_max_missed": 3,
    }
    response = coordinator_client.post("/c/riverside/settings/", data)
    errors = response.context["form"].errors
    assert "Select a valid choice" in errors["time_zone"][0]
    assert errors["attendance_max_missed"] == [
        "This cannot be more than the number of meetings looked at."
    ]
    world.campus.refresh_from_db()
    assert (world.campus.time_zone, world.campus.attendance_window) == ("America/Toronto", 3)


def _notice(campus, n, status="sent", **extra):
    from django.utils import timezone

    from outbox.models import OutboundEmail

    return OutboundEmail.objects.create(
        key=f"n{campus.pk}-{n}",
        kind="test",
        campus=campus,
        to=f"p{n}@example.edu",
        subject=f"Notice {n}",
        body_text="b",
        status=status,
        next_attempt_at=timezone.now(),
        sent_at=timezone.now() if status == "sent" else None,
        **extra,
    )


def test_notices_show_this_campus_only_and_failures(coordinator_client, world):
    _notice(world.campus, 1)
    _notice(world.campus, 2, status="failed", attempts=8, last_error="SMTPRecipientsRefused")
    _notice(world.other_campus, 3)
    response = coordinator_client.get("/c/riverside/notices/")
    assert [n.subject for n in response.context["notices"]] == ["Notice 2", "Notice 1"]
    html = response.content.decode()
    assert "1 notice could not be delivered." in html
    assert "SMTPRecipientsRefused" in html
    assert "Notice 3" not in html
    failed = coordinator_client.get("/c/riverside/notices/?status=failed").context["notices"]
    assert [n.subject for n in failed] == ["Notice 2"]


@pytest.mark.parametrize("count", [3, 60])
def test_notice_list_queries_do_not_grow(
    coordinator_client, world, count, django_assert_num_queries
):
    for n in range(count):
        _notice(world.campus, n)
    coordinator_client.get("/c/riverside/")  # the campus is now the session's current one
    # user, memberships with campuses (campus check and navigation), notices count, failed count,
    # page; the session comes from the cache
    with django_assert_num_queries(5):
        response = coordinator_client.get("/c/riverside/notices/")
    assert len(response.context["notices"]) == min(count, 50)


def test_profile_turns_meeting_reminders_off(client, world):
    client.force_login(world.peer)
    response = client.post("/profile/", {"name": "Pat Peer", "language": "en"})
    assert response.status_code == 302
    world.peer.refresh_from_db()
    assert (world.peer.name, world.peer.wants_meeting_reminders) == ("Pat Peer", False)


@pytest.mark.parametrize("count", [5, 200])
def test_member_pages_queries_do_not_grow(
    coordinator_client, world, count, django_assert_num_queries
):
    for _ in range(count):
        MembershipFactory(campus=world.campus)
    InvitationFactory(campus=world.campus)
    coordinator_client.get("/c/riverside/")
    # user, memberships with campuses (campus check and navigation), members, invitations; the
    # session comes from the cache
    with django_assert_num_queries(4):
        response = coordinator_client.get("/c/riverside/members/")
    assert len(response.context["memberships"]) == count + 3
    # user, memberships with campuses, active members
    with django_assert_num_queries(3):
        response = coordinator_client.get("/c/riverside/")
    assert len(response.context["members"]) == count + 3


def test_password_reset_mail_goes_through_the_outbox(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    from outbox.models import OutboundEmail

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": world.peer.email})
    assert response.status_code == 302
    email = OutboundEmail.objects.get(to=world.peer.email)
    assert (email.kind, email.sensitive) == ("account_password_reset_key", True)
    assert len(mailoutbox) == 1
    link = next(
        line for line in mailoutbox[0].body.splitlines() if "/accounts/password/reset/key/" in line
    )
    assert client.get(link.strip().replace("http://testserver", ""), follow=True).status_code == 200


def test_campus_pages_show_the_campus_clock_and_nothing_leaks(coordinator_client, world):
    import datetime as dt

    from django.utils import timezone

    from outbox.models import OutboundEmail

    notice = _notice(world.campus, 1)
    late = dt.datetime(2026, 12, 15, 4, 30, tzinfo=dt.UTC)  # 23:30 on the 14th in Toronto
    OutboundEmail.objects.filter(pk=notice.pk).update(created_at=late)
    html = coordinator_client.get("/c/riverside/notices/").content.decode()
    assert "14 Dec 2026, 23:30 EST" in html
    assert timezone.get_current_timezone_name() == "UTC"
    html = coordinator_client.get(f"/catalogue/{TopicFactory().pk}/").content.decode()
    assert "EST" not in html


# --- one-line fields -------------------------------------------------------------------------
ONE_LINE = ["Keep this on one line: remove the line breaks."]
BREAKS = ["Pat\r\nBcc: attacker@evil.test", "Pat\nPeer", "Pat\u2028Peer", "Pat\x85Peer"]


@pytest.mark.parametrize("name", BREAKS)
def test_profile_name_with_a_line_break_is_refused(client, world, name):
    client.force_login(world.peer)
    before = world.peer.name
    response = client.post(
        "/profile/", {"name": name, "language": "en", "wants_meeting_reminders": "on"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"name": ONE_LINE}
    world.peer.refresh_from_db()
    assert world.peer.name == before


@pytest.mark.parametrize("name", BREAKS)
def test_accepting_with_a_name_on_two_lines_changes_nothing(client, world, name):
    invitation = InvitationFactory(campus=world.campus, email="new@example.edu", token="tok")
    response = client.post(
        "/invitations/tok/",
        {
            "name": name,
            "password1": "a-good-long-passphrase",
            "password2": "a-good-long-passphrase",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"name": ONE_LINE}
    assert not User.objects.filter(email="new@example.edu").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_partner_organisation_with_a_line_break_is_refused(coordinator_client, world):
    data = {
        "time_zone": "America/Toronto",
        "partner_organisation": "Partner\r\nBcc: attacker@evil.test",
        "reminder_hours_before": 48,
        "partner_initial_meetings": 3,
        "attendance_window": 3,
        "attendance_max_missed": 2,
        "check_in_grace_minutes": 10,
        "check_in_opens_minutes_before": 15,
        "check_in_closes_minutes_after": 30,
        "case_notes_retention_months": 24,
        "minutes_retention_months": "",
    }
    response = coordinator_client.post("/c/riverside/settings/", data)
    assert response.status_code == 200
    assert response.context["form"].errors == {"partner_organisation": ONE_LINE}
    world.campus.refresh_from_db()
    assert world.campus.partner_organisation == "Example Mental Health Association"


@pytest.mark.parametrize(
    "email", ["new@example.edu\r\nBcc: attacker@evil.test", "new@example.edu\nx", "a\u2028@b.edu"]
)
def test_invitation_email_on_two_lines_is_refused(coordinator_client, world, email):
    response = coordinator_client.post(
        "/c/riverside/members/invite/", {"email": email, "role": "peer_supporter"}
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Riverside\r\nBcc: attacker@evil.test"),
        ("institution", "Example\nUniversity"),
        ("partner_organisation", "Partner\u2029Org"),
    ],
)
def test_campus_one_line_fields_refuse_line_breaks_everywhere(world, field, value):
    """Site admins edit a campus's name in the admin: the model refuses what the forms do."""
    from django.core.exceptions import ValidationError

    campus = world.campus
    setattr(campus, field, value)
    with pytest.raises(ValidationError) as error:
        campus.full_clean()
    assert error.value.message_dict == {field: ONE_LINE}
