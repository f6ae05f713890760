"""Forms of self check-in: the code a member types (or the QR code fills in), or the online
link's code. Only the shape is checked here; whether the code is right is the service's."""

from django import forms
from django.utils.translation import gettext_lazy as _

from members.validators import validate_single_line

from .checkin import ALPHABET, CODE_LENGTH, LINK_CODE_LENGTH, normalise_code


def _in_alphabet(value: str, length: int) -> bool:
    return len(value) == length and all(char in ALPHABET for char in value)


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Code on the screen"),
        required=False,
        max_length=20,
        validators=[validate_single_line],
        help_text=_("Six letters and digits; it changes every minute."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "check-in-code-input",
            }
        ),
    )
    link = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if code and not _in_alphabet(code, CODE_LENGTH):
            raise forms.ValidationError(
                _("A code has six letters and digits, as the screen shows it.")
            )
        return code

    def clean_link(self):
        link = self.cleaned_data["link"].strip()
        if link and not _in_alphabet(link, LINK_CODE_LENGTH):
            raise forms.ValidationError(
                _("This check-in link is damaged: open the link from the meeting's chat again.")
            )
        return link

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("code") and not data.get("link"):
            self.add_error("code", _("Enter the code shown on the screen."))
        return data
