"""Reports read in French: the CSV exports in the language of the person downloading, and charts
whose SVG coordinates stay plain numbers (French writes 12,5: an SVG attribute cannot)."""

import csv
import datetime as dt
import io
import re
from html.parser import HTMLParser

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import translation

from reports import charts
from reports import selectors as reports

pytestmark = pytest.mark.django_db

NUMBER = r"-?\d+(?:\.\d+)?"
NUMERIC_ATTRIBUTES = {"x", "y", "x1", "x2", "y1", "y2", "width", "height", "rx"}


def _as(client, user, language):
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)


def _csv_rows(response):
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:])))


def _campus_url(name, world, **kwargs):
    return reverse(name, kwargs={"campus": world.campus.slug, **kwargs})


def test_attendance_export_by_a_french_coordinator_has_french_headers(client, scene):
    w = scene.world
    _as(client, w.coordinator, "fr")
    response = client.get(
        _campus_url("reports:attendance_csv", w), {"start": "2026-03-31", "end": "2026-04-14"}
    )
    rows = _csv_rows(response)
    assert rows[0] == [
        "id de la rencontre",
        "date de la rencontre",
        "heure de début",
        "titre de la rencontre",
        "statut de la rencontre",
        "nom",
        "courriel",
        "rôle",
        "réponse",
        "note de réponse",
        "présence",
    ]
    # Dates and times stay as spreadsheets read them, whatever the language.
    assert [(r[1], r[2]) for r in rows[1:2]] == [("2026-03-31", "21:00")]


def test_attendance_export_by_an_english_coordinator_has_english_headers(client, scene):
    w = scene.world
    _as(client, w.coordinator, "en")
    rows = _csv_rows(client.get(_campus_url("reports:attendance_csv", w)))
    assert rows[0][:3] == ["meeting_id", "meeting_date", "meeting_start"]


def test_training_and_topic_exports_say_yes_and_no_in_french(client, scene):
    w = scene.world
    _as(client, w.coordinator, "fr")
    training = _csv_rows(client.get(_campus_url("reports:training_csv", w)))
    assert training[0][-2:] == ["a assisté", "a animé"]
    assert {r[-1] for r in training[1:]} == {"oui", "non"}
    topics = _csv_rows(client.get(_campus_url("reports:topics_csv", w)))
    assert topics[0][0] == "thème"
    # (Topic titles are the catalogue's, in whichever language it has them.)
    assert ["non", "3", "1", "2026-06-09", "à revoir"] in [r[1:] for r in topics[1:]]


def test_access_record_export_by_a_french_site_admin(client, world):
    _as(client, world.admin, "fr")
    rows = _csv_rows(client.get(reverse("reports:access_record_csv")))
    assert rows[0] == [
        "moment (UTC)",
        "quoi",
        "qui",
        "qui (id)",
        "rôle",
        "campus",
        "rencontre",
        "détail",
    ]


class _SvgAttributes(HTMLParser):
    """Every attribute of every element inside an <svg>, and the text of its <text> elements."""

    def __init__(self):
        super().__init__()
        self.attributes, self.texts, self._depth, self._in_text = [], [], 0, False

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self._depth += 1
        if self._depth:
            self.attributes += [(tag, name, value) for name, value in attrs]
            self._in_text = tag == "text"

    def handle_startendtag(self, tag, attrs):
        if self._depth:
            self.attributes += [(tag, name, value) for name, value in attrs]

    def handle_endtag(self, tag):
        if tag == "svg":
            self._depth -= 1
        self._in_text = False

    def handle_data(self, data):
        if self._in_text:
            self.texts.append(data)


def _assert_numbers_are_plain(svg_markup: str) -> _SvgAttributes:
    parser = _SvgAttributes()
    parser.feed(svg_markup)
    assert parser.attributes
    for tag, name, value in parser.attributes:
        if name in NUMERIC_ATTRIBUTES:
            assert re.fullmatch(NUMBER, value), (tag, name, value)
        elif name == "viewBox":
            assert re.fullmatch(rf"{NUMBER}( {NUMBER}){{3}}", value), (tag, name, value)
        elif name == "d":
            assert re.fullmatch(rf"(?:[MLHVZ] ?{NUMBER}?(?: {NUMBER})* ?)+", value), value
    return parser


@pytest.mark.parametrize("language", ["fr", "en"])
def test_dashboard_charts_in_each_language_have_valid_svg_numbers(client, scene, language):
    w = scene.world
    _as(client, w.coordinator, language)
    html = client.get(_campus_url("reports:dashboard", w)).content.decode()
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) >= 2
    parser = _assert_numbers_are_plain("".join(svgs))
    if language == "fr":
        # What people read follows French: « 50 % », French month names.
        assert "100\u00a0%" in parser.texts
        assert 'aria-label="Rencontres par mois, entre ' in html
        assert "Présences par mois" in html
    else:
        assert "100%" in parser.texts


def test_wide_charts_in_french_keep_numbers_unlocalized(settings):
    """Even with thousands separators on, a chart 1,200 units wide says viewBox="0 0 1200 64"."""
    settings.USE_THOUSAND_SEPARATOR = True
    first = dt.date(2024, 1, 1)
    months = [reports.CadenceMonth(first + relativedelta(months=i), "held") for i in range(30)]
    attendance = [reports.AttendanceMonth(m.month, 1, 3, 1) for m in months]
    with translation.override("fr"):
        strip = charts.cadence_strip(months)
        bars = charts.attendance_bars(attendance)
    assert 'viewBox="0 0 1200 64"' in strip
    assert 'viewBox="0 0 1544 174"' in bars
    _assert_numbers_are_plain(strip + bars)
    # 1 of 3 is 33 %: the share people read has its French space, the bar's height does not.
    assert "33\u00a0%" in bars
    assert "juin" in strip and "janv." in strip
