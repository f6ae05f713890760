"""Self check-in pages: the screen a coordinator shows in the room, the link for online
meetings, and the page where a member checks in."""

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from members.access import CoordinatorRequiredMixin, MemberRequiredMixin
from members.forms import error_text

from . import checkin, selectors
from .checkin_forms import CheckInForm
from .views import MeetingMixin

# Without script the screen reloads itself this often (a code lives one to two minutes).
SCREEN_REFRESH_SECONDS = 20


def _check_in_url(request, meeting, **query) -> str:
    path = reverse("meetings:check_in", kwargs={"campus": meeting.campus.slug, "pk": meeting.pk})
    if query:
        path += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return request.build_absolute_uri(path)


def qr_svg(data: str, title: str) -> str:
    """The QR code as inline SVG: drawn on the server, no style attributes (CSP), named for
    screen readers."""
    svg = segno.make(data, error="m").svg_inline(
        scale=8,
        border=2,
        omitsize=True,
        title=title,
        svgclass="check-in-qr",
        lineclass="check-in-qr-line",
    )
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # segno's; title escaped


@method_decorator(never_cache, name="dispatch")
class CheckInScreenView(CoordinatorRequiredMixin, MeetingMixin, TemplateView):
    """For the room's projector: the meeting, the local time, the code and its QR code, and how
    many have checked in. It reloads itself; the code changes every minute."""

    template_name = "meetings/checkin_screen.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # The screen reloads itself, without script, for the next code. An HTTP header rather
        # than <meta http-equiv="refresh">: the same for browsers, and the rotation is the
        # point of the page (a real-time display, WCAG 2.2.1's exception).
        response["Refresh"] = str(SCREEN_REFRESH_SECONDS)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.get_meeting()
        window = checkin.window_for(meeting)
        context.update(
            window=window,
            count=checkin.check_in_count(meeting=meeting),
            page_url=_check_in_url(self.request, meeting),
        )
        if window.is_open and not meeting.is_cancelled:
            code = checkin.current_code(meeting, window.now)
            link = _check_in_url(self.request, meeting, code=code)
            context.update(
                code=code,
                qr_link=link,
                qr=qr_svg(link, escape(_("QR code: a link to check in with the code %s") % code)),
            )
        return context


@method_decorator(never_cache, name="dispatch")
class CheckInLinkView(CoordinatorRequiredMixin, MeetingMixin, TemplateView):
    """For online and hybrid meetings: a link to post in the meeting's chat, good while
    check-in is open, for the campus's members only."""

    template_name = "meetings/checkin_link.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.get_meeting()
        context.update(
            window=checkin.window_for(meeting),
            link=_check_in_url(self.request, meeting, link=checkin.link_code(meeting)),
        )
        return context


@method_decorator(never_cache, name="dispatch")
class CheckInView(MemberRequiredMixin, MeetingMixin, TemplateView):
    """A member checks in: the code typed, or already filled in by the QR code or the link."""

    template_name = "meetings/checkin.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.get_meeting()
        # What the QR code or the link carries fills the form in; nothing is checked on a GET.
        given = CheckInForm(self.request.GET)
        initial = given.cleaned_data if given.is_valid() else {}
        context.setdefault(
            "form",
            CheckInForm(initial={"code": initial.get("code", ""), "link": initial.get("link", "")}),
        )
        context.update(
            window=checkin.window_for(meeting),
            own=selectors.own_attendance(meeting=meeting, user=self.request.user),
        )
        return context

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        form = CheckInForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            attendance = checkin.check_in(
                meeting=meeting,
                user=request.user,
                code=form.cleaned_data["code"],
                link=form.cleaned_data["link"],
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
            # The online link's code stays in the address, so that trying again is one click.
            link = form.cleaned_data["link"]
            return redirect(_check_in_url(request, meeting, link=link) if link else request.path)
        messages.success(
            request,
            _("You are checked in to “%(title)s”: %(presence)s.")
            % {"title": meeting.title, "presence": attendance.get_presence_display().lower()},
        )
        return redirect(meeting)
