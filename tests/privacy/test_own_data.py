import csv
import io
import json
import zipfile

from django.urls import reverse

from privacy.selectors import SECTIONS, own_data
from tests.factories import ActionItemFactory, AttendanceFactory, MeetingFactory

from .conftest import EMAIL, NAME


def _open(response) -> zipfile.ZipFile:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_own_data_download_holds_json_and_a_csv_per_section(client, person):
    client.force_login(person.user)
    archive = _open(client.get(reverse("privacy:own_data")))
    expected = {"README.txt", "my-data.json"} | {f"{s.replace('_', '-')}.csv" for s in SECTIONS}
    assert set(archive.namelist()) == expected
    data = json.loads(archive.read("my-data.json"))
    assert data["profile"][0]["name"] == NAME
    assert data["profile"][0]["email"] == EMAIL
    assert data["profile"][0]["has_calendar_feed"] is True
    assert [m["campus"] for m in data["memberships"]] == ["Northside", "Eastside"]
    assert [h["change"] for h in data["membership_history"]] == ["created", "changed", "created"]
    assert [m["meeting"] for m in data["meetings"]] == ["September meeting", "Next meeting"]
    assert data["meetings"][0]["response_note"] == f"{NAME} will bring the slides"
    assert data["meetings"][0]["presence"] == "Present"
    assert [t["topic"] for t in data["training_attended"]] == ["Peer drift"]
    assert [t["item"] for t in data["training_facilitated"]] == ["Boundaries"]
    assert [o["note"] for o in data["facilitation_offers"]] == ["I can lead it."]
    assert [a["text"] for a in data["action_items"]] == [f"{NAME} calls the counselling centre"]
    assert [s["text"] for s in data["suggestions"]] == ["Walking meetings?"]
    assert [e["subject"] for e in data["emails"]] == [f"Welcome, {NAME}"]
    assert [f["kind"] for f in data["second_factors"]] == ["totp"]
    assert [s["provider"] for s in data["single_sign_on_accounts"]] == ["riverside-idp"]
    assert len(data["invitations"]) == 2
    rows = list(csv.DictReader(io.StringIO(archive.read("meetings.csv").decode("utf-8-sig"))))
    assert [r["meeting"] for r in rows] == ["September meeting", "Next meeting"]


def test_own_data_holds_nobody_else(client, person):
    client.force_login(person.user)
    archive = _open(client.get(reverse("privacy:own_data")))
    text = "\n".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())
    assert person.other.name not in text
    assert person.other.email not in text
    assert person.coordinator.name not in text
    assert "Book the room" not in text
    assert "Someone else's anonymous idea" not in text
    assert "New offer" not in text  # an e-mail to someone else
    assert "JBSWY3DP" not in text  # the authenticator's secret


def test_own_data_is_the_logged_in_persons_own(client, person):
    client.force_login(person.other)
    data = json.loads(_open(client.get(reverse("privacy:own_data"))).read("my-data.json"))
    assert data["profile"][0]["email"] == person.other.email
    assert NAME not in json.dumps(data)


def test_person_data_download_by_a_site_admin(client, person, world):
    client.force_login(world.admin)
    response = client.get(reverse("privacy:person_data", kwargs={"pk": person.user.pk}))
    data = json.loads(_open(response).read("my-data.json"))
    assert data["profile"][0]["email"] == EMAIL
    assert response["Content-Disposition"] == (
        f'attachment; filename="person-{person.user.pk}-data.zip"'
    )


def test_own_data_query_count_does_not_grow_with_meetings(person, django_assert_num_queries):
    with django_assert_num_queries(13):
        own_data(user=person.user)
    for _ in range(5):
        meeting = MeetingFactory(campus=person.campus)
        AttendanceFactory(meeting=meeting, user=person.user)
        ActionItemFactory(meeting=meeting, owner=person.user)
    with django_assert_num_queries(13):
        data = own_data(user=person.user)
    assert len(data["meetings"]) == 7


def test_profile_links_to_the_download(client, person):
    client.force_login(person.user)
    response = client.get(reverse("members:profile"))
    assert reverse("privacy:own_data") in response.content.decode()


def test_own_data_in_french_has_a_french_readme_and_french_headers(client, person):
    person.user.language = "fr"
    person.user.save(update_fields=["language"])
    client.force_login(person.user)
    archive = _open(client.get(reverse("privacy:own_data")))
    readme = archive.read("README.txt").decode("utf-8")
    assert readme.startswith("Vos données personnelles dans CoPractice\r\n")
    assert "meetings.csv\u00a0: les rencontres prévues pour vous" in readme
    meetings = list(csv.reader(io.StringIO(archive.read("meetings.csv").decode("utf-8-sig"))))
    assert meetings[0][:4] == ["campus", "rencontre", "début", "réponse"]
    profile = list(csv.reader(io.StringIO(archive.read("profile.csv").decode("utf-8-sig"))))
    assert profile[0][-1] == "abonnement au calendrier"
    assert profile[1][-1] == "oui"
    # The JSON stays as programs read it: English keys, true and false.
    data = json.loads(archive.read("my-data.json"))
    assert data["profile"][0]["has_calendar_feed"] is True
    assert [h["change"] for h in data["membership_history"]] == [
        "création",
        "modification",
        "création",
    ]


def test_own_data_in_english_keeps_english_headers(client, person):
    client.force_login(person.user)
    archive = _open(client.get(reverse("privacy:own_data")))
    assert archive.read("README.txt").decode("utf-8").startswith("Your data in CoPractice")
    profile = list(csv.reader(io.StringIO(archive.read("profile.csv").decode("utf-8-sig"))))
    assert profile[0][0] == "id" and profile[0][-1] == "has_calendar_feed"
    assert profile[1][-1] == "yes"
