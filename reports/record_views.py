"""The access record, read: a campus's for its coordinators, everything for site admins, and
its CSV export (site admins). Pages that only read: the record changes through no address."""

import datetime as dt

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import ListView

from members.access import CoordinatorRequiredMixin
from members.models import AccessKind
from members.records import record

from . import exports, selectors
from .forms import AccessRecordFilterForm
from .views import csv_response

RECORD_HEADER = [
    pgettext_lazy("CSV column", "at (UTC)"),
    pgettext_lazy("CSV column", "what"),
    pgettext_lazy("CSV column", "who"),
    pgettext_lazy("CSV column", "who (id)"),
    pgettext_lazy("CSV column", "role"),
    pgettext_lazy("CSV column", "campus"),
    pgettext_lazy("CSV column", "meeting"),
    pgettext_lazy("CSV column", "detail"),
]


class SiteAdminMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.is_superuser:
            raise PermissionDenied(_("Only site admins read the whole access record."))
        return super().dispatch(request, *args, **kwargs)


class AccessRecordListMixin:
    template_name = "reports/access_record.html"
    context_object_name = "records"
    paginate_by = 50
    campus = None

    def get_queryset(self):
        self.filter_form = AccessRecordFilterForm(self.request.GET)
        return selectors.access_record(
            campus=self.campus, tz=timezone.get_current_timezone(), **self.filter_form.filters()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filter_form=self.filter_form, filter_query=query.urlencode())
        selectors.name_meetings(context["records"])
        return context


@method_decorator(never_cache, name="dispatch")
class CampusAccessRecordView(CoordinatorRequiredMixin, AccessRecordListMixin, ListView):
    """Who read and did what on this campus, in the campus's time zone."""


@method_decorator(never_cache, name="dispatch")
class AccessRecordView(SiteAdminMixin, AccessRecordListMixin, ListView):
    """Every campus's record, and what belongs to no campus (sign-ins, second factors)."""


@method_decorator(never_cache, name="dispatch")
class AccessRecordCsvView(SiteAdminMixin, View):
    def get(self, request, *args, **kwargs):
        filters = AccessRecordFilterForm(request.GET).filters()
        rows = selectors.access_record(**filters)
        text = exports.to_csv(
            RECORD_HEADER,
            (
                [
                    r.at.astimezone(dt.UTC).isoformat(timespec="seconds"),
                    r.get_kind_display(),
                    r.actor or "",
                    r.actor_id or "",
                    r.role_display,
                    r.campus.slug if r.campus else "",
                    r.meeting_id or "",
                    r.detail,
                ]
                for r in rows.iterator(chunk_size=2000)
            ),
        )
        start, end = filters.get("start"), filters.get("end")
        # An ISO 8601 interval (".." an open end): the record holds no words of one language.
        record(
            kind=AccessKind.RECORD_EXPORT,
            user=request.user,
            detail=f"{start or '..'}/{end or '..'}",
        )
        return csv_response(text, f"access-record-{start or 'beginning'}-to-{end or 'now'}.csv")
