"""Which e-mails a person wants, and the one-click way to stop them (RFC 2369, RFC 8058).

Each kind of e-mail a person can turn off is a topic, backed by a field of their profile. An
e-mail of a topic carries `List-Unsubscribe` with a link signed for that person and topic (it
never expires: an old e-mail's link must still work) and `List-Unsubscribe-Post`, so that a mail
client's "Unsubscribe" button turns the topic off with one POST and no login.
"""

from dataclasses import dataclass

from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outbox.mail import absolute_url

SALT = "members.stop-emails"


@dataclass(frozen=True)
class Topic:
    field: str  # the User field that says whether the person wants these e-mails
    label: str  # what the e-mails are, for a sentence like "Stop e-mails … ?"


TOPICS = {
    "meeting_notices": Topic(
        "wants_meeting_notices",
        gettext_lazy("when a meeting is scheduled, changed or cancelled"),
    ),
    "meeting_reminders": Topic(
        "wants_meeting_reminders", gettext_lazy("reminding you of meetings")
    ),
    "presence_nudges": Topic(
        "wants_presence_nudges", gettext_lazy("reminding you to record presence")
    ),
}


class StopLinkError(Exception):
    """A link that does not stand for a person and a topic; the message says so."""


def stop_token(*, user, topic: str) -> str:
    if topic not in TOPICS:
        raise ValueError(f"Unknown e-mail topic {topic!r}")
    return signing.dumps({"u": user.pk, "t": topic}, salt=SALT, compress=True)


def read_stop_token(token: str) -> tuple[int, str]:
    """The user id and topic a link stands for."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise StopLinkError(
            _(
                "This link is not valid. Use it exactly as it arrived, or change your e-mail "
                "settings on your profile."
            )
        ) from None
    if (
        not isinstance(data, dict)
        or data.get("t") not in TOPICS
        or not isinstance(data.get("u"), int)
    ):
        raise StopLinkError(
            _("This link is not valid any more. Change your e-mail settings on your profile.")
        )
    return data["u"], data["t"]


def stop_url(*, user, topic: str) -> str:
    return absolute_url(
        reverse("members:stop_emails", kwargs={"token": stop_token(user=user, topic=topic)})
    )


def list_headers(*, user, topic: str) -> dict[str, str]:
    """The headers with which mail clients offer to stop this topic's e-mails in one click."""
    return {
        "List-Unsubscribe": f"<{stop_url(user=user, topic=topic)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
