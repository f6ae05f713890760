"""Site admins open and edit campuses in the app."""

import pytest
from django.urls import reverse

from members.models import Campus
from tests.factories import CampusFactory

pytestmark = pytest.mark.django_db

NEW = {
    "name": "Lakeshore Campus",
    "slug": "",
    "institution": "Northern College",
    "time_zone": "America/Vancouver",
    "partner_organisation": "Lakeshore Mental Health",
    "reminder_hours_before": "48",
    "partner_initial_meetings": "3",
    "attendance_window": "3",
    "attendance_max_missed": "2",
    "check_in_grace_minutes": "10",
    "check_in_opens_minutes_before": "15",
    "check_in_closes_minutes_after": "30",
    "case_notes_retention_months": "24",
    "minutes_retention_months": "",
}


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.admin)
    return client


def test_campus_create_makes_the_slug_from_the_name(admin_client):
    response = admin_client.post(reverse("members:campus_create"), NEW)
    assert response.status_code == 302
    campus = Campus.objects.get(name="Lakeshore Campus")
    assert (campus.slug, campus.time_zone) == ("lakeshore-campus", "America/Vancouver")


def test_campus_create_keeps_slugs_unique(admin_client):
    CampusFactory(slug="lakeshore-campus", name="Old Lakeshore")
    admin_client.post(reverse("members:campus_create"), NEW)
    assert Campus.objects.get(name="Lakeshore Campus").slug == "lakeshore-campus-2"


def test_campus_create_refuses_an_unknown_time_zone(admin_client):
    response = admin_client.post(
        reverse("members:campus_create"), {**NEW, "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Campus.objects.filter(name="Lakeshore Campus").exists()


def test_campus_edit_changes_name_and_slug(admin_client, world):
    response = admin_client.post(
        reverse("members:campus_edit", kwargs={"campus": "riverside"}),
        {**NEW, "name": "Riverside North", "slug": "riverside-north"},
    )
    assert response.status_code == 302
    world.campus.refresh_from_db()
    assert (world.campus.name, world.campus.slug) == ("Riverside North", "riverside-north")


def test_campus_edit_refuses_a_slug_in_use(admin_client, world):
    response = admin_client.post(
        reverse("members:campus_edit", kwargs={"campus": "riverside"}),
        {**NEW, "slug": "hillside"},
    )
    assert response.status_code == 200
    world.campus.refresh_from_db()
    assert world.campus.slug == "riverside"


def test_campus_slug_help_text_shows_an_address():
    assert "/c/riverside/" in Campus._meta.get_field("slug").help_text


@pytest.mark.parametrize("extra", [0, 12])
def test_campus_list_queries_do_not_grow(admin_client, django_assert_num_queries, extra):
    for _ in range(extra):
        CampusFactory()
    admin_client.get(reverse("members:campus_list"))
    with django_assert_num_queries(3):  # the session comes from the cache
        response = admin_client.get(reverse("members:campus_list"))
    assert response.status_code == 200


def test_django_admin_campus_form_shows_the_address_help(admin_client):
    html = admin_client.get("/admin/members/campus/add/").content.decode()
    assert "/c/riverside/" in html
    assert "/c//" not in html
