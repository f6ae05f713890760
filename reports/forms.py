import datetime as dt

from dateutil.relativedelta import relativedelta
from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.forms import DateInput
from members.models import AccessKind
from members.validators import validate_date_in_range


def _export_date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d"],
        validators=[validate_date_in_range],
        widget=DateInput(),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD, e.g. 2026-09-01.")},
    )


class ExportRangeForm(forms.Form):
    """The attendance export's dates, as YYYY-MM-DD. Either may be left out: the end is then
    today, the start twelve months before the end."""

    MAX_DAYS = 366 * 10
    start = _export_date(_("From"))
    end = _export_date(_("To"))

    def __init__(self, *args, today: dt.date, **kwargs):
        kwargs.setdefault("auto_id", "export-%s")
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        end = data.get("end") or self.today
        start = data.get("start") or end - relativedelta(months=12)
        if start > end:
            self.add_error(
                "start",
                _("The start (%(start)s) is after the end (%(end)s).")
                % {"start": start, "end": end},
            )
        elif (end - start).days > self.MAX_DAYS:
            self.add_error("start", _("Choose a range of at most ten years."))
        data["start"], data["end"] = start, end
        return data


class AccessRecordFilterForm(forms.Form):
    """The access record's filter: one kind (or all) and a date range, in the page's zone."""

    kind = forms.ChoiceField(label=_("What"), required=False)
    start = _export_date(_("From"))
    end = _export_date(_("To"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "record-%s")
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Everything")), *AccessKind.choices]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("start", _("The start (%(start)s) is after the end (%(end)s).") % data)
        return data

    def filters(self) -> dict:
        """The valid filters (none when something given was refused)."""
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}
