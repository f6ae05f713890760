"""The access table: for every URL name, what each role gets.

Roles: an anonymous visitor, a peer supporter, a partner representative and a coordinator of the
campus the URL belongs to, a coordinator of another campus, and a site admin. Another campus's
objects answer 404; a role that may not act on its own campus gets 403; anonymous visitors are
sent to log in (302). `test_every_url_is_in_the_table` fails when a URL is missing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLResolver, get_resolver, reverse

from .factories import (
    ActionItemFactory,
    DiscussionSuggestionFactory,
    FacilitationOfferFactory,
    InvitationFactory,
    TopicFactory,
)

ROLES = ["anonymous", "peer", "partner", "coordinator", "other_coordinator", "admin"]


def expect(anonymous=302, peer=200, partner=200, coordinator=200, other=404, admin=200):
    return {
        "anonymous": anonymous,
        "peer": peer,
        "partner": partner,
        "coordinator": coordinator,
        "other_coordinator": other,
        "admin": admin,
    }


CAMPUS_MEMBERS = expect()  # everyone on the campus, site admins too; other campuses 404
COORDINATORS = expect(peer=403, partner=403)
PUBLIC = expect(anonymous=200, other=200)
LOGGED_IN = expect(other=200)
MEMBERS = expect(admin=403)  # people who take part; site admins see but do not take part
PUBLIC_PROVIDER = expect(anonymous=200, other=200)
COORDINATOR_POST = expect(peer=403, partner=403, coordinator=302, admin=302)
SITE_ADMINS = expect(peer=403, partner=403, coordinator=403, other=403)


def campus_kwargs(w):
    return {"campus": w.campus.slug}


def invitation_kwargs(w):
    return {"campus": w.campus.slug, "pk": InvitationFactory(campus=w.campus).pk}


def invitation_token_kwargs(w):
    InvitationFactory(campus=w.campus, token="the-token")
    return {"token": "the-token"}


def failed_notice_kwargs(w):
    from outbox.models import OutboundEmail

    notice = OutboundEmail.objects.create(
        key="failed-notice",
        kind="invitation",
        campus=w.campus,
        to="gone@example.edu",
        subject="You are invited",
        body_text="b",
        status=OutboundEmail.Status.FAILED,
        attempts=1,
        next_attempt_at="2026-01-01T00:00Z",
    )
    return {"campus": w.campus.slug, "pk": notice.pk}


def _meeting(w):
    from django.utils import timezone

    from meetings.services import schedule_meeting

    starts_at = timezone.now() + timezone.timedelta(days=3)
    return schedule_meeting(
        campus=w.campus,
        starts_at=starts_at,
        ends_at=starts_at + timezone.timedelta(hours=1),
        title="Monthly meeting",
        location="Room 1",
        by=w.coordinator,
    )


def meeting_kwargs(w):
    return {"campus": w.campus.slug, "pk": _meeting(w).pk}


def agenda_item_kwargs(w):
    meeting = _meeting(w)
    return {"campus": w.campus.slug, "pk": meeting.pk, "item": meeting.agenda_items.first().pk}


def action_item_kwargs(w):
    meeting = _meeting(w)
    return {
        "campus": w.campus.slug,
        "pk": meeting.pk,
        "item": ActionItemFactory(meeting=meeting, owner=w.peer).pk,
    }


def stop_emails_kwargs(w):
    from members.preferences import stop_token

    return {"token": stop_token(user=w.peer, topic="meeting_reminders")}


def suggestion_kwargs(w):
    return {"campus": w.campus.slug, "pk": DiscussionSuggestionFactory(campus=w.campus).pk}


def feed_kwargs(w):
    from meetings.services import calendar_feed_for

    return {"token": calendar_feed_for(user=w.peer).token}


def respond_link_kwargs(w):
    from meetings.respond_links import respond_token

    attendance = _meeting(w).attendances.get(user=w.peer)
    return {"token": respond_token(attendance=attendance, response="attending")}


def provider_kwargs(w):
    from members.models import IdentityProvider

    IdentityProvider.objects.create(
        name="Riverside University",
        slug="riverside-idp",
        server_url="http://127.0.0.1:9/o",
        client_id="copractice",
        client_secret="secret",
        domains="riverside.example.edu",
    )
    return {"provider_id": "riverside-idp"}


@dataclass
class Row:
    name: str
    expected: dict
    kwargs: Callable = field(default=lambda w: {})
    method: str = "get"
    data: Callable = field(default=lambda w: {})


TABLE = [
    # --- copractice ---
    Row("home", expect(peer=302, partner=302, coordinator=302, other=302, admin=200)),
    Row("health", PUBLIC),
    # --- members ---
    Row("members:campus_home", CAMPUS_MEMBERS, campus_kwargs),
    Row("members:campus_settings", COORDINATORS, campus_kwargs),
    Row("members:notice_list", COORDINATORS, campus_kwargs),
    Row("members:notice_resend", COORDINATOR_POST, failed_notice_kwargs, method="post"),
    Row("members:member_list", COORDINATORS, campus_kwargs),
    Row("members:member_invite", COORDINATORS, campus_kwargs),
    Row("members:member_invite_many", COORDINATORS, campus_kwargs),
    Row(
        "members:members_leave",
        COORDINATOR_POST,
        campus_kwargs,
        method="post",
        data=lambda w: {"member": w.peer.memberships.get().pk},
    ),
    Row("members:invitation_resend_all", COORDINATOR_POST, campus_kwargs, method="post"),
    # Site admins only: campuses are opened and renamed by them.
    Row("members:campus_list", SITE_ADMINS),
    Row("members:campus_create", SITE_ADMINS),
    Row("members:campus_edit", SITE_ADMINS, campus_kwargs),
    Row(
        "members:membership_edit",
        COORDINATORS,
        lambda w: {"campus": w.campus.slug, "pk": w.peer.memberships.get().pk},
    ),
    Row(
        "members:invitation_resend",
        expect(peer=403, partner=403, coordinator=302, admin=302),
        invitation_kwargs,
        method="post",
    ),
    Row(
        "members:invitation_revoke",
        expect(peer=403, partner=403, coordinator=302, admin=302),
        invitation_kwargs,
        method="post",
    ),
    Row(
        "members:invitation_accept",
        PUBLIC,
        invitation_token_kwargs,
    ),
    Row("members:profile", LOGGED_IN),
    # The language switch: anyone, signed in or not, back to the page it was pressed on.
    Row(
        "members:set_language",
        expect(peer=302, partner=302, coordinator=302, other=302, admin=302),
        method="post",
        data=lambda w: {"language": "fr", "next": "/accounts/login/"},
    ),
    Row("members:stop_emails", PUBLIC, stop_emails_kwargs),
    # --- training ---
    Row("training:topic_list", LOGGED_IN),
    Row("training:topic_detail", LOGGED_IN, lambda w: {"pk": TopicFactory().pk}),
    # Editing the catalogue takes the training.edit_catalogue permission: of these roles only
    # site admins have it (catalogue editors are tested in tests/training/test_views.py).
    Row("training:topic_create", expect(peer=403, partner=403, coordinator=403, other=403)),
    Row(
        "training:topic_edit",
        expect(peer=403, partner=403, coordinator=403, other=403),
        lambda w: {"pk": TopicFactory().pk},
    ),
    Row(
        "training:topic_archive",
        expect(peer=403, partner=403, coordinator=403, other=403, admin=302),
        lambda w: {"pk": TopicFactory().pk},
        method="post",
    ),
    Row(
        "training:topic_restore",
        expect(peer=403, partner=403, coordinator=403, other=403, admin=302),
        lambda w: {"pk": TopicFactory(is_archived=True).pk},
        method="post",
    ),
    Row(
        "training:topic_delete",
        expect(peer=403, partner=403, coordinator=403, other=403),
        lambda w: {"pk": TopicFactory().pk},
    ),
    Row("training:offer_list", COORDINATORS, campus_kwargs),
    Row("training:my_offers", MEMBERS, campus_kwargs),
    Row(
        "training:offer_decline",
        COORDINATOR_POST,
        lambda w: {
            "campus": w.campus.slug,
            "pk": FacilitationOfferFactory(campus=w.campus, user=w.peer).pk,
        },
        method="post",
        data=lambda w: {"reason": "We have this one covered this term."},
    ),
    # Members offer; a site admin who is not a member of the campus cannot offer there.
    Row(
        "training:offer_create",
        expect(admin=403),
        lambda w: {"campus": w.campus.slug, "pk": TopicFactory().pk},
    ),
    # Only the person who offered withdraws: here the peer supporter's offer.
    Row(
        "training:offer_withdraw",
        expect(peer=302, partner=404, coordinator=404, admin=403),
        lambda w: {
            "campus": w.campus.slug,
            "pk": FacilitationOfferFactory(campus=w.campus, user=w.peer).pk,
        },
        method="post",
    ),
    # --- meetings ---
    Row("meetings:meeting_list", CAMPUS_MEMBERS, campus_kwargs),
    Row("meetings:meeting_create", COORDINATORS, campus_kwargs),
    Row(
        "meetings:meeting_calendar",
        CAMPUS_MEMBERS,
        lambda w: {"campus": w.campus.slug, "year": 2026, "month": 9},
    ),
    Row("meetings:series_create", COORDINATORS, campus_kwargs),
    Row("meetings:attendance_history", MEMBERS, campus_kwargs),
    Row("meetings:suggestion_list", CAMPUS_MEMBERS, campus_kwargs),
    Row("meetings:suggestion_use", COORDINATOR_POST, suggestion_kwargs, method="post"),
    Row("meetings:meeting_detail", CAMPUS_MEMBERS, meeting_kwargs),
    Row("meetings:meeting_edit", COORDINATORS, meeting_kwargs),
    Row("meetings:meeting_cancel", COORDINATORS, meeting_kwargs),
    Row(
        "meetings:meeting_respond",
        expect(peer=302, partner=302, coordinator=302, admin=403),
        meeting_kwargs,
        method="post",
        data=lambda w: {"response": "attending"},
    ),
    Row("meetings:agenda", COORDINATORS, meeting_kwargs),
    Row("meetings:agenda_add", COORDINATORS, meeting_kwargs),
    Row(
        "meetings:agenda_item_move",
        COORDINATOR_POST,
        agenda_item_kwargs,
        method="post",
        data=lambda w: {"direction": "down"},
    ),
    Row("meetings:agenda_item_remove", COORDINATOR_POST, agenda_item_kwargs, method="post"),
    Row("meetings:agenda_item_edit", COORDINATORS, agenda_item_kwargs),
    Row(
        "meetings:agenda_reorder",
        COORDINATOR_POST,
        meeting_kwargs,
        method="post",
        data=lambda w: {"order": "1,2"},
    ),
    Row(
        "meetings:agenda_offer",
        COORDINATOR_POST,
        meeting_kwargs,
        method="post",
        data=lambda w: {"offer": FacilitationOfferFactory(campus=w.campus, user=w.peer).pk},
    ),
    Row("meetings:roster", COORDINATORS, meeting_kwargs),
    Row("meetings:minutes", CAMPUS_MEMBERS, meeting_kwargs),
    Row("meetings:minutes_history", COORDINATORS, meeting_kwargs),
    Row(
        "meetings:minutes_draft",
        COORDINATOR_POST,
        meeting_kwargs,
        method="post",
        data=lambda w: {
            "part": "minutes",
            "minutes-version": "0",
            "minutes-going_well": "A draft",
        },
    ),
    Row(
        "meetings:action_item_done",
        # The campus's coordinators, and the item's owner (here the peer supporter).
        expect(peer=302, partner=403, coordinator=302, admin=302),
        action_item_kwargs,
        method="post",
        data=lambda w: {"done": "1"},
    ),
    Row("meetings:meeting_ics", CAMPUS_MEMBERS, meeting_kwargs),
    Row("meetings:calendar_feed_settings", LOGGED_IN),
    Row(
        "meetings:calendar_feed_reset",
        expect(peer=302, partner=302, coordinator=302, other=302, admin=302),
        method="post",
    ),
    Row("meetings:calendar_feed", PUBLIC, feed_kwargs),
    Row("meetings:respond_link", PUBLIC, respond_link_kwargs),
    # self check-in: the screen and the online link are the coordinators'; checking in is for
    # the people expected (a POST with a wrong code is refused with a message: a redirect).
    Row("meetings:check_in_screen", COORDINATORS, meeting_kwargs),
    Row("meetings:check_in_link", COORDINATORS, meeting_kwargs),
    Row("meetings:check_in", MEMBERS, meeting_kwargs),
    # --- reports ---
    Row("reports:dashboard", COORDINATORS, campus_kwargs),
    Row("reports:my_page", MEMBERS, campus_kwargs),
    Row("reports:attendance_csv", COORDINATORS, campus_kwargs),
    Row("reports:meeting_attendance_csv", COORDINATORS, meeting_kwargs),
    Row("reports:training_csv", COORDINATORS, campus_kwargs),
    Row("reports:topics_csv", COORDINATORS, campus_kwargs),
    # Site admins only; a logged-in non-admin is refused (there is no campus to hide).
    Row("reports:overview", expect(peer=403, partner=403, coordinator=403, other=403)),
    # --- privacy: a person's own data and erasure ---
    # Everyone logged in downloads their own data; a person's data and erasure are site admins'.
    Row("privacy:own_data", LOGGED_IN),
    Row("privacy:person_data", SITE_ADMINS, lambda w: {"pk": w.peer.pk}),
    Row("privacy:person_erase", SITE_ADMINS, lambda w: {"pk": w.peer.pk}),
    Row(
        "privacy:person_erase",
        expect(peer=403, partner=403, coordinator=403, other=403, admin=302),
        lambda w: {"pk": w.peer.pk},
        method="post",
        data=lambda w: {"email": w.peer.email},
    ),
    # --- the access record: coordinators read their campus's, site admins everything and its
    # export; no address changes it (tests/reports/test_access_record.py: a POST is a 405).
    Row("reports:campus_access_record", COORDINATORS, campus_kwargs),
    Row("reports:access_record", SITE_ADMINS),
    Row("reports:access_record_csv", SITE_ADMINS),
]

# allauth's own pages are tested by allauth; a few we rely on are checked here too.
EXTRA = [
    Row(
        "account_login",
        expect(anonymous=200, peer=302, partner=302, coordinator=302, other=302, admin=302),
    ),
    Row("account_reset_password", PUBLIC),
    Row("account_change_password", LOGGED_IN),
    # Second factors: each person's own. Setting one up asks for the password again (302),
    # except right after a login that must set one up (tests/members/test_second_factor.py).
    Row("mfa_index", LOGGED_IN),
    Row(
        "mfa_activate_totp",
        expect(peer=302, partner=302, coordinator=302, other=302, admin=302),
    ),
    # Nobody here has recovery codes yet: there are none to show.
    Row(
        "mfa_view_recovery_codes",
        expect(peer=404, partner=404, coordinator=404, other=404, admin=404),
    ),
    Row(
        "mfa_authenticate",
        expect(anonymous=302, peer=302, partner=302, coordinator=302, other=302, admin=302),
    ),
    # Campus single sign-on: the provider's own button and its answer.
    Row("openid_connect_login", PUBLIC_PROVIDER, provider_kwargs),
    # An answer without the state of a sign-in this browser started: refused, logged in or not.
    Row(
        "openid_connect_callback",
        expect(anonymous=401, peer=401, partner=401, coordinator=401, other=401, admin=401),
        provider_kwargs,
    ),
    Row("socialaccount_connections", LOGGED_IN),
]


def _our_url_names(patterns=None, prefix=""):
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            module = getattr(pattern.urlconf_module, "__name__", "")
            if pattern.app_name == "admin" or module.startswith("allauth"):
                continue
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _our_url_names(pattern.url_patterns, ns)
        elif pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_url_is_in_the_table():
    covered = {row.name for row in TABLE}
    assert _our_url_names() - covered == set()
    assert covered - _our_url_names() == set()


@pytest.mark.parametrize(
    ("row", "role"),
    [(row, role) for row in TABLE + EXTRA for role in ROLES],
    ids=[f"{row.name}-{role}" for row in TABLE + EXTRA for role in ROLES],
)
def test_access(client, world, row, role):
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    url = reverse(row.name, kwargs=row.kwargs(world))
    response = getattr(client, row.method)(url, row.data(world))
    assert response.status_code == row.expected[role], (url, role)
    if response.status_code == 302 and role == "anonymous" and row.expected[role] == 302:
        assert response.url.startswith(reverse("account_login"))
