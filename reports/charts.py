"""Charts drawn on the server as SVG: no charting JavaScript, nothing inline but the markup.

Pure functions: numbers in, an SVG string out, built with `format_html` so that every value is
escaped. Each chart is `role="img"` with an `aria-label` summarising it, and the page puts a real
table with the same numbers beside it. Colours come from CSS classes in static/css/app.css
(no `style=` attributes, which the content security policy forbids), and every state also has a
shape, so that the charts do not rely on colour alone.

Words and numbers people read follow the language (« 50 % » in French); coordinates and sizes
are whole numbers written by `format_html` (str(), never localized), so that SVG attributes
always read "12", never "12,0".
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from .selectors import AttendanceMonth, CadenceMonth, MonthState

CELL = 40  # width of one month in the cadence strip
BAR_SLOT = 50  # width of one month in the attendance chart
BAR_WIDTH = 30
PLOT_LEFT = 40
PLOT_TOP = 18
PLOT_HEIGHT = 120


# Short month names for the axes: Django's French "M" reads "Jui" for both June and July.
MONTH_ABBREVIATIONS = [
    pgettext_lazy("abbreviated month", "Jan"),
    pgettext_lazy("abbreviated month", "Feb"),
    pgettext_lazy("abbreviated month", "Mar"),
    pgettext_lazy("abbreviated month", "Apr"),
    pgettext_lazy("abbreviated month", "May"),
    pgettext_lazy("abbreviated month", "Jun"),
    pgettext_lazy("abbreviated month", "Jul"),
    pgettext_lazy("abbreviated month", "Aug"),
    pgettext_lazy("abbreviated month", "Sep"),
    pgettext_lazy("abbreviated month", "Oct"),
    pgettext_lazy("abbreviated month", "Nov"),
    pgettext_lazy("abbreviated month", "Dec"),
]


def month_abbreviation(month) -> str:
    return str(MONTH_ABBREVIATIONS[month.month - 1])


def _month_label(month) -> str:
    return month_abbreviation(month)


def _month_year(month) -> str:
    return date_format(month, "YEAR_MONTH_FORMAT")


def percent(value) -> str:
    """A share people read: "50%", in French "50 %"."""
    return pgettext("a percentage", "%(value)s%%") % {"value": value}


def _year_label(month, first: bool) -> str:
    return str(month.year) if first or month.month == 1 else ""


def _join(parts: Sequence[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def cadence_strip(cells: Sequence[CadenceMonth], *, label: str | None = None) -> str:
    """A strip of one cell per month: filled when held, outlined when scheduled, crossed when
    only cancelled, dashed and empty when there was none. The current month is underlined."""
    label = _("Meetings by month") if label is None else label
    counts = dict.fromkeys(MonthState.values, 0)
    for cell in cells:
        counts[cell.state] += 1
    summary = (
        _(
            "%(label)s, %(start)s to %(end)s: %(held)s held, %(scheduled)s scheduled, "
            "%(cancelled)s only cancelled, %(none)s with no meeting."
        )
        % {
            "label": label,
            "start": _month_year(cells[0].month),
            "end": _month_year(cells[-1].month),
            "held": counts[MonthState.HELD],
            "scheduled": counts[MonthState.SCHEDULED],
            "cancelled": counts[MonthState.ONLY_CANCELLED],
            "none": counts[MonthState.NONE],
        }
        if cells
        else _("%(label)s: no months.") % {"label": label}
    )
    width = CELL * len(cells)
    parts = []
    for i, cell in enumerate(cells):
        x = i * CELL + 3
        parts.append(
            format_html(
                '<rect class="cadence-cell cadence-{}" x="{}" y="4" width="{}" height="28" '
                'rx="3"><title>{}</title></rect>',
                cell.state,
                x,
                CELL - 6,
                _("%(month)s: %(state)s") % {"month": _month_year(cell.month), "state": cell.label},
            )
        )
        if cell.state == MonthState.ONLY_CANCELLED:
            parts.append(
                format_html(
                    '<path class="cadence-cross" d="M{} 10 L{} 26 M{} 10 L{} 26"/>',
                    x + 9,
                    x + CELL - 15,
                    x + CELL - 15,
                    x + 9,
                )
            )
        parts.append(
            format_html(
                '<text class="chart-label{}" x="{}" y="46" text-anchor="middle">{}</text>',
                " chart-label-current" if cell.is_current else "",
                i * CELL + CELL // 2,
                _month_label(cell.month),
            )
        )
        year = _year_label(cell.month, i == 0)
        if year:
            parts.append(
                format_html(
                    '<text class="chart-label chart-year" x="{}" y="60" text-anchor="middle">'
                    "{}</text>",
                    i * CELL + CELL // 2,
                    year,
                )
            )
        if cell.is_current:
            parts.append(
                format_html(
                    '<line class="cadence-now" x1="{}" x2="{}" y1="36" y2="36"/>',
                    x,
                    x + CELL - 6,
                )
            )
    return format_html(
        '<svg class="chart chart-cadence" role="img" aria-label="{}" viewBox="0 0 {} 64" '
        'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMid meet">{}</svg>',
        summary,
        width,
        _join(parts),
    )


def attendance_bars(months: Sequence[AttendanceMonth], *, label: str | None = None) -> str:
    """One bar per month: the share of people expected who attended (present or late). Months
    without a past meeting have no bar and say so."""
    label = _("Attendance by month") if label is None else label
    rates = [m.rate for m in months if m.rate is not None]
    if rates:
        average = round(100 * sum(m.attended for m in months) / sum(m.expected for m in months))
        detail = _(
            "%(with_meetings)s of %(months)s months had meetings; "
            "lowest %(lowest)s, highest %(highest)s, overall %(overall)s."
        ) % {
            "with_meetings": len(rates),
            "months": len(months),
            "lowest": percent(min(rates)),
            "highest": percent(max(rates)),
            "overall": percent(average),
        }
    else:
        detail = _("no past meetings.")
    summary = (
        _("%(label)s, %(start)s to %(end)s, attended out of expected: %(detail)s")
        % {
            "label": label,
            "start": _month_year(months[0].month),
            "end": _month_year(months[-1].month),
            "detail": detail,
        }
        if months
        else _("%(label)s: no months.") % {"label": label}
    )
    width = PLOT_LEFT + BAR_SLOT * len(months) + 4
    bottom = PLOT_TOP + PLOT_HEIGHT
    parts = []
    for value in (0, 50, 100):
        y = bottom - PLOT_HEIGHT * value // 100
        parts.append(
            format_html(
                '<line class="chart-grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>',
                PLOT_LEFT - 4,
                width,
                y,
                y,
                PLOT_LEFT - 8,
                y + 4,
                percent(value),
            )
        )
    for i, month in enumerate(months):
        centre = PLOT_LEFT + i * BAR_SLOT + BAR_SLOT // 2
        if month.rate is None:
            parts.append(
                format_html(
                    '<text class="chart-label chart-empty" x="{}" y="{}" text-anchor="middle">'
                    "\N{EN DASH}</text>",
                    centre,
                    bottom - 6,
                )
            )
        else:
            height = max(1, PLOT_HEIGHT * month.rate // 100)
            parts.append(
                format_html(
                    '<rect class="chart-bar{}" x="{}" y="{}" width="{}" height="{}">'
                    "<title>{}</title></rect>"
                    '<text class="chart-value" x="{}" y="{}" text-anchor="middle">{}</text>',
                    " chart-bar-low" if month.rate < 50 else "",
                    centre - BAR_WIDTH // 2,
                    bottom - height,
                    BAR_WIDTH,
                    height,
                    _("%(month)s: %(attended)s of %(expected)s attended (%(rate)s)")
                    % {
                        "month": _month_year(month.month),
                        "attended": month.attended,
                        "expected": month.expected,
                        "rate": percent(month.rate),
                    },
                    centre,
                    bottom - height - 4,
                    percent(month.rate),
                )
            )
        parts.append(
            format_html(
                '<text class="chart-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                centre,
                bottom + 16,
                _month_label(month.month),
            )
        )
        year = _year_label(month.month, i == 0)
        if year:
            parts.append(
                format_html(
                    '<text class="chart-label chart-year" x="{}" y="{}" text-anchor="middle">'
                    "{}</text>",
                    centre,
                    bottom + 30,
                    year,
                )
            )
    return format_html(
        '<svg class="chart chart-attendance" role="img" aria-label="{}" viewBox="0 0 {} {}" '
        'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMid meet">{}</svg>',
        summary,
        width,
        bottom + 36,
        _join(parts),
    )


def legend_items() -> list[tuple[str, str]]:
    """(state, label) pairs for the cadence legend, in the order of precedence."""
    return MonthState.choices
