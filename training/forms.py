from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from members.validators import validate_single_line

from .models import Topic, TopicReference
from .selectors import TopicState
from .services import ReferenceData


class TopicSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    state = forms.ChoiceField(
        label=_("Show"), choices=TopicState.choices, required=False, initial=TopicState.ACTIVE
    )
    missing = forms.BooleanField(label=_("Missing a translation"), required=False)


class TopicForm(forms.Form):
    """A topic's own fields, in English and in French. A plain form: the service checks what
    each language needs (a title and its summary; at least one language) and the title's
    uniqueness (whatever its case) and says so on the field, so the form does not run model
    validation itself. Both languages are shown and sent: editing one keeps the other."""

    title_en = forms.CharField(
        label=_("Title in English"),
        required=False,
        max_length=200,
        validators=[validate_single_line],
    )
    title_fr = forms.CharField(
        label=_("Title in French"),
        required=False,
        max_length=200,
        validators=[validate_single_line],
    )
    summary_en = forms.CharField(
        label=_("Summary in English"),
        required=False,
        max_length=300,
        help_text=_("One or two sentences: what peer supporters will take away."),
        widget=forms.Textarea(attrs={"rows": 2, "lang": "en"}),
    )
    summary_fr = forms.CharField(
        label=_("Summary in French"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "lang": "fr"}),
    )
    description_en = forms.CharField(
        label=_("Description in English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "lang": "en"}),
        help_text=_("What the session covers and how it could run. Blank lines start a paragraph."),
    )
    description_fr = forms.CharField(
        label=_("Description in French"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "lang": "fr"}),
    )
    refresh_interval_months = forms.IntegerField(
        label=_("Refresh interval (months)"),
        required=False,
        min_value=1,
        max_value=120,
        help_text=_("For a topic everyone should revisit, e.g. 12. Leave empty if once is enough."),
    )

    ENGLISH = ("title_en", "summary_en", "description_en")
    FRENCH = ("title_fr", "summary_fr", "description_fr")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title_en"].widget.attrs["lang"] = "en"
        self.fields["title_fr"].widget.attrs["lang"] = "fr"

    @classmethod
    def initial_for(cls, topic: Topic) -> dict:
        return {name: getattr(topic, name) or "" for name in cls.base_fields}

    def english_fields(self):
        return [self[name] for name in self.ENGLISH]

    def french_fields(self):
        return [self[name] for name in self.FRENCH]


class ReferenceForm(forms.ModelForm):
    citation = forms.CharField(
        required=False,
        max_length=500,
        validators=[validate_single_line],
        label=_("Citation"),
        help_text=_("Author or organisation, title, year."),
    )
    url = forms.URLField(
        label=_("URL"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Optional: where to read it."),
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
                _("Enter a citation for this reference, or tick “Remove this reference”.")
                if self.instance.pk
                else _("Enter a citation for this URL: who wrote it and what it is called."),
            )
        return data


class BaseReferenceFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this reference")


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
        label=_("Note"),
        help_text=_("Optional: why you'd like to lead it, what you'd bring, months that suit you."),
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
