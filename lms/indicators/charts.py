"""The trend chart of the dashboards: I1–I5 per year from the stored figures, as server-drawn SVG.

The geometry is computed here, in plain numbers, so the template only writes attributes (no inline
style: the CSP forbids it) and a phone on a slow link gets a few hundred bytes of SVG, no library.
"""

from dataclasses import dataclass, field
from typing import Any

from lms.indicators.services import indicator_value

# viewBox 0 0 WIDTH HEIGHT; the plot spans PLOT_LEFT…PLOT_RIGHT, and 0–100 % maps to PLOT_BOTTOM…PLOT_TOP
WIDTH = 320
HEIGHT = 136
PLOT_LEFT = 30
PLOT_RIGHT = 316
PLOT_TOP = 12
PLOT_BOTTOM = 112
YEAR_BASELINE = 128
MAX_BAR = 30


LABEL_HEIGHT = 9  # a 10 px label's glyphs span about 9 px above the baseline


def label_baseline(bar_top: float, targets: tuple[float, ...]) -> float:
    """Return where the label of a bar whose top is `bar_top` sits: just above the bar unless a target
    line crosses the text; then above that line, or inside the bar when there is no room above."""
    baseline = bar_top - 3

    def crossed(y: float) -> bool:
        return any(y - LABEL_HEIGHT - 1 <= t <= y + 1 for t in targets)

    for _ in range(len(targets) + 1):
        if not crossed(baseline):
            return round(baseline, 1)
        line = max(t for t in targets if baseline - LABEL_HEIGHT - 1 <= t <= baseline + 1)
        baseline = line - 3
    if baseline - LABEL_HEIGHT >= 0:
        return round(baseline, 1)
    return round(min(bar_top + LABEL_HEIGHT + 2, PLOT_BOTTOM - 1), 1)


def y_of(percent: float) -> float:
    """Return the SVG y of a percentage (0 at the bottom of the plot, 100 at its top)."""
    clamped = max(0.0, min(100.0, float(percent)))
    return round(PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * clamped / 100, 1)


@dataclass
class TrendPoint:
    """One year of one indicator: the figure and its bar."""

    period: int
    numerator: int
    denominator: int
    value: float | None
    current: bool
    x: float  # the centre of the year's slot
    bar_x: float
    bar_width: float
    bar_y: float
    bar_height: float
    label_y: float = 0.0  # the baseline of the figure's label, clear of the target lines


@dataclass
class TrendChart:
    """One indicator across the years, with its 2025 and 2030 targets as horizontal lines."""

    code: str
    name: str
    target_2025: float
    target_2030: float
    y_2025: float
    y_2030: float
    points: list[TrendPoint] = field(default_factory=list)


def trend_charts(definitions: list[dict[str, Any]], rows: list[Any], period: int) -> list[TrendChart]:
    """Return a chart per indicator over the years of `rows` (stored figures, oldest first).

    `definitions` are the indicators ({code, name, targets}) with the name already in the page's
    language; `period` is the year the page shows (its bar is marked current).
    """
    slot = (PLOT_RIGHT - PLOT_LEFT) / max(len(rows), 1)
    bar_width = round(min(MAX_BAR, slot * 0.6), 1)
    charts = []
    for definition in definitions:
        code = definition["code"]
        t2025, t2030 = definition["targets"][2025], definition["targets"][2030]
        chart = TrendChart(
            code=code,
            name=definition["name"],
            target_2025=t2025,
            target_2030=t2030,
            y_2025=y_of(t2025),
            y_2030=y_of(t2030),
        )
        for i, row in enumerate(rows):
            num, den = getattr(row, f"{code.lower()}_num"), getattr(row, f"{code.lower()}_den")
            value = indicator_value(num, den)
            centre = round(PLOT_LEFT + slot * (i + 0.5), 1)
            top = y_of(value or 0)
            chart.points.append(
                TrendPoint(
                    period=row.period,
                    numerator=num,
                    denominator=den,
                    value=value,
                    current=row.period == period,
                    x=centre,
                    bar_x=round(centre - bar_width / 2, 1),
                    bar_width=bar_width,
                    bar_y=top,
                    bar_height=round(PLOT_BOTTOM - top, 1),
                    label_y=label_baseline(top, (chart.y_2025, chart.y_2030)),
                )
            )
        charts.append(chart)
    return charts
