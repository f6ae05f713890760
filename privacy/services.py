"""Erasure: a person who asks to be forgotten is anonymised, not deleted. Their attendance rows
stay (the campus's figures do not change) but nothing left names them or gives their address."""

import re
from importlib import import_module

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.models import Attendance, CalendarFeed, DiscussionSuggestion, new_feed_token
from members import records
from members.models import AccessRecord, Invitation, Membership, User
from outbox.models import OutboundEmail

ERASED_BODY = "This e-mail was erased with its recipient's personal data."


def erased_name(user_id: int) -> str:
    return f"Former member #{user_id}"


def erased_email(user_id: int) -> str:
    return f"erased-{user_id}@invalid"


def check_can_erase(*, person: User, by: User) -> None:
    if person.email == erased_email(person.pk):
        raise ValidationError(_("This person is already erased."))
    if person.pk == by.pk:
        raise ValidationError(_("You cannot erase yourself. Ask another site admin."))
    if person.is_superuser and not (
        User.objects.filter(is_superuser=True, is_active=True).exclude(pk=person.pk).exists()
    ):
        raise ValidationError(_("This is the last site admin: they cannot be erased."))


def _scrub_text_everywhere(*, replacements: dict[str, str]) -> None:
    """Replaces the person's name and address wherever they were written into text or JSON:
    history rows, logs, records, minutes, e-mails to other people. Case-insensitive; one query
    per column to find rows, one per row changed."""
    pattern = re.compile("|".join(re.escape(w) for w in replacements), re.IGNORECASE)
    lowered = {w.lower(): new for w, new in replacements.items()}

    def scrub(value):
        if isinstance(value, str):
            return pattern.sub(lambda m: lowered[m.group(0).lower()], value)
        if isinstance(value, list):
            return [scrub(v) for v in value]
        if isinstance(value, dict):
            return {scrub(k): scrub(v) for k, v in value.items()}
        return value

    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or model is User or model is Session:
            continue
        for field in meta.concrete_fields:
            is_json = isinstance(field, models.JSONField)
            if field.primary_key or not (
                is_json or isinstance(field, models.CharField | models.TextField)
            ):
                continue
            manager = model._base_manager
            rows = manager.all()
            column = field.attname
            if is_json:
                rows = rows.annotate(_as_text=Cast(column, models.TextField()))
                column = "_as_text"
            found = Q()
            for word in replacements:
                found |= Q(**{f"{column}__icontains": word})
            for pk, value in rows.filter(found).values_list("pk", field.attname):
                new = scrub(value)
                if field.max_length:
                    new = new[: field.max_length]
                manager.filter(pk=pk).update(**{field.attname: new})


@transaction.atomic
def erase_person(*, person: User, by: User) -> User:
    """Anonymises `person`: name and e-mail replaced, login disabled, sessions ended, feed and
    links revoked, their notes and history scrubbed, signed suggestions detached. Their
    attendance stays, as an anonymous person's."""
    person = User.objects.select_for_update().get(pk=person.pk)
    check_can_erase(person=person, by=by)
    old_name, old_email = person.name, person.email
    new_name, new_email = erased_name(person.pk), erased_email(person.pk)

    person.name = new_name
    person.email = new_email
    person.set_unusable_password()
    person.is_active = False
    person.is_staff = False
    person.is_superuser = False
    person.wants_meeting_notices = False
    person.wants_meeting_reminders = False
    person.wants_presence_nudges = False
    person.save()

    EmailAddress.objects.filter(Q(user=person) | Q(email__iexact=old_email)).delete()
    SocialAccount.objects.filter(user=person).delete()
    Authenticator.objects.filter(user=person).delete()
    # Their sessions end now; a session only names its user by id inside encoded data.
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(person.pk):
            # Through the session engine: its cached copy goes too (copractice/sessions.py).
            import_module(settings.SESSION_ENGINE).SessionStore(session.session_key).delete()
    CalendarFeed.objects.filter(user=person).update(token=new_feed_token(), reset_at=timezone.now())
    # Respond and stop-e-mail links are signed for the person's id: they refuse an inactive
    # account. Pending invitations to the address go; used ones keep their campus and role.
    mine = Q(email__iexact=old_email) | Q(accepted_by=person)
    Invitation.objects.filter(mine, accepted_at__isnull=True, revoked_at__isnull=True).delete()
    Invitation.objects.filter(mine).update(email=new_email, name="")

    Attendance.objects.filter(user=person).update(response_note="")
    Attendance.history.filter(user_id=person.pk).update(response_note="")
    # Still active memberships end today: no more meetings, reminders or rosters for them.
    today = timezone.localdate()
    for membership in Membership.objects.filter(user=person).exclude(status=Membership.Status.LEFT):
        membership.status = Membership.Status.LEFT
        membership.left_on = max(today, membership.joined_on)
        membership._history_user = by
        membership.save()
    DiscussionSuggestion.objects.filter(author=person).update(author=None, is_anonymous=True)
    OutboundEmail.objects.filter(Q(user=person) | Q(to__iexact=old_email)).update(
        to=new_email, body_text=ERASED_BODY, body_html="", ics="", headers={}
    )
    # The address first: a name could be part of it. A name of one or two letters would match
    # inside ordinary words, so only longer ones are searched for.
    replacements = {old_email: new_email}
    if len(old_name.strip()) >= 3:
        replacements[old_name.strip()] = new_name
    # The access record holds no names or addresses (only ids, roles and file names), and its
    # database trigger refuses any change: its lines stay, pointing at the anonymised account.
    _scrub_text_everywhere(replacements=replacements)
    records.record(kind=AccessRecord.Kind.ERASURE, user=by, detail=f"user {person.pk}")
    return person
