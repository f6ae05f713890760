"""Writing the access record: one call at each place where something sensitive happens.
Rows are only ever inserted (see AccessRecord)."""

from .models import AccessRecord, Membership

SITE_ADMIN = "site_admin"


def role_of(user, campus) -> str:
    """The person's role on the campus at this moment: their membership's role, else
    "site_admin" for a site admin, else ""."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    if campus is not None:
        role = (
            Membership.objects.filter(user=user, campus=campus)
            .values_list("role", flat=True)
            .first()
        )
        if role:
            return role
    return SITE_ADMIN if user.is_superuser else ""


def record(*, kind, user, campus=None, meeting=None, detail="", role=None) -> AccessRecord:
    """Add one line to the access record. `meeting` is a meeting or its id; `role` is looked
    up when not given."""
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    meeting_id = getattr(meeting, "pk", meeting)
    return AccessRecord.objects.create(
        kind=kind,
        actor=user,
        campus=campus,
        meeting_id=meeting_id,
        role=role_of(user, campus) if role is None else role,
        detail=str(detail)[:300],
    )
