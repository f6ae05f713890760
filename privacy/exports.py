"""The own-data download: one ZIP with `my-data.json`, a readable CSV file per section and a
README saying what each file holds, in the language of the person downloading. The JSON keeps
its keys as programs read them (and true/false); the CSV files have headers and yes/no in that
language."""

import io
import json
import zipfile

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from reports.exports import to_csv, yes_no

from .selectors import SECTIONS

# Each column's header in the CSV files (the English header is the JSON key).
COLUMNS = {
    "id": pgettext_lazy("CSV column", "id"),
    "name": pgettext_lazy("CSV column", "name"),
    "email": pgettext_lazy("CSV column", "email"),
    "date_joined": pgettext_lazy("CSV column", "date_joined"),
    "last_login": pgettext_lazy("CSV column", "last_login"),
    "wants_meeting_notices": pgettext_lazy("CSV column", "wants_meeting_notices"),
    "wants_meeting_reminders": pgettext_lazy("CSV column", "wants_meeting_reminders"),
    "wants_presence_nudges": pgettext_lazy("CSV column", "wants_presence_nudges"),
    "has_calendar_feed": pgettext_lazy("CSV column", "has_calendar_feed"),
    "verified": pgettext_lazy("CSV column", "verified"),
    "primary": pgettext_lazy("CSV column", "primary"),
    "provider": pgettext_lazy("CSV column", "provider"),
    "uid": pgettext_lazy("CSV column", "uid"),
    "kind": pgettext_lazy("CSV column", "kind"),
    "created_at": pgettext_lazy("CSV column", "created_at"),
    "last_used_at": pgettext_lazy("CSV column", "last_used_at"),
    "campus": pgettext_lazy("CSV column", "campus"),
    "role": pgettext_lazy("CSV column", "role"),
    "status": pgettext_lazy("CSV column", "status"),
    "joined_on": pgettext_lazy("CSV column", "joined_on"),
    "left_on": pgettext_lazy("CSV column", "left_on"),
    "changed_at": pgettext_lazy("CSV column", "changed_at"),
    "change": pgettext_lazy("CSV column", "change"),
    "sent_at": pgettext_lazy("CSV column", "sent_at"),
    "accepted_at": pgettext_lazy("CSV column", "accepted_at"),
    "revoked_at": pgettext_lazy("CSV column", "revoked_at"),
    "meeting": pgettext_lazy("CSV column", "meeting"),
    "starts_at": pgettext_lazy("CSV column", "starts_at"),
    "response": pgettext_lazy("CSV column", "response"),
    "response_note": pgettext_lazy("CSV column", "response_note"),
    "responded_at": pgettext_lazy("CSV column", "responded_at"),
    "presence": pgettext_lazy("CSV column", "presence"),
    "presence_source": pgettext_lazy("CSV column", "presence_source"),
    "checked_in_at": pgettext_lazy("CSV column", "checked_in_at"),
    "topic": pgettext_lazy("CSV column", "topic"),
    "item": pgettext_lazy("CSV column", "item"),
    "note": pgettext_lazy("CSV column", "note"),
    "decline_reason": pgettext_lazy("CSV column", "decline_reason"),
    "text": pgettext_lazy("CSV column", "text"),
    "due_on": pgettext_lazy("CSV column", "due_on"),
    "done": pgettext_lazy("CSV column", "done"),
    "done_at": pgettext_lazy("CSV column", "done_at"),
    "subject": pgettext_lazy("CSV column", "subject"),
    "submitted_on": pgettext_lazy("CSV column", "submitted_on"),
}

# What each section's file holds, for the README.
DESCRIPTIONS = {
    "profile": gettext_lazy("your name, address and e-mail preferences"),
    "email_addresses": gettext_lazy("the e-mail addresses of your account"),
    "single_sign_on_accounts": gettext_lazy("the single sign-on accounts linked to yours"),
    "second_factors": gettext_lazy("your second factors: their kind and dates, not their secrets"),
    "memberships": gettext_lazy("the campuses you belong to, with your role"),
    "membership_history": gettext_lazy("each change to your memberships, and when"),
    "invitations": gettext_lazy("the invitations sent to you"),
    "meetings": gettext_lazy("the meetings you were expected at: your responses and presence"),
    "training_attended": gettext_lazy("the training you attended"),
    "training_facilitated": gettext_lazy("the training you facilitated"),
    "facilitation_offers": gettext_lazy("your offers to facilitate a topic"),
    "action_items": gettext_lazy("the action items you owned"),
    "suggestions": gettext_lazy("the discussion suggestions you signed"),
    "emails": gettext_lazy("the e-mails sent to you: their subject and dates, not their text"),
}


def file_name(section: str) -> str:
    return f"{section.replace('_', '-')}.csv"


def _cell(value):
    return yes_no(value) if isinstance(value, bool) else value


def readme() -> str:
    lines = [
        _("Your data in CoPractice"),
        "",
        _(
            "my-data.json holds everything below, for a program to read (its keys stay in "
            "English, yes and no are true and false). Each CSV file opens in a spreadsheet. "
            "Dates and times are written as 2026-09-01T17:00:00+00:00 (with their offset from "
            "UTC)."
        ),
        "",
    ]
    lines += [
        _("%(file)s: %(what)s") % {"file": file_name(section), "what": DESCRIPTIONS[section]}
        for section in SECTIONS
    ]
    return "\r\n".join(lines) + "\r\n"


def own_data_zip(data: dict[str, list[dict]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme())
        archive.writestr("my-data.json", json.dumps(data, indent=2, ensure_ascii=False))
        for section, columns in SECTIONS.items():
            rows = ([_cell(row[column]) for column in columns] for row in data[section])
            header = [COLUMNS[column] for column in columns]
            archive.writestr(file_name(section), to_csv(header, rows))
    return buffer.getvalue()
