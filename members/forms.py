from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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


class InviteForm(forms.Form):
    email = forms.EmailField(label="E-mail address", validators=[validate_single_line])
    role = forms.ChoiceField(
        choices=Membership.Role.choices, initial=Membership.Role.PEER_SUPPORTER
    )


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "status"]
        help_texts = {
            "status": "On leave: still a member, not expected at meetings. "
            "Left: the record stays, they no longer see the campus."
        }


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(
        max_length=150,
        validators=[validate_single_line],
        help_text="The name colleagues know you by.",
    )
    password1 = forms.CharField(
        label="Password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password (again)", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
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
            "wants_meeting_notices",
            "wants_meeting_reminders",
            "wants_presence_nudges",
        ]


class CampusSettingsForm(forms.ModelForm):
    class Meta:
        model = Campus
        fields = list(CAMPUS_SETTINGS)


class PageForm(forms.Form):
    """The page number of a paged list, as given in the address. Anything that is not a number
    means the first page; a number past either end means the nearest page (the paginator's
    `get_page`)."""

    page = forms.IntegerField(required=False)

    def page_number(self) -> int:
        if self.is_valid() and self.cleaned_data["page"] is not None:
            return self.cleaned_data["page"]
        return 1


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
