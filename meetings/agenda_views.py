"""The agenda page: coordinators build a meeting's agenda (items edited where they stand,
reordered by buttons, a position or drag and drop; offers to facilitate and discussion
suggestions at hand). Every action is a form that posts and redirects; with htmx, the items'
section is swapped in place instead of reloading the page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from members.access import CoordinatorRequiredMixin
from members.forms import add_service_error, error_text
from training.selectors import open_offer_rows, topic_choices

from . import agenda, selectors
from .agenda_forms import AgendaItemForm, AgendaMoveForm, AgendaOfferForm, AgendaOrderForm
from .forms import people_choices
from .models import AgendaItem
from .views import CampusMeetingMixin

ITEMS_PARTIAL = "meetings/_agenda_items.html"
ADD_PARTIAL = "meetings/_agenda_add.html"


class AgendaMixin(CoordinatorRequiredMixin, CampusMeetingMixin):
    @cached_property
    def facilitator_choices(self):
        """Read once per request, as plain values."""
        return people_choices(campus=self.campus, empty_label="—")

    @cached_property
    def topic_choices(self):
        """Read once per request, as plain values (a topic's form field reads whole topics)."""
        return topic_choices(empty_label=AgendaItemForm.base_fields["topic"].empty_label)

    def items_context(self, *, edit_item=None, edit_form=None, agenda_error=None):
        meeting = self.get_meeting()
        items = selectors.agenda_items(meeting=meeting)
        return {
            "campus": self.campus,
            "meeting": meeting,
            "items": items,
            "facilitators": list(dict.fromkeys(str(i.facilitator) for i in items if i.facilitator)),
            "planned": selectors.agenda_plan(meeting=meeting, items=items),
            "edit_item": edit_item,
            "edit_form": edit_form,
            "agenda_error": agenda_error,
        }

    def back(self):
        return redirect("meetings:agenda", campus=self.campus.slug, pk=self.get_meeting().pk)

    def items_response(self, **kwargs):
        """With htmx: the items' section, changed in place. Without: back to the page."""
        if self.request.htmx:
            return TemplateResponse(self.request, ITEMS_PARTIAL, self.items_context(**kwargs))
        if kwargs.get("agenda_error"):
            messages.error(self.request, kwargs["agenda_error"])
        return self.back()


class AgendaView(AgendaMixin, FormView):
    """The agenda as coordinators build it: its items (each edited in place), the open offers
    and suggestions, and "Add an item", which opens the item form (AgendaAddView). The form
    posts here; refused, the page shows it again as typed."""

    template_name = "meetings/agenda_edit.html"
    form_class = AgendaItemForm

    def get(self, request, *args, **kwargs):
        # The page without the item form (and without reading the people and topics it offers).
        return self.render_to_response(self.get_context_data(form=None))

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "people": self.facilitator_choices,
            "topics": self.topic_choices,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.get_meeting()
        context.update(
            self.items_context(
                edit_item=kwargs.get("edit_item"), edit_form=kwargs.get("edit_form")
            ),
            offers=open_offer_rows(campus=self.campus),
            suggestions=selectors.open_suggestion_rows(campus=self.campus),
            from_last_time=selectors.open_actions_before(meeting=meeting),
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            item = agenda.add_agenda_item(
                meeting=self.get_meeting(),
                kind=data["kind"],
                title=data["title"],
                notes=data["notes"],
                duration_minutes=data["duration_minutes"],
                topic=data["topic"],
                facilitator=data["facilitator"],
                by=self.request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        text = _("Added “%(title)s” to the agenda.") % {"title": item.shown_title}
        if item.facilitation_offer_id:
            text += " " + _("%(person)s's offer to lead this topic is marked used.") % {
                "person": item.facilitator
            }
        messages.success(self.request, text)
        return self.back()


class AgendaAddView(AgendaView):
    """The item form, opened: in its place on the agenda page with htmx, else the agenda page
    with the form open. It posts to the agenda page (AgendaView)."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        form.fields["kind"].widget.attrs["autofocus"] = True
        if request.htmx:
            return TemplateResponse(
                request,
                ADD_PARTIAL,
                {"campus": self.campus, "meeting": self.get_meeting(), "form": form},
            )
        return self.render_to_response(self.get_context_data(form=form))


class AgendaItemEditView(AgendaView):
    """One item's form, in its place on the agenda page (a page of its own without JavaScript,
    the items' section alone with htmx)."""

    def get_item(self):
        return get_object_or_404(
            AgendaItem.objects.select_related("topic", "facilitator"),
            meeting=self.get_meeting(),
            pk=self.kwargs["item"],
        )

    def _edit_form(self, item, data=None):
        initial = {
            "kind": item.kind,
            "title": item.title,
            "topic": item.topic_id,
            "facilitator": item.facilitator_id,
            "duration_minutes": item.duration_minutes,
            "notes": item.notes,
        }
        form = AgendaItemForm(
            data,
            initial=initial,
            people=self.facilitator_choices,
            topics=self.topic_choices,
            prefix="edit",
        )
        if not item.title:  # the kind's usual title, shown in the reader's language
            form.fields["title"].widget.attrs["placeholder"] = item.shown_title
        return form

    def _render(self, item, form):
        if self.request.htmx:
            return TemplateResponse(
                self.request, ITEMS_PARTIAL, self.items_context(edit_item=item, edit_form=form)
            )
        return self.render_to_response(
            self.get_context_data(edit_item=item, edit_form=form, form=None)
        )

    def get(self, request, *args, **kwargs):
        item = self.get_item()
        return self._render(item, self._edit_form(item))

    def post(self, request, *args, **kwargs):
        item = self.get_item()
        form = self._edit_form(item, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = agenda.update_agenda_item(
                    item=item,
                    kind=data["kind"],
                    title=data["title"],
                    notes=data["notes"],
                    duration_minutes=data["duration_minutes"],
                    topic=data["topic"],
                    facilitator=data["facilitator"],
                    by=request.user,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                if not request.htmx:
                    messages.success(request, _("Saved “%(title)s”.") % {"title": item.shown_title})
                return self.items_response()
        return self._render(item, form)


class AgendaItemActionView(AgendaMixin, View):
    http_method_names = ["post"]
    action = None

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        item = get_object_or_404(AgendaItem, meeting=meeting, pk=kwargs["item"])
        try:
            if self.action == "remove":
                agenda.remove_agenda_item(item=item, by=request.user)
                if not request.htmx:
                    messages.success(
                        request,
                        _("Removed “%(title)s” from the agenda.") % {"title": item.shown_title},
                    )
            else:
                form = AgendaMoveForm(request.POST)
                if not form.is_valid():
                    return self.items_response(agenda_error=error_text(form))
                data = form.cleaned_data
                if data["direction"]:
                    agenda.move_agenda_item(item=item, direction=data["direction"], by=request.user)
                else:
                    agenda.move_agenda_item_to(
                        item=item, position=data["position"], by=request.user
                    )
        except ValidationError as error:
            return self.items_response(agenda_error=error_text(error))
        return self.items_response()


class AgendaReorderView(AgendaMixin, View):
    """The order drag and drop sends: every item's id, first to last."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = AgendaOrderForm(request.POST)
        if not form.is_valid():
            return self.items_response(agenda_error=error_text(form))
        try:
            agenda.reorder_agenda(
                meeting=self.get_meeting(), order=form.cleaned_data["order"], by=request.user
            )
        except ValidationError as error:
            return self.items_response(agenda_error=error_text(error))
        return self.items_response()


class AgendaOfferView(AgendaMixin, View):
    """An open offer to facilitate, on the agenda in one click: it fills the empty training
    slot, or adds a training item."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = AgendaOfferForm(request.POST, campus=self.campus)
        if not form.is_valid():
            messages.error(request, error_text(form))
            return self.back()
        offer = form.cleaned_data["offer"]
        try:
            item = agenda.put_offer_on_agenda(
                meeting=self.get_meeting(), offer=offer, by=request.user
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _("“%(title)s”, led by %(person)s, is on the agenda.")
                % {"title": item.shown_title, "person": offer.user},
            )
        return self.back()
