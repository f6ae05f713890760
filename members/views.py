from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, ListView, TemplateView, UpdateView

from outbox import selectors as outbox_selectors
from outbox.models import OutboundEmail
from outbox.services import resend_email

from . import preferences, selectors, services
from .access import CampusMixin, CoordinatorRequiredMixin
from .forms import (
    AcceptInvitationForm,
    CampusForm,
    CampusSettingsForm,
    InviteForm,
    InviteManyForm,
    LeaveForm,
    MembershipForm,
    NoticeFilterForm,
    ProfileForm,
    add_service_error,
    error_text,
)
from .language import remember_language
from .models import Campus, Invitation


class CampusHomeView(CampusMixin, TemplateView):
    template_name = "members/campus_home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.is_coordinator:
            context["members"] = selectors.active_members(campus=self.campus)
        return context


class MemberListView(CoordinatorRequiredMixin, TemplateView):
    template_name = "members/member_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = selectors.campus_members(campus=self.campus)
        context["invitations"] = selectors.open_invitations(campus=self.campus)
        return context


class MemberInviteView(CoordinatorRequiredMixin, FormView):
    template_name = "members/member_invite.html"
    form_class = InviteForm

    def form_valid(self, form):
        try:
            result = services.invite_member(
                campus=self.campus,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                name=form.cleaned_data["name"],
                by=self.request.user,
                language=form.cleaned_data["language"],
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        if result.membership:
            messages.success(
                self.request,
                _("%(person)s already had an account and is now a member of %(campus)s.")
                % {"person": result.membership.user, "campus": self.campus},
            )
        else:
            messages.success(
                self.request,
                _("Invitation sent to %(email)s.") % {"email": result.invitation.email},
            )
        return redirect("members:member_list", campus=self.campus.slug)


class MemberInviteManyView(CoordinatorRequiredMixin, FormView):
    """A term's cohort at once: pasted lines or a CSV file. Every row is checked first; when
    some cannot be invited nobody is, and the page shows why, line by line, with the choice to
    invite the others and skip those."""

    template_name = "members/member_invite_many.html"
    form_class = InviteManyForm

    def form_valid(self, form):
        try:
            result = services.invite_many(
                campus=self.campus,
                rows=form.rows(),
                default_role=form.cleaned_data["role"],
                by=self.request.user,
                skip_bad=form.cleaned_data["skip_bad"],
                default_language=form.cleaned_data["language"],
            )
        except services.BatchRefused as refused:
            return self.show_report(form, refused)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        parts = [
            ngettext("%(count)d invitation sent", "%(count)d invitations sent", len(result.invited))
            % {"count": len(result.invited)}
        ]
        if result.added:
            parts.append(
                ngettext(
                    "%(count)d person with an account added at once",
                    "%(count)d people with an account added at once",
                    len(result.added),
                )
                % {"count": len(result.added)}
            )
        if result.skipped:
            parts.append(
                ngettext("%(count)d row skipped", "%(count)d rows skipped", len(result.skipped))
                % {"count": len(result.skipped)}
            )
        messages.success(self.request, "; ".join(parts) + ".")
        return redirect("members:member_list", campus=self.campus.slug)

    def show_report(self, form, refused):
        # The list comes back in the box (a CSV file's text too), so that it can be corrected
        # there; "skip the bad rows" is left for the person to tick.
        data = self.request.POST.copy()
        data["people"] = form.cleaned_data["people"]
        data.pop("skip_bad", None)
        again = InviteManyForm(data)
        again.is_valid()
        bad = [row for row in refused.rows if not row.is_valid]
        good = [row for row in refused.rows if row.is_valid]
        return self.render_to_response(
            self.get_context_data(form=again, refusal=refused.messages[0], bad=bad, good=good)
        )


class MembersLeaveView(CoordinatorRequiredMixin, TemplateView):
    """The end of a term: the members ticked on the member list, named for confirmation, then
    marked as left together (or none of them, with the reason)."""

    template_name = "members/members_leave.html"

    def get(self, request, *args, **kwargs):
        form = LeaveForm(request.GET, campus=self.campus)
        return self.render_to_response(self.get_context_data(form=form, valid=form.is_valid()))

    def post(self, request, *args, **kwargs):
        form = LeaveForm(request.POST, campus=self.campus)
        if form.is_valid():
            chosen = list(form.cleaned_data["member"])
            try:
                services.mark_members_left(campus=self.campus, memberships=chosen, by=request.user)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(names)s is marked as left.",
                        "%(count)d members are marked as left: %(names)s.",
                        len(chosen),
                    )
                    % {"count": len(chosen), "names": ", ".join(str(m.user) for m in chosen)},
                )
                return redirect("members:member_list", campus=self.campus.slug)
        return self.render_to_response(self.get_context_data(form=form, valid=False))


class InvitationResendAllView(CoordinatorRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        result = services.resend_pending_invitations(campus=self.campus, by=request.user)
        if result.resent:
            messages.success(
                request,
                ngettext(
                    "Re-sent %(count)d invitation.",
                    "Re-sent %(count)d invitations.",
                    len(result.resent),
                )
                % {"count": len(result.resent)},
            )
        if result.too_recent:
            messages.info(
                request,
                ngettext(
                    "%(count)d invitation was sent less than ten minutes ago and was not sent "
                    "again.",
                    "%(count)d invitations were sent less than ten minutes ago and were not "
                    "sent again.",
                    len(result.too_recent),
                )
                % {"count": len(result.too_recent)},
            )
        if not result.resent and not result.too_recent:
            messages.info(request, _("There are no pending invitations to re-send."))
        return redirect("members:member_list", campus=self.campus.slug)


class MembershipEditView(CoordinatorRequiredMixin, FormView):
    template_name = "members/membership_edit.html"
    form_class = MembershipForm

    def get_membership(self):
        if not hasattr(self, "_membership"):
            self._membership = get_object_or_404(
                selectors.campus_members(campus=self.campus), pk=self.kwargs["pk"]
            )
        return self._membership

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_membership()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        membership = self.get_membership()
        context["member"] = membership
        context["history"] = membership.history.select_related("history_user")[:20]
        return context

    def form_valid(self, form):
        membership = self.get_membership()
        # The bound form changed the instance in memory; the service works from the database.
        try:
            services.change_membership(
                membership=membership,
                role=form.cleaned_data["role"],
                status=form.cleaned_data["status"],
                by=self.request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Saved %(person)s's membership.") % {"person": membership.user},
        )
        return redirect("members:member_list", campus=self.campus.slug)


class CampusSettingsView(CoordinatorRequiredMixin, FormView):
    template_name = "members/campus_settings.html"
    form_class = CampusSettingsForm

    def get_form_kwargs(self):
        # A copy, so that a rejected form leaves the page's campus as it is stored.
        return {**super().get_form_kwargs(), "instance": Campus.objects.get(pk=self.campus.pk)}

    def form_valid(self, form):
        try:
            services.update_campus_settings(
                campus=self.campus,
                by=self.request.user,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Saved the settings of %(campus)s.") % {"campus": self.campus}
        )
        return redirect("members:campus_settings", campus=self.campus.slug)


class InvitationActionView(CoordinatorRequiredMixin, View):
    http_method_names = ["post"]
    action = None

    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(Invitation, campus=self.campus, pk=kwargs["pk"])
        try:
            if self.action == "resend":
                services.resend_invitation(invitation=invitation, by=request.user)
                messages.success(
                    request, _("Invitation re-sent to %(email)s.") % {"email": invitation.email}
                )
            else:
                services.revoke_invitation(invitation=invitation, by=request.user)
                messages.success(
                    request, _("Invitation to %(email)s withdrawn.") % {"email": invitation.email}
                )
        except ValidationError as error:
            messages.error(request, error_text(error))
        return redirect("members:member_list", campus=self.campus.slug)


# --- campuses, for site admins -----------------------------------------------------------------
class SiteAdminRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.is_superuser:
            raise PermissionDenied(_("Only site admins manage campuses."))
        return super().dispatch(request, *args, **kwargs)


class CampusListView(SiteAdminRequiredMixin, TemplateView):
    template_name = "members/campus_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["campuses"] = selectors.campuses_with_counts()
        return context


class CampusCreateView(SiteAdminRequiredMixin, FormView):
    template_name = "members/campus_form.html"
    form_class = CampusForm

    def form_valid(self, form):
        try:
            campus = services.create_campus(by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Opened %(campus)s. Invite its first coordinator from its members page.")
            % {"campus": campus},
        )
        return redirect("members:campus_list")


class CampusEditView(SiteAdminRequiredMixin, FormView):
    template_name = "members/campus_form.html"
    form_class = CampusForm

    def get_campus(self):
        if not hasattr(self, "_campus"):
            self._campus = get_object_or_404(Campus, slug=self.kwargs["campus"])
        return self._campus

    def get_form_kwargs(self):
        # A copy, so that a rejected form leaves the campus as it is stored.
        stored = Campus.objects.get(pk=self.get_campus().pk)
        return {**super().get_form_kwargs(), "instance": stored}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, editing=self.get_campus())

    def form_valid(self, form):
        try:
            campus = services.update_campus(
                campus=self.get_campus(), by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved %(campus)s.") % {"campus": campus})
        return redirect("members:campus_list")


def invitation_accept(request, token):
    """Public: the link from an invitation e-mail."""
    try:
        invitation = services.find_invitation(token=token)
    except services.InvitationError as error:
        return render(
            request, "members/invitation_invalid.html", {"reason": str(error)}, status=410
        )
    if selectors.has_account(email=invitation.email):
        if request.method == "POST" and request.user.is_authenticated:
            try:
                services.accept_invitation_as(token=token, user=request.user)
            except services.InvitationError as error:
                messages.error(request, str(error))
                return redirect("home")
            except ValidationError as error:
                messages.error(request, error_text(error))
                return redirect("home")
            messages.success(request, _("Welcome to %(campus)s.") % {"campus": invitation.campus})
            return redirect(invitation.campus)
        return render(
            request,
            "members/invitation_join.html",
            {
                "invitation": invitation,
                "login_url": f"{reverse('account_login')}?next={request.path}",
            },
        )
    form = AcceptInvitationForm(
        request.POST or None, email=invitation.email, initial={"name": invitation.name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(
                token=token,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
                language=getattr(request, "LANGUAGE_CODE", ""),
            )
        except services.InvitationError as error:
            return render(
                request, "members/invitation_invalid.html", {"reason": str(error)}, status=410
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            translation.activate(user.language)
            messages.success(
                request,
                _("Welcome to %(campus)s, %(name)s.")
                % {"campus": invitation.campus, "name": user.get_short_name()},
            )
            return remember_language(redirect(invitation.campus), user.language)
    return render(
        request, "members/invitation_accept.html", {"invitation": invitation, "form": form}
    )


class ProfileView(LoginRequiredMixin, UpdateView):
    template_name = "members/profile.html"
    form_class = ProfileForm
    success_url = reverse_lazy("members:profile")

    def get_object(self, queryset=None):
        return self.request.user

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = self.request.user.memberships.select_related("campus")
        return context

    def form_valid(self, form):
        translation.activate(form.instance.language)
        messages.success(self.request, _("Your profile is saved."))
        return remember_language(super().form_valid(form), form.instance.language)


class NoticeListView(CoordinatorRequiredMixin, ListView):
    """The campus's e-mail notices: what went out, what is waiting, what failed, and what may
    or may not have arrived (a coordinator can send those two again)."""

    template_name = "members/notice_list.html"
    context_object_name = "notices"
    paginate_by = 50

    def get_queryset(self):
        self.filter_form = NoticeFilterForm(self.request.GET, statuses=OutboundEmail.Status.choices)
        return outbox_selectors.notices(campus=self.campus, status=self.filter_form.chosen_status())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statuses"] = OutboundEmail.Status.choices
        context["current_status"] = self.filter_form.chosen_status()
        context.update(outbox_selectors.notice_counts(campus=self.campus))
        return context


class NoticeResendView(CoordinatorRequiredMixin, View):
    """Send a failed or uncertain notice again: the coordinator's decision, never automatic."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        notice = outbox_selectors.notice(campus=self.campus, pk=kwargs["pk"])
        if notice is None:
            raise Http404(_("No such notice."))
        try:
            resend_email(email=notice, by=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request, _("The e-mail to %(email)s will be sent again now.") % {"email": notice.to}
            )
        return redirect("members:notice_list", campus=self.campus.slug)


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class StopEmailsView(View):
    """Public: the link of an e-mail's List-Unsubscribe header and footer. A GET asks; a POST
    stops that kind of e-mail. Mail clients' one-click unsubscribe POSTs without a session or a
    CSRF token (RFC 8058): the signed link is the authority, and all it can do is stop e-mail."""

    def _resolve(self, token):
        try:
            user_id, topic = preferences.read_stop_token(token)
        except preferences.StopLinkError as error:
            return None, None, str(error)
        user = selectors.active_user(pk=user_id)
        if user is None:
            return None, None, _("This link is not valid any more.")
        return user, topic, None

    def _invalid(self, request, reason):
        return render(request, "members/stop_emails_invalid.html", {"reason": reason}, status=400)

    def get(self, request, token):
        person, topic, error = self._resolve(token)
        if error:
            return self._invalid(request, error)
        return render(
            request,
            "members/stop_emails.html",
            {
                "person": person,
                "topic": preferences.TOPICS[topic],
                "wanted": getattr(person, preferences.TOPICS[topic].field),
            },
        )

    def post(self, request, token):
        person, topic, error = self._resolve(token)
        if error:
            return self._invalid(request, error)
        services.stop_emails(user=person, topic=topic)
        return render(
            request,
            "members/stop_emails_done.html",
            {"person": person, "topic": preferences.TOPICS[topic]},
        )
