"""Forms of the agenda page: an item (added or edited) and its moves."""

from django import forms

from members.validators import validate_single_line
from training.models import Topic
from training.selectors import active_topics

from .models import AgendaItem


class AgendaItemForm(forms.Form):
    kind = forms.ChoiceField(choices=AgendaItem.Kind.choices)
    title = forms.CharField(
        max_length=200,
        required=False,
        validators=[validate_single_line],
        help_text="For a training item, the topic's title is used when left empty.",
    )
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.none(),
        required=False,
        help_text="For a training item: a topic from the catalogue.",
    )
    facilitator = forms.ModelChoiceField(queryset=None, required=False)
    duration_minutes = forms.IntegerField(
        label="Minutes", min_value=1, max_value=600, required=False
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = active_topics()
        # Any user: the service says clearly when someone is not of this campus.
        from django.contrib.auth import get_user_model

        self.fields["facilitator"].queryset = get_user_model().objects.all()
        self.fields["facilitator"].choices = [("", "—")] + [
            (p.pk, p.name or p.email) for p in people
        ]
        self.fields[
            "facilitator"
        ].help_text = "A peer supporter, partner representative or coordinator of this campus."


class AgendaMoveForm(forms.Form):
    direction = forms.ChoiceField(
        choices=[("up", "Up"), ("down", "Down")],
        error_messages={
            "required": "Move an item up or down.",
            "invalid_choice": "Move an item up or down.",
        },
    )
