"""Writes for the training catalogue and facilitation offers. Each function is one transaction.

`by` is the person making the change; it is recorded in the topic's history (simple_history reads
`_history_user`, so the record is right outside a request too, e.g. in a shell or a task).

A topic's texts are given per language (`title_en`, `title_fr`...); `title`, `summary` and
`description` without a suffix mean the current language, as `topic.title` does.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from members.models import Campus, User

from .models import TOPIC_LANGUAGES, TRANSLATED_FIELDS, FacilitationOffer, Topic, TopicReference
from .selectors import deletion_blocker


@dataclass(frozen=True)
class ReferenceData:
    """One reference as entered: `id` is set for a reference the topic already has."""

    citation: str
    url: str = ""
    id: int | None = None


class _Keep:
    """A text not given: it stays as it is."""

    def __repr__(self):
        return "KEEP"


KEEP = _Keep()


def _current_language() -> str:
    language = (translation.get_language() or "en").split("-")[0]
    return language if language in TOPIC_LANGUAGES else "en"


def _texts(given: dict) -> tuple[dict, dict]:
    """The texts given, by column (`title_fr`...), and the name each was given under (so that
    an error is reported on the field the caller knows)."""
    current = _current_language()
    texts, names = {}, {}
    for name, value in given.items():
        if value is KEEP:
            continue
        column = name if name[-3:] in {f"_{lang}" for lang in TOPIC_LANGUAGES} else None
        column = column or f"{name}_{current}"
        texts[column], names[column] = value, name
    return texts, names


def _missing_summary(language: str) -> str:
    if language == "fr":
        return _("Write a summary in French for the French title.")
    return _("Write a summary in English for the English title.")


def _missing_title(language: str) -> str:
    if language == "fr":
        return _("Give the French title too: the French summary and description need one.")
    return _("Give the English title too: the English summary and description need one.")


def _duplicate_title_error(field: str, title: str) -> ValidationError:
    return ValidationError(
        {
            field: _(
                "A topic called “%(title)s” is already in the catalogue. Choose another title."
            )
            % {"title": title}
        }
    )


def _title_taken(language: str, title: str, topic: Topic) -> bool:
    """Another topic has this title in this language, whatever its case. Compared in Python
    (a catalogue is a few dozen topics): SQLite's case folding knows only ASCII letters, and
    « ÉCOUTE » must match « écoute »."""
    others = Topic.objects.exclude(**{f"title_{language}": ""}).exclude(pk=topic.pk)
    wanted = title.casefold()
    return any(
        (other or "").casefold() == wanted
        for other in others.values_list(f"title_{language}", flat=True)
    )


def _save_topic(topic: Topic, *, by: User, names: dict | None = None) -> Topic:
    """Validate and save; a title is unique in its language whatever its case, enforced by the
    database. `names` maps a column to the name the caller gave it under, for the errors."""
    names = names or {}

    def key(column: str) -> str:
        return names.get(column, column)

    for field in TRANSLATED_FIELDS:
        for language in TOPIC_LANGUAGES:
            column = f"{field}_{language}"
            value = getattr(topic, column) or ""
            setattr(topic, column, value if field == "description" else value.strip())
    errors = {}
    if not any(topic.text_in("title", language) for language in TOPIC_LANGUAGES):
        errors[key("title_" + _current_language())] = [
            _("Give the topic a title, in English or in French.")
        ]
    for language in TOPIC_LANGUAGES:
        title = topic.text_in("title", language)
        if title and not topic.text_in("summary", language):
            errors.setdefault(key(f"summary_{language}"), [_missing_summary(language)])
        elif not title and (
            topic.text_in("summary", language) or topic.text_in("description", language).strip()
        ):
            errors.setdefault(key(f"title_{language}"), [_missing_title(language)])
    if errors:
        raise ValidationError(errors)
    for language in TOPIC_LANGUAGES:
        title = topic.text_in("title", language)
        if title and _title_taken(language, title, topic):
            raise _duplicate_title_error(key(f"title_{language}"), title)
    # The title constraints are checked just above with a message people understand; the
    # columns are validated, not the reader's-language accessors (they read the same values).
    try:
        topic.full_clean(exclude=list(TRANSLATED_FIELDS), validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(
            {key(field): messages for field, messages in error.message_dict.items()}
        ) from error
    topic._history_user = by
    try:
        with transaction.atomic():
            topic.save()
    except IntegrityError as error:
        # Someone saved the same title between our check and our insert.
        for language in TOPIC_LANGUAGES:
            title = topic.text_in("title", language)
            if title and Topic.objects.filter(**{f"title_{language}__iexact": title}).exists():
                raise _duplicate_title_error(key(f"title_{language}"), title) from error
        raise
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
                {NON_FIELD_ERRORS: _("A reference was removed meanwhile. Reload the page.")}
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
                {
                    NON_FIELD_ERRORS: _("Reference %(number)s: %(messages)s")
                    % {"number": position + 1, "messages": messages}
                }
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
    title=KEEP,
    summary=KEEP,
    description=KEEP,
    title_en="",
    title_fr="",
    summary_en="",
    summary_fr="",
    description_en="",
    description_fr="",
    refresh_interval_months: int | None = None,
    references: Iterable[ReferenceData] = (),
    by: User,
) -> Topic:
    """A new topic, in English, French or both (`title`... are the current language's)."""
    texts, names = _texts(
        {
            "title_en": title_en,
            "title_fr": title_fr,
            "summary_en": summary_en,
            "summary_fr": summary_fr,
            "description_en": description_en,
            "description_fr": description_fr,
            "title": title,
            "summary": summary,
            "description": description,
        }
    )
    topic = Topic(refresh_interval_months=refresh_interval_months)
    for column, value in texts.items():
        setattr(topic, column, value)
    _save_topic(topic, by=by, names=names)
    _save_references(topic, references, by=by)
    return topic


@transaction.atomic
def update_topic(
    *,
    topic: Topic,
    title=KEEP,
    summary=KEEP,
    description=KEEP,
    title_en=KEEP,
    title_fr=KEEP,
    summary_en=KEEP,
    summary_fr=KEEP,
    description_en=KEEP,
    description_fr=KEEP,
    refresh_interval_months: int | None,
    references: Iterable[ReferenceData] | None = None,
    by: User,
) -> Topic:
    """Change a topic. The refresh interval is always given (so that it is not blanked by
    omission); a text not given stays as it is, so editing one language keeps the other;
    `references=None` leaves its references as they are.

    Nothing is saved (and no history is written) when nothing changed."""
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    texts, names = _texts(
        {
            "title_en": title_en,
            "title_fr": title_fr,
            "summary_en": summary_en,
            "summary_fr": summary_fr,
            "description_en": description_en,
            "description_fr": description_fr,
            "title": title,
            "summary": summary,
            "description": description,
        }
    )

    def stored(column, value):
        value = value or ""
        return value if column.startswith("description") else value.strip()

    changed = topic.refresh_interval_months != refresh_interval_months or any(
        stored(column, getattr(topic, column)) != stored(column, value)
        for column, value in texts.items()
    )
    if changed:
        for column, value in texts.items():
            setattr(topic, column, value)
        topic.refresh_interval_months = refresh_interval_months
        _save_topic(topic, by=by, names=names)
    if references is not None:
        _save_references(topic, references, by=by)
    return topic


@transaction.atomic
def archive_topic(*, topic: Topic, by: User) -> Topic:
    """Hide a topic from pickers; meetings that used it still show it and link to it."""
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if topic.is_archived:
        raise ValidationError(_("“%(topic)s” is already archived.") % {"topic": topic})
    topic.is_archived = True
    topic._history_user = by
    topic.save(update_fields=["is_archived", "updated_at"])
    return topic


@transaction.atomic
def restore_topic(*, topic: Topic, by: User) -> Topic:
    topic = Topic.objects.select_for_update().get(pk=topic.pk)
    if not topic.is_archived:
        raise ValidationError(_("“%(topic)s” is not archived.") % {"topic": topic})
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
            _("“%(topic)s” is in use and cannot be deleted. Archive it instead.") % {"topic": topic}
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
            _("“%(topic)s” is archived: it is no longer offered. Choose a current topic.")
            % {"topic": topic}
        )
    if FacilitationOffer.objects.filter(
        topic=topic, campus=campus, user=user, status=FacilitationOffer.Status.OPEN
    ).exists():
        raise ValidationError(
            _(
                "You have already offered to facilitate “%(topic)s” at %(campus)s. "
                "Your coordinator can see it when planning a meeting."
            )
            % {"topic": topic, "campus": campus}
        )
    offer = FacilitationOffer(topic=topic, campus=campus, user=user, note=note.strip())
    offer.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            offer.save()
    except IntegrityError as error:
        raise ValidationError(
            _("You have already offered to facilitate “%(topic)s” at %(campus)s.")
            % {"topic": topic, "campus": campus}
        ) from error
    return offer


@transaction.atomic
def withdraw_offer(*, offer: FacilitationOffer, by: User) -> FacilitationOffer:
    """The person who offered takes it back (only while it is open)."""
    offer = FacilitationOffer.objects.select_for_update().select_related("topic").get(pk=offer.pk)
    if offer.user_id != by.pk:
        raise ValidationError(_("Only the person who made an offer can withdraw it."))
    if offer.status != FacilitationOffer.Status.OPEN:
        raise ValidationError(
            _("This offer is already %(status)s: it can no longer be withdrawn.")
            % {"status": offer.get_status_display().lower()}
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
