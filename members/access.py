"""Object-level access: every campus page resolves its campus through the person's own campuses,
so another campus is a 404; a role that may not do something on its own campus gets a 403."""

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from .middleware import enrolment_redirect
from .second_factor import COORDINATOR, gained_role
from .selectors import campus_and_membership, visible_memberships
from .services import remember_campus

# The campus a person last looked at in this session (across logins: User.last_campus).
CURRENT_CAMPUS_SESSION_KEY = "current_campus"


def request_memberships(request):
    """The signed-in person's visible memberships with their campuses, read once per request
    (one query): the campus check of a campus page and the navigation both use them. None for
    site admins, whose navigation lists every campus."""
    user = request.user
    if user.is_superuser or not user.is_authenticated:
        return None
    if not hasattr(request, "_visible_memberships"):
        request._visible_memberships = visible_memberships(user)
    return request._visible_memberships


class CampusMixin(LoginRequiredMixin):
    """Resolves `self.campus` and `self.membership` (None for a site admin who is not a member)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.campus, self.membership = campus_and_membership(
            request.user, kwargs["campus"], request_memberships(request)
        )
        # Times on campus pages are the campus's (reset by copractice.middleware).
        timezone.activate(self.campus.tz)
        session_campus = request.session.get(CURRENT_CAMPUS_SESSION_KEY)
        if session_campus != self.campus.slug:
            request.session[CURRENT_CAMPUS_SESSION_KEY] = self.campus.slug
            # Kept across logins once the person has moved between campuses (until then, home's
            # choice of their first campus is the same and costs no write).
            if session_campus is not None or request.user.last_campus_id is not None:
                remember_campus(user=request.user, campus=self.campus)
        if (
            self.membership is not None
            and self.membership.is_coordinator
            and COORDINATOR in settings.MFA_REQUIRED_ROLES
            and gained_role(request, request.user)
        ):
            return enrolment_redirect(request)  # made a coordinator since logging in
        self.check_role()
        return super().dispatch(request, *args, **kwargs)

    def check_role(self):
        pass

    @property
    def is_coordinator(self):
        return self.request.user.is_superuser or bool(
            self.membership and self.membership.is_coordinator
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            campus=self.campus, membership=self.membership, is_coordinator=self.is_coordinator
        )
        return context


class CoordinatorRequiredMixin(CampusMixin):
    """Coordinators of this campus (active) and site admins."""

    def check_role(self):
        if not self.is_coordinator:
            raise PermissionDenied(_("Only this campus's coordinators can do that."))


class MemberRequiredMixin(CampusMixin):
    """People who belong to this campus (site admins see it but do not take part)."""

    def check_role(self):
        if self.membership is None:
            raise PermissionDenied(_("Only members of this campus can do that."))
