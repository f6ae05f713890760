"""The coordinator's pages for a term's cohort: invite several, re-send all, mark as left."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import Invitation, Membership
from outbox.models import OutboundEmail
from tests.factories import InvitationFactory, MembershipFactory

pytestmark = pytest.mark.django_db

INVITE_MANY = reverse("members:member_invite_many", kwargs={"campus": "riverside"})
MEMBERS = reverse("members:member_list", kwargs={"campus": "riverside"})
LEAVE = reverse("members:members_leave", kwargs={"campus": "riverside"})
FIVE = "a@example.edu\nb@example.edu\nnot an address\nc@example.edu\nd@example.edu\n"


def test_invite_many_page_shows_the_report_and_invites_nobody(coordinator_client):
    response = coordinator_client.post(INVITE_MANY, {"people": FIVE, "role": "peer_supporter"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 row cannot be invited; nobody was invited." in html
    assert '<td>3</td><td class="text-break">not an address</td>' in html
    assert "Invite the 4 valid rows and skip the bad ones" in html
    assert Invitation.objects.count() == 0


def test_invite_many_page_skips_bad_rows_when_asked(coordinator_client):
    response = coordinator_client.post(
        INVITE_MANY, {"people": FIVE, "role": "peer_supporter", "skip_bad": "on"}
    )
    assert response.status_code == 302
    assert Invitation.objects.count() == 4
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["4 invitations sent; 1 row skipped."]


def test_invite_many_from_a_csv_file_with_bom(coordinator_client):
    upload = SimpleUploadedFile(
        "cohort.csv",
        "\ufeffemail,name,role\nzoe@example.edu,Zoé Gagnon,partner representative\n".encode(),
        content_type="text/csv",
    )
    response = coordinator_client.post(
        INVITE_MANY, {"people": "", "csv_file": upload, "role": "peer_supporter"}
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.name, invitation.role) == (
        "zoe@example.edu",
        "Zoé Gagnon",
        "partner_representative",
    )


def test_invite_many_csv_with_a_bad_row_comes_back_in_the_box(coordinator_client):
    upload = SimpleUploadedFile("cohort.csv", b"email,name\nok@example.edu,Ok\nbad,Bad\n")
    response = coordinator_client.post(INVITE_MANY, {"csv_file": upload, "role": "peer_supporter"})
    html = response.content.decode()
    assert "email,name\nok@example.edu,Ok\nbad,Bad\n</textarea>" in html
    assert "<td>3</td>" in html
    assert Invitation.objects.count() == 0


def test_invite_many_refuses_a_file_that_is_not_utf8(coordinator_client):
    upload = SimpleUploadedFile("cohort.csv", "email\nzoé@example.edu\n".encode("latin-1"))
    response = coordinator_client.post(INVITE_MANY, {"csv_file": upload, "role": "peer_supporter"})
    assert "The file is not UTF-8 text." in response.content.decode()
    assert Invitation.objects.count() == 0


def test_invite_many_refuses_a_file_over_the_size_limit(coordinator_client):
    upload = SimpleUploadedFile("cohort.csv", b"email\n" + b"x@example.edu\n" * 20_000)
    response = coordinator_client.post(INVITE_MANY, {"csv_file": upload, "role": "peer_supporter"})
    assert "The file is larger than 200 KB" in response.content.decode()


def test_member_list_shows_pending_invitations_and_resend_all(coordinator_client, world):
    InvitationFactory(campus=world.campus, email="late@example.edu", name="Late Person")
    html = coordinator_client.get(MEMBERS).content.decode()
    assert "Late Person" in html
    assert "Re-send the pending invitation" in html


def test_resend_all_re_sends_pending_invitations(coordinator_client, world):
    from django.utils import timezone

    old = timezone.now() - timezone.timedelta(days=3)
    InvitationFactory(campus=world.campus, sent_at=old)
    InvitationFactory(campus=world.campus, sent_at=old)
    response = coordinator_client.post(
        reverse("members:invitation_resend_all", kwargs={"campus": "riverside"})
    )
    assert response.status_code == 302
    assert OutboundEmail.objects.filter(kind="invitation").count() == 2
    assert [str(m) for m in response.wsgi_request._messages] == ["Re-sent 2 invitations."]


def test_leave_confirmation_lists_the_chosen(coordinator_client, world):
    chosen = [MembershipFactory(campus=world.campus) for _ in range(2)]
    response = coordinator_client.get(LEAVE, {"member": [m.pk for m in chosen]})
    html = response.content.decode()
    assert "These 2 members leave Riverside today:" in html
    for m in chosen:
        assert m.user.name in html
    assert Membership.objects.filter(status="left").count() == 0


def test_leave_marks_the_chosen_as_left(coordinator_client, world):
    chosen = [MembershipFactory(campus=world.campus) for _ in range(3)]
    response = coordinator_client.post(LEAVE, {"member": [m.pk for m in chosen]})
    assert response.status_code == 302
    assert Membership.objects.filter(status="left").count() == 3


def test_leave_refuses_the_last_coordinator_and_changes_nothing(coordinator_client, world):
    chosen = [world.coordinator.memberships.get(), world.peer.memberships.get()]
    response = coordinator_client.post(LEAVE, {"member": [m.pk for m in chosen]})
    assert response.status_code == 200
    assert "would have no active coordinator left" in response.content.decode()
    assert Membership.objects.filter(status="left").count() == 0


def test_leave_another_campus_member_is_refused(coordinator_client, world):
    stranger = world.other_coordinator.memberships.get()
    response = coordinator_client.post(LEAVE, {"member": [stranger.pk]})
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    assert Membership.objects.filter(status="left").count() == 0


def test_invitation_accept_offers_the_name_given(client, world):
    InvitationFactory(campus=world.campus, token="named", name="Ama Owusu")
    html = client.get(reverse("members:invitation_accept", args=["named"])).content.decode()
    assert 'value="Ama Owusu"' in html


@pytest.mark.parametrize("extra", [0, 15])
def test_member_list_queries_do_not_grow(
    coordinator_client, world, django_assert_num_queries, extra
):
    for _ in range(extra):
        MembershipFactory(campus=world.campus)
        InvitationFactory(campus=world.campus)
    coordinator_client.get(MEMBERS)  # session and caches warm
    with django_assert_num_queries(4):
        assert coordinator_client.get(MEMBERS).status_code == 200


@pytest.mark.parametrize("size", [2, 12])
def test_leave_confirmation_queries_do_not_grow(
    coordinator_client, world, django_assert_num_queries, size
):
    chosen = [MembershipFactory(campus=world.campus).pk for _ in range(size)]
    coordinator_client.get(LEAVE, {"member": chosen})
    with django_assert_num_queries(3):
        response = coordinator_client.get(LEAVE, {"member": chosen})
    assert f"These {size} members leave Riverside today:" in response.content.decode()


def test_single_invite_keeps_the_name_given(coordinator_client):
    response = coordinator_client.post(
        reverse("members:member_invite", kwargs={"campus": "riverside"}),
        {"email": "ama@example.edu", "name": "Ama Owusu", "role": "peer_supporter"},
    )
    assert response.status_code == 302
    assert Invitation.objects.get().name == "Ama Owusu"
