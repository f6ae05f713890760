"""Dashboards and CSV exports. Thin: a report function, a template or a CSV response.

The campus comes through the person's own campuses (members.access), so another campus is a
404; a role that may not see a report gets a 403."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from meetings.selectors import meetings_for
from members.access import CoordinatorRequiredMixin, MemberRequiredMixin
from members.models import AccessKind
from members.records import SITE_ADMIN, record

from . import charts, exports, selectors, summary
from .forms import ExportRangeForm


def csv_response(text: str, filename: str, *, view=None) -> HttpResponse:
    """The CSV as a download; with a campus page's `view`, the export goes in the access
    record (who exported which file, whose name says its range, in which role)."""
    if view is not None:
        membership = view.membership
        record(
            kind=AccessKind.EXPORT,
            user=view.request.user,
            campus=view.campus,
            detail=filename,
            role=membership.role if membership else SITE_ADMIN,
        )
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@method_decorator(never_cache, name="dispatch")
class DashboardView(CoordinatorRequiredMixin, TemplateView):
    """The coordinator dashboard: is this community of practice healthy?"""

    template_name = "reports/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Kept while nothing it shows changes, and rendered without the request: the campus's
        # dashboard, the same for each of its coordinators.
        context["body"] = mark_safe(summary.dashboard_html(campus=self.campus, render=self.body))
        return context

    def body(self, data: dict) -> str:
        today = timezone.now().astimezone(self.campus.tz).date()
        return render_to_string(
            "reports/_dashboard_body.html",
            {
                **data,
                "campus": self.campus,
                "cadence_chart": charts.cadence_strip(data["cadence"]),
                "attendance_chart": charts.attendance_bars(data["attendance_months"]),
                "legend": charts.legend_items(),
                "attention": selectors.needs_attention(dashboard=data, today=today),
                "export_start": today - relativedelta(months=12),
                "export_end": today,
            },
        )


@method_decorator(never_cache, name="dispatch")
class MyPageView(MemberRequiredMixin, TemplateView):
    """A member's own page: what is coming, their attendance and their training."""

    template_name = "reports/my_page.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.my_page(user=self.request.user, campus=self.campus))
        return context


@method_decorator(never_cache, name="dispatch")
class OverviewView(LoginRequiredMixin, TemplateView):
    """Site admins: every campus's cadence and attendance side by side."""

    template_name = "reports/overview.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_superuser:
            raise PermissionDenied(_("Only site admins see every campus."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = selectors.overview()
        for row in rows:
            campus = {"campus": row.campus.name}
            row.cadence_chart = charts.cadence_strip(
                row.cadence, label=_("Meetings by month at %(campus)s") % campus
            )
            row.attendance_chart = charts.attendance_bars(
                row.attendance, label=_("Attendance by month at %(campus)s") % campus
            )
        context["rows"] = rows
        context["legend"] = charts.legend_items()
        context["cadence_months"] = rows[0].cadence if rows else []
        context["attendance_months"] = rows[0].attendance if rows else []
        return context


# --- CSV -----------------------------------------------------------------------------------
@method_decorator(never_cache, name="dispatch")
class MeetingAttendanceCsvView(CoordinatorRequiredMixin, View):
    def get(self, request, *args, **kwargs):
        meeting = get_object_or_404(
            meetings_for(campus=self.campus).select_related("campus"),
            pk=kwargs["pk"],
        )
        day = meeting.starts_at.astimezone(self.campus.tz).date()
        return csv_response(
            exports.meeting_attendance_csv(meeting=meeting),
            f"attendance-{self.campus.slug}-{day.isoformat()}-{meeting.pk}.csv",
            view=self,
        )


@method_decorator(never_cache, name="dispatch")
class AttendanceCsvView(CoordinatorRequiredMixin, View):
    def get(self, request, *args, **kwargs):
        today = timezone.now().astimezone(self.campus.tz).date()
        form = ExportRangeForm(request.GET, today=today)
        if not form.is_valid():
            return render(
                request,
                "reports/bad_dates.html",
                {"campus": self.campus, "form": form, "is_coordinator": True},
                status=400,
            )
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        return csv_response(
            exports.attendance_csv(campus=self.campus, start=start, end=end),
            f"attendance-{self.campus.slug}-{start}-to-{end}.csv",
            view=self,
        )


@method_decorator(never_cache, name="dispatch")
class TrainingCsvView(CoordinatorRequiredMixin, View):
    def get(self, request, *args, **kwargs):
        return csv_response(
            exports.training_csv(campus=self.campus),
            f"training-{self.campus.slug}.csv",
            view=self,
        )


@method_decorator(never_cache, name="dispatch")
class TopicsCsvView(CoordinatorRequiredMixin, View):
    def get(self, request, *args, **kwargs):
        return csv_response(
            exports.topics_csv(campus=self.campus),
            f"topics-{self.campus.slug}.csv",
            view=self,
        )
