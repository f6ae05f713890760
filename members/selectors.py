from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import AccessKind, AccessRecord, Campus, Invitation, Membership, User

VISIBLE_STATUSES = [Membership.Status.ACTIVE, Membership.Status.ON_LEAVE]


def campuses_for(user) -> QuerySet[Campus]:
    """The campuses a person may see: their own (not those they left); every one for site admins."""
    if not user.is_authenticated:
        return Campus.objects.none()
    if user.is_superuser:
        return Campus.objects.all()
    return Campus.objects.filter(
        memberships__user=user, memberships__status__in=VISIBLE_STATUSES
    ).distinct()


def membership_for(*, user, campus) -> Membership | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(user=user, campus=campus, status__in=VISIBLE_STATUSES)
        .select_related("campus")
        .first()
    )


def campus_and_membership(
    user, slug: str, memberships: list[Membership] | None = None
) -> tuple[Campus, Membership | None]:
    """The campus `slug` as `user` may see it, with their membership of it (None for a site
    admin who is not a member): one query for a member, none when their `memberships` are
    given (visible_memberships). Http404 for a campus they may not see, so that another campus
    cannot be told apart from one that does not exist."""
    if memberships is not None:
        membership = next((m for m in memberships if m.campus.slug == slug), None)
    else:
        membership = (
            Membership.objects.filter(user=user, campus__slug=slug, status__in=VISIBLE_STATUSES)
            .select_related("campus")
            .first()
        )
    if membership is not None:
        return membership.campus, membership
    if user.is_superuser:
        return get_object_or_404(Campus, slug=slug), None
    raise Http404(_("No such campus."))


def campus_members(*, campus) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(campus=campus)
        .select_related("user")
        .order_by("status", "role", "user__name")
    )


def active_members(*, campus) -> QuerySet[Membership]:
    return campus_members(campus=campus).filter(status=Membership.Status.ACTIVE)


def is_active_member(*, user, campus) -> bool:
    """Whether the person is an active member of the campus (any role): who may facilitate, own
    an action item, or be expected at a meeting."""
    return Membership.objects.filter(
        campus=campus, user=user, status=Membership.Status.ACTIVE
    ).exists()


def open_invitations(*, campus) -> QuerySet[Invitation]:
    """Invitations sent and neither accepted nor withdrawn, by address."""
    return (
        Invitation.objects.filter(campus=campus, accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by")
        .order_by("email")
    )


def has_account(*, email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


def active_user(*, pk: int) -> User | None:
    return User.objects.filter(pk=pk, is_active=True).first()


def campuses_with_counts() -> QuerySet[Campus]:
    """Every campus, with its active members and coordinators counted: the site admins' list."""
    active = Q(memberships__status=Membership.Status.ACTIVE)
    return Campus.objects.annotate(
        active_members=Count("memberships", filter=active),
        active_coordinators=Count(
            "memberships", filter=active & Q(memberships__role=Membership.Role.COORDINATOR)
        ),
    ).order_by("institution", "name")


def visible_memberships(user) -> list[Membership]:
    """A person's memberships they can see a campus through (not those they left), each with its
    campus, by campus name: one query."""
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user=user, status__in=VISIBLE_STATUSES)
        .select_related("campus")
        .order_by("campus__name")
    )


def navigation_campuses(user, memberships: list[Membership] | None = None) -> list[Campus]:
    """The campuses in a person's navigation, in one query (none when their `memberships` are
    given, see visible_memberships), each with `nav_coordinator` (whether the person coordinates
    it; site admins: every campus) and `nav_member` (whether they belong)."""
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        campuses = list(Campus.objects.all())
        for campus in campuses:
            campus.nav_coordinator, campus.nav_member = True, False
        return campuses
    if memberships is None:
        memberships = visible_memberships(user)
    campuses = []
    for membership in memberships:
        membership.campus.nav_coordinator = membership.is_coordinator
        membership.campus.nav_member = True
        campuses.append(membership.campus)
    return campuses


def navigation_campus(user, campuses: list[Campus], *, current_slug: str | None) -> Campus | None:
    """The campus a page that belongs to no campus shows in the navigation: the one the person
    opened last in this session, else the one they used last before, else their first."""
    for campus in campuses:
        if campus.slug == current_slug:
            return campus
    for campus in campuses:
        if campus.pk == user.last_campus_id:
            return campus
    return campuses[0] if campuses else None


def provider_for_email(email: str):
    """The active campus identity provider that vouches for this address's domain, if any."""
    from .models import IdentityProvider

    domain = (email or "").rpartition("@")[2].strip().lower()
    if not domain:
        return None
    for provider in IdentityProvider.objects.filter(is_active=True, domains__icontains=domain):
        if domain in provider.domain_list:
            return provider
    return None


def active_identity_providers():
    from .models import IdentityProvider

    return IdentityProvider.objects.filter(is_active=True).order_by("name")


def password_login_refused(user) -> bool:
    """Members of a campus whose members sign in with its provider only have no password login
    (site admins keep theirs, with a second factor, to repair a broken provider)."""
    from .models import Membership

    if user.is_superuser:
        return False
    return Membership.objects.filter(
        user=user,
        status__in=[Membership.Status.ACTIVE, Membership.Status.ON_LEAVE],
        campus__provider_sign_in_only=True,
    ).exists()


def identity_provider_origins() -> list[str]:
    """Where the active providers' sign-in pages are (scheme://host[:port] of their issuer)."""
    from urllib.parse import urlsplit

    origins = set()
    for url in active_identity_providers().values_list("server_url", flat=True):
        parts = urlsplit(url)
        origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


def provider_is_required(provider) -> bool:
    """Some campus signs its members in with this provider only."""
    from .models import Campus

    return Campus.objects.filter(identity_provider=provider, provider_sign_in_only=True).exists()


# --- the access record ---------------------------------------------------------------------
CASE_NOTES_READS_SHOWN = 100


def case_notes_reads(*, campus: Campus, meeting_id: int) -> list[dict]:
    """Who read a meeting's case-collaboration notes, and when: the latest first (one query),
    as the history of the minutes shows them: plain values, the time in the campus's time
    zone."""
    rows = (
        AccessRecord.objects.filter(
            campus=campus, meeting_id=meeting_id, kind=AccessKind.CASE_NOTES_READ
        )
        .order_by("-at", "-pk")
        .values_list("at", "role", "actor__name", "actor__email")[:CASE_NOTES_READS_SHOWN]
    )
    roles = {}  # each role's label, translated once
    # Times are shown to the minute (copractice/formats): reads of one minute share the text.
    shown = {}
    reads = []
    for at, role, name, email in rows:
        at = timezone.localtime(at, campus.tz)
        if role and role not in roles:
            roles[role] = str(AccessRecord(role=role).role_display)
        minute = at.replace(second=0, microsecond=0)
        if minute not in shown:
            shown[minute] = f"{date_format(at, 'DATETIME_FORMAT')} {at.tzname()}"
        reads.append(
            {
                "at": at.isoformat(),
                "when": shown[minute],
                "actor": name or email,  # None: someone no longer known
                "role": roles.get(role, ""),
            }
        )
    return reads


def access_records(*, campus: Campus | None = None) -> QuerySet[AccessRecord]:
    """The access record, latest first: one campus's, or everything (site admins)."""
    records = AccessRecord.objects.select_related("actor", "campus").order_by("-at", "-pk")
    if campus is not None:
        records = records.filter(campus=campus)
    return records
