"""Writes for campuses and members: invitations, joining, roles and status."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from outbox.mail import absolute_url
from outbox.services import queue_email

from .invite_lists import InviteRow, language_for, role_for
from .language import language_of
from .models import (
    CAMPUS_SETTINGS,
    AccessKind,
    Campus,
    FactorReset,
    IdentityProvider,
    Invitation,
    Membership,
    hash_token,
)
from .preferences import TOPICS
from .records import record, role_of
from .validators import LINE_BREAKS

User = get_user_model()


class InvitationError(Exception):
    """An invitation link that cannot be used; the message says why, for the person holding it."""


@dataclass
class InviteResult:
    invitation: Invitation | None = None
    membership: Membership | None = None


def _check_not_member(*, campus: Campus, email: str) -> None:
    membership = Membership.objects.filter(campus=campus, user__email__iexact=email).first()
    if membership is None:
        return
    if membership.status == Membership.Status.LEFT:
        raise ValidationError(
            {
                "email": _(
                    "%(email)s left %(campus)s on %(date)s. To bring them back, set their "
                    "status to active on the members page."
                )
                % {
                    "email": email,
                    "campus": campus,
                    "date": date_format(membership.left_on, "DATE_FORMAT"),
                }
            }
        )
    raise ValidationError(
        {
            "email": _("%(email)s is already a member of %(campus)s.")
            % {"email": email, "campus": campus}
        }
    )


@transaction.atomic
def invite_member(
    *, campus: Campus, email: str, role: str, by: User, name: str = "", language: str = ""
) -> InviteResult:
    """Invite someone by e-mail, in `language` (the invitation e-mail's; by default the
    language being read now). Someone who already has an account is added at once (and written
    to in their own language)."""
    email = User.objects.normalize_email(email).strip().lower()
    if role not in Membership.Role.values:
        raise ValidationError(
            {"role": _("Choose coordinator, peer supporter or partner representative.")}
        )
    if language and not _known_language(language):
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    language = _known_language(language or translation.get_language()) or settings.LANGUAGE_CODE
    _check_not_member(campus=campus, email=email)
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        membership = Membership(user=existing, campus=campus, role=role)
        membership.full_clean()
        membership.save()
        _queue_added_email(membership)
        record(
            kind=AccessKind.INVITATION,
            user=by,
            campus=campus,
            detail=f"membership {membership.pk} added as {role}",
        )
        return InviteResult(membership=membership)
    if Invitation.objects.filter(
        campus=campus, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).exists():
        raise ValidationError(
            {
                "email": _(
                    "%(email)s has already been invited. Re-send the invitation from the list "
                    "below."
                )
                % {"email": email}
            }
        )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation.objects.create(
        campus=campus,
        email=email,
        name=name.strip(),
        role=role,
        language=language,
        token_hash=hash_token(token),
        invited_by=by,
        sent_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    _queue_invitation_email(invitation, token)
    record(
        kind=AccessKind.INVITATION,
        user=by,
        campus=campus,
        detail=f"invitation {invitation.pk} as {role}",
    )
    return InviteResult(invitation=invitation)


# --- many at once: a term's cohort -----------------------------------------------------------
MAX_BATCH = 500


class BatchRefused(ValidationError):
    """Some rows of a batch cannot be invited, and the person did not choose to skip them:
    nobody was invited. `rows` is the whole batch, each with its problem (or none)."""

    def __init__(self, rows: list[InviteRow]):
        self.rows = rows
        bad = sum(1 for row in rows if not row.is_valid)
        super().__init__(
            ngettext(
                "%(count)d row cannot be invited; nobody was invited.",
                "%(count)d rows cannot be invited; nobody was invited.",
                bad,
            )
            % {"count": bad}
        )


@dataclass
class BatchResult:
    invited: list[Invitation]
    added: list[Membership]
    skipped: list[InviteRow]


def check_invite_rows(*, campus: Campus, rows: list[InviteRow], default_role: str) -> None:
    """Give each row its problem, if any: a malformed address, a name on more than one line or
    too long, the same address twice in the batch, someone already a member or already invited,
    a role an invitation cannot give. Three queries, whatever the size of the batch."""
    if default_role not in Membership.Role.values:
        raise ValidationError(
            {"role": _("Choose coordinator, peer supporter or partner representative.")}
        )
    addresses = set()
    for row in rows:
        row.problem = ""
        row.email = row.email.strip()
        try:
            validate_email(row.email)
            if len(row.email) > 254 or not LINE_BREAKS.isdisjoint(row.email):
                raise ValidationError("line break")
        except ValidationError:
            row.problem = _("Not an e-mail address: “%(value)s”.") % {"value": row.email[:80]}
            continue
        row.email = User.objects.normalize_email(row.email).lower()
        addresses.add(row.email)
    members = {
        email: (status, left_on)
        for email, status, left_on in Membership.objects.annotate(address=Lower("user__email"))
        .filter(campus=campus, address__in=addresses)
        .values_list("address", "status", "left_on")
    }
    invited = set(
        Invitation.objects.annotate(address=Lower("email"))
        .filter(
            campus=campus,
            address__in=addresses,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
        .values_list("address", flat=True)
    )
    first_line: dict[str, int] = {}
    for row in rows:
        if row.problem:
            continue
        role, problem = role_for(row.role, default_role)
        if row.email in first_line:
            row.problem = _("Duplicate: %(email)s is already on line %(line)d.") % {
                "email": row.email,
                "line": first_line[row.email],
            }
        elif row.email in members:
            status, left_on = members[row.email]
            if status == Membership.Status.LEFT:
                row.problem = _(
                    "%(email)s left on %(date)s: set them active again on the members page."
                ) % {"email": row.email, "date": date_format(left_on, "DATE_FORMAT")}
            else:
                row.problem = _("%(email)s is already a member.") % {"email": row.email}
        elif row.email in invited:
            row.problem = _(
                "%(email)s has already been invited: re-send it from the members page."
            ) % {"email": row.email}
        elif problem:
            row.problem = problem
        elif len(row.name) > 150:
            row.problem = _("The name is longer than 150 characters.")
        elif not LINE_BREAKS.isdisjoint(row.name):
            row.problem = _("The name spans more than one line.")
        elif row.language and not language_for(row.language):
            row.problem = _("Unknown language “%(language)s”: use en or fr.") % {
                "language": row.language.strip()[:20]
            }
        else:
            row.role = role
            row.language = language_for(row.language)
        first_line.setdefault(row.email, row.line)


@transaction.atomic
def invite_many(
    *,
    campus: Campus,
    rows: list[InviteRow],
    default_role: str,
    by: User,
    skip_bad: bool = False,
    default_language: str = "",
) -> BatchResult:
    """Invite a list of people, all or nothing: every row is checked first; if any cannot be
    invited, nobody is (BatchRefused, with each row's problem) unless `skip_bad` says to invite
    the others and skip those. One transaction: the invitations and their e-mails in the outbox
    exist together or not at all. People who already have an account are added at once."""
    if not rows:
        raise ValidationError(_("There is nobody to invite: the list is empty."))
    if len(rows) > MAX_BATCH:
        raise ValidationError(
            _("That is %(count)d people; invite at most %(max)d at once.")
            % {"count": len(rows), "max": MAX_BATCH}
        )
    # One batch at a time per campus: two coordinators sending overlapping lists wait in turn.
    Campus.objects.select_for_update().get(pk=campus.pk)
    check_invite_rows(campus=campus, rows=rows, default_role=default_role)
    skipped = [row for row in rows if not row.is_valid]
    if skipped and not skip_bad:
        raise BatchRefused(rows)
    if len(skipped) == len(rows):
        raise BatchRefused(rows)
    result = BatchResult(invited=[], added=[], skipped=skipped)
    try:
        for row in rows:
            if row.is_valid:
                done = invite_member(
                    campus=campus,
                    email=row.email,
                    role=row.role,
                    by=by,
                    name=row.name,
                    language=row.language or default_language,
                )
                if done.invitation:
                    result.invited.append(done.invitation)
                else:
                    result.added.append(done.membership)
    except IntegrityError as error:
        # Someone invited or added one of these people a moment ago: the whole batch is undone.
        raise ValidationError(
            _("Someone was invited or added meanwhile: nobody was invited. Try again.")
        ) from error
    return result


# Two clicks on "Re-send all" (or a reload that posts again) must not send everything twice.
RESEND_PAUSE = timedelta(minutes=10)


@dataclass
class ResendResult:
    resent: list[Invitation]
    too_recent: list[Invitation]


@transaction.atomic
def resend_pending_invitations(*, campus: Campus, by: User) -> ResendResult:
    """Re-send every invitation not yet accepted (expired ones too), each with a fresh link and
    expiry: one e-mail per invitation per re-send. Those sent in the last ten minutes are left
    alone, so that a second click does not send them again."""
    now = timezone.now()
    pending = list(
        Invitation.objects.select_for_update()
        .filter(campus=campus, accepted_at__isnull=True, revoked_at__isnull=True)
        .order_by("email")
    )
    result = ResendResult(resent=[], too_recent=[])
    for invitation in pending:
        if invitation.sent_at > now - RESEND_PAUSE:
            result.too_recent.append(invitation)
        else:
            result.resent.append(resend_invitation(invitation=invitation, by=by))
    return result


@transaction.atomic
def mark_members_left(
    *, campus: Campus, memberships: list[Membership], by: User
) -> list[Membership]:
    """The end of a term: these members leave today, all or none. Refused, with nothing changed,
    when it would leave the campus without an active coordinator."""
    ids = [m.pk for m in memberships]
    locked = list(
        Membership.objects.select_for_update()
        .filter(campus=campus, pk__in=ids)
        .select_related("user")
        .order_by("user__name")
    )
    if len(locked) != len(set(ids)):
        raise ValidationError(_("Some of these people are not members of this campus."))
    already = [m for m in locked if m.status == Membership.Status.LEFT]
    if already:
        raise ValidationError(
            _("Already left: %(names)s.") % {"names": ", ".join(str(m.user) for m in already)}
        )
    leaving_coordinators = [m for m in locked if m.is_coordinator]
    if leaving_coordinators:
        staying = (
            Membership.objects.filter(
                campus=campus, role=Membership.Role.COORDINATOR, status=Membership.Status.ACTIVE
            )
            .exclude(pk__in=ids)
            .exists()
        )
        if not staying:
            raise ValidationError(
                _(
                    "%(campus)s would have no active coordinator left: %(names)s cannot all "
                    "leave. Make someone else a coordinator first, or keep one of them. "
                    "Nobody was marked as left."
                )
                % {
                    "campus": campus,
                    "names": ", ".join(str(m.user) for m in leaving_coordinators),
                }
            )
    today = timezone.localdate()
    role = role_of(by, campus)
    for membership in locked:
        before = f"{membership.role}/{membership.status}"
        membership.status = Membership.Status.LEFT
        membership.left_on = max(today, membership.joined_on)
        membership._history_user = by
        membership.full_clean()
        membership.save()
        record(
            kind=AccessKind.ROLE_CHANGE,
            user=by,
            campus=campus,
            role=role,
            detail=f"membership {membership.pk}: {before} → {membership.role}/left",
        )
    return locked


@transaction.atomic
def resend_invitation(*, invitation: Invitation, by: User) -> Invitation:
    """A fresh link with a fresh expiry; the old link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(_state_refusal(invitation))
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = hash_token(token)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=settings.INVITATION_VALID_DAYS)
    invitation.invited_by = by
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at", "invited_by"])
    _queue_invitation_email(invitation, token)
    return invitation


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, by: User) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(_state_refusal(invitation))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


def _state_refusal(invitation: Invitation) -> str:
    if invitation.accepted_at:
        return _("This invitation was already accepted.")
    return _("This invitation was already revoked.")


def find_invitation(*, token: str) -> Invitation:
    """The invitation a link points to, if it can still be used."""
    invitation = (
        Invitation.objects.select_related("campus").filter(token_hash=hash_token(token)).first()
    )
    if invitation is None:
        raise InvitationError(
            _(
                "This invitation link is not valid. It may have been replaced by a newer one: "
                "use the link in the most recent e-mail, or ask your coordinator to re-send it."
            )
        )
    if invitation.accepted_at:
        raise InvitationError(_("This invitation has already been used. Log in to continue."))
    if invitation.revoked_at:
        raise InvitationError(
            _("This invitation was withdrawn. Ask your coordinator if that is a mistake.")
        )
    if invitation.is_expired:
        raise InvitationError(
            ngettext(
                "This invitation has expired. Ask your coordinator to re-send it; the new link "
                "will be valid for another %(days)d day.",
                "This invitation has expired. Ask your coordinator to re-send it; the new link "
                "will be valid for another %(days)d days.",
                settings.INVITATION_VALID_DAYS,
            )
            % {"days": settings.INVITATION_VALID_DAYS}
        )
    return invitation


@transaction.atomic
def accept_invitation(*, token: str, name: str, password: str, language: str = "") -> User:
    """Create the account (e-mail verified by the link), join the campus, use up the invitation.
    The person reads in `language` (the one their browser asked for when accepting), else in
    the invitation's."""
    invitation = find_invitation(token=token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise InvitationError(_("This invitation has already been used. Log in to continue."))
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationError(
            _("An account with this e-mail address exists already. Log in to join.")
        )
    user = User(
        email=invitation.email,
        name=name.strip(),
        language=_known_language(language) or language_of(invitation),
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return _join(invitation=invitation, user=user)


@transaction.atomic
def accept_invitation_as(*, token: str, user: User) -> User:
    """Someone who has an account with the invited address joins with it."""
    invitation = find_invitation(token=token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise InvitationError(_("This invitation has already been used."))
    if user.email.lower() != invitation.email.lower():
        raise InvitationError(
            _("This invitation is for %(invited)s; you are logged in as %(email)s.")
            % {"invited": invitation.email, "email": user.email}
        )
    return _join(invitation=invitation, user=user)


def _known_language(language: str) -> str:
    """One of the site's languages, from a request's language code ("fr-ca" → "fr"); "" when
    it is none of them."""
    try:
        return translation.get_supported_language_variant((language or "").lower())
    except LookupError:
        return ""


def _join(*, invitation: Invitation, user) -> User:
    _check_not_member(campus=invitation.campus, email=user.email)
    Membership.objects.create(user=user, campus=invitation.campus, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user


@transaction.atomic
def update_campus_settings(*, campus: Campus, by: User, **values) -> Campus:
    """Coordinators adjust their campus; its name and institution are the site admins'."""
    unknown = set(values) - set(CAMPUS_SETTINGS)
    if unknown:
        raise ValueError(f"Not campus settings: {sorted(unknown)}")
    campus = Campus.objects.select_for_update().get(pk=campus.pk)
    for name, value in values.items():
        setattr(campus, name, value)
    campus.full_clean()
    campus.save()
    return campus


def _unique_slug(name: str, *, exclude: Campus | None = None) -> str:
    base = slugify(name)[:50] or "campus"
    slug, n = base, 2
    taken = Campus.objects.exclude(pk=exclude.pk) if exclude else Campus.objects.all()
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_campus(*, by: User, name: str, slug: str = "", **values) -> Campus:
    """A site admin opens a new campus; the slug comes from the name unless one is given."""
    campus = Campus(name=name.strip(), slug=slug or _unique_slug(name), **values)
    campus._history_user = by
    campus.full_clean()
    campus.save()
    return campus


@transaction.atomic
def update_campus(*, campus: Campus, by: User, **values) -> Campus:
    """A site admin changes any of a campus's details, its name and address included."""
    campus = Campus.objects.select_for_update().get(pk=campus.pk)
    editable = {f.name for f in Campus._meta.concrete_fields} - {"id", "created_at"}
    for name, value in values.items():
        if name not in editable:
            raise ValueError(f"Not a campus field: {name}")
        setattr(campus, name, value)
    if not campus.slug:
        campus.slug = _unique_slug(campus.name, exclude=campus)
    campus._history_user = by
    campus.full_clean()
    campus.save()
    return campus


@transaction.atomic
def change_membership(*, membership: Membership, role: str, status: str, by: User) -> Membership:
    """Change a member's role or status. Nothing is deleted: leaving keeps the record."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if role not in Membership.Role.values:
        raise ValidationError(
            {"role": _("Choose coordinator, peer supporter or partner representative.")}
        )
    if status not in Membership.Status.values:
        raise ValidationError({"status": _("Choose active, on leave or left.")})
    stays_coordinator = role == Membership.Role.COORDINATOR and status == Membership.Status.ACTIVE
    if membership.is_coordinator and not stays_coordinator:
        others = (
            Membership.objects.filter(
                campus=membership.campus,
                role=Membership.Role.COORDINATOR,
                status=Membership.Status.ACTIVE,
            )
            .exclude(pk=membership.pk)
            .exists()
        )
        if not others:
            raise ValidationError(
                _(
                    "%(person)s is the only active coordinator of %(campus)s. Make someone "
                    "else a coordinator first."
                )
                % {"person": membership.user, "campus": membership.campus}
            )
    before = f"{membership.role}/{membership.status}"
    if status == Membership.Status.LEFT and membership.status != Membership.Status.LEFT:
        membership.left_on = max(timezone.localdate(), membership.joined_on)
    elif status != Membership.Status.LEFT:
        membership.left_on = None
    membership.role = role
    membership.status = status
    membership._history_user = by  # who changed it, in the history, outside a request too
    membership.full_clean()
    membership.save()
    after = f"{role}/{status}"
    if after != before:
        record(
            kind=AccessKind.ROLE_CHANGE,
            user=by,
            campus=membership.campus,
            detail=f"membership {membership.pk}: {before} → {after}",
        )
    return membership


def _queue_invitation_email(invitation: Invitation, token: str) -> None:
    # In the invitation's language (the recipient has no account, so no language of their own),
    # whatever the language of the coordinator who sends it.
    with translation.override(language_of(invitation)):
        queue_email(
            key=f"invitation:{invitation.pk}:{invitation.token_hash[:16]}",
            kind="invitation",
            to=invitation.email,
            subject=_("You are invited to the %(campus)s community of practice")
            % {"campus": invitation.campus},
            template="members/email/invitation",
            campus=invitation.campus,
            context={
                "invitation": invitation,
                "accept_url": absolute_url(reverse("members:invitation_accept", args=[token])),
                "valid_days": settings.INVITATION_VALID_DAYS,
            },
            sensitive=True,
        )


def _queue_added_email(membership: Membership) -> None:
    with translation.override(language_of(membership.user)):
        queue_email(
            key=f"member-added:{membership.pk}",
            kind="member_added",
            to=membership.user.email,
            user=membership.user,
            subject=_("You have joined the %(campus)s community of practice")
            % {"campus": membership.campus},
            template="members/email/added",
            campus=membership.campus,
            context={
                "membership": membership,
                "campus_url": absolute_url(membership.campus.get_absolute_url()),
            },
        )


@transaction.atomic
def stop_emails(*, user: User, topic: str) -> User:
    """The person no longer wants the e-mails of `topic` (see members.preferences); they can
    turn them on again on their profile."""
    field = TOPICS[topic].field
    user = User.objects.select_for_update().get(pk=user.pk)
    if getattr(user, field):
        setattr(user, field, False)
        user.save(update_fields=[field])
    return user


def remember_campus(*, user: User, campus: Campus) -> None:
    """The campus the person last opened, kept across logins so that home sends them back to
    it (an update of one column: no history row for a page visit)."""
    if user.last_campus_id != campus.pk:
        User.objects.filter(pk=user.pk).update(last_campus=campus)
        user.last_campus = campus


@transaction.atomic
def join_through_provider(*, email: str, name: str, language: str = "") -> User | None:
    """Someone whose campus provider vouched for `email` (a verified claim at one of its
    domains) and who has no account yet: their open invitations to that address make the
    account (no password: they sign in through the provider) and join them to each campus.
    None when nobody invited them: sign-up stays closed."""
    now = timezone.now()
    invitations = list(
        Invitation.objects.select_for_update()
        .select_related("campus")
        .filter(
            email__iexact=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
        )
        .order_by("sent_at")
    )
    if not invitations or User.objects.filter(email__iexact=email).exists():
        return None
    # The provider's `name` claim, on one line (str.split breaks at every line break too).
    name = " ".join(str(name or "").replace("\x00", "").split())[:150]
    user = User(
        email=email.lower(),
        name=name or email.split("@")[0],
        language=_known_language(language) or language_of(invitations[0]),
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    for invitation in invitations:
        _join(invitation=invitation, user=user)
    return user


@transaction.atomic
def reset_second_factors(*, user: User, by: User) -> FactorReset:
    """A site admin removes someone's second factors (authenticator app, passkeys, recovery
    codes), e.g. after a lost phone; recorded. They set up a new one at their next login."""
    from allauth.mfa.models import Authenticator

    if not by.is_superuser:
        raise ValidationError(_("Only site admins can reset someone's second factors."))
    removed, _counts = Authenticator.objects.filter(user=user).delete()
    reset = FactorReset.objects.create(user=user, reset_by=by, authenticators_removed=removed)
    detail = f"reset the second factors of user {user.pk}"
    record(kind=AccessKind.MFA_CHANGE, user=by, detail=detail)
    return reset


@transaction.atomic
def save_identity_provider(*, slug: str, **fields) -> IdentityProvider:
    """Add or change the identity provider `slug` (the command line's way to what site admins
    do in the admin), checked as the admin checks it."""
    provider = IdentityProvider.objects.filter(slug=slug).first() or IdentityProvider(slug=slug)
    for name, value in fields.items():
        setattr(provider, name, value)
    provider.full_clean()
    provider.save()
    return provider
