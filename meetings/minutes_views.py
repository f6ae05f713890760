"""The minutes page: everyone on the campus reads the minutes, the case-collaboration notes
only those entitled to them; coordinators write both and keep the action items."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from members.access import CampusMixin, CoordinatorRequiredMixin
from members.forms import add_service_error, error_text
from members.models import AccessKind
from members.records import SITE_ADMIN, record
from members.selectors import CASE_NOTES_READS_SHOWN, case_notes_reads

from . import selectors
from .forms import ActionItemDoneForm, ActionItemForm, CaseNotesForm, MinutesForm, MinutesPartForm
from .minutes import MINUTES_FIELDS, save_minutes_page, set_action_item_done
from .models import ActionItem
from .services import StaleEdit
from .views import CampusMeetingMixin, MeetingMixin

SAVED_TEXT = {
    "minutes": gettext_lazy("Saved the minutes."),
    "case_notes": gettext_lazy("Saved the case-collaboration notes."),
    "action_item": gettext_lazy("Added the action item."),
}


class MinutesFormsMixin:
    """The minutes page's parts as forms, for the page and for its draft-keeping."""

    def _minutes(self):
        meeting = self.get_meeting()  # on the minutes page, this reads the minutes too
        if not hasattr(self, "_minutes_record"):
            self._minutes_record = selectors.minutes_for(meeting=meeting)
        return self._minutes_record

    def can_read_case_notes(self):
        return selectors.can_read_case_notes(
            user=self.request.user, meeting=self.get_meeting(), membership=self.membership
        )

    def _minutes_form(self, data=None):
        minutes = self._minutes()
        initial = {
            "version": minutes.version if minutes else 0,
            **{f: getattr(minutes, f) for f in MINUTES_FIELDS if minutes},
        }
        return MinutesForm(data, initial=initial, prefix="minutes")

    def _case_notes_form(self, case_notes, data=None):
        initial = {
            "version": case_notes.version if case_notes else 0,
            "text": case_notes.text if case_notes else "",
        }
        return CaseNotesForm(data, initial=initial, prefix="case")

    def _action_form(self, data=None):
        # An action item row left empty is no action item (and no error); one with only an
        # owner or a date is refused by the service, on the text.
        form = ActionItemForm(
            data,
            campus=self.campus,
            prefix="action",
            empty_permitted=True,
            use_required_attribute=False,
        )
        form.fields["text"].required = False
        return form

    def _forms(self, parts):
        """The sent parts' forms, bound; None for a part not sent."""
        data = self.request.POST
        forms = {"minutes": None, "case_notes": None, "action_item": None}
        if "minutes" in parts:
            forms["minutes"] = self._minutes_form(data)
        if "case_notes" in parts:
            if not self.can_read_case_notes():
                raise PermissionDenied(_("Only this campus's coordinators can write these notes."))
            forms["case_notes"] = self._case_notes_form(None, data)
        if "action_item" in parts:
            forms["action_item"] = self._action_form(data)
        return forms

    def _arguments(self, forms, *, with_action=True):
        minutes_form, case_form, action_form = forms.values()
        arguments = {}
        if minutes_form is not None:
            arguments["minutes"] = minutes_form.cleaned_data
        if case_form is not None:
            arguments["case_notes"] = case_form.cleaned_data
        if with_action and action_form is not None and action_form.has_changed():
            data = action_form.cleaned_data
            arguments["action"] = {k: data[k] for k in ("text", "owner", "due_on")}
        return arguments


# What the minutes page reads of the meeting, of its minutes and notes, and of who saved the
# minutes last (never, say, their password's hash). Anything else is read when asked for.
MEETING_FIELDS = (
    *("campus_id", "title", "starts_at", "ends_at", "location", "online_link"),
    *(f"minutes__{name}" for name in (*MINUTES_FIELDS, "version", "erased_at", "updated_at")),
    "minutes__updated_by__name",
    "minutes__updated_by__email",
)
NOTES_FIELDS = tuple(
    f"case_collaboration_notes__{name}" for name in ("text", "version", "erased_at")
)


@method_decorator(never_cache, name="dispatch")
class MinutesView(CampusMixin, MeetingMixin, MinutesFormsMixin, TemplateView):
    """Everyone on the campus reads the minutes; case-collaboration notes only the campus's
    coordinators and those recorded present. Coordinators write here too, in one form: the
    minutes' sections, the notes and a new action item are saved together (or, when one is
    refused, none is and the page shows everything as typed). Never cached."""

    template_name = "meetings/minutes_detail.html"

    def get_meeting(self):
        """The meeting with its minutes and who saved them last, in one query, and for the
        campus's coordinators its case-collaboration notes too (for anyone else they are read
        only once `can_read_case_notes` allows). The campus is the one already read for the
        request."""
        if not hasattr(self, "_meeting"):
            related = ["minutes__updated_by"]
            self._notes_with_meeting = self.membership is not None and (
                self.membership.is_coordinator
            )
            if self._notes_with_meeting:
                related.append("case_collaboration_notes")
            self._meeting = get_object_or_404(
                selectors.meetings_for(campus=self.campus)
                .select_related(*related)
                .only(*MEETING_FIELDS, *(NOTES_FIELDS if self._notes_with_meeting else ())),
                pk=self.kwargs["pk"],
            )
            self._meeting.campus = self.campus
            self._minutes_record = getattr(self._meeting, "minutes", None)
        return self._meeting

    def _case_notes(self):
        """Only for those `can_read_case_notes` allows."""
        meeting = self.get_meeting()
        if getattr(self, "_notes_with_meeting", False):
            return getattr(meeting, "case_collaboration_notes", None)
        return selectors.case_notes_for(meeting=meeting)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.get_meeting()
        minutes = self._minutes()
        case_notes = None
        can_read_notes = self.can_read_case_notes()
        if can_read_notes:
            case_notes = self._case_notes()
        action_items, from_last_time = selectors.actions_of_and_before(meeting=meeting)
        context.update(
            minutes=minutes,
            minutes_sections=[
                (label, getattr(minutes, name) if minutes else "")
                for name, label in selectors.MINUTES_SECTIONS.items()
            ],
            can_read_case_notes=can_read_notes,
            case_notes=case_notes,
            action_items=action_items,
            from_last_time=from_last_time,
            facilitators=selectors.agenda_facilitators(meeting=meeting),
        )
        if self.is_coordinator:
            # The change history and who read the notes are on a page of their own
            # (MinutesHistoryView), linked from this one.
            context.setdefault("minutes_form", self._minutes_form())
            context.setdefault("action_form", self._action_form())
        if self.is_coordinator and can_read_notes:
            context.setdefault("case_notes_form", self._case_notes_form(case_notes))
        return context

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.context_data["can_read_case_notes"]:
            # Every time the notes are shown, it is recorded who read them, in which role.
            record(
                kind=AccessKind.CASE_NOTES_READ,
                user=request.user,
                campus=self.campus,
                meeting=self.get_meeting(),
                role=self.membership.role if self.membership else SITE_ADMIN,
            )
        return response

    def _back(self):
        return redirect("meetings:minutes", campus=self.campus.slug, pk=self.get_meeting().pk)

    def _context_for(self, forms, **extra):
        context = {
            "minutes_form": forms["minutes"],
            "case_notes_form": forms["case_notes"],
            "action_form": forms["action_item"],
        }
        return self.get_context_data(**{k: v for k, v in context.items() if v is not None}, **extra)

    def _refresh_stale(self, forms, stale):
        """Someone saved a part first: its form keeps what was typed, with the version now
        saved, so that saving again (after comparing) wins."""
        name, prefix = {"minutes": ("minutes", "minutes"), "case_notes": ("case_notes", "case")}[
            stale.part
        ]
        data = self.request.POST.copy()
        data[f"{prefix}-version"] = stale.current.version if stale.current else 0
        form = type(forms[name])(data, prefix=prefix)
        form.is_valid()
        add_service_error(form, stale)
        forms[name] = form
        self._notes_with_meeting = False  # the notes as saved now, not as read before
        if stale.part == "minutes":
            return {"stale_minutes": stale.current}
        return {"stale_case_notes": stale.current}

    def post(self, request, *args, **kwargs):
        if not self.is_coordinator:
            raise PermissionDenied(_("Only this campus's coordinators can write minutes."))
        part = MinutesPartForm(request.POST)
        if not part.is_valid():
            messages.error(request, _("Nothing to save."))
            return self._back()
        forms = self._forms(part.cleaned_data["part"])
        if not all(form.is_valid() for form in forms.values() if form is not None):
            return self.render_to_response(self._context_for(forms))
        try:
            saved = save_minutes_page(
                meeting=self.get_meeting(), by=request.user, **self._arguments(forms)
            )
        except StaleEdit as stale:
            extra = self._refresh_stale(forms, stale)
            return self.render_to_response(self._context_for(forms, **extra))
        except ValidationError as error:
            if forms["action_item"] is not None:
                add_service_error(forms["action_item"], error)
            return self.render_to_response(self._context_for(forms))
        if saved:
            messages.success(request, " ".join(str(SAVED_TEXT[p]) for p in saved))
        else:
            messages.info(request, _("Nothing new to save: everything here was already saved."))
        return self._back()


@method_decorator(never_cache, name="dispatch")
class MinutesHistoryView(CoordinatorRequiredMixin, CampusMeetingMixin, TemplateView):
    """The minutes' change history (who, when, which section; never the notes' text) and who
    read the case-collaboration notes, latest first: for the campus's coordinators."""

    template_name = "meetings/minutes_history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.get_meeting()
        context.update(
            history=selectors.minutes_history(meeting=meeting),
            case_notes_reads=case_notes_reads(campus=self.campus, meeting_id=meeting.pk),
            reads_shown=CASE_NOTES_READS_SHOWN,
        )
        return context


class MinutesDraftView(CoordinatorRequiredMixin, MeetingMixin, MinutesFormsMixin, View):
    """Keeps the minutes' sections and the notes while a coordinator types (htmx posts the
    page's form a moment after typing stops). Claims the version like any save: when someone
    else saved first, nothing is written and the page says so; the text stays in the page.
    Never an action item: that waits for the page's Save."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        view = MinutesView(request=request, kwargs=kwargs, args=args)
        view.campus, view.membership, view._meeting = (
            self.campus,
            self.membership,
            self.get_meeting(),
        )
        part = MinutesPartForm(request.POST)
        status = {"saved": False, "stale": False, "invalid": False}
        if not part.is_valid():
            status["invalid"] = True
            return self._answer(status)
        parts = [p for p in part.cleaned_data["part"] if p != "action_item"]
        forms = self._forms(parts)
        if not all(form.is_valid() for form in forms.values() if form is not None):
            status["invalid"] = True
            return self._answer(status)
        try:
            saved = save_minutes_page(
                meeting=self.get_meeting(),
                by=request.user,
                **self._arguments(forms, with_action=False),
            )
        except StaleEdit:
            status["stale"] = True
            return self._answer(status)
        status["saved"] = True
        status["parts"] = saved
        status["minutes"] = selectors.minutes_for(meeting=self.get_meeting())
        if "case_notes" in parts:
            status["case_notes"] = selectors.case_notes_for(meeting=self.get_meeting())
        return self._answer(status)

    def _answer(self, status):
        if not self.request.htmx:
            if status["stale"] or status["invalid"]:
                messages.error(
                    self.request, _("The draft was not kept: open the minutes and save again.")
                )
            else:
                messages.success(self.request, _("Kept the draft."))
            return redirect("meetings:minutes", campus=self.campus.slug, pk=self.get_meeting().pk)
        return TemplateResponse(
            self.request,
            "meetings/_minutes_draft_status.html",
            {**status, "now": timezone.now(), "campus": self.campus},
        )


class ActionItemToggleView(CampusMixin, MeetingMixin, View):
    """Mark an action item done or not done: the campus's coordinators, or the item's owner
    for their own."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        item = get_object_or_404(ActionItem, meeting=meeting, pk=kwargs["item"])
        if not (self.is_coordinator or (self.membership and item.owner_id == request.user.pk)):
            raise PermissionDenied(_("Only the action's owner or a coordinator can mark it done."))
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
