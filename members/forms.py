from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)

from .models import Campus, Membership
from .validators import validate_single_line

User = get_user_model()


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
        fields = [
            "time_zone",
            "partner_organisation",
            "reminder_hours_before",
            "partner_initial_meetings",
            "attendance_window",
            "attendance_max_missed",
        ]


class PageForm(forms.Form):
    """The page number of a paged list, as given in the address. Anything that is not a number
    means the first page; a number past either end means the nearest page (the paginator's
    `get_page`)."""

    page = forms.IntegerField(required=False)

    def page_number(self) -> int:
        if self.is_valid() and self.cleaned_data["page"] is not None:
            return self.cleaned_data["page"]
        return 1
