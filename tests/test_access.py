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

from .factories import InvitationFactory, TopicFactory

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


def campus_kwargs(w):
    return {"campus": w.campus.slug}


def invitation_kwargs(w):
    return {"campus": w.campus.slug, "pk": InvitationFactory(campus=w.campus).pk}


def invitation_token_kwargs(w):
    InvitationFactory(campus=w.campus, token="the-token")
    return {"token": "the-token"}


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
    Row("members:member_list", COORDINATORS, campus_kwargs),
    Row("members:member_invite", COORDINATORS, campus_kwargs),
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
    # --- training ---
    Row("training:topic_list", LOGGED_IN),
    Row("training:topic_detail", LOGGED_IN, lambda w: {"pk": TopicFactory().pk}),
    # --- meetings ---
]

# allauth's own pages are tested by allauth; a few we rely on are checked here too.
EXTRA = [
    Row(
        "account_login",
        expect(anonymous=200, peer=302, partner=302, coordinator=302, other=302, admin=302),
    ),
    Row("account_reset_password", PUBLIC),
    Row("account_change_password", LOGGED_IN),
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
