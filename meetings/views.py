"""Thin views: a form, one service call, a message, a redirect. Every object is fetched through
the campus, so another campus's meeting is a 404."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from members.access import CampusMixin, CoordinatorRequiredMixin, MemberRequiredMixin
from members.forms import PageForm, add_service_error, error_text
from members.validators import EARLIEST_DATE, LATEST_DATE
from outbox.mail import absolute_url

from . import calendar, selectors, services
from .forms import (
    PRESENCE_CHOICES,
    CancelForm,
    MeetingCreateForm,
    MeetingEditForm,
    MonthForm,
    PresenceForm,
    RespondForm,
    RespondFromForm,
    RespondLinkForm,
    SeriesForm,
    SuggestionForm,
    SuggestionUseForm,
)
from .models import DiscussionSuggestion, Meeting
from .respond_links import RespondLinkError, attendance_for_token


class MeetingMixin:
    """Resolves `self.meeting` through `self.campus` (set by a members.access mixin)."""

    def get_meeting(self) -> Meeting:
        if not hasattr(self, "_meeting"):
            self._meeting = get_object_or_404(
                selectors.meetings_for(campus=self.campus).select_related("campus"),
                pk=self.kwargs["pk"],
            )
        return self._meeting

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("meeting", self.get_meeting())
        return context


class CampusMeetingMixin(MeetingMixin):
    """MeetingMixin whose meeting takes the campus already read for the request rather than
    reading it again."""

    def get_meeting(self) -> Meeting:
        if not hasattr(self, "_meeting"):
            self._meeting = get_object_or_404(
                selectors.meetings_for(campus=self.campus), pk=self.kwargs["pk"]
            )
            self._meeting.campus = self.campus
        return self._meeting


# --- list and page -------------------------------------------------------------------------
class MeetingListView(CampusMixin, TemplateView):
    template_name = "meetings/meeting_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        upcoming, past = selectors.meeting_list(
            campus=self.campus,
            user=self.request.user,
            past_page=PageForm(self.request.GET).page_number(),
        )
        today = timezone.localdate(timezone=self.campus.tz)
        context.update(
            upcoming=upcoming,
            past=past,
            upcoming_months=selectors.by_month(upcoming, campus=self.campus),
            past_months=selectors.by_month(past.object_list, campus=self.campus),
            this_month=today.replace(day=1),
        )
        return context


class MeetingCalendarView(CampusMixin, TemplateView):
    """A month of meetings as a calendar (a list on phones), with the months around it."""

    template_name = "meetings/meeting_calendar.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = MonthForm({"year": self.kwargs["year"], "month": self.kwargs["month"]})
        if not form.is_valid():
            raise Http404(_("No such month."))
        first = form.first_day()
        today = timezone.localdate(timezone=self.campus.tz)
        weeks = selectors.month_calendar(
            campus=self.campus, user=self.request.user, year=first.year, month=first.month
        )
        previous = (first - dt.timedelta(days=1)).replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        context.update(
            first=first,
            weeks=weeks,
            days_with_meetings=[
                day for week in weeks for day in week if day.in_month and day.meetings
            ],
            previous=previous if previous >= EARLIEST_DATE else None,
            following=following if following <= LATEST_DATE else None,
            today=today,
            this_month=today.replace(day=1),
        )
        return context


class MeetingDetailView(CampusMixin, TemplateView):
    template_name = "meetings/meeting_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = selectors.meeting_detail(
            campus=self.campus, pk=self.kwargs["pk"], user=self.request.user
        )
        context["meeting"] = meeting
        own = meeting.own_attendance
        if own is not None:
            context["respond_form"] = RespondForm(
                initial={"response": own.response, "note": own.response_note}
            )
        if self.is_coordinator:
            context["responses"] = selectors.responses(meeting=meeting)
            context["changes"] = selectors.meeting_changes(meeting=meeting)
        if meeting.sequence and not meeting.is_cancelled:
            context["previously"] = selectors.previous_time_and_place(meeting=meeting)
        return context


# --- scheduling ----------------------------------------------------------------------------
class MeetingCreateView(CoordinatorRequiredMixin, FormView):
    template_name = "meetings/meeting_form.html"
    form_class = MeetingCreateForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "campus": self.campus}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            meeting = services.schedule_meeting(
                campus=self.campus,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                title=data["title"],
                description=data["description"],
                location=data["location"],
                online_link=data["online_link"],
                agenda=data["agenda"],
                by=self.request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        expected = selectors.expected_count(meeting=meeting)
        if meeting.has_started:
            # Recorded after the fact: nobody was e-mailed; what is left is who came.
            messages.success(
                self.request,
                _(
                    "Recorded “%(title)s”, which has already taken place; nobody was e-mailed. "
                    "Record who was there (%(expected)s people were members then), then the "
                    "minutes."
                )
                % {"title": meeting.title, "expected": expected},
            )
            return redirect("meetings:roster", campus=self.campus.slug, pk=meeting.pk)
        messages.success(
            self.request,
            ngettext(
                "Scheduled “%(title)s”; %(expected)s person is expected.",
                "Scheduled “%(title)s”; %(expected)s people are expected.",
                expected,
            )
            % {"title": meeting.title, "expected": expected},
        )
        return redirect(meeting)


class SeriesCreateView(CoordinatorRequiredMixin, FormView):
    template_name = "meetings/series_form.html"
    form_class = SeriesForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "campus": self.campus}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            meetings = services.schedule_series(
                campus=self.campus,
                recurrence=form.recurrence(),
                title=data["title"],
                description=data["description"],
                location=data["location"],
                online_link=data["online_link"],
                agenda=data["agenda"],
                by=self.request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext(
                "Scheduled %(count)s meeting: %(pattern)s.",
                "Scheduled %(count)s meetings: %(pattern)s.",
                len(meetings),
            )
            % {"count": len(meetings), "pattern": meetings[0].series.description},
        )
        return redirect("meetings:meeting_list", campus=self.campus.slug)


class MeetingEditView(CoordinatorRequiredMixin, MeetingMixin, FormView):
    template_name = "meetings/meeting_edit.html"
    form_class = MeetingEditForm

    def get_form_kwargs(self):
        meeting = self.get_meeting()
        return {
            **super().get_form_kwargs(),
            "campus": self.campus,
            "in_series": meeting.series_id is not None,
        }

    def get_initial(self):
        return MeetingEditForm.initial_for(self.get_meeting())

    def get(self, request, *args, **kwargs):
        if self.get_meeting().is_cancelled:
            messages.error(request, _("This meeting was cancelled; it can no longer be changed."))
            return redirect(self.get_meeting())
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            changed = services.update_meeting(
                meeting=self.get_meeting(),
                version=data["version"],
                title=data["title"],
                description=data["description"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                location=data["location"],
                online_link=data["online_link"],
                scope=data.get("scope") or "this",
                by=self.request.user,
            )
        except services.StaleEdit as stale:
            return self._stale(form, stale)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        if len(changed) > 1:
            following = len(changed) - 1
            messages.success(
                self.request,
                ngettext(
                    "Saved this and %(count)s following meeting.",
                    "Saved this and %(count)s following meetings.",
                    following,
                )
                % {"count": following},
            )
        else:
            messages.success(self.request, _("Saved the meeting."))
        return redirect(changed[0])

    def _stale(self, form, stale):
        """Keep what the person typed; show what is saved now; the next save is deliberate."""
        data = form.data.copy()
        data["version"] = stale.current.version
        fresh = self.get_form_class()(data=data, **self._kwargs_without_data())
        fresh.is_valid()
        add_service_error(fresh, stale)
        current = (
            selectors.meetings_for(campus=self.campus)
            .select_related("campus")
            .get(pk=stale.current.pk)
        )
        return self.render_to_response(self.get_context_data(form=fresh, current=current))

    def _kwargs_without_data(self):
        kwargs = self.get_form_kwargs()
        for key in ("data", "files", "initial", "prefix"):
            kwargs.pop(key, None)
        return kwargs


class MeetingCancelView(CoordinatorRequiredMixin, MeetingMixin, FormView):
    template_name = "meetings/meeting_cancel.html"
    form_class = CancelForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "in_series": self.get_meeting().series_id is not None}

    def form_valid(self, form):
        try:
            cancelled = services.cancel_meeting(
                meeting=self.get_meeting(),
                reason=form.cleaned_data["reason"],
                scope=form.cleaned_data.get("scope") or "this",
                by=self.request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        meeting = cancelled[0]
        following = len(cancelled) - 1
        if following:
            text = ngettext(
                "Cancelled “%(title)s” and %(count)s following meeting. Attendees see the reason.",
                "Cancelled “%(title)s” and %(count)s following meetings. Attendees see the reason.",
                following,
            ) % {"title": meeting.title, "count": following}
        else:
            text = _("Cancelled “%(title)s”. Attendees see the reason.") % {"title": meeting.title}
        messages.success(self.request, text)
        return redirect(meeting)


# --- responses -----------------------------------------------------------------------------
class RespondView(MemberRequiredMixin, MeetingMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        attendance = selectors.own_attendance(meeting=meeting, user=request.user)
        # Back to where the person answered: the list, their own page or the meeting page.
        back = RespondFromForm(request.POST).back_to()
        target = redirect(back, campus=self.campus.slug) if back else redirect(meeting)
        if attendance is None:
            messages.error(
                request,
                _(
                    "You are not on the list for this meeting (you joined after it was "
                    "scheduled, or you are on leave)."
                ),
            )
            return target
        form = RespondForm(request.POST)
        if not form.is_valid():
            messages.error(request, error_text(form))
            return target
        try:
            attendance = services.respond(
                attendance=attendance,
                response=form.cleaned_data["response"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
            return target
        messages.success(
            request,
            _("Your response to “%(title)s”: %(response)s.")
            % {"title": meeting.title, "response": attendance.get_response_display().lower()},
        )
        return target


@method_decorator(never_cache, name="dispatch")
class RespondLinkView(View):
    """Public: the one-click link from an e-mail. It shows this meeting's title, time and place
    (nothing about other people) and records the answer with one button (a GET never changes
    anything: mail scanners follow links)."""

    def get(self, request, token):
        try:
            attendance, response = attendance_for_token(token)
        except RespondLinkError as error:
            return self.invalid(error)
        form = RespondLinkForm(initial={"note": attendance.response_note})
        return self.page(attendance, response, form)

    def post(self, request, token):
        form = RespondLinkForm(request.POST)
        if not form.is_valid():
            try:
                attendance, response = attendance_for_token(token)
            except RespondLinkError as error:
                return self.invalid(error)
            return self.page(attendance, response, form, status=400)
        try:
            attendance = services.respond_with_token(token=token, note=form.cleaned_data["note"])
        except RespondLinkError as error:
            return self.invalid(error)
        return render(
            request,
            "meetings/respond_link_done.html",
            {"attendance": attendance, "link_meeting": attendance.meeting},
        )

    def page(self, attendance, response, form, status=200):
        """The link's page: the meeting and one button, or that the meeting is cancelled."""
        return render(
            self.request,
            "meetings/respond_link.html",
            {
                "attendance": attendance,
                "response": response,
                "link_meeting": attendance.meeting,
                "form": form,
            },
            status=status,
        )

    def invalid(self, error):
        return render(
            self.request,
            "meetings/respond_link_invalid.html",
            {"reason": str(error)},
            status=400,
        )


# --- presence ------------------------------------------------------------------------------
class RosterView(CoordinatorRequiredMixin, MeetingMixin, TemplateView):
    template_name = "meetings/roster_edit.html"
    choices = PRESENCE_CHOICES

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = selectors.roster(meeting=self.get_meeting())
        # The labels translated once, not once per person (four per row, 200 rows).
        choices = [(value, str(label)) for value, label in self.choices]
        summary = selectors.presence_summary(row["presence"] for row in rows)
        context.update(rows=rows, choices=choices, summary=summary)
        return context

    def post(self, request, *args, **kwargs):
        """The whole form (a person's choices, maybe the shortcut), or with htmx one person's
        choice at a time: then the answer is the count of who is still unrecorded."""
        meeting = self.get_meeting()
        back = redirect("meetings:roster", campus=self.campus.slug, pk=meeting.pk)
        form = PresenceForm(
            request.POST,
            attendance_ids=selectors.attendance_ids(meeting=meeting),
        )
        error = None
        if not form.is_valid():
            error = error_text(form)
        else:
            try:
                _changed, filled = services.take_presence(
                    meeting=meeting,
                    presences=form.presences(),
                    confirmed_present=form.confirmed_present(),
                    by=request.user,
                )
            except ValidationError as refused:
                error = error_text(refused)
        if request.htmx:
            return render(
                request,
                "meetings/_roster_count.html",
                {"summary": selectors.presence_counts(meeting=meeting), "error": error},
            )
        if error:
            messages.error(request, error)
            return back
        summary = selectors.presence_counts(meeting=meeting)
        text = _(
            "Saved presence: %(there)s there, %(away)s excused or absent, %(left)s not "
            "recorded yet."
        ) % {
            "there": summary["there"],
            "away": summary["away"],
            "left": summary["unrecorded"],
        }
        if form.confirmed_present():
            text = (
                ngettext(
                    "Marked %(count)s person who had confirmed as present.",
                    "Marked %(count)s people who had confirmed as present.",
                    filled,
                )
                % {"count": filled}
                + " "
                + text
            )
        messages.success(request, text)
        return back


class HistoryView(MemberRequiredMixin, TemplateView):
    template_name = "meetings/attendance_history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.attendance_history(user=self.request.user, campus=self.campus)
        return context


# --- suggestions ---------------------------------------------------------------------------
class SuggestionListView(CampusMixin, FormView):
    """Members suggest; coordinators see what is open and what was used."""

    template_name = "meetings/suggestion_list.html"
    form_class = SuggestionForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.is_coordinator:
            context["suggestions"] = selectors.campus_suggestions(campus=self.campus)
            context["next_meeting"] = selectors.next_scheduled_meeting(campus=self.campus)
        elif self.membership is not None:
            context["own_suggestions"] = selectors.own_suggestions(
                campus=self.campus, user=self.request.user
            )
        return context

    def post(self, request, *args, **kwargs):
        if self.membership is None:
            raise PermissionDenied(_("Only members of this campus can make suggestions."))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.suggest(
                campus=self.campus,
                kind=data["kind"],
                text=data["text"],
                anonymous=data["is_anonymous"],
                by=self.request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Thank you: your suggestion is with the coordinators (anonymously).")
            if data["is_anonymous"]
            else _("Thank you: your suggestion is with the coordinators."),
        )
        return redirect("meetings:suggestion_list", campus=self.campus.slug)


class SuggestionUseView(CoordinatorRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        suggestion = get_object_or_404(DiscussionSuggestion, campus=self.campus, pk=kwargs["pk"])
        form = SuggestionUseForm(request.POST, campus=self.campus)
        if not form.is_valid():
            messages.error(request, error_text(form))
            return redirect("meetings:suggestion_list", campus=self.campus.slug)
        meeting = form.cleaned_data["meeting"]
        try:
            services.mark_suggestion_used(suggestion=suggestion, meeting=meeting, by=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Marked the suggestion used."))
        if meeting is not None:
            return redirect("meetings:agenda", campus=self.campus.slug, pk=meeting.pk)
        return redirect("meetings:suggestion_list", campus=self.campus.slug)


# --- calendar ------------------------------------------------------------------------------
class MeetingIcsView(CampusMixin, MeetingMixin, View):
    def get(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        own = selectors.own_attendance(meeting=meeting, user=request.user)
        body = calendar.meeting_calendar(meeting=meeting, attendance=own)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
        return response


class CalendarFeedSettingsView(LoginRequiredMixin, TemplateView):
    """The person's private calendar address, once they have asked for one (a GET writes
    nothing: the button that asks posts to CalendarFeedResetView)."""

    template_name = "meetings/calendar_feed.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        feed = selectors.calendar_feed(user=self.request.user)
        feed_url = absolute_url(feed.get_absolute_url()) if feed else None
        context["feed_url"] = feed_url
        # The same address for calendar applications that subscribe when a link is opened.
        context["webcal_url"] = "webcal://" + feed_url.split("://", 1)[1] if feed_url else None
        context["feed"] = feed
        return context


class CalendarFeedResetView(LoginRequiredMixin, View):
    """A first calendar address, or a new one in place of the old."""

    http_method_names = ["post"]

    def post(self, request):
        had_one = selectors.calendar_feed(user=request.user) is not None
        services.reset_calendar_feed(user=request.user)
        if had_one:
            messages.success(
                request,
                _(
                    "Your calendar address is new; the old one no longer works. "
                    "Subscribe again with the address below."
                ),
            )
        else:
            messages.success(
                request, _("Your calendar address is ready: subscribe to it in your calendar.")
            )
        return redirect("meetings:calendar_feed_settings")


@never_cache
def calendar_feed(request, token):
    """Public, private: the secret address a calendar application subscribes to."""
    feed = selectors.feed_for_token(token=token)
    if feed is None:
        return HttpResponse(
            _("This calendar address is not valid (it may have been reset)."),
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    body = calendar.feed_calendar(user=feed.user, meetings=selectors.feed_meetings(user=feed.user))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
