from django.db.models import QuerySet

from .models import Campus, Membership

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


def campus_members(*, campus) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(campus=campus)
        .select_related("user")
        .order_by("status", "role", "user__name")
    )


def active_members(*, campus) -> QuerySet[Membership]:
    return campus_members(campus=campus).filter(status=Membership.Status.ACTIVE)
