"""Writes for the training catalogue and facilitation offers. Each function is one transaction.

`by` is the person making the change; it is recorded in the topic's history (simple_history reads
`_history_user`, so the record is right outside a request too, e.g. in a shell or a task).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Campus, User

from .models import FacilitationOffer, Topic, TopicReference
from .selectors import deletion_blocker


@dataclass(frozen=True)
class ReferenceData:
    """One reference as entered: `id` is set for a reference the topic already has."""

    citation: str
    url: str = ""
    id: int | None = None


def _duplicate_title_error(title: str) -> ValidationError:
    return ValidationError(
        {"title": f"A topic called “{title}” is already in the catalogue. Choose another title."}
    )


def _save_topic(topic: Topic, *, by: User) -> Topic:
    """Validate and save; the title is unique whatever its case, enforced by the database."""
    topic.title = (topic.title or "").strip()
    topic.summary = (topic.summary or "").strip()
    duplicate = Topic.objects.filter(title__iexact=topic.title)
    if topic.pk:
        duplicate = duplicate.exclude(pk=topic.pk)
    if topic.title and duplicate.exists():
        raise _duplicate_title_error(topic.title)
    # The title constraint is checked just above with a message people understand.
    topic.full_clean(validate_constraints=False)
    topic._history_user = by
    try:
        with transaction.atomic():
            topic.save()
    except IntegrityError as error:
        # Someone saved the same title between our check and our insert.
        raise _duplicate_title_error(topic.title) from error
    return topic


def _save_references(topic: Topic, references: Iterable[ReferenceData], *, by: User) -> None:
    """Make the topic's references exactly `references`, in that order, touching only what
    changed so that the history shows what really happened."""
    existing = {ref.pk: ref for ref in topic.references.all()}
    keep = set()
    for position, data in enumerate(references):
        citation, url = (data.citation or "").strip(), (data.url or "").strip()
        if data.id is not None and data.id not in existing:
            raise ValidationError(
                {NON_FIELD_ERRORS: "A reference was removed meanwhile. Reload the page."}
            )
        ref = existing.get(data.id) or TopicReference(topic=topic)
        if ref.pk and (ref.citation, ref.url, ref.position) == (citation, url, position):
            keep.add(ref.pk)
            continue
        ref.citation, ref.url, ref.position = citation, url, position
        try:
            ref.full_clean(exclude=["topic"])
        except ValidationError as error:
            messages = "; ".join(f"{m}" for m in error.messages)
            raise ValidationError(
                {NON_FIELD_ERRORS: f"Reference {position + 1}: {messages}"}
            ) from error
        ref._history_user = by
        ref.save()
        keep.add(ref.pk)
    for pk, ref in existing.items():
        if pk not in keep:
            ref._history_user = by
            ref.delete()


@transaction.atomic
def create_topic(
    *,
    title: str,
    summary: str,
    description: str = "",
    refresh_interval_months: int | None = None,
    references: Iterable[ReferenceData] = (),
    by: User,
) -> Topic:
    topic = Topic(
        title=title,
        summary=summary,
        description=description,
        refresh_interval_months=refresh_interval_months,
    )
    _save_topic(topic, by=by)
    _save_references(topic, references, by=by)
    return topic


@transaction.atomic
def update_topic(
    *,
    topic: Topic,
    title: str,
    summary: str,
    description: str,
    refresh_interval_months: int | None,
    references: Iterable[ReferenceData] | None = None,
    by: User,
) -> Topic:
    """Change a topic (every field is given, so that none is blanked by omission);
    `references=None` leaves its references as they are.

    Nothing is saved (and no history is written) when nothing changed."""
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    new = (title.strip(), summary.strip(), description, refresh_interval_months)
    if (topic.title, topic.summary, topic.description, topic.refresh_interval_months) != new:
        topic.title, topic.summary, topic.description, topic.refresh_interval_months = new
        _save_topic(topic, by=by)
    if references is not None:
        _save_references(topic, references, by=by)
    return topic


@transaction.atomic
def archive_topic(*, topic: Topic, by: User) -> Topic:
    """Hide a topic from pickers; meetings that used it still show it and link to it."""
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if topic.is_archived:
        raise ValidationError(f"“{topic}” is already archived.")
    topic.is_archived = True
    topic._history_user = by
    topic.save(update_fields=["is_archived", "updated_at"])
    return topic


@transaction.atomic
def restore_topic(*, topic: Topic, by: User) -> Topic:
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if not topic.is_archived:
        raise ValidationError(f"“{topic}” is not archived.")
    topic.is_archived = False
    topic._history_user = by
    topic.save(update_fields=["is_archived", "updated_at"])
    return topic


@transaction.atomic
def delete_topic(*, topic: Topic, by: User) -> None:
    """Delete a topic nobody has used or offered to facilitate; otherwise refuse (archive it)."""
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    reason = deletion_blocker(topic=topic)
    if reason:
        raise ValidationError(reason)
    topic._history_user = by
    try:
        with transaction.atomic():
            # Delete references one by one so each gets its history record and its user.
            for ref in topic.references.all():
                ref._history_user = by
                ref.delete()
            topic.delete()
    except (ProtectedError, RestrictedError) as error:
        # Used meanwhile (e.g. an agenda item saved between the check and the delete).
        raise ValidationError(
            f"“{topic}” is in use and cannot be deleted. Archive it instead."
        ) from error


# --- facilitation offers -------------------------------------------------------------------
@transaction.atomic
def offer_to_facilitate(
    *, topic: Topic, campus: Campus, user: User, note: str = ""
) -> FacilitationOffer:
    """A member offers to lead a topic at one of their campuses."""
    topic = Topic.objects.get(pk=topic.pk)
    if topic.is_archived:
        raise ValidationError(
            f"“{topic}” is archived: it is no longer offered. Choose a current topic."
        )
    if FacilitationOffer.objects.filter(
        topic=topic, campus=campus, user=user, status=FacilitationOffer.Status.OPEN
    ).exists():
        raise ValidationError(
            f"You have already offered to facilitate “{topic}” at {campus}. "
            "Your coordinator can see it when planning a meeting."
        )
    offer = FacilitationOffer(topic=topic, campus=campus, user=user, note=note.strip())
    offer.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            offer.save()
    except IntegrityError as error:
        raise ValidationError(
            f"You have already offered to facilitate “{topic}” at {campus}."
        ) from error
    return offer


@transaction.atomic
def withdraw_offer(*, offer: FacilitationOffer, by: User) -> FacilitationOffer:
    """The person who offered takes it back (only while it is open)."""
    offer = FacilitationOffer.objects.select_for_update().select_related("topic").get(pk=offer.pk)
    if offer.user_id != by.pk:
        raise ValidationError("Only the person who made an offer can withdraw it.")
    if offer.status != FacilitationOffer.Status.OPEN:
        raise ValidationError(
            f"This offer is already {offer.get_status_display().lower()}: "
            "it can no longer be withdrawn."
        )
    offer.status = FacilitationOffer.Status.WITHDRAWN
    offer.closed_at = timezone.now()
    offer.save(update_fields=["status", "closed_at"])
    return offer


@transaction.atomic
def decline_offer(*, offer: FacilitationOffer, by: User, reason: str = "") -> FacilitationOffer:
    """A coordinator declines an open offer, optionally saying why; the person who offered
    sees it on their offers."""
    offer = FacilitationOffer.objects.select_for_update().select_related("topic").get(pk=offer.pk)
    if offer.status != FacilitationOffer.Status.OPEN:
        raise ValidationError(
            _("This offer is already %(status)s.") % {"status": offer.get_status_display().lower()}
        )
    offer.status = FacilitationOffer.Status.DECLINED
    offer.decline_reason = reason.strip()
    offer.closed_at = timezone.now()
    offer.full_clean(validate_constraints=False)
    offer.save(update_fields=["status", "decline_reason", "closed_at"])
    return offer


@transaction.atomic
def use_offer(*, topic: Topic, campus: Campus, user: User) -> FacilitationOffer | None:
    """The person's open offer to lead `topic` at `campus` is taken up (a meeting's agenda now
    has them facilitating it). Returns the offer, or None when they made none."""
    offer = (
        FacilitationOffer.objects.select_for_update()
        .filter(topic=topic, campus=campus, user=user, status=FacilitationOffer.Status.OPEN)
        .first()
    )
    if offer is not None:
        offer.status = FacilitationOffer.Status.USED
        offer.closed_at = timezone.now()
        offer.save(update_fields=["status", "closed_at"])
    return offer


@transaction.atomic
def reopen_offer(*, offer: FacilitationOffer) -> FacilitationOffer:
    """An offer that was taken up is open again (the agenda item that used it is gone), unless
    the person has made a new open offer for the same topic meanwhile."""
    already_open = FacilitationOffer.objects.filter(
        topic_id=offer.topic_id,
        campus_id=offer.campus_id,
        user_id=offer.user_id,
        status=FacilitationOffer.Status.OPEN,
    ).exists()
    if not already_open:
        offer.status = FacilitationOffer.Status.OPEN
        offer.closed_at = None
        offer.save(update_fields=["status", "closed_at"])
    return offer
