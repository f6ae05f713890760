"""The training catalogue: everyone logged in browses it; catalogue editors (the
`training.edit_catalogue` permission; site admins have every permission) add, edit, archive and
delete topics; members offer to facilitate a topic at their campus."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from members import selectors as member_selectors
from members.access import CURRENT_CAMPUS_SESSION_KEY, CoordinatorRequiredMixin, MemberRequiredMixin
from members.forms import PageForm, add_service_error, error_text

from . import selectors, services
from .forms import (
    OfferDeclineForm,
    OfferForm,
    OfferWithdrawForm,
    ReferenceFormSet,
    TopicForm,
    TopicSearchForm,
    references_from,
)
from .models import FacilitationOffer, Topic
from .selectors import TopicState

PAGE_SIZE = 50


class CatalogueEditorRequiredMixin(PermissionRequiredMixin):
    """Anonymous visitors are sent to log in; people without the permission get a 403."""

    permission_required = selectors.EDIT_PERMISSION

    def dispatch(self, request, *args, **kwargs):
        # The permission first, so that an anonymous visitor is sent to log in, even for a
        # topic that does not exist.
        if not self.has_permission():
            return self.handle_no_permission()
        self.topic = get_object_or_404(Topic, pk=kwargs["pk"]) if "pk" in kwargs else None
        return super().dispatch(request, *args, **kwargs)


class TopicListView(LoginRequiredMixin, TemplateView):
    template_name = "training/topic_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        is_editor = selectors.can_edit_catalogue(self.request.user)
        form = TopicSearchForm(self.request.GET or None)
        query, state, missing = "", TopicState.ACTIVE, False
        if form.is_valid():
            query = form.cleaned_data["q"]
            # Only editors see archived topics in the list, and which topics lack a
            # translation; everyone can open any topic by address.
            if is_editor and form.cleaned_data["state"]:
                state = form.cleaned_data["state"]
            missing = is_editor and form.cleaned_data["missing"]
        if not is_editor:
            del form.fields["state"]
            del form.fields["missing"]
        topics = selectors.search_topics(query=query, state=state, missing_translation=missing)
        page = Paginator(topics, PAGE_SIZE).get_page(PageForm(self.request.GET).page_number())
        memberships = selectors.offering_memberships(user=self.request.user)
        querystring = self.request.GET.copy()
        querystring.pop("page", None)
        context.update(
            form=form,
            query=query,
            state=state,
            missing=missing,
            page=page,
            topics=page.object_list,
            is_editor=is_editor,
            querystring=querystring.urlencode(),
            coordinated=[m for m in memberships if m.is_coordinator],
        )
        return context


class TopicDetailView(LoginRequiredMixin, TemplateView):
    """Every topic, archived ones too: meetings that used a topic link here."""

    template_name = "training/topic_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        topic = get_object_or_404(Topic, pk=self.kwargs["pk"])
        is_editor = selectors.can_edit_catalogue(user)
        memberships = list(selectors.offering_memberships(user=user))
        my_offers = list(selectors.offers_by(user=user, topic=topic))
        offered_at = {offer.campus_id for offer in my_offers}
        coordinated = [m.campus for m in memberships if m.is_coordinator]
        if is_editor:
            # Topics belong to no campus: history times are shown in the zone of the campus the
            # person is looking at (the one last visited), UTC for a site admin without one.
            campuses = [m.campus for m in memberships]
            if user.is_superuser:
                campuses = member_selectors.navigation_campuses(user)
            here = member_selectors.navigation_campus(
                user, campuses, current_slug=self.request.session.get(CURRENT_CAMPUS_SESSION_KEY)
            )
            zone = here.time_zone if here else "UTC"
            timezone.activate(zone)
            context["history_zone"] = zone
        context.update(
            topic=topic,
            references=list(topic.references.all()),
            is_editor=is_editor,
            history=selectors.topic_history(topic=topic) if is_editor else [],
            my_offers=my_offers,
            offer_campuses=[m.campus for m in memberships if m.campus_id not in offered_at],
            campus_offers=[
                (campus, list(selectors.open_offers(campus=campus, topic=topic)))
                for campus in coordinated
            ],
        )
        return context


class TopicFormMixin:
    """A topic form and its references formset; valid → one service call → message → topic."""

    template_name = "training/topic_form.html"

    def forms(self):
        data = self.request.POST if self.request.method == "POST" else None
        initial = TopicForm.initial_for(self.topic) if self.topic else None
        form = TopicForm(data, initial=initial)
        formset = ReferenceFormSet(data, instance=self.topic or Topic(), prefix="references")
        return form, formset

    def render_forms(self, form, formset):
        return self.render_to_response(
            self.get_context_data(form=form, formset=formset, topic=self.topic)
        )

    def get(self, request, *args, **kwargs):
        return self.render_forms(*self.forms())

    def post(self, request, *args, **kwargs):
        form, formset = self.forms()
        if form.is_valid() and formset.is_valid():
            try:
                topic = self.save(form.cleaned_data, references_from(formset))
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, self.success_message % {"topic": topic})
                return redirect(topic)
        return self.render_forms(form, formset)


class TopicCreateView(CatalogueEditorRequiredMixin, TopicFormMixin, TemplateView):
    success_message = gettext_lazy("Added “%(topic)s” to the catalogue.")

    def save(self, data, references):
        return services.create_topic(**data, references=references, by=self.request.user)


class TopicEditView(CatalogueEditorRequiredMixin, TopicFormMixin, TemplateView):
    success_message = gettext_lazy("Saved “%(topic)s”.")

    def save(self, data, references):
        return services.update_topic(
            topic=self.topic, **data, references=references, by=self.request.user
        )


class TopicActionView(CatalogueEditorRequiredMixin, View):
    """Archive or restore: POST only, then back to the topic page."""

    http_method_names = ["post"]
    action = None
    success_messages = {
        "archive": gettext_lazy(
            "Archived “%(topic)s”: it no longer appears in pickers; "
            "meetings that used it still show it."
        ),
        "restore": gettext_lazy("Restored “%(topic)s” to the catalogue."),
    }

    def post(self, request, *args, **kwargs):
        topic = self.topic
        service = {"archive": services.archive_topic, "restore": services.restore_topic}[
            self.action
        ]
        try:
            topic = service(topic=topic, by=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, self.success_messages[self.action] % {"topic": topic})
        return redirect(topic)


class TopicDeleteView(CatalogueEditorRequiredMixin, TemplateView):
    template_name = "training/topic_confirm_delete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(topic=self.topic, blocker=selectors.deletion_blocker(topic=self.topic))
        return context

    def post(self, request, *args, **kwargs):
        try:
            services.delete_topic(topic=self.topic, by=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect(self.topic)
        messages.success(
            request, _("Deleted “%(topic)s” from the catalogue.") % {"topic": self.topic}
        )
        return redirect("training:topic_list")


# --- facilitation offers (campus-scoped) ---------------------------------------------------
class OfferListView(CoordinatorRequiredMixin, TemplateView):
    """Coordinators: who has offered to facilitate what at this campus."""

    template_name = "training/offer_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["offers"] = selectors.open_offers(campus=self.campus)
        return context


class OfferDeclineView(CoordinatorRequiredMixin, View):
    """A coordinator declines an open offer at their campus, with an optional reason."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        offer = get_object_or_404(
            FacilitationOffer.objects.select_related("topic", "user"),
            pk=kwargs["pk"],
            campus=self.campus,
        )
        form = OfferDeclineForm(request.POST)
        if not form.is_valid():
            messages.error(request, error_text(form))
            return redirect("training:offer_list", campus=self.campus.slug)
        try:
            services.decline_offer(offer=offer, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _("Declined %(person)s's offer to facilitate “%(topic)s”.")
                % {"person": offer.user, "topic": offer.topic},
            )
        return redirect("training:offer_list", campus=self.campus.slug)


class MyOffersView(MemberRequiredMixin, TemplateView):
    """A member's own offers at this campus and what became of them."""

    template_name = "training/my_offers.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["offers"] = selectors.offers_of(user=self.request.user, campus=self.campus)
        return context


class OfferCreateView(MemberRequiredMixin, TemplateView):
    template_name = "training/offer_form.html"

    @cached_property
    def topic(self):
        # Looked up after the campus check, so another campus answers 404 before anything else.
        return get_object_or_404(Topic, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", OfferForm())
        context["topic"] = self.topic
        return context

    def post(self, request, *args, **kwargs):
        form = OfferForm(request.POST)
        if form.is_valid():
            try:
                services.offer_to_facilitate(
                    topic=self.topic,
                    campus=self.campus,
                    user=request.user,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Thank you: your offer to facilitate “%(topic)s” is with the "
                        "coordinators of %(campus)s."
                    )
                    % {"topic": self.topic, "campus": self.campus},
                )
                return redirect(self.topic)
        return self.render_to_response(self.get_context_data(form=form))


class OfferWithdrawView(MemberRequiredMixin, View):
    """Only the person who made an offer can withdraw it; anyone else's offer is a 404."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        offer = get_object_or_404(
            FacilitationOffer.objects.select_related("topic"),
            pk=kwargs["pk"],
            campus=self.campus,
            user=request.user,
        )
        form = OfferWithdrawForm(request.POST)
        back_to_mine = form.is_valid() and form.cleaned_data["next"] == "mine"
        try:
            services.withdraw_offer(offer=offer, by=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _("Withdrew your offer to facilitate “%(topic)s” at %(campus)s.")
                % {"topic": offer.topic, "campus": self.campus},
            )
        if back_to_mine:
            return redirect("training:my_offers", campus=self.campus.slug)
        return redirect(offer.topic)
