from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from members.validators import validate_single_line

from .models import Topic, TopicReference
from .selectors import TopicState
from .services import ReferenceData


class TopicSearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    state = forms.ChoiceField(
        label="Show", choices=TopicState.choices, required=False, initial=TopicState.ACTIVE
    )


class TopicForm(forms.Form):
    """A topic's own fields. A plain form: the service checks the title's uniqueness (whatever its
    case) and says so on the title field, so the form does not run model validation itself."""

    title = forms.CharField(max_length=200, validators=[validate_single_line])
    summary = forms.CharField(
        max_length=300,
        help_text="One or two sentences: what peer supporters will take away.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What the session covers and how it could run. Blank lines start a paragraph.",
    )
    refresh_interval_months = forms.IntegerField(
        label="Refresh interval (months)",
        required=False,
        min_value=1,
        max_value=120,
        help_text="For a topic everyone should revisit, e.g. 12. Leave empty if once is enough.",
    )

    @classmethod
    def initial_for(cls, topic: Topic) -> dict:
        return {name: getattr(topic, name) for name in cls.base_fields}


class ReferenceForm(forms.ModelForm):
    citation = forms.CharField(
        required=False,
        max_length=500,
        validators=[validate_single_line],
        help_text="Author or organisation, title, year.",
    )
    url = forms.URLField(
        label="URL",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Optional: where to read it.",
    )

    class Meta:
        model = TopicReference
        fields = ["citation", "url"]

    def clean(self):
        data = super().clean()
        deleting = self.cleaned_data.get("DELETE")
        if not deleting and not data.get("citation") and (data.get("url") or self.instance.pk):
            self.add_error(
                "citation",
                "Enter a citation for this reference, or tick “Remove this reference”."
                if self.instance.pk
                else "Enter a citation for this URL: who wrote it and what it is called.",
            )
        return data


class BaseReferenceFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this reference"


ReferenceFormSet = inlineformset_factory(
    Topic,
    TopicReference,
    form=ReferenceForm,
    formset=BaseReferenceFormSet,
    extra=2,
    can_delete=True,
    can_delete_extra=False,
    max_num=20,
    validate_max=True,
)


def references_from(formset) -> list[ReferenceData]:
    """The references a valid formset describes, in order; empty extra rows are skipped."""
    references = []
    for form in formset.forms:
        if form in formset.deleted_forms:
            continue
        citation = form.cleaned_data.get("citation", "")
        if not citation:
            continue  # an untouched extra row (the form checked that nothing else was entered)
        references.append(
            ReferenceData(
                citation=citation,
                url=form.cleaned_data.get("url", ""),
                id=form.instance.pk,
            )
        )
    return references


class OfferForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional: why you'd like to lead it, what you'd bring, months that suit you.",
    )


class OfferDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=300,
        validators=[validate_single_line],
    )


class OfferWithdrawForm(forms.Form):
    """Where to go back to after withdrawing: the topic's page or the person's offers."""

    next = forms.ChoiceField(choices=[("topic", "topic"), ("mine", "mine")], required=False)
