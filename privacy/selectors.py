"""Everything the product holds about one person, read in a fixed number of queries (not one
per meeting): what their own-data download contains. Other people appear only as the campus or
meeting a row belongs to, never by name; case-collaboration notes are never read here."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.db.models import Q
from django.utils.translation import pgettext_lazy

from meetings.models import ActionItem, AgendaItem, Attendance, CalendarFeed, DiscussionSuggestion
from members.models import Invitation, Membership, User
from outbox.models import OutboundEmail
from training.models import FacilitationOffer


def _when(value):
    return value.isoformat() if value is not None else ""


# Each section: the CSV file it becomes and its columns, in order.
SECTIONS = {
    "profile": [
        "id",
        "name",
        "email",
        "date_joined",
        "last_login",
        "wants_meeting_notices",
        "wants_meeting_reminders",
        "wants_presence_nudges",
        "has_calendar_feed",
    ],
    "email_addresses": ["email", "verified", "primary"],
    "single_sign_on_accounts": ["provider", "uid", "date_joined", "last_login"],
    "second_factors": ["kind", "created_at", "last_used_at"],
    "memberships": ["campus", "role", "status", "joined_on", "left_on"],
    "membership_history": [
        "campus",
        "changed_at",
        "change",
        "role",
        "status",
        "joined_on",
        "left_on",
    ],
    "invitations": ["campus", "role", "sent_at", "accepted_at", "revoked_at"],
    "meetings": [
        "campus",
        "meeting",
        "starts_at",
        "response",
        "response_note",
        "responded_at",
        "presence",
        "presence_source",
        "checked_in_at",
    ],
    "training_attended": ["campus", "meeting", "starts_at", "topic"],
    "training_facilitated": ["campus", "meeting", "starts_at", "item", "topic"],
    "facilitation_offers": ["campus", "topic", "note", "status", "decline_reason", "created_at"],
    "action_items": ["campus", "meeting", "text", "due_on", "done", "done_at"],
    "suggestions": ["campus", "kind", "text", "status", "submitted_on"],
    "emails": ["kind", "subject", "created_at", "sent_at", "status"],
}

HISTORY_TYPES = {
    "+": pgettext_lazy("membership history", "created"),
    "~": pgettext_lazy("membership history", "changed"),
    "-": pgettext_lazy("membership history", "deleted"),
}


def own_data(*, user: User) -> dict[str, list[dict]]:
    """The person's data, section by section (see SECTIONS). Thirteen queries, whatever the
    number of meetings."""
    has_feed = CalendarFeed.objects.filter(user=user).exists()
    profile = {
        "id": user.pk,
        "name": user.name,
        "email": user.email,
        "date_joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
        "wants_meeting_notices": user.wants_meeting_notices,
        "wants_meeting_reminders": user.wants_meeting_reminders,
        "wants_presence_nudges": user.wants_presence_nudges,
        "has_calendar_feed": has_feed,
    }
    campus_names = {}
    memberships = []
    for m in Membership.objects.filter(user=user).select_related("campus").order_by("joined_on"):
        campus_names[m.campus_id] = m.campus.name
        memberships.append(
            {
                "campus": m.campus.name,
                "role": m.get_role_display(),
                "status": m.get_status_display(),
                "joined_on": _when(m.joined_on),
                "left_on": _when(m.left_on),
            }
        )
    # Who made a change is someone else's data: the history says what and when, not who.
    roles, statuses = dict(Membership.Role.choices), dict(Membership.Status.choices)
    history = [
        {
            "campus": campus_names.get(h.campus_id, ""),
            "changed_at": _when(h.history_date),
            "change": str(HISTORY_TYPES.get(h.history_type, h.history_type)),
            "role": str(roles.get(h.role, h.role)),
            "status": str(statuses.get(h.status, h.status)),
            "joined_on": _when(h.joined_on),
            "left_on": _when(h.left_on),
        }
        for h in Membership.history.filter(user_id=user.pk).order_by("history_date")
    ]
    attendances = list(
        Attendance.objects.filter(user=user)
        .select_related("meeting__campus")
        .order_by("meeting__starts_at")
    )
    was_there = {a.meeting_id for a in attendances if a.was_there}
    training = (
        AgendaItem.objects.filter(kind=AgendaItem.Kind.TRAINING)
        .filter(Q(facilitator=user) | Q(meeting_id__in=was_there, topic__isnull=False))
        .select_related("meeting__campus", "topic")
        .order_by("meeting__starts_at", "position")
    )
    training = list(training)
    return {
        "profile": [profile],
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "single_sign_on_accounts": [
            {
                "provider": s.provider,
                "uid": s.uid,
                "date_joined": _when(s.date_joined),
                "last_login": _when(s.last_login),
            }
            for s in SocialAccount.objects.filter(user=user).order_by("pk")
        ],
        # Kinds and dates only: the secrets stay where they are.
        "second_factors": [
            {
                "kind": a.type,
                "created_at": _when(a.created_at),
                "last_used_at": _when(a.last_used_at),
            }
            for a in Authenticator.objects.filter(user=user).order_by("created_at")
        ],
        "memberships": memberships,
        "membership_history": history,
        "invitations": [
            {
                "campus": i.campus.name,
                "role": i.get_role_display(),
                "sent_at": _when(i.sent_at),
                "accepted_at": _when(i.accepted_at),
                "revoked_at": _when(i.revoked_at),
            }
            for i in Invitation.objects.filter(Q(email__iexact=user.email) | Q(accepted_by=user))
            .select_related("campus")
            .order_by("sent_at")
        ],
        "meetings": [
            {
                "campus": a.meeting.campus.name,
                "meeting": a.meeting.title,
                "starts_at": _when(a.meeting.starts_at),
                "response": a.get_response_display(),
                "response_note": a.response_note,
                "responded_at": _when(a.responded_at),
                "presence": a.get_presence_display(),
                "presence_source": a.get_presence_source_display(),
                "checked_in_at": _when(a.checked_in_at),
            }
            for a in attendances
        ],
        "training_attended": [
            {
                "campus": i.meeting.campus.name,
                "meeting": i.meeting.title,
                "starts_at": _when(i.meeting.starts_at),
                "topic": i.topic.title,
            }
            for i in training
            if i.meeting_id in was_there and i.topic_id is not None
        ],
        "training_facilitated": [
            {
                "campus": i.meeting.campus.name,
                "meeting": i.meeting.title,
                "starts_at": _when(i.meeting.starts_at),
                "item": i.title,
                "topic": i.topic.title if i.topic_id else "",
            }
            for i in training
            if i.facilitator_id == user.pk
        ],
        "facilitation_offers": [
            {
                "campus": o.campus.name,
                "topic": o.topic.title,
                "note": o.note,
                "status": o.get_status_display(),
                "decline_reason": o.decline_reason,
                "created_at": _when(o.created_at),
            }
            for o in FacilitationOffer.objects.filter(user=user)
            .select_related("campus", "topic")
            .order_by("created_at")
        ],
        "action_items": [
            {
                "campus": i.meeting.campus.name,
                "meeting": i.meeting.title,
                "text": i.text,
                "due_on": _when(i.due_on),
                "done": i.done,
                "done_at": _when(i.done_at),
            }
            for i in ActionItem.objects.filter(owner=user)
            .select_related("meeting__campus")
            .order_by("meeting__starts_at", "pk")
        ],
        # Signed ones only: an anonymous suggestion stores no author, so it is nobody's.
        "suggestions": [
            {
                "campus": s.campus.name,
                "kind": s.get_kind_display(),
                "text": s.text,
                "status": s.get_status_display(),
                "submitted_on": _when(s.submitted_on),
            }
            for s in DiscussionSuggestion.objects.filter(author=user, is_anonymous=False)
            .select_related("campus")
            .order_by("submitted_on", "pk")
        ],
        # What was sent to them, not its body: e-mails may carry links that still work.
        "emails": [
            {
                "kind": e.kind,
                "subject": e.subject,
                "created_at": _when(e.created_at),
                "sent_at": _when(e.sent_at),
                "status": e.get_status_display(),
            }
            for e in OutboundEmail.objects.filter(Q(user=user) | Q(to__iexact=user.email))
            .only("kind", "subject", "created_at", "sent_at", "status")
            .order_by("created_at", "pk")
        ],
    }
