"""The agenda page: coordinators build a meeting's agenda (items, order, offers to facilitate
and discussion suggestions at hand)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import FormView

from members.access import CoordinatorRequiredMixin
from members.forms import add_service_error, error_text
from training.selectors import open_offers

from . import agenda, selectors
from .agenda_forms import AgendaItemForm, AgendaMoveForm
from .models import AgendaItem
from .views import MeetingMixin


class AgendaView(CoordinatorRequiredMixin, MeetingMixin, FormView):
    template_name = "meetings/agenda_edit.html"
    form_class = AgendaItemForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "people": list(self._people())}

    def _people(self):
        return selectors.active_people(campus=self.campus)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.get_meeting()
        context.update(
            items=selectors.agenda_items(meeting=meeting),
            offers=list(open_offers(campus=self.campus)),
            suggestions=selectors.open_suggestions(campus=self.campus),
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
        text = f"Added “{item.title}” to the agenda."
        if item.facilitation_offer_id:
            text += f" {item.facilitator}'s offer to lead this topic is marked used."
        messages.success(self.request, text)
        return redirect("meetings:agenda", campus=self.campus.slug, pk=self.get_meeting().pk)


class AgendaItemActionView(CoordinatorRequiredMixin, MeetingMixin, View):
    http_method_names = ["post"]
    action = None

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        item = get_object_or_404(AgendaItem, meeting=meeting, pk=kwargs["item"])
        back = redirect("meetings:agenda", campus=self.campus.slug, pk=meeting.pk)
        try:
            if self.action == "remove":
                agenda.remove_agenda_item(item=item, by=request.user)
                messages.success(request, f"Removed “{item.title}” from the agenda.")
            else:
                form = AgendaMoveForm(request.POST)
                if not form.is_valid():
                    messages.error(request, error_text(form))
                    return back
                agenda.move_agenda_item(
                    item=item, direction=form.cleaned_data["direction"], by=request.user
                )
        except ValidationError as error:
            messages.error(request, error_text(error))
        return back
