import csv
import io

import pytest
from django.urls import reverse

from meetings.models import Attendance, CaseCollaborationNotes, Minutes
from reports import exports
from tests.factories import UserFactory

from .conftest import NOW, attend, local, meeting

pytestmark = pytest.mark.django_db

MARKER = "SECRET-CASE-NOTE-7f3a"


def _rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _get(client, name, world, **kwargs):
    client.force_login(world.coordinator)
    client.get(reverse("members:campus_home", kwargs={"campus": world.campus.slug}))
    return client.get(
        reverse(name, kwargs={"campus": world.campus.slug, **kwargs.pop("kw", {})}), kwargs
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2", "'-2"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Dana", "Dana"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (3, "3"),
    ],
)
def test_inert(value, expected):
    assert exports.inert(value) == expected


def test_meeting_attendance_csv(client, scene):
    w = scene.world
    response = _get(client, "reports:meeting_attendance_csv", w, kw={"pk": scene.meetings["G"].pk})
    assert response["Content-Disposition"] == (
        f'attachment; filename="attendance-riverside-2026-09-22-{scene.meetings["G"].pk}.csv"'
    )
    g = scene.meetings["G"].pk
    assert _rows(response) == [
        exports.ATTENDANCE_HEADER,
        [str(g), "2026-09-22", "17:00", "G", "Scheduled", "Jo Joiner", scene.joiner.email,
         "Peer supporter", "Not attending", "Exam", "Not recorded"],
        [str(g), "2026-09-22", "17:00", "G", "Scheduled", "Pat Third", scene.peer3.email,
         "Peer supporter", "No response", "", "Not recorded"],
        [str(g), "2026-09-22", "17:00", "G", "Scheduled", "Peer One", w.peer.email,
         "Peer supporter", "Attending", "", "Not recorded"],
    ]  # fmt: skip


def test_attendance_csv_for_a_date_range(client, scene):
    w = scene.world
    response = _get(client, "reports:attendance_csv", w, start="2026-03-31", end="2026-05-12")
    rows = _rows(response)
    assert rows[0] == exports.ATTENDANCE_HEADER
    # A (local date 31 March although 1 April in UTC), B, Bc (no rows), C (cancelled, kept).
    assert [(r[1], r[3], r[4], r[5], r[10]) for r in rows[1:]] == [
        ("2026-03-31", "A", "Scheduled", "Cora Coordinator", "Present"),
        ("2026-03-31", "A", "Scheduled", "Pat Third", "Excused"),
        ("2026-03-31", "A", "Scheduled", "Peer One", "Present"),
        ("2026-03-31", "A", "Scheduled", "Pia Partner", "Present"),
        ("2026-04-14", "B", "Scheduled", "Cora Coordinator", "Present"),
        ("2026-04-14", "B", "Scheduled", "Pat Third", "Present"),
        ("2026-04-14", "B", "Scheduled", "Peer One", "Late"),
        ("2026-04-14", "B", "Scheduled", "Pia Partner", "Absent"),
        ("2026-05-12", "C", "Cancelled", "Peer One", "Absent"),
    ]
    assert rows[1][7] == "Coordinator" and rows[4][7] == "Partner representative"
    assert response["Content-Disposition"] == (
        'attachment; filename="attendance-riverside-2026-03-31-to-2026-05-12.csv"'
    )


def test_attendance_csv_defaults_to_the_last_twelve_months(client, scene):
    rows = _rows(_get(client, "reports:attendance_csv", scene.world))
    assert {r[3] for r in rows[1:]} == {"Y", "A", "B", "C", "D", "E", "F"}  # not Z, not G, H


def test_training_csv(client, scene):
    rows = _rows(_get(client, "reports:training_csv", scene.world))
    assert rows[0] == exports.TRAINING_HEADER
    peer = [r for r in rows[1:] if r[0] == "Peer One"]
    assert [r[3:] for r in peer] == [
        ["2026-03-31", "A", "Personal safety and anonymity", "Training", "yes", "no"],
        ["2026-04-14", "B", "Avoiding peer drift", "Training", "yes", "no"],
        ["2026-07-14", "E", "", "Peer-led role play", "no", "yes"],
        ["2026-08-11", "F", "Avoiding peer drift", "Training", "no", "yes"],
    ]  # fmt: skip
    assert [r[0] for r in rows[1:]] == sorted(r[0] for r in rows[1:])
    joiner = [r[3:] for r in rows[1:] if r[0] == "Jo Joiner"]
    # E had two training items; G (to come) is not a record yet.
    assert joiner == [
        ["2026-07-14", "E", "Old used topic", "Training", "yes", "no"],
        ["2026-07-14", "E", "", "Peer-led role play", "yes", "no"],
    ]


def test_topics_csv(client, scene):
    rows = _rows(_get(client, "reports:topics_csv", scene.world))
    assert rows == [
        exports.TOPICS_HEADER,
        ["Avoiding peer drift", "no", "6", "2", "2026-08-11", "covered"],
        ["Cultural competency", "no", "3", "1", "2026-06-09", "due again"],
        ["Navigating conversations about medication", "no", "", "0", "", "never covered"],
        ["Old used topic", "yes", "", "1", "2026-07-14", "covered"],
        ["Personal safety and anonymity", "no", "", "1", "2026-03-31", "covered"],
    ]


def test_formula_injection_is_neutralised(client, world, now):
    w = world
    w.peer.name = '=HYPERLINK("http://evil.example","click")'
    w.peer.save()
    m = meeting(w.campus, local(2026, 9, 1), "+SUM(1,2)")
    row = attend(m, w.peer, Attendance.Presence.PRESENT)
    row.response, row.responded_at, row.response_note = "attending", NOW, "@cmd|' /C calc'!A0"
    row.save()
    rows = _rows(_get(client, "reports:meeting_attendance_csv", w, kw={"pk": m.pk}))
    [data] = rows[1:]
    assert data[3] == "'+SUM(1,2)"
    assert data[5] == '\'=HYPERLINK("http://evil.example","click")'
    assert data[9] == "'@cmd|' /C calc'!A0"
    for cell in (c for r in rows[1:] for c in r):
        assert not cell.startswith(("=", "+", "-", "@"))


def test_case_notes_never_appear_in_any_export(client, scene):
    w = scene.world
    for m in scene.meetings.values():
        CaseCollaborationNotes.objects.create(meeting=m, text=f"{MARKER} about {m.title}")
        Minutes.objects.create(meeting=m, going_well="Good energy")
    client.force_login(w.coordinator)
    slug = w.campus.slug
    everything = "?start=2025-01-01&end=2026-12-31"
    urls = [
        reverse("reports:attendance_csv", kwargs={"campus": slug}) + everything,
        reverse("reports:training_csv", kwargs={"campus": slug}),
        reverse("reports:topics_csv", kwargs={"campus": slug}),
        *(
            reverse("reports:meeting_attendance_csv", kwargs={"campus": slug, "pk": m.pk})
            for m in scene.meetings.values()
        ),
    ]  # fmt: skip
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert MARKER not in response.content.decode(), url
    dashboard = client.get(reverse("reports:dashboard", kwargs={"campus": slug}))
    assert MARKER not in dashboard.content.decode()


def test_cells_quote_commas_quotes_and_line_breaks_once():
    """The big exports build each meeting's, person's and label's cells once and join them by
    commas: a label with a comma or a quote is quoted once, an empty cell stays empty."""
    assert exports._cells(["Dana", "", "a,b", 'say "hi"', 7]) == 'Dana,,"a,b","say ""hi""",7'
    assert exports._labels([("x", 'Lead, "peer"'), ("y", "-minus")]) == {
        "x": '"Lead, ""peer"""',
        "y": "'-minus",
    }


@pytest.mark.parametrize(
    "values",
    [
        ["Dana"],
        [""],
        ["", ""],
        [None, 7, 2.5],
        ["a,b", 'say "hi"', "line\nbreak", "carriage\rreturn", "é, ü", " spaced "],
        ["=1+1", "-minus", "@at", "\ttab", "\rstart", "+plus"],
        ['"', ",", "\r\n", "'quoted'"],
    ],
)
def test_cells_are_what_the_csv_module_writes(values):
    """Cells made once and joined read back as the csv module's own row: line breaks inside a
    cell are quoted too (a spreadsheet would otherwise start a new row)."""
    out = io.StringIO()
    csv.writer(out).writerow([exports.inert(value) for value in values])
    assert exports._cells(values) + "\r\n" == out.getvalue()
    assert next(csv.reader(io.StringIO(exports._cells(values)))) == [
        exports.inert(value) for value in values
    ]


def test_attendance_csv_cells_with_commas_and_quotes_read_back_as_typed(client, world, now):
    w = world
    w.peer.name = 'Lee, "Sam"'
    w.peer.save()
    w.partner.name = "Zed Partner"  # after Lee
    w.partner.save()
    m = meeting(w.campus, local(2026, 9, 1), 'Review, "part 2"')
    row = attend(m, w.peer, Attendance.Presence.LATE)
    row.response, row.responded_at, row.response_note = "attending", NOW, 'Bus, then "walk"'
    row.save()
    attend(m, w.partner)
    for response in (
        _get(client, "reports:meeting_attendance_csv", w, kw={"pk": m.pk}),
        _get(client, "reports:attendance_csv", w, start="2026-09-01", end="2026-09-01"),
    ):
        rows = _rows(response)
        assert rows[1:] == [
            [str(m.pk), "2026-09-01", "17:00", 'Review, "part 2"', "Scheduled", 'Lee, "Sam"',
             w.peer.email, "Peer supporter", "Attending", 'Bus, then "walk"', "Late"],
            [str(m.pk), "2026-09-01", "17:00", 'Review, "part 2"', "Scheduled",
             "Zed Partner", w.partner.email, "Partner representative", "No response", "",
             "Not recorded"],
        ]  # fmt: skip


def test_training_csv_cells_with_commas_and_quotes_read_back_as_typed(client, scene):
    w = scene.world
    w.peer.name = 'Lee, "Sam"'
    w.peer.save()
    rows = _rows(_get(client, "reports:training_csv", w))
    peer = [r for r in rows[1:] if r[1] == w.peer.email]
    assert peer and all(r[0] == 'Lee, "Sam"' and len(r) == 9 for r in peer)


def test_attendance_of_someone_no_longer_a_member_keeps_their_name_without_a_role(
    client, world, now
):
    w = world
    m = meeting(w.campus, local(2026, 9, 1), "September")
    attend(m, w.peer, Attendance.Presence.PRESENT)
    gone = UserFactory(name="Former Member", email="former@example.edu")
    attend(m, gone, Attendance.Presence.ABSENT)  # their membership since removed
    rows = _rows(_get(client, "reports:attendance_csv", w, start="2026-09-01", end="2026-09-01"))
    by_email = {row[6]: row for row in rows[1:]}
    assert by_email["former@example.edu"][5:8] == ["Former Member", "former@example.edu", ""]
    assert by_email[w.peer.email][7] == "Peer supporter"
