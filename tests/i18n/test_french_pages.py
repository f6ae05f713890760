"""Every page of the access table, read in French by each role that may open it: `lang="fr"`
and none of the English words a half-translated page would show. What people typed (campus
names, meeting titles, topics written in English) is data, not the product's words: it is taken
out of the text before looking."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.test_access import EXTRA, ROLES, TABLE

# Whole words, case-sensitive: each is what an untranslated label, button or sentence shows.
ENGLISH = [
    "Meeting",
    "Meetings",
    "meeting",
    "meetings",
    "Attendance",
    "attendance",
    "Save",
    "Cancel",
    "Training",
    "training",
    "Minutes",
    "minutes",
    "Dashboard",
    "Members",
    "members",
    "Agenda",
    "agenda",
    "Invite",
    "Settings",
    "Log out",
    "Log in",
    "Profile",
    "Schedule",
    "Present",
    "Late",
    "Coordinator",
    "Coordinators",
    "coordinator",
    "Peer supporter",
    "peer supporter",
    "Partner",
    "Topic",
    "Topics",
    "topic",
    "Offer",
    "offer",
    "Records",
    "Privacy",
    "Delete",
    "Edit",
    "Back",
    "Next",
    "Previous",
    "Yes",
    "Password",
    "Name",
    "Status",
    "Time",
    "Where",
    "When",
    "Add",
    "Remove",
    "Send",
    "Export",
    "Download",
    "Upcoming",
    "Past",
    "None",
    "Excused",
    "Sign in",
    "Email",
    "E-mail",
    "e-mail",
    "Skip to content",
    "the",
    "The",
    "your",
    "Your",
    "you",
    "You",
    "and",
    "with",
    "this",
    "This",
    "for",
    "from",
    "not",
    "No ",
    "of",
]
WORDS = re.compile("|".join(rf"(?<![\w-]){re.escape(w.strip())}(?![\w-])" for w in ENGLISH))
SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}


class _Text(HTMLParser):
    """The text a person reads or hears: content (no script or style), labels and titles."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in SHOWN_ATTRIBUTES and value:
                self.parts.append(value)
            if (
                name == "value"
                and value
                and tag == "input"
                and dict(attrs).get("type")
                in (
                    "submit",
                    "button",
                )
            ):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def shown_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def typed_by_people() -> list[str]:
    """Everything in the database that a person wrote, longest first."""
    from django.apps import apps
    from django.db import models

    values = set()
    for model in apps.get_models():
        if model._meta.app_label not in {"members", "training", "meetings", "outbox", "privacy"}:
            continue
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.EmailField)
            and not f.choices
        ]
        if fields:
            for row in model._default_manager.values_list(*fields):
                values.update(v for v in row if isinstance(v, str) and len(v) > 2)
    return sorted(values, key=len, reverse=True)


def english_words(html: str) -> list[str]:
    text = shown_text(html)
    for value in typed_by_people():
        text = text.replace(" ".join(value.split()), " ")
    return sorted(set(WORDS.findall(text)))


CASES = [
    (row, role)
    for row in TABLE + EXTRA
    if row.method == "get"
    for role in ROLES
    if row.expected[role] == 200
]


@pytest.mark.parametrize(("row", "role"), CASES, ids=[f"{row.name}-{role}" for row, role in CASES])
def test_every_page_reads_in_french(client, world, row, role):
    user = world.user(role)
    if user is not None:
        user.language = "fr"
        user.save(update_fields=["language"])
        client.force_login(user)
    url = reverse(row.name, kwargs=row.kwargs(world))
    response = client.get(url, row.data(world), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    if not response["Content-Type"].startswith("text/html"):
        return
    html = response.content.decode()
    if user is None:  # before login: the browser's language
        response = client.get(url, row.data(world), HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9")
        html = response.content.decode()
    assert '<html lang="fr">' in html
    assert english_words(html) == [], url
