"""Reads for the training catalogue: search, offers, a topic's history, what blocks a delete."""

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models, router
from django.db.models import Q, QuerySet
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from members.models import Membership
from members.selectors import VISIBLE_STATUSES

from .models import (
    TOPIC_LANGUAGES,
    TRANSLATED_FIELDS,
    FacilitationOffer,
    Topic,
    TopicReference,
    lacking_translation,
)

EDIT_PERMISSION = "training.edit_catalogue"


class TopicState(models.TextChoices):
    """Which topics the catalogue lists."""

    ACTIVE = "active", pgettext_lazy("topics shown", "Active")
    ARCHIVED = "archived", pgettext_lazy("topics shown", "Archived")
    ALL = "all", pgettext_lazy("topics shown", "All")


def can_edit_catalogue(user) -> bool:
    return user.is_authenticated and user.has_perm(EDIT_PERMISSION)


def active_topics() -> QuerySet[Topic]:
    """What pickers offer: topics that are not archived, by the title the reader sees."""
    return Topic.objects.filter(is_archived=False).order_by(Lower(shown_title()), "pk")


def reader_language() -> str:
    language = (translation.get_language() or "en").split("-")[0]
    return language if language in TOPIC_LANGUAGES else "en"


def _sort_key(text: str) -> str:
    """Accents and case aside (« Éviter » between « Cultural » and « Formation »), whatever the
    database's collation."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def shown_title(prefix: str = ""):
    """The title the reader sees, as an expression: in their language, else in the other one
    (as `topic.title` falls back). `prefix`: the path to the topic from the model queried
    (e.g. "topic__"), none from Topic itself."""
    first = reader_language()
    order = [first, *(lang for lang in TOPIC_LANGUAGES if lang != first)]
    return Coalesce(
        *(NullIf(f"{prefix}title_{lang}", models.Value("")) for lang in order),
        output_field=models.CharField(),
    )


def topic_choices(*, empty_label) -> list[tuple]:
    """What pickers offer (`active_topics`) as a select's choices: (id, the title the reader
    sees), read as plain values rather than whole topics."""
    # The columns are named (title_en, title_fr): no need of modeltranslation's manager.
    topics = (
        Topic._base_manager.filter(is_archived=False)
        .annotate(shown=shown_title())
        .order_by(Lower("shown"), "pk")
        .values_list("pk", "shown")
    )
    return [("", empty_label), *topics]


def by_shown_title(topics: QuerySet[Topic]) -> list[Topic]:
    """In the order of the titles the reader sees: in their language, else in the other one.
    Sorted in Python: the catalogue is a few dozen topics, and databases sort accented letters
    after z."""
    topics = topics.order_by(Lower(shown_title()), "pk")
    return sorted(topics, key=lambda topic: _sort_key(topic.title))


def lacking_a_translation(topics: QuerySet[Topic]) -> QuerySet[Topic]:
    """Topics with a text in one language that the other lacks."""
    condition = Q()
    for language in TOPIC_LANGUAGES:
        condition |= lacking_translation(language)
    return topics.filter(condition)


def search_topics(
    *, query: str = "", state: str = TopicState.ACTIVE, missing_translation: bool = False
) -> list[Topic]:
    """Topics whose title, summary or description, in either language, contain every word of
    `query`; `missing_translation` keeps those not written in both languages."""
    topics = Topic.objects.all()
    if state == TopicState.ACTIVE:
        topics = topics.filter(is_archived=False)
    elif state == TopicState.ARCHIVED:
        topics = topics.filter(is_archived=True)
    if missing_translation:
        topics = lacking_a_translation(topics)
    for word in query.split():
        condition = Q()
        for name in TRANSLATED_FIELDS:
            for language in TOPIC_LANGUAGES:
                condition |= Q(**{f"{name}_{language}__icontains": word})
        topics = topics.filter(condition)
    return by_shown_title(topics)


def open_offers(*, campus, topic: Topic | None = None) -> QuerySet[FacilitationOffer]:
    """Open offers to facilitate at a campus, for coordinators planning an agenda. Offers for
    archived topics are left out (they come back if the topic is restored)."""
    offers = FacilitationOffer.objects.filter(
        campus=campus, status=FacilitationOffer.Status.OPEN, topic__is_archived=False
    )
    if topic is not None:
        offers = offers.filter(topic=topic)
    return offers.select_related("topic", "user").order_by("topic__title", "created_at")


@dataclass(frozen=True, slots=True)
class OfferRow:
    """An open offer as the agenda page lists it: who offered, the topic's title in the
    reader's language, their note."""

    pk: int
    person: str
    topic_title: str
    note: str


def open_offer_rows(*, campus) -> list[OfferRow]:
    """`open_offers`, in the same order, as plain values. One query."""
    first = reader_language()
    order = [first, *(lang for lang in TOPIC_LANGUAGES if lang != first)]
    titles = [f"topic__title_{lang}" for lang in order]
    rows = open_offers(campus=campus).values_list(
        "pk", "user__name", "user__email", "note", *titles
    )
    return [
        # The topic's title in the reader's language, else in the other one (as `topic.title`).
        OfferRow(pk, name or email, next((t for t in titles if t), ""), note)
        for pk, name, email, note, *titles in rows
    ]


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
        return _(
            "“%(topic)s” has been used by a meeting, so it cannot be deleted. "
            "Archive it instead: it disappears from pickers and stays where it was used."
        ) % {"topic": topic}
    return ngettext(
        "“%(topic)s” has %(count)s facilitation offer, so it cannot be deleted. "
        "Archive it instead.",
        "“%(topic)s” has %(count)s facilitation offers, so it cannot be deleted. "
        "Archive it instead.",
        offers,
    ) % {"topic": topic, "count": offers}


# --- history -------------------------------------------------------------------------------
TOPIC_FIELDS_SHOWN = {
    "title_en": gettext_lazy("English title"),
    "title_fr": gettext_lazy("French title"),
    "summary_en": gettext_lazy("English summary"),
    "summary_fr": gettext_lazy("French summary"),
    "description_en": gettext_lazy("English description"),
    "description_fr": gettext_lazy("French description"),
    "refresh_interval_months": gettext_lazy("refresh interval"),
    "is_archived": gettext_lazy("archived"),
}
REFERENCE_FIELDS_SHOWN = {"citation": gettext_lazy("citation"), "url": gettext_lazy("URL")}
# Why the catalogue's set-up changed a topic (history_change_reason, written by migrations).
KNOWN_REASONS = {
    "Seeded from the community-of-practice guidance": gettext_lazy(
        "seeded from the community-of-practice guidance"
    ),
    "French translation of the community-of-practice guidance": gettext_lazy(
        "French translation of the community-of-practice guidance"
    ),
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
        return _("(empty)")
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _months(value) -> str:
    if not value:
        return _("none")
    return ngettext("%(count)s month", "%(count)s months", value) % {"count": value}


def _change(label, old, new) -> str:
    return _("%(field)s: “%(old)s” → “%(new)s”") % {
        "field": label,
        "old": _short(old),
        "new": _short(new),
    }


def _topic_change(change) -> str:
    if change.field == "is_archived":
        return _("archived") if change.new else _("restored")
    if change.field.startswith("description"):
        if change.field.endswith("_fr"):
            return _("French description rewritten")
        return _("English description rewritten")
    if change.field == "refresh_interval_months":
        return _("refresh interval: %(old)s → %(new)s") % {
            "old": _months(change.old),
            "new": _months(change.new),
        }
    return _change(TOPIC_FIELDS_SHOWN[change.field], change.old, change.new)


def _reason(record) -> str:
    reason = record.history_change_reason or ""
    return str(KNOWN_REASONS.get(reason, reason))


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
    created = _("created the topic")
    entries = []
    for newer, older in zip(topic_records, [*topic_records[1:], None], strict=True):
        if newer.history_type == "+":
            what, details = created, []
        elif older is None:
            if len(topic_records) > limit:
                continue  # beyond the window: nothing to compare with
            what, details = _("changed the topic"), []
        else:
            delta = newer.diff_against(older, included_fields=list(TOPIC_FIELDS_SHOWN))
            order = list(TOPIC_FIELDS_SHOWN)
            changes = sorted(
                # A text that was never written (NULL) and one left empty are the same.
                (c for c in delta.changes if (c.old or "") != (c.new or "")),
                key=lambda c: order.index(c.field),
            )
            details = [_topic_change(c) for c in changes]
            if not details:
                continue
            what = _("changed the topic")
        entries.append(
            HistoryEntry(newer.history_date, newer.history_user, what, details, _reason(newer))
        )
    previous_of = {}
    for record in reversed(ref_records):  # oldest first, to pair each record with its previous
        newer_prev = previous_of.get(record.id)
        record.previous = newer_prev
        previous_of[record.id] = record
    for record in ref_records:
        citation = _short(record.citation, limit=300)
        if record.history_type == "+":
            what, details = _("added a reference"), [citation]
        elif record.history_type == "-":
            what, details = _("removed a reference"), [citation]
        else:
            details = []
            if record.previous is not None:
                delta = record.diff_against(record.previous, included_fields=["citation", "url"])
                details = [
                    _change(REFERENCE_FIELDS_SHOWN[c.field], c.old, c.new) for c in delta.changes
                ]
                if not details:
                    continue  # only its position moved because another one was removed
            what = _("changed a reference")
        entries.append(
            HistoryEntry(record.history_date, record.history_user, what, details, _reason(record))
        )
    # At the same instant (a topic seeded with its references), a reference comes after its topic.
    entries.sort(key=lambda e: (e.when, e.what != created), reverse=True)
    return entries[:limit]
