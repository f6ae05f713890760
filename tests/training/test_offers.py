"""Coordinators decline offers to facilitate; members see their own offers; the topic's
history in the zone of the campus being looked at."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Membership
from tests.factories import FacilitationOfferFactory, MembershipFactory, TopicFactory
from training import services
from training.models import FacilitationOffer, Topic

pytestmark = pytest.mark.django_db

MINE = reverse("training:my_offers", kwargs={"campus": "riverside"})


def _decline_url(offer):
    return reverse("training:offer_decline", kwargs={"campus": "riverside", "pk": offer.pk})


def test_coordinator_declines_an_offer_with_a_reason(coordinator_client, world):
    offer = FacilitationOfferFactory(campus=world.campus, user=world.peer)
    response = coordinator_client.post(_decline_url(offer), {"reason": "Covered this term."})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.status, offer.decline_reason) == ("declined", "Covered this term.")
    assert offer.closed_at is not None


def test_declining_twice_is_refused_and_changes_nothing(world):
    offer = FacilitationOfferFactory(campus=world.campus, user=world.peer)
    services.decline_offer(offer=offer, by=world.coordinator, reason="")
    with pytest.raises(Exception, match="already declined"):
        services.decline_offer(offer=offer, by=world.coordinator, reason="again")
    offer.refresh_from_db()
    assert offer.decline_reason == ""


def test_decline_reason_on_two_lines_is_refused(coordinator_client, world):
    offer = FacilitationOfferFactory(campus=world.campus, user=world.peer)
    response = coordinator_client.post(_decline_url(offer), {"reason": "one\ntwo"})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == "open"


def test_declining_another_campus_offer_is_404(coordinator_client, world):
    offer = FacilitationOfferFactory(campus=world.other_campus)
    assert coordinator_client.post(_decline_url(offer)).status_code == 404


def test_my_offers_shows_each_state_and_the_reason(peer_client, world):
    open_offer = FacilitationOfferFactory(campus=world.campus, user=world.peer)
    declined = FacilitationOfferFactory(campus=world.campus, user=world.peer)
    services.decline_offer(offer=declined, by=world.coordinator, reason="Next term, please.")
    FacilitationOfferFactory(campus=world.campus, user=world.partner)
    html = peer_client.get(MINE).content.decode()
    assert open_offer.topic.title in html
    assert "Declined</span> — Next term, please." in html
    assert html.count("<tr>") == 3  # the header and the peer's two offers


def test_withdraw_from_my_offers_comes_back_to_it(peer_client, world):
    offer = FacilitationOfferFactory(campus=world.campus, user=world.peer)
    response = peer_client.post(
        reverse("training:offer_withdraw", kwargs={"campus": "riverside", "pk": offer.pk}),
        {"next": "mine"},
    )
    assert response.url == MINE
    offer.refresh_from_db()
    assert offer.status == FacilitationOffer.Status.WITHDRAWN


@pytest.mark.parametrize("extra", [1, 12])
def test_my_offers_queries_do_not_grow(peer_client, world, django_assert_num_queries, extra):
    for _ in range(extra):
        FacilitationOfferFactory(campus=world.campus, user=world.peer, topic=TopicFactory())
    peer_client.get(MINE)
    with django_assert_num_queries(3):  # the session cached, campus and navigation together
        assert peer_client.get(MINE).status_code == 200


def test_topic_history_in_the_zone_of_the_campus_looked_at(client, world, editor):
    MembershipFactory(user=editor, campus=world.campus, role=Membership.Role.PEER_SUPPORTER)
    world.campus.time_zone = "America/Vancouver"
    world.campus.save()
    topic = Topic.objects.get(title="Avoiding peer drift")
    moment = dt.datetime(2026, 7, 1, 18, 30, tzinfo=dt.UTC)
    topic.history.update(history_date=moment)
    client.force_login(editor)
    client.get(reverse("members:campus_home", kwargs={"campus": "riverside"}))
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "Times in America/Vancouver." in html
    assert "1 Jul 2026, 11:30 PDT" in html
    assert timezone.get_current_timezone_name() == "UTC"
