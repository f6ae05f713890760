import datetime as dt

from dateutil.relativedelta import relativedelta
from django import forms

from meetings.forms import DateInput
from members.validators import validate_date_in_range


def _export_date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d"],
        validators=[validate_date_in_range],
        widget=DateInput(),
        error_messages={"invalid": "Enter a date as YYYY-MM-DD, e.g. 2026-09-01."},
    )


class ExportRangeForm(forms.Form):
    """The attendance export's dates, as YYYY-MM-DD. Either may be left out: the end is then
    today, the start twelve months before the end."""

    MAX_DAYS = 366 * 10
    start = _export_date("From")
    end = _export_date("To")

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
            self.add_error("start", f"The start ({start}) is after the end ({end}).")
        elif (end - start).days > self.MAX_DAYS:
            self.add_error("start", "Choose a range of at most ten years.")
        data["start"], data["end"] = start, end
        return data
