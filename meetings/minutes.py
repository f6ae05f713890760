"""Writes for a meeting's record: its minutes, the case-collaboration notes and action items.

Minutes and notes are saved with optimistic concurrency: two coordinators editing at once do
not overwrite each other; the second one is shown what the first saved (services.StaleEdit)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.models import AccessKind, User
from members.records import record

from .models import ActionItem, CaseCollaborationNotes, Meeting, Minutes
from .services import StaleEdit, authored, check_active_member, claim_version, lock_meeting

MINUTES_FIELDS = [
    "going_well",
    "proving_difficult",
    "ideas_for_improving",
    "administrative_updates",
]
STALE_MINUTES = {
    "what": _("these minutes"),
    "compare_with": pgettext_lazy("compare with the current", "minutes"),
}
STALE_CASE_NOTES = {
    "what": _("the case-collaboration notes"),
    "compare_with": pgettext_lazy("compare with the current", "notes"),
}


def _save_texts(record, *, version: int, stale: dict, by: User, **texts: str):
    """Claim the record's version, then write `texts` (stripped) and who saved them."""
    record = claim_version(record, version, **stale)
    for name, value in texts.items():
        setattr(record, name, value.strip())
    record.updated_by = by
    record.erased_at = None  # written again after the retention setting erased it
    record.full_clean()
    authored(record, by).save()
    return record


@transaction.atomic
def save_minutes(*, meeting: Meeting, version: int, by: User, **texts: str) -> Minutes:
    """Write or change the minutes. `version` is 0 for minutes not yet written."""
    meeting = lock_meeting(meeting)
    unknown = set(texts) - set(MINUTES_FIELDS)
    if unknown:
        raise ValueError(f"Unknown minutes fields: {sorted(unknown)}")
    minutes = Minutes.objects.filter(meeting=meeting).first() or Minutes(meeting=meeting)
    return _save_texts(minutes, version=version, stale=STALE_MINUTES, by=by, **texts)


@transaction.atomic
def save_case_notes(
    *, meeting: Meeting, version: int, text: str, by: User
) -> CaseCollaborationNotes:
    meeting = lock_meeting(meeting)
    notes = CaseCollaborationNotes.objects.filter(
        meeting=meeting
    ).first() or CaseCollaborationNotes(meeting=meeting)
    notes = _save_texts(notes, version=version, stale=STALE_CASE_NOTES, by=by, text=text)
    record(kind=AccessKind.CASE_NOTES_EDIT, user=by, campus=meeting.campus, meeting=meeting)
    return notes


@transaction.atomic
def add_action_item(
    *,
    meeting: Meeting,
    text: str,
    owner: User | None = None,
    due_on: dt.date | None = None,
    by: User,
) -> ActionItem:
    meeting = lock_meeting(meeting)
    check_active_member(field="owner", user=owner, campus=meeting.campus)
    item = ActionItem(meeting=meeting, text=text.strip(), owner=owner, due_on=due_on)
    item.full_clean()
    authored(item, by).save()
    return item


@transaction.atomic
def set_action_item_done(*, item: ActionItem, done: bool, by: User) -> ActionItem:
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    if item.done == done:
        return item
    item.done = done
    item.done_at = timezone.now() if done else None
    item.full_clean()
    authored(item, by).save()
    return item


def _unchanged(record, texts: dict[str, str]) -> bool:
    """The texts are what is saved (or, for a record never written, all empty)."""
    if record is None:
        return not any(value.strip() for value in texts.values())
    return all(getattr(record, name) == value.strip() for name, value in texts.items())


@transaction.atomic
def save_minutes_page(
    *,
    meeting: Meeting,
    by: User,
    minutes: dict | None = None,
    case_notes: dict | None = None,
    action: dict | None = None,
) -> list[str]:
    """Everything the minutes page holds, saved at once, or nothing at all: the minutes
    (`{"version": n, <field>: text, ...}`), the case-collaboration notes (`{"version": n,
    "text": text}`) and a new action item (`{"text", "owner", "due_on"}`), each when given.
    A part whose text is what is saved already is left alone (its version stays). Returns the
    parts written: "minutes", "case_notes", "action_item". A StaleEdit says which part was
    saved by someone else in `part`."""
    meeting = lock_meeting(meeting)
    saved = []
    if minutes is not None:
        texts = {f: minutes[f] for f in MINUTES_FIELDS}
        current = Minutes.objects.filter(meeting=meeting).first()
        if not _unchanged(current, texts):
            try:
                save_minutes(meeting=meeting, version=minutes["version"], by=by, **texts)
            except StaleEdit as stale:
                stale.part = "minutes"
                raise
            saved.append("minutes")
    if case_notes is not None:
        current = CaseCollaborationNotes.objects.filter(meeting=meeting).first()
        if not _unchanged(current, {"text": case_notes["text"]}):
            try:
                save_case_notes(
                    meeting=meeting, version=case_notes["version"], text=case_notes["text"], by=by
                )
            except StaleEdit as stale:
                stale.part = "case_notes"
                raise
            saved.append("case_notes")
    if action is not None:
        add_action_item(meeting=meeting, by=by, **action)
        saved.append("action_item")
    return saved
