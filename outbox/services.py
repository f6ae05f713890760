"""Writing to the outbox: every e-mail is first a row, queued in the transaction of its cause
and keyed so that it exists once; a person may send a failed or uncertain one again."""

import logging
import re

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from .delivery import OWN_HEADERS
from .models import OutboundEmail
from .tasks import dispatch

logger = logging.getLogger(__name__)

Status = OutboundEmail.Status
RESENDABLE = (Status.FAILED, Status.UNCERTAIN)
# RFC 5322 field names: printable US-ASCII except the colon.
HEADER_NAME = re.compile(r"[!-9;-~]+")
ADDRESS_HEADERS = {"from", "to", "cc", "bcc", "reply-to", "sender"}


def _checked_headers(headers: dict[str, str] | None) -> dict[str, str]:
    """Refuse, in the caller's transaction, headers that could never be sent or would inject."""
    headers = dict(headers or {})
    for name, value in headers.items():
        if not isinstance(name, str) or not HEADER_NAME.fullmatch(name):
            raise ValueError(f"Not a valid e-mail header name: {name!r}")
        if name.lower() in OWN_HEADERS | ADDRESS_HEADERS:
            raise ValueError(f"The outbox sets the {name} header itself.")
        if not isinstance(value, str):
            raise ValueError(f"The {name} header's value must be text.")
        if "\n" in value or "\r" in value:
            raise ValueError(f"The {name} header's value contains a line break.")
    return headers


def queue_email(
    *,
    key: str,
    kind: str,
    to: str,
    subject: str,
    template: str,
    context: dict,
    campus=None,
    user=None,
    ics: str = "",
    sensitive: bool = False,
    headers: dict[str, str] | None = None,
) -> OutboundEmail | None:
    """Render `<template>.txt` and `.html` and queue them (see `queue_message`)."""
    context = {**context, "site_url": settings.SITE_URL, "campus": campus}
    return queue_message(
        key=key,
        kind=kind,
        to=to,
        subject=f"[CoPractice] {subject}",
        body_text=render_to_string(f"{template}.txt", context),
        body_html=render_to_string(f"{template}.html", context),
        campus=campus,
        user=user,
        ics=ics,
        sensitive=sensitive,
        headers=headers,
    )


def queue_message(
    *,
    key: str,
    kind: str,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    campus=None,
    user=None,
    ics: str = "",
    sensitive: bool = False,
    headers: dict[str, str] | None = None,
) -> OutboundEmail | None:
    """Write the e-mail to the outbox (once per key) and deliver it after the commit.

    Call it inside the transaction of the change that causes it. Returns None when an e-mail
    with this key exists already. `headers` are sent as given; a value with a line break is
    refused here (ValueError), before anything is written.
    """
    headers = _checked_headers(headers)
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.create(
                key=key,
                kind=kind,
                campus=campus,
                user=user,
                to=to,
                subject=subject,
                body_text=body_text,
                body_html=body_html,
                ics=ics,
                headers=headers,
                sensitive=sensitive,
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: dispatch(email_id=email.pk))
    return email


def resend_email(*, email: OutboundEmail, by: AbstractBaseUser) -> OutboundEmail:
    """Send a failed or uncertain e-mail again, now: a person's decision, recorded on the row.

    It keeps its key and so its Message-ID: a client that got it already shows it once.
    Raises ValidationError for any other status (sent, or already on its way)."""
    now = timezone.now()
    with transaction.atomic():
        updated = OutboundEmail.objects.filter(pk=email.pk, status__in=RESENDABLE).update(
            status=Status.PENDING,
            next_attempt_at=now,
            attempts=0,
            resent_at=now,
            resent_by=by,
        )
        if not updated:
            email.refresh_from_db(fields=["status"])
            if email.status == Status.SENT:
                raise ValidationError(_("This e-mail was delivered already: it is not sent again."))
            raise ValidationError(
                _(
                    "This e-mail is on its way already: only a failed e-mail or one whose "
                    "delivery is uncertain can be sent again."
                )
            )
        transaction.on_commit(lambda: dispatch(email_id=email.pk))
    email.refresh_from_db()
    logger.info("Outbox: e-mail %s (%s) queued again by user %s", email.pk, email.kind, by.pk)
    return email
