"""Writes for a meeting's record: its minutes, the case-collaboration notes and action items.

Minutes and notes are saved with optimistic concurrency: two coordinators editing at once do
not overwrite each other; the second one is shown what the first saved (services.StaleEdit)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from members.models import User

from .models import ActionItem, CaseCollaborationNotes, Meeting, Minutes
from .services import authored, check_active_member, claim_version, lock_meeting

MINUTES_FIELDS = [
    "going_well",
    "proving_difficult",
    "ideas_for_improving",
    "administrative_updates",
]
STALE_MINUTES = {"what": "these minutes", "compare_with": "minutes"}
STALE_CASE_NOTES = {"what": "the case-collaboration notes", "compare_with": "notes"}


def _save_texts(record, *, version: int, stale: dict, by: User, **texts: str):
    """Claim the record's version, then write `texts` (stripped) and who saved them."""
    record = claim_version(record, version, **stale)
    for name, value in texts.items():
        setattr(record, name, value.strip())
    record.updated_by = by
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
    return _save_texts(notes, version=version, stale=STALE_CASE_NOTES, by=by, text=text)


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
