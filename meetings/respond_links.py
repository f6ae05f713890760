"""One-click respond links: a signed token for one person, one meeting and one answer, so that
an e-mail can carry "attending" and "not attending" buttons that work without a login."""

import datetime as dt

from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox.mail import absolute_url

from .models import Attendance

RESPOND_SALT = "meetings.respond"
RESPOND_LINK_MAX_AGE = dt.timedelta(days=30)
ANSWERS = (Attendance.Response.ATTENDING, Attendance.Response.NOT_ATTENDING)


class RespondLinkError(Exception):
    """A one-click link that cannot be used; the message (in the reader's language) says why."""


def respond_token(*, attendance: Attendance, response: str) -> str:
    """A signed token for a one-click respond link: this attendance, this person, this answer."""
    return signing.dumps(
        {"a": attendance.pk, "u": attendance.user_id, "r": response}, salt=RESPOND_SALT
    )


def attendance_for_token(token: str) -> tuple[Attendance, str]:
    """The attendance and response a one-click link stands for, if it is still valid."""
    try:
        data = signing.loads(token, salt=RESPOND_SALT, max_age=RESPOND_LINK_MAX_AGE.total_seconds())
    except signing.SignatureExpired:
        raise RespondLinkError(
            _("This link has expired. Log in to respond from the meeting's page.")
        ) from None
    except signing.BadSignature:
        raise RespondLinkError(
            _("This link is not valid. Use the link exactly as it arrived, or log in to respond.")
        ) from None
    attendance = (
        Attendance.objects.select_related("meeting__campus", "user")
        .filter(pk=data.get("a"), user_id=data.get("u"))
        .first()
    )
    if attendance is None or data.get("r") not in ANSWERS:
        raise RespondLinkError(_("This link is no longer valid. Log in to respond."))
    if not attendance.user.is_active:
        raise RespondLinkError(
            _(
                "This link belongs to an account that is closed, so it no longer records "
                "answers. Ask your coordinator if that is a mistake."
            )
        )
    if attendance.meeting.starts_at <= timezone.now():
        raise RespondLinkError(_("This meeting has already started, so responses are closed."))
    return attendance, data["r"]


def respond_url(*, attendance: Attendance, response: str) -> str:
    """An absolute one-click link for e-mails: signed, bound to this person, this meeting and
    this answer, expiring after 30 days or when the meeting starts."""
    token = respond_token(attendance=attendance, response=response)
    return absolute_url(reverse("meetings:respond_link", kwargs={"token": token}))


def respond_urls(*, attendance: Attendance) -> dict[str, str]:
    return {response: respond_url(attendance=attendance, response=response) for response in ANSWERS}
