from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from .invite_lists import InviteRow, decode_upload, read_invite_list
from .models import CAMPUS_SETTINGS, Campus, Membership
from .validators import validate_single_line

User = get_user_model()


# --- from a service's error to the page: for every app's views ----------------------------
def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: each message on its field when the form
    has that field, on top of the form otherwise."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                form.add_error(target, e)
    else:
        form.add_error(None, error)


def error_text(error: ValidationError | forms.BaseForm) -> str:
    """A service's ValidationError, or a refused form's errors, as one message: for views
    that answer with a redirect and a message rather than the form."""
    if isinstance(error, forms.BaseForm):
        return " ".join(e for errors in error.errors.values() for e in errors)
    return " ".join(error.messages)


def current_language() -> str:
    """The language being read now, as one of the site's languages (for a form's initial)."""
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), validators=[validate_single_line])
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=150,
        validators=[validate_single_line],
        help_text=_("Optional: greets them in the e-mail; they can change it when they join."),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.PEER_SUPPORTER
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("The e-mail is written in this language; they can change it once they join."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = current_language()


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "status"]
        help_texts = {
            "status": _(
                "On leave: still a member, not expected at meetings. "
                "Left: the record stays, they no longer see the campus."
            )
        }


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        validators=[validate_single_line],
        help_text=_("The name colleagues know you by."),
    )
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)
        # The validators' rules, in the language of this request (not the one at import).
        self.fields["password1"].help_text = password_validators_help_text_html()

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            try:
                validate_password(p1, User(email=self.email, name=data.get("name", "")))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "name",
            "language",
            "wants_meeting_notices",
            "wants_meeting_reminders",
            "wants_presence_nudges",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left out (a form from before the field existed), the language stays as it is.
        self.fields["language"].required = False

    def clean_language(self):
        return self.cleaned_data["language"] or self.instance.language


class CampusSettingsForm(forms.ModelForm):
    class Meta:
        model = Campus
        fields = list(CAMPUS_SETTINGS)


class NextForm(forms.Form):
    """Where to go after an action: a path on this site (anything else is dropped)."""

    # The page the person came from (this site only); empty when absent or elsewhere.
    next = forms.CharField(max_length=500, required=False)

    def clean_next(self):
        target = self.cleaned_data["next"]
        if target and not (
            target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None)
        ):
            return ""
        return target


class NoticeFilterForm(forms.Form):
    """The notices page's filter: one status, or all of them."""

    status = forms.ChoiceField(choices=[("", _("All"))], required=False)

    def __init__(self, *args, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *statuses]

    def chosen_status(self) -> str:
        return self.cleaned_data["status"] if self.is_valid() else ""


class PageForm(forms.Form):
    """The page number of a paged list, as given in the address. Anything that is not a number
    means the first page; a number past either end means the nearest page (the paginator's
    `get_page`)."""

    page = forms.IntegerField(required=False)

    def page_number(self) -> int:
        if self.is_valid() and self.cleaned_data["page"] is not None:
            return self.cleaned_data["page"]
        return 1


# --- a term's cohort: inviting many, leaving together -------------------------------------
MAX_LIST_BYTES = 200_000


def _people_help() -> str:
    # Help text is shown as HTML: the angle brackets are written as entities, outside the
    # translated sentence.
    return _(
        "One person a line: “%(named)s”, “%(plain)s” or the address alone. A role may follow "
        "a comma (coordinator, peer supporter, partner representative)."
    ) % {"named": "Ama Owusu &lt;ama@example.edu&gt;", "plain": "ama@example.edu, Ama Owusu"}


class InviteManyForm(forms.Form):
    people = forms.CharField(
        label=_("Addresses"),
        required=False,
        max_length=MAX_LIST_BYTES,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=lazy(_people_help, str)(),
    )
    csv_file = forms.FileField(
        label=_("Or a CSV file"),
        required=False,
        help_text=_(
            "Columns email, name, role and language (en or fr), with a header row; UTF-8 "
            "(“CSV UTF-8” in a spreadsheet); at most 200 KB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )
    role = forms.ChoiceField(
        label=_("Role for rows that give none"),
        choices=Membership.Role.choices,
        initial=Membership.Role.PEER_SUPPORTER,
    )
    language = forms.ChoiceField(
        label=_("Language of the invitations"),
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("For rows without a language column (en or fr)."),
    )
    skip_bad = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = current_language()

    def clean(self):
        data = super().clean()
        upload = data.get("csv_file")
        if upload:
            if upload.size > MAX_LIST_BYTES:
                raise ValidationError(_("The file is larger than 200 KB: split it in two."))
            try:
                data["people"] = decode_upload(upload.read())
            except ValueError as error:
                raise ValidationError(str(error)) from error
            if "\x00" in data["people"]:
                raise ValidationError(_("The file is not a CSV text file."))
        if not (data.get("people") or "").strip() and not self.errors:
            raise ValidationError(_("Paste some addresses or choose a CSV file."))
        if "\x00" in (data.get("people") or ""):
            self.add_error("people", _("Remove the null characters from the list."))
        return data

    def rows(self) -> list[InviteRow]:
        return read_invite_list(self.cleaned_data["people"])


class LeaveForm(forms.Form):
    """The members chosen on the member list to mark as left; those who left already are not
    choices."""

    member = forms.ModelMultipleChoiceField(
        queryset=Membership.objects.none(),
        widget=forms.MultipleHiddenInput,
        error_messages={"required": _("Tick the members who are leaving on the members page.")},
    )

    def __init__(self, *args, campus, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = (
            Membership.objects.filter(campus=campus)
            .exclude(status=Membership.Status.LEFT)
            .select_related("user")
            .order_by("user__name")
        )


class CampusForm(forms.ModelForm):
    """Everything about a campus, for site admins."""

    class Meta:
        model = Campus
        fields = ["name", "slug", "institution", "time_zone", *CAMPUS_SETTINGS[1:]]
        help_texts = {
            "slug": _(
                "Used in the campus's addresses (/c/riverside/). Leave empty to make it from "
                "the name. Changing it breaks links already sent."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False


# --- login ---------------------------------------------------------------------------------
class LoginForm(AllauthLoginForm):
    """allauth's login form, steering people whose address belongs to a campus provider to it:
    without a password, or when their campus signs its members in with the provider only."""

    steer_to = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].required = False

    def clean(self):
        from .selectors import provider_for_email, provider_is_required

        email = (self.cleaned_data.get("login") or "").strip()
        password = self.cleaned_data.get("password")
        provider = provider_for_email(email) if email else None
        if provider is not None and not password:
            self._steer(provider)
        if not password:
            self.add_error("password", _("Enter your password."))
            return self.cleaned_data
        if provider is not None and provider_is_required(provider):
            # A campus that signs its members in with this provider: only a site admin's
            # password still works here. Every other answer is the same, account or not.
            try:
                cleaned = super().clean()
            except ValidationError:
                self._steer(provider)
            if self.user is not None and self.user.is_superuser:
                return cleaned
            self._steer(provider)
        return super().clean()

    def _steer(self, provider):
        self.steer_to = provider
        raise ValidationError(
            _("%(provider)s signs you in: use the “Sign in with %(provider)s” button.")
            % {"provider": provider.name}
        )
