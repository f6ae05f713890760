"""Writes for a meeting's agenda: add, edit, reorder and remove items. Each one transaction,
keyword arguments, a ValidationError meant for the person who asked; nothing changes when it
raises."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from members.models import User
from training.models import Topic
from training.services import reopen_offer, use_offer

from .models import AgendaItem, Meeting
from .services import authored, check_active_member, lock_meeting


@transaction.atomic
def add_agenda_item(
    *,
    meeting: Meeting,
    kind: str,
    title: str,
    notes: str = "",
    duration_minutes: int | None = None,
    topic: Topic | None = None,
    facilitator=None,
    by: User,
) -> AgendaItem:
    """Add an item at the end. A training item's facilitator uses up their open offer to lead
    that topic on this campus, if they made one."""
    meeting = lock_meeting(meeting)
    if meeting.is_cancelled:
        raise ValidationError("This meeting was cancelled; its agenda can no longer change.")
    if topic is not None and kind != AgendaItem.Kind.TRAINING:
        raise ValidationError({"topic": "Only a training item has a catalogue topic."})
    if topic is not None and topic.is_archived:
        raise ValidationError({"topic": f"“{topic}” is archived; choose a current topic."})
    check_active_member(field="facilitator", user=facilitator, campus=meeting.campus)
    title = title.strip() or (topic.title if topic else "")
    if not title:
        raise ValidationError({"title": "Give the item a title (or pick a topic)."})
    offer = None
    if topic is not None and facilitator is not None:
        offer = use_offer(topic=topic, campus=meeting.campus, user=facilitator)
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem(
        meeting=meeting,
        position=last + 1,
        kind=kind,
        title=title,
        notes=notes.strip(),
        duration_minutes=duration_minutes,
        topic=topic,
        facilitator=facilitator,
        facilitation_offer=offer,
    )
    item.full_clean()
    authored(item, by).save()
    return item


@transaction.atomic
def move_agenda_item(*, item: AgendaItem, direction: str, by: User) -> AgendaItem:
    """Swap an item with its neighbour above ("up") or below ("down")."""
    meeting = lock_meeting(item.meeting)
    item = AgendaItem.objects.get(pk=item.pk, meeting=meeting)
    if direction not in ("up", "down"):
        raise ValidationError("Move an item up or down.")
    siblings = meeting.agenda_items.order_by("position")
    neighbour = (
        siblings.filter(position__lt=item.position).last()
        if direction == "up"
        else siblings.filter(position__gt=item.position).first()
    )
    if neighbour is None:
        return item  # already first or last: nothing to do
    mine, theirs = item.position, neighbour.position
    # Position 0 is never used by an item; it keeps (meeting, position) unique during the swap.
    authored(item, by)
    authored(neighbour, by)
    item.position = 0
    item.save(update_fields=["position"])
    neighbour.position = mine
    neighbour.save(update_fields=["position"])
    item.position = theirs
    item.save(update_fields=["position"])
    return item


@transaction.atomic
def remove_agenda_item(*, item: AgendaItem, by: User) -> None:
    """Remove an item; the ones after it move up. A facilitation offer it used is open again."""
    meeting = lock_meeting(item.meeting)
    item = AgendaItem.objects.select_related("facilitation_offer").get(pk=item.pk, meeting=meeting)
    offer = item.facilitation_offer
    position = item.position
    authored(item, by).delete()
    if offer is not None and not offer.agenda_items.exists():
        reopen_offer(offer=offer)
    for later in meeting.agenda_items.filter(position__gt=position).order_by("position"):
        later.position -= 1
        authored(later, by).save(update_fields=["position"])
