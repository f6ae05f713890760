"""Reads for the training catalogue: search, offers, a topic's history, what blocks a delete."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import models, router
from django.db.models import Q, QuerySet
from django.db.models.deletion import Collector, ProtectedError, RestrictedError

from members.models import Membership
from members.selectors import VISIBLE_STATUSES

from .models import FacilitationOffer, Topic, TopicReference

EDIT_PERMISSION = "training.edit_catalogue"


class TopicState(models.TextChoices):
    """Which topics the catalogue lists."""

    ACTIVE = "active", "Active"
    ARCHIVED = "archived", "Archived"
    ALL = "all", "All"


def can_edit_catalogue(user) -> bool:
    return user.is_authenticated and user.has_perm(EDIT_PERMISSION)


def active_topics() -> QuerySet[Topic]:
    """What pickers offer: topics that are not archived."""
    return Topic.objects.filter(is_archived=False)


def search_topics(*, query: str = "", state: str = TopicState.ACTIVE) -> QuerySet[Topic]:
    """Topics whose title, summary or description contain every word of `query`."""
    topics = Topic.objects.all()
    if state == TopicState.ACTIVE:
        topics = topics.filter(is_archived=False)
    elif state == TopicState.ARCHIVED:
        topics = topics.filter(is_archived=True)
    for word in query.split():
        topics = topics.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(description__icontains=word)
        )
    return topics.order_by("title")


def open_offers(*, campus, topic: Topic | None = None) -> QuerySet[FacilitationOffer]:
    """Open offers to facilitate at a campus, for coordinators planning an agenda. Offers for
    archived topics are left out (they come back if the topic is restored)."""
    offers = FacilitationOffer.objects.filter(
        campus=campus, status=FacilitationOffer.Status.OPEN, topic__is_archived=False
    )
    if topic is not None:
        offers = offers.filter(topic=topic)
    return offers.select_related("topic", "user").order_by("topic__title", "created_at")


def offers_by(*, user, topic: Topic) -> QuerySet[FacilitationOffer]:
    """A person's open offers for a topic, at any of their campuses."""
    return (
        FacilitationOffer.objects.filter(
            user=user, topic=topic, status=FacilitationOffer.Status.OPEN
        )
        .select_related("campus")
        .order_by("campus__name")
    )


def offers_of(*, user, campus) -> QuerySet[FacilitationOffer]:
    """Everything a person has offered to facilitate at a campus, newest first, whatever became
    of it (open, scheduled, withdrawn, declined)."""
    return (
        FacilitationOffer.objects.filter(user=user, campus=campus)
        .select_related("topic")
        .order_by("-created_at", "-pk")
    )


def offering_memberships(*, user) -> QuerySet[Membership]:
    """The campuses where a person may offer to facilitate: those they belong to."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, status__in=VISIBLE_STATUSES)
        .select_related("campus")
        .order_by("campus__name")
    )


def deletion_blocker(*, topic: Topic) -> str | None:
    """Why a topic cannot be deleted, or None if it can.

    Anything that points at a topic with on_delete=PROTECT (agenda items of meetings, offers)
    blocks the delete. Django's delete collector finds them without deleting anything, so
    this works for every app that refers to topics, including ones added later.
    """
    collector = Collector(using=router.db_for_write(Topic))
    try:
        collector.collect([topic])
    except ProtectedError as error:
        blockers = error.protected_objects
    except RestrictedError as error:
        blockers = error.restricted_objects
    else:
        return None
    offers = sum(1 for obj in blockers if isinstance(obj, FacilitationOffer))
    if any(not isinstance(obj, FacilitationOffer) for obj in blockers):
        return (
            f"“{topic}” has been used by a meeting, so it cannot be deleted. "
            "Archive it instead: it disappears from pickers and stays where it was used."
        )
    return (
        f"“{topic}” has {offers} facilitation offer{'s' if offers != 1 else ''}, "
        "so it cannot be deleted. Archive it instead."
    )


# --- history -------------------------------------------------------------------------------
TOPIC_FIELDS_SHOWN = {
    "title": "title",
    "summary": "summary",
    "description": "description",
    "refresh_interval_months": "refresh interval",
    "is_archived": "archived",
}


@dataclass
class HistoryEntry:
    when: datetime
    who: object | None
    what: str
    details: list[str] = field(default_factory=list)
    reason: str = ""


def _short(value, limit=80) -> str:
    if value in (None, ""):
        return "(empty)"
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _topic_change(change) -> str:
    name = TOPIC_FIELDS_SHOWN[change.field]
    if change.field == "is_archived":
        return "archived" if change.new else "restored"
    if change.field == "description":
        return "description rewritten"
    if change.field == "refresh_interval_months":
        old = f"{change.old} months" if change.old else "none"
        new = f"{change.new} months" if change.new else "none"
        return f"refresh interval: {old} → {new}"
    return f"{name}: “{_short(change.old)}” → “{_short(change.new)}”"


def topic_history(*, topic: Topic, limit: int = 50) -> list[HistoryEntry]:
    """Who changed what and when, newest first: the topic's own fields and its references.
    Two queries whatever the length of the history (diffs are computed in Python)."""
    topic_records = list(
        topic.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    ref_records = list(
        TopicReference.history.filter(topic_id=topic.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    entries = []
    for newer, older in zip(topic_records, [*topic_records[1:], None], strict=True):
        if newer.history_type == "+":
            what, details = "created the topic", []
        elif older is None:
            if len(topic_records) > limit:
                continue  # beyond the window: nothing to compare with
            what, details = "changed the topic", []
        else:
            delta = newer.diff_against(older, included_fields=list(TOPIC_FIELDS_SHOWN))
            order = list(TOPIC_FIELDS_SHOWN)
            changes = sorted(delta.changes, key=lambda c: order.index(c.field))
            details = [_topic_change(c) for c in changes]
            if not details:
                continue
            what = "changed the topic"
        entries.append(
            HistoryEntry(
                newer.history_date,
                newer.history_user,
                what,
                details,
                newer.history_change_reason or "",
            )
        )
    previous_of = {}
    for record in reversed(ref_records):  # oldest first, to pair each record with its previous
        newer_prev = previous_of.get(record.id)
        record.previous = newer_prev
        previous_of[record.id] = record
    for record in ref_records:
        citation = _short(record.citation, limit=300)
        if record.history_type == "+":
            what, details = "added a reference", [citation]
        elif record.history_type == "-":
            what, details = "removed a reference", [citation]
        else:
            details = []
            if record.previous is not None:
                delta = record.diff_against(record.previous, included_fields=["citation", "url"])
                details = [
                    f"{c.field}: “{_short(c.old)}” → “{_short(c.new)}”" for c in delta.changes
                ]
                if not details:
                    continue  # only its position moved because another one was removed
            what = "changed a reference"
        entries.append(
            HistoryEntry(
                record.history_date,
                record.history_user,
                what,
                details,
                record.history_change_reason or "",
            )
        )
    # At the same instant (a topic seeded with its references), a reference comes after its topic.
    entries.sort(key=lambda e: (e.when, e.what != "created the topic"), reverse=True)
    return entries[:limit]
