"""The minutes page: everyone on the campus reads the minutes, the case-collaboration notes
only those entitled to them; coordinators write both and keep the action items."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from members.access import CampusMixin
from members.forms import add_service_error, error_text

from . import selectors
from .forms import ActionItemDoneForm, ActionItemForm, CaseNotesForm, MinutesForm, MinutesPartForm
from .minutes import (
    MINUTES_FIELDS,
    add_action_item,
    save_case_notes,
    save_minutes,
    set_action_item_done,
)
from .models import ActionItem
from .services import StaleEdit
from .views import MeetingMixin


@method_decorator(never_cache, name="dispatch")
class MinutesView(CampusMixin, MeetingMixin, TemplateView):
    """Everyone on the campus reads the minutes; case-collaboration notes only the campus's
    coordinators and those recorded present. Coordinators edit here too. Never cached."""

    template_name = "meetings/minutes_detail.html"

    def _minutes(self):
        return selectors.minutes_for(meeting=self.get_meeting())

    def can_read_case_notes(self):
        return selectors.can_read_case_notes(
            user=self.request.user, meeting=self.get_meeting(), membership=self.membership
        )

    def _people(self):
        return selectors.active_people(campus=self.campus)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.get_meeting()
        minutes = self._minutes()
        case_notes = None
        can_read_notes = self.can_read_case_notes()
        if can_read_notes:
            case_notes = selectors.case_notes_for(meeting=meeting)
        context.update(
            minutes=minutes,
            can_read_case_notes=can_read_notes,
            case_notes=case_notes,
            action_items=selectors.action_items(meeting=meeting),
        )
        if self.is_coordinator:
            context.setdefault(
                "minutes_form",
                MinutesForm(
                    initial={
                        "version": minutes.version if minutes else 0,
                        **{f: getattr(minutes, f) for f in MINUTES_FIELDS if minutes},
                    },
                    prefix="minutes",
                ),
            )
            context.setdefault(
                "action_form", ActionItemForm(people=self._people(), prefix="action")
            )
        if self.is_coordinator and can_read_notes:
            context.setdefault(
                "case_notes_form",
                CaseNotesForm(
                    initial={
                        "version": case_notes.version if case_notes else 0,
                        "text": case_notes.text if case_notes else "",
                    },
                    prefix="case",
                ),
            )
        return context

    def post(self, request, *args, **kwargs):
        if not self.is_coordinator:
            raise PermissionDenied("Only this campus's coordinators can write minutes.")
        part = MinutesPartForm(request.POST)
        if not part.is_valid():
            messages.error(request, "Nothing to save.")
            return self._back()
        handler = {
            "minutes": self._save_minutes,
            "case_notes": self._save_case_notes,
            "action_item": self._add_action_item,
        }[part.cleaned_data["form"]]
        return handler()

    def _back(self):
        return redirect("meetings:minutes", campus=self.campus.slug, pk=self.get_meeting().pk)

    def _save_minutes(self):
        form = MinutesForm(self.request.POST, prefix="minutes")
        if form.is_valid():
            data = form.cleaned_data
            try:
                save_minutes(
                    meeting=self.get_meeting(),
                    version=data["version"],
                    by=self.request.user,
                    **{f: data[f] for f in MINUTES_FIELDS},
                )
            except StaleEdit as stale:
                form = self._refreshed(MinutesForm, "minutes", stale)
                return self.render_to_response(
                    self.get_context_data(minutes_form=form, stale_minutes=stale.current)
                )
            messages.success(self.request, "Saved the minutes.")
            return self._back()
        return self.render_to_response(self.get_context_data(minutes_form=form))

    def _save_case_notes(self):
        if not self.can_read_case_notes():
            raise PermissionDenied("Only this campus's coordinators can write these notes.")
        form = CaseNotesForm(self.request.POST, prefix="case")
        if form.is_valid():
            try:
                save_case_notes(
                    meeting=self.get_meeting(),
                    version=form.cleaned_data["version"],
                    text=form.cleaned_data["text"],
                    by=self.request.user,
                )
            except StaleEdit as stale:
                form = self._refreshed(CaseNotesForm, "case", stale)
                return self.render_to_response(
                    self.get_context_data(case_notes_form=form, stale_case_notes=True)
                )
            messages.success(self.request, "Saved the case-collaboration notes.")
            return self._back()
        return self.render_to_response(self.get_context_data(case_notes_form=form))

    def _refreshed(self, form_class, prefix, stale):
        data = self.request.POST.copy()
        data[f"{prefix}-version"] = stale.current.version if stale.current else 0
        form = form_class(data, prefix=prefix)
        form.is_valid()
        add_service_error(form, stale)
        return form

    def _add_action_item(self):
        form = ActionItemForm(self.request.POST, people=self._people(), prefix="action")
        if form.is_valid():
            data = form.cleaned_data
            try:
                add_action_item(
                    meeting=self.get_meeting(),
                    text=data["text"],
                    owner=data["owner"],
                    due_on=data["due_on"],
                    by=self.request.user,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(self.request, "Added the action item.")
                return self._back()
        return self.render_to_response(self.get_context_data(action_form=form))


class ActionItemToggleView(CampusMixin, MeetingMixin, View):
    """Mark an action item done or not done: the campus's coordinators, or the item's owner
    for their own."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        item = get_object_or_404(ActionItem, meeting=meeting, pk=kwargs["item"])
        if not (self.is_coordinator or (self.membership and item.owner_id == request.user.pk)):
            raise PermissionDenied("Only the action's owner or a coordinator can mark it done.")
        form = ActionItemDoneForm(request.POST)
        valid = form.is_valid()
        target = form.cleaned_data.get("next") if valid else ""
        minutes_page = reverse(
            "meetings:minutes", kwargs={"campus": self.campus.slug, "pk": meeting.pk}
        )
        back = redirect(target or minutes_page)
        if not valid:
            messages.error(request, error_text(form))
            return back
        done = form.cleaned_data["done"]
        try:
            set_action_item_done(item=item, done=done, by=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
            return back
        text = _("Marked “%(text)s” as done.") if done else _("Marked “%(text)s” as not done.")
        messages.success(request, text % {"text": item.text})
        return back
