"""Charts drawn on the server as SVG: no charting JavaScript, nothing inline but the markup.

Pure functions: numbers in, an SVG string out, built with `format_html` so that every value is
escaped. Each chart is `role="img"` with an `aria-label` summarising it, and the page puts a real
table with the same numbers beside it. Colours come from CSS classes in static/css/app.css
(no `style=` attributes, which the content security policy forbids), and every state also has a
shape, so that the charts do not rely on colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from .selectors import AttendanceMonth, CadenceMonth, MonthState

CELL = 40  # width of one month in the cadence strip
BAR_SLOT = 50  # width of one month in the attendance chart
BAR_WIDTH = 30
PLOT_LEFT = 40
PLOT_TOP = 18
PLOT_HEIGHT = 120


def _month_label(month) -> str:
    return f"{month:%b}"


def _year_label(month, first: bool) -> str:
    return f"{month:%Y}" if first or month.month == 1 else ""


def _join(parts: Sequence[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def cadence_strip(cells: Sequence[CadenceMonth], *, label: str = "Meetings by month") -> str:
    """A strip of one cell per month: filled when held, outlined when scheduled, crossed when
    only cancelled, dashed and empty when there was none. The current month is underlined."""
    counts = dict.fromkeys(MonthState.values, 0)
    for cell in cells:
        counts[cell.state] += 1
    summary = (
        f"{label}, {cells[0].month:%B %Y} to {cells[-1].month:%B %Y}: "
        f"{counts[MonthState.HELD]} held, {counts[MonthState.SCHEDULED]} scheduled, "
        f"{counts[MonthState.ONLY_CANCELLED]} only cancelled, "
        f"{counts[MonthState.NONE]} with no meeting."
        if cells
        else f"{label}: no months."
    )
    width = CELL * len(cells)
    parts = []
    for i, cell in enumerate(cells):
        x = i * CELL + 3
        parts.append(
            format_html(
                '<rect class="cadence-cell cadence-{}" x="{}" y="4" width="{}" height="28" '
                'rx="3"><title>{}: {}</title></rect>',
                cell.state,
                x,
                CELL - 6,
                f"{cell.month:%B %Y}",
                cell.label,
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


def attendance_bars(
    months: Sequence[AttendanceMonth], *, label: str = "Attendance by month"
) -> str:
    """One bar per month: the share of people expected who attended (present or late). Months
    without a past meeting have no bar and say so."""
    rates = [m.rate for m in months if m.rate is not None]
    if rates:
        average = round(100 * sum(m.attended for m in months) / sum(m.expected for m in months))
        detail = (
            f"{len(rates)} of {len(months)} months had meetings; "
            f"lowest {min(rates)}%, highest {max(rates)}%, overall {average}%."
        )
    else:
        detail = "no past meetings."
    summary = (
        f"{label}, {months[0].month:%B %Y} to {months[-1].month:%B %Y}, "
        f"attended out of expected: {detail}"
        if months
        else f"{label}: no months."
    )
    width = PLOT_LEFT + BAR_SLOT * len(months) + 4
    bottom = PLOT_TOP + PLOT_HEIGHT
    parts = []
    for value in (0, 50, 100):
        y = bottom - PLOT_HEIGHT * value // 100
        parts.append(
            format_html(
                '<line class="chart-grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}%</text>',
                PLOT_LEFT - 4,
                width,
                y,
                y,
                PLOT_LEFT - 8,
                y + 4,
                value,
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
                    "<title>{}: {} of {} attended ({}%)</title></rect>"
                    '<text class="chart-value" x="{}" y="{}" text-anchor="middle">{}%</text>',
                    " chart-bar-low" if month.rate < 50 else "",
                    centre - BAR_WIDTH // 2,
                    bottom - height,
                    BAR_WIDTH,
                    height,
                    f"{month.month:%B %Y}",
                    month.attended,
                    month.expected,
                    month.rate,
                    centre,
                    bottom - height - 4,
                    month.rate,
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
