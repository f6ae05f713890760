"""Forms of the agenda page: an item (added or edited) and its moves."""

from django import forms
from django.utils.translation import gettext_lazy as _

from members.validators import validate_single_line
from training.models import FacilitationOffer, Topic
from training.selectors import open_offers

from .forms import PlainSelect, ReadChoices
from .models import AgendaItem


class AgendaItemForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=AgendaItem.Kind.choices,
        widget=PlainSelect(attrs={"data-agenda-kind": ""}),
        error_messages={"invalid_choice": _("Choose what kind of item this is.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        validators=[validate_single_line],
        help_text=_(
            "Left empty, the kind's usual title is shown; for a training item, the topic's title."
        ),
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.none(),
        required=False,
        widget=PlainSelect,
        help_text=_("Training items only: a topic from the catalogue."),
    )
    facilitator = forms.ModelChoiceField(
        label=_("Facilitator"), queryset=None, required=False, widget=PlainSelect
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=600, required=False
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, people, topics, **kwargs):
        """`people`: the facilitator's choices (forms.people_choices); `topics`: the topic's
        (training.selectors.topic_choices). Read once per request by the view, as plain values;
        what is sent is checked against the querysets."""
        super().__init__(*args, **kwargs)
        # What is sent is checked against the topics that are not archived.
        self.fields["topic"].queryset = Topic.objects.filter(is_archived=False)
        self.fields["topic"].choices = ReadChoices(topics)
        # Any user: the service says clearly when someone is not of this campus.
        from django.contrib.auth import get_user_model

        self.fields["facilitator"].queryset = get_user_model().objects.all()
        self.fields["facilitator"].choices = people
        self.fields["facilitator"].help_text = _(
            "Training items only: a peer supporter, partner representative or coordinator "
            "of this campus."
        )
        # Read by static/js/agenda-form.js, which shows these only for a training item.
        for name in ("topic", "facilitator"):
            self.fields[name].widget.attrs["data-training-only"] = ""


class AgendaMoveForm(forms.Form):
    """Up, Down, or a position typed in (1 is first): the keyboard's way to reorder."""

    direction = forms.ChoiceField(
        choices=[("up", _("Up")), ("down", _("Down"))],
        required=False,
        error_messages={"invalid_choice": _("Move an item up or down.")},
    )
    position = forms.IntegerField(
        min_value=1,
        max_value=999,
        required=False,
        error_messages={
            "invalid": _("A position is a whole number, 1 for the first item."),
            "min_value": _("A position is a whole number, 1 for the first item."),
            "max_value": _("A position is a whole number, 1 for the first item."),
        },
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("direction") and data.get("position") is None:
            raise forms.ValidationError(_("Move an item up or down, or give its new position."))
        return data


class AgendaOrderForm(forms.Form):
    """The whole order at once, as the page's drag and drop sends it: item ids, first to last,
    separated by commas."""

    order = forms.CharField(
        max_length=2000,
        error_messages={"required": _("Send the agenda's order.")},
    )

    def clean_order(self):
        parts = [part.strip() for part in self.cleaned_data["order"].split(",")]
        if not all(part.isascii() and part.isdigit() and len(part) <= 9 for part in parts):
            raise forms.ValidationError(_("The order is a list of agenda item numbers."))
        return [int(part) for part in parts]


class AgendaOfferForm(forms.Form):
    """An open offer to facilitate, put on the agenda in one click."""

    offer = forms.ModelChoiceField(
        queryset=FacilitationOffer.objects.none(),
        error_messages={
            "required": _("Choose an offer to facilitate."),
            "invalid_choice": _("That offer is no longer open: nothing was changed."),
        },
    )

    def __init__(self, *args, campus, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = open_offers(campus=campus)
