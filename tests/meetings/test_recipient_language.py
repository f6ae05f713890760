"""E-mails, reminders and calendar entries go in the RECIPIENT's language (User.language), not
in the language of whoever caused them: an English coordinator schedules, a French peer reads
French and an English partner English, on the same campus. Titles and places are as typed."""

import datetime as dt
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from meetings import services
from meetings.reminders import check_meeting_gaps, send_meeting_reminders, send_presence_nudges
from outbox.models import OutboundEmail
from tests.factories import MeetingFactory, MembershipFactory

from .conftest import attendance, local

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def _speaks(user, language):
    user.language = language
    user.save(update_fields=["language"])


@pytest.fixture
def languages(world):
    """An English coordinator, a French peer supporter, an English partner."""
    _speaks(world.coordinator, "en")
    _speaks(world.peer, "fr")
    _speaks(world.partner, "en")
    return world


def _schedule(world):
    """The coordinator schedules, browsing in English."""
    with translation.override("en"):
        return services.schedule_meeting(
            campus=world.campus,
            starts_at=local(2026, 9, 8, 17),
            ends_at=local(2026, 9, 8, 18, 30),
            title="September meeting",
            description="Welcome back.",
            location="Student Centre, room 204",
            online_link="https://meet.example.edu/cop",
            by=world.coordinator,
        )


def _mail(kind, user):
    return OutboundEmail.objects.get(kind=kind, to=user.email)


def _event(email):
    [event] = Calendar.from_ical(email.ics).walk("VEVENT")
    return event


def test_invitation_in_each_recipients_language(languages, now):
    world = languages
    _schedule(world)

    french = _mail("meeting_invitation", world.peer)
    assert french.subject.startswith(
        f"[CoPractice] Communauté de pratique{NBSP}: September meeting, "
    )
    assert f"17{NBSP}h{NBSP}00" in french.subject
    assert french.body_text.startswith(f"Bonjour {world.peer.get_short_name()},")
    text = french.body_text
    assert f"Votre présence est attendue à la communauté de pratique de Riverside{NBSP}:" in text
    assert f"17{NBSP}h{NBSP}00\N{EN DASH}18{NBSP}h{NBSP}30" in text
    assert f"Lieu{NBSP}: Student Centre, room 204" in text  # the place as typed
    assert f"Je serai là{NBSP}: http" in text and f"Je ne serai pas là{NBSP}: http" in text
    assert f"Vos paramètres de notification{NBSP}:" in text
    for english in ("Hello", "Where:", "I'll be there", "You are expected", "Details"):
        assert english not in text
    assert '<html lang="fr">' in french.body_html
    assert "<strong>Riverside</strong>" in french.body_html
    assert "Je serai là</a>" in french.body_html
    event = _event(french)
    assert str(event["SUMMARY"]) == "September meeting (Riverside)"  # typed: not translated
    description = str(event["DESCRIPTION"])
    assert f"Rejoindre en ligne{NBSP}: https://meet.example.edu/cop" in description
    assert f"Page de la rencontre{NBSP}: http" in description
    assert "Meeting page" not in description and "Join online" not in description

    english = _mail("meeting_invitation", world.partner)
    assert english.subject == (
        "[CoPractice] Community of practice: September meeting, Tue 8 Sep 2026, 17:00"
    )
    assert english.body_text.startswith(f"Hello {world.partner.get_short_name()},")
    assert "You are expected at the community of practice of Riverside:" in english.body_text
    assert "Tue 8 Sep 2026, 17:00\N{EN DASH}18:30 EDT (America/Toronto)" in english.body_text
    assert "I'll be there: http" in english.body_text
    assert '<html lang="en">' in english.body_html
    description = str(_event(english)["DESCRIPTION"])
    assert "Meeting page: http" in description and "Join online: https" in description


def test_the_senders_language_does_not_leak_into_an_english_recipients_mail(languages, now):
    """A French coordinator's action (their request in French) still writes English to an
    English reader."""
    world = languages
    _speaks(world.coordinator, "fr")
    with translation.override("fr"):
        meeting = services.schedule_meeting(
            campus=world.campus,
            starts_at=local(2026, 9, 8, 17),
            ends_at=local(2026, 9, 8, 18, 30),
            title="Rencontre de septembre",
            location="Salle 204",
            by=world.coordinator,
        )
        services.cancel_meeting(meeting=meeting, reason="Tempête", by=world.coordinator)
        assert translation.get_language() == "fr"  # left as it was
    english = _mail("meeting_cancellation", world.partner)
    assert english.subject == "[CoPractice] Cancelled: Rencontre de septembre, Tue 8 Sep 2026"
    assert "This community-of-practice meeting at Riverside is cancelled:" in english.body_text
    assert "Reason: Tempête" in english.body_text
    event = _event(english)
    assert str(event["SUMMARY"]) == "Cancelled: Rencontre de septembre (Riverside)"
    assert "Cancelled: Tempête" in str(event["DESCRIPTION"])

    french = _mail("meeting_cancellation", world.peer)
    assert french.subject.startswith(f"[CoPractice] Annulation{NBSP}: Rencontre de septembre, ")
    assert (
        f"Cette rencontre de la communauté de pratique de Riverside est annulée{NBSP}:"
        in french.body_text
    )
    assert f"Motif{NBSP}: Tempête" in french.body_text
    event = _event(french)
    assert str(event["SUMMARY"]) == f"Annulée{NBSP}: Rencontre de septembre (Riverside)"
    assert f"Motif de l'annulation{NBSP}: Tempête" in str(event["DESCRIPTION"])


def test_a_change_of_time_in_french(languages, now):
    world = languages
    meeting = _schedule(world)
    with translation.override("en"):
        services.update_meeting(
            meeting=meeting,
            version=meeting.version,
            title=meeting.title,
            description=meeting.description,
            starts_at=local(2026, 9, 9, 17),
            ends_at=local(2026, 9, 9, 18, 30),
            location=meeting.location,
            online_link=meeting.online_link,
            by=world.coordinator,
        )
    french = _mail("meeting_update", world.peer)
    assert french.subject.startswith(
        f"[CoPractice] Changement{NBSP}: September meeting, désormais le "
    )
    assert "L'heure ou le lieu de cette rencontre" in french.body_text
    assert _mail("meeting_update", world.partner).subject.startswith(
        "[CoPractice] Changed: September meeting, now Wed 9 Sep 2026, 17:00"
    )


def test_reminder_in_french(languages, now):
    world = languages
    meeting = _schedule(world)
    services.respond(attendance=attendance(meeting, world.peer), response="attending")
    now.move_to(local(2026, 9, 6, 17, 1))
    assert send_meeting_reminders() == 3
    french = _mail("meeting_reminder", world.peer)
    assert french.subject.startswith(f"[CoPractice] Rappel{NBSP}: September meeting, ")
    assert f"17{NBSP}h{NBSP}00" in french.subject
    assert "vous avez répondu que vous serez là" in french.body_text
    assert f"Ne plus recevoir ce type de courriel{NBSP}: http" in french.body_text
    assert '<html lang="fr">' in french.body_html
    english = _mail("meeting_reminder", world.partner)
    assert english.subject == "[CoPractice] Reminder: September meeting, Tue 8 Sep 2026, 17:00"
    assert "we don't know yet whether you can come" in english.body_text


def test_presence_nudge_in_french(languages, now):
    world = languages
    _speaks(world.coordinator, "fr")
    _schedule(world)
    now.move_to(local(2026, 9, 9, 19, 0))
    with translation.override("en"):  # the beat job: no one's language
        assert send_presence_nudges() == 1
    nudge = _mail("presence_nudge", world.coordinator)
    assert nudge.subject == (
        f"[CoPractice] Qui était là à «{NBSP}September meeting{NBSP}», le 8 septembre{NBSP}?"
    )
    assert "Personne n'a encore pris les présences" in nudge.body_text
    assert f"Prendre les présences{NBSP}: http" in nudge.body_text
    assert "Prendre les présences</a>" in nudge.body_html


def test_gap_reminder_in_each_coordinators_language(world):
    toronto = ZoneInfo("America/Toronto")
    MeetingFactory(campus=world.campus, starts_at=datetime(2026, 11, 10, 17, tzinfo=toronto))
    _speaks(world.coordinator, "en")
    french_coordinator = MembershipFactory(campus=world.campus, role="coordinator").user
    _speaks(french_coordinator, "fr")
    check_meeting_gaps(at=datetime(2026, 12, 1, 9, tzinfo=toronto))
    english = _mail("gap_overdue", world.coordinator)
    assert english.subject == (
        "[CoPractice] Riverside: December 2026 has no community-of-practice meeting"
    )
    assert "December 2026 has begun and Riverside has no" in english.body_text
    assert "Schedule the meeting: http" in english.body_text
    french = _mail("gap_overdue", french_coordinator)
    assert french.subject == (
        f"[CoPractice] Riverside{NBSP}: aucune rencontre de la communauté de pratique "
        "en décembre 2026"
    )
    assert french.body_text.startswith("Bonjour ")
    assert "Le mois de décembre 2026 a commencé" in french.body_text
    assert f"Planifier la rencontre{NBSP}: http" in french.body_text
    assert "<strong>décembre 2026</strong>" in french.body_html
    assert '<html lang="fr">' in french.body_html


def test_feed_in_its_owners_language(client, languages, now):
    world = languages
    meeting = _schedule(world)
    services.respond(attendance=attendance(meeting, world.peer), response="attending")
    services.cancel_meeting(
        meeting=MeetingFactory(campus=world.campus, title="Called off"), reason="Holiday", by=None
    )
    token = services.calendar_feed_for(user=world.peer).token
    # The calendar application asks in English (or in no language at all): the owner's wins.
    response = client.get(
        reverse("meetings:calendar_feed", kwargs={"token": token}), HTTP_ACCEPT_LANGUAGE="en"
    )
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "Rencontres de la communauté de pratique"
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    description = str(events["September meeting (Riverside)"]["DESCRIPTION"])
    assert f"Votre réponse{NBSP}: " in description
    assert f"Page de la rencontre{NBSP}: http" in description
    assert f"Annulée{NBSP}: Called off (Riverside)" in events

    token = services.calendar_feed_for(user=world.partner).token
    response = client.get(
        reverse("meetings:calendar_feed", kwargs={"token": token}),
        HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9",
    )
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "Community of practice meetings"
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert "Your response: " in str(events["September meeting (Riverside)"]["DESCRIPTION"])
    assert "Cancelled: Called off (Riverside)" in events


def test_series_invitation_counts_in_french(languages, now):
    world = languages
    with translation.override("en"):
        meetings = services.schedule_series(
            campus=world.campus,
            recurrence=services.Recurrence(
                frequency="monthly",
                first_day=dt.date(2026, 9, 1),
                last_day=dt.date(2026, 12, 31),
                start_time=dt.time(17),
                end_time=dt.time(18, 30),
                weekday=1,
                week_of_month=2,
            ),
            title="Community of practice",
            location="Room 1",
            by=world.coordinator,
        )
    french = _mail("meeting_invitation", world.peer)
    assert french.subject == (
        f"[CoPractice] {len(meetings)} rencontres de la communauté de pratique, "
        "à partir du 8 septembre"
    )
    assert f"— {len(meetings)} rencontres{NBSP}:" in french.body_text
    assert "peut les ajouter à partir de ce courriel" in french.body_text
    english = _mail("meeting_invitation", world.partner)
    assert english.subject == (
        f"[CoPractice] {len(meetings)} community-of-practice meetings, from 8 Sep"
    )


def test_add_to_calendar_download_in_the_readers_language(client, languages, now):
    world = languages
    meeting = _schedule(world)
    services.respond(attendance=attendance(meeting, world.peer), response="attending")
    client.force_login(world.peer)
    response = client.get(
        reverse("meetings:meeting_ics", kwargs={"campus": "riverside", "pk": meeting.pk}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    description = str(event["DESCRIPTION"])
    assert f"Votre réponse{NBSP}: " in description
    assert f"Page de la rencontre{NBSP}: http" in description


def test_check_in_refusal_in_french_with_a_french_time(client, languages, now):
    world = languages
    meeting = _schedule(world)
    now.move_to(local(2026, 9, 8, 16, 0))
    client.force_login(world.peer)
    url = reverse("meetings:check_in", kwargs={"campus": "riverside", "pk": meeting.pk})
    page = client.post(url, {"code": "ABCDEF"}, follow=True).content.decode()
    assert f"Vous pourrez signaler votre présence à partir de 16{NBSP}h{NBSP}45 EDT." in page
