"""Writes for a meeting's agenda: add, edit, reorder and remove items. Each one transaction,
keyword arguments, a ValidationError meant for the person who asked; nothing changes when it
raises."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from members.models import User
from training.models import Topic
from training.services import reopen_offer, use_offer

from .models import DEFAULT_AGENDA_TITLES, AgendaItem, Meeting
from .services import authored, check_active_member, lock_meeting

# Added to every position while an agenda is reordered (positions stay far below it).
OUT_OF_THE_WAY = 10_000


def _check_item(*, meeting: Meeting, kind: str, title: str, topic, facilitator) -> str:
    """Refuse what an item may not be; return the title it gets. A training item left with
    no title, or with the guidance's placeholder "Training", takes its topic's title. An item
    of the guidance's kinds may stay without a title: it shows its kind's usual one."""
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled; its agenda can no longer change."))
    if kind not in AgendaItem.Kind.values:
        raise ValidationError({"kind": _("Choose what kind of item this is.")})
    if topic is not None and kind != AgendaItem.Kind.TRAINING:
        raise ValidationError({"topic": _("Only a training item has a catalogue topic.")})
    if topic is not None and topic.is_archived:
        raise ValidationError(
            {"topic": _("“%(topic)s” is archived; choose a current topic.") % {"topic": topic}}
        )
    check_active_member(field="facilitator", user=facilitator, campus=meeting.campus)
    title = title.strip()
    # The guidance's placeholder, as stored before titles were left empty, or as read now.
    placeholder = ("", "Training", str(DEFAULT_AGENDA_TITLES[AgendaItem.Kind.TRAINING]))
    if topic is not None and title in {*placeholder, topic.title_en, topic.title_fr}:
        # The topic's own title is shown, in each reader's language (AgendaItem.shown_title).
        title = ""
    if not title and kind not in DEFAULT_AGENDA_TITLES:
        raise ValidationError({"title": _("Give the item a title (or pick a topic).")})
    return title


def _release_offer(offer) -> None:
    """An offer no agenda item uses any more is open again."""
    if offer is not None and not offer.agenda_items.exists():
        reopen_offer(offer=offer)


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
    title = _check_item(
        meeting=meeting, kind=kind, title=title, topic=topic, facilitator=facilitator
    )
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
        raise ValidationError(_("Move an item up or down."))
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
    _release_offer(offer)
    for later in meeting.agenda_items.filter(position__gt=position).order_by("position"):
        later.position -= 1
        authored(later, by).save(update_fields=["position"])


@transaction.atomic
def update_agenda_item(
    *,
    item: AgendaItem,
    kind: str,
    title: str,
    notes: str = "",
    duration_minutes: int | None = None,
    topic: Topic | None = None,
    facilitator=None,
    by: User,
) -> AgendaItem:
    """Change an item where it stands. Giving a training item a topic and a facilitator uses
    up their open offer to lead it; an offer the item no longer matches is open again."""
    meeting = lock_meeting(item.meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk, meeting=meeting)
    title = _check_item(
        meeting=meeting, kind=kind, title=title, topic=topic, facilitator=facilitator
    )
    old_offer = item.facilitation_offer
    offer = None
    if topic is not None and facilitator is not None:
        if (
            old_offer is not None
            and old_offer.topic_id == topic.pk
            and old_offer.user_id == facilitator.pk
        ):
            offer = old_offer
        else:
            offer = use_offer(topic=topic, campus=meeting.campus, user=facilitator)
    item.kind = kind
    item.title = title
    item.notes = notes.strip()
    item.duration_minutes = duration_minutes
    item.topic = topic
    item.facilitator = facilitator
    item.facilitation_offer = offer
    item.full_clean()
    authored(item, by).save()
    if old_offer is not None and old_offer != offer:
        _release_offer(old_offer)
    return item


@transaction.atomic
def reorder_agenda(*, meeting: Meeting, order: list[int], by: User) -> list[AgendaItem]:
    """Put the meeting's items in `order` (every item's id, once each)."""
    meeting = lock_meeting(meeting)
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled; its agenda can no longer change."))
    items = {item.pk: item for item in meeting.agenda_items.all()}
    if len(order) != len(set(order)) or set(order) != set(items):
        raise ValidationError(
            _(
                "The agenda changed since the page was opened: nothing was moved. "
                "Look at the order now and move the items again."
            )
        )
    if [item.pk for item in sorted(items.values(), key=lambda i: i.position)] == order:
        return [items[pk] for pk in order]
    # Out of the way first, so that (meeting, position) stays unique at every step.
    meeting.agenda_items.update(position=F("position") + OUT_OF_THE_WAY)
    for position, pk in enumerate(order, start=1):
        item = items[pk]
        item.position = position
        authored(item, by).save(update_fields=["position"])
    return [items[pk] for pk in order]


@transaction.atomic
def move_agenda_item_to(*, item: AgendaItem, position: int, by: User) -> AgendaItem:
    """Move an item to `position` (1 is first; beyond the last means last)."""
    meeting = lock_meeting(item.meeting)
    order = list(meeting.agenda_items.order_by("position").values_list("pk", flat=True))
    if item.pk not in order:
        raise ValidationError(_("This item is no longer on the agenda."))
    order.remove(item.pk)
    order.insert(max(0, min(position, len(order) + 1) - 1), item.pk)
    return reorder_agenda(meeting=meeting, order=order, by=by)[order.index(item.pk)]


@transaction.atomic
def put_offer_on_agenda(*, meeting: Meeting, offer, by: User) -> AgendaItem:
    """An open offer to facilitate, taken up: it fills the agenda's first training item that
    has no topic yet (the guidance's empty "Training" slot), or becomes a new training item."""
    meeting = lock_meeting(meeting)
    if offer.campus_id != meeting.campus_id:
        raise ValidationError(_("That offer was made on another campus."))
    slot = (
        meeting.agenda_items.filter(
            kind=AgendaItem.Kind.TRAINING, topic__isnull=True, facilitator__isnull=True
        )
        .order_by("position")
        .first()
    )
    if slot is None:
        return add_agenda_item(
            meeting=meeting,
            kind=AgendaItem.Kind.TRAINING,
            title="",
            topic=offer.topic,
            facilitator=offer.user,
            by=by,
        )
    return update_agenda_item(
        item=slot,
        kind=AgendaItem.Kind.TRAINING,
        title=slot.title,
        notes=slot.notes,
        duration_minutes=slot.duration_minutes,
        topic=offer.topic,
        facilitator=offer.user,
        by=by,
    )
