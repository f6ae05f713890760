"""The people that pickers offer (meetings/people.py): read once, then from the cache until one
of the campus's memberships or one of its members' names or addresses changes; a select drawn
from them is the select Django's own widget would draw."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import people
from meetings.forms import ActionItemForm, PlainSelect, ReadChoices, people_choices
from members.models import Membership
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _names(campus) -> list[str]:
    return [label for _pk, label in people.campus_people(campus=campus).choices]


def _queries(read) -> int:
    with CaptureQueriesContext(connection) as queries:
        read()
    return len(queries)


def test_the_campus_s_active_people_by_name_read_once(world):
    MembershipFactory(campus=world.campus, user=UserFactory(name="", email="aa@example.edu"))
    MembershipFactory(campus=world.campus, status=Membership.Status.ON_LEAVE)
    expected = (
        Membership.objects.filter(campus=world.campus, status=Membership.Status.ACTIVE)
        .order_by("user__name", "user__email")
        .values_list("user__name", "user__email")
    )
    assert _names(world.campus) == [name or email for name, email in expected]
    assert "aa@example.edu" in _names(world.campus)
    assert str(world.other_coordinator) not in _names(world.campus)  # another campus's
    assert _queries(lambda: people.campus_people(campus=world.campus)) == 0
    assert _queries(lambda: people.campus_people(campus=world.other_campus)) == 1


def test_every_change_to_who_they_are_is_read_again(world):
    _names(world.campus)
    newcomer = MembershipFactory(campus=world.campus, user=UserFactory(name="Zed Newcomer"))
    assert "Zed Newcomer" in _names(world.campus)
    newcomer.user.name = "Zed Renamed"
    newcomer.user.save(update_fields=["name"])
    assert "Zed Renamed" in _names(world.campus) and "Zed Newcomer" not in _names(world.campus)
    newcomer.status = Membership.Status.ON_LEAVE
    newcomer.save()
    assert "Zed Renamed" not in _names(world.campus)
    newcomer.status = Membership.Status.ACTIVE
    newcomer.save()
    newcomer.delete()
    assert "Zed Renamed" not in _names(world.campus)
    # A login or a preference changes nothing pickers show: still from the cache.
    _names(world.campus)
    world.peer.save(update_fields=["last_login"])
    assert _queries(lambda: people.campus_people(campus=world.campus)) == 0


def test_a_change_rolled_back_leaves_the_next_one_read(world):
    _names(world.campus)
    try:
        with transaction.atomic():
            MembershipFactory(campus=world.campus, user=UserFactory(name="Rolled Back"))
            raise RuntimeError
    except RuntimeError:
        pass
    assert "Rolled Back" not in _names(world.campus)
    MembershipFactory(campus=world.campus, user=UserFactory(name="Kept Newcomer"))
    assert "Kept Newcomer" in _names(world.campus)


def test_a_version_replaced_in_a_transaction_is_replaced_again_once_at_its_commit(world):
    from members import versions

    key = f"people-version:{world.campus.pk}"
    with transaction.atomic():
        for _ in range(3):
            versions.replace("people", world.campus.pk)
        pending = [
            f for _s, f, *_ in connection.run_on_commit if getattr(f, "version_key", 0) == key
        ]
        assert len(pending) == 1
        (inside,) = versions.current(("people", world.campus.pk))
        pending[0]()  # as the commit does
        (after,) = versions.current(("people", world.campus.pk))
    assert after != inside


def _drawn_both_ways(choices, value) -> tuple[str, str]:
    widget = PlainSelect()
    widget.choices = choices
    drawn = widget.render("owner", value, attrs={"id": "id_owner"})
    widget.choices = ReadChoices(list(choices))
    return drawn, widget.render("owner", value, attrs={"id": "id_owner"})


def test_a_select_drawn_from_them_is_the_select_drawn_option_by_option(world):
    MembershipFactory(campus=world.campus, user=UserFactory(name="<b>Bold</b> & co"))
    choices = people_choices(campus=world.campus, empty_label="---------")
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co</option>" in choices.options[-1] or any(
        "&lt;b&gt;Bold&lt;/b&gt; &amp; co</option>" in option for option in choices.options
    )
    for value in (None, "", str(world.peer.pk), world.peer.pk, "999999", "x"):
        drawn, one_by_one = _drawn_both_ways(choices, value)
        assert drawn == one_by_one
    drawn, _ = _drawn_both_ways(choices, world.peer.pk)
    assert drawn.count(" selected") == 1
    assert f'<option value="{world.peer.pk}" selected>' in drawn


def test_the_minutes_offer_an_owner_renamed_at_once(client, world, meeting):
    client.force_login(world.coordinator)
    url = reverse("meetings:minutes", kwargs={"campus": "riverside", "pk": meeting.pk})
    assert f">{world.peer.name}</option>" in client.get(url).content.decode()
    world.peer.name = "Someone Renamed"
    world.peer.save()
    page = client.get(url).content.decode()
    assert ">Someone Renamed</option>" in page


def test_an_owner_sent_must_be_one_of_the_campus_s_people(world):
    data = {"text": "Call back", "owner": str(world.other_coordinator.pk), "due_on": ""}
    form = ActionItemForm(data, campus=world.campus)
    assert not form.is_valid() and "owner" in form.errors
    form = ActionItemForm({**data, "owner": str(world.peer.pk)}, campus=world.campus)
    assert form.is_valid(), form.errors


def test_a_version_set_while_the_cache_fails_is_still_given(world, monkeypatch):
    """A version added, then the cache unreadable a moment later: the version offered is
    used, not an error."""
    from django.core.cache import cache

    from members import versions

    monkeypatch.setattr(cache, "get_many", lambda keys, version=None: {})
    (first,) = versions.current(("people", world.campus.pk))
    assert len(first) == 32
