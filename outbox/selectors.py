"""Reads of the outbox: a campus's notices, and which keyed e-mails exist already."""

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from .models import OutboundEmail

Status = OutboundEmail.Status


def notices(*, campus, status: str | None = None) -> QuerySet[OutboundEmail]:
    """A campus's e-mails, newest first, with what the notices page shows; `status` narrows
    them to one status (anything else: all of them)."""
    rows = (
        OutboundEmail.objects.filter(campus=campus)
        .select_related("resent_by")
        .only(
            "created_at",
            "kind",
            "to",
            "subject",
            "status",
            "attempts",
            "last_error",
            "sent_at",
            "resent_at",
            "resent_by__name",
            "resent_by__email",
        )
    )
    if status in Status.values:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-pk")


def notice_counts(*, campus) -> dict[str, int]:
    """How many of a campus's e-mails failed, and how many may or may not have arrived."""
    return OutboundEmail.objects.filter(campus=campus).aggregate(
        failed_count=Count("pk", filter=Q(status=Status.FAILED)),
        uncertain_count=Count("pk", filter=Q(status=Status.UNCERTAIN)),
    )


def notice(*, campus, pk: int) -> OutboundEmail | None:
    return OutboundEmail.objects.filter(campus=campus, pk=pk).first()


def existing_keys(keys: Iterable[str]) -> set[str]:
    """The keys, among `keys`, of e-mails queued already (a periodic job skips those)."""
    return set(OutboundEmail.objects.filter(key__in=list(keys)).values_list("key", flat=True))
