from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from members.models import User

from . import selectors, services
from .exports import own_data_zip
from .forms import EraseForm


def _zip_response(*, user: User, filename: str) -> HttpResponse:
    response = HttpResponse(
        own_data_zip(selectors.own_data(user=user)), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


class OwnDataView(LoginRequiredMixin, View):
    """Anyone logged in downloads their own data, and only theirs."""

    def get(self, request):
        return _zip_response(user=request.user, filename="my-data.zip")


class SiteAdminRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.is_superuser:
            raise PermissionDenied(_("Only site admins handle a person's data requests."))
        return super().dispatch(request, *args, **kwargs)


class PersonDataView(SiteAdminRequiredMixin, View):
    """A subject access request: a site admin downloads the same ZIP for a person."""

    def get(self, request, pk):
        person = get_object_or_404(User, pk=pk)
        return _zip_response(user=person, filename=f"person-{person.pk}-data.zip")


class PersonEraseView(SiteAdminRequiredMixin, FormView):
    template_name = "privacy/person_erase.html"
    form_class = EraseForm

    def dispatch(self, request, *args, **kwargs):
        self.person = get_object_or_404(User, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "person": self.person}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["person"] = self.person
        context["erased"] = self.person.email == services.erased_email(self.person.pk)
        context["memberships"] = self.person.memberships.select_related("campus")
        try:
            services.check_can_erase(person=self.person, by=self.request.user)
        except ValidationError as error:
            context["refusal"] = error.messages[0]
        return context

    def form_valid(self, form):
        try:
            person = services.erase_person(person=self.person, by=self.request.user)
        except ValidationError as error:
            form.add_error(None, error.messages[0])
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The person is erased; they now appear as “%(name)s”.") % {"name": person.name},
        )
        return redirect("privacy:person_erase", pk=person.pk)
