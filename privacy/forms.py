from django import forms
from django.utils.translation import gettext_lazy as _

from members.validators import validate_single_line


class EraseForm(forms.Form):
    """The site admin types the person's e-mail address: erasure cannot be undone."""

    email = forms.CharField(
        label=_("Type the person's e-mail address to confirm"),
        max_length=254,
        validators=[validate_single_line],
    )

    def __init__(self, *args, person, **kwargs):
        self.person = person
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email.lower() != self.person.email.lower():
            raise forms.ValidationError(
                _("That is not this person's e-mail address. Nothing was changed.")
            )
        return email
