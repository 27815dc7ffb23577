"""Public figures: no count below K and no percentage over fewer than K people (small-cell suppression).

Public pages (/stats) and the public API show an area's figures to anyone: a count of 2 holders in a
commune, or 2/2 = 100 %, would point at the people behind it. Below K (PUBLIC_MIN_CELL, default 5) a
count is withheld (None: shown "<5", null in the API); a percentage is withheld ("—", null) unless its
numerator and its denominator both reach K — with a smaller numerator, rate × denominator would give
the withheld count back. Officers keep the exact figures (their dashboards do not come through here).
"""

import copy
from typing import Any

from flask import current_app

DEFAULT_MIN_CELL = 5


def min_cell() -> int:
    """Return K, the smallest count public figures show (PUBLIC_MIN_CELL)."""
    return int(current_app.config.get("PUBLIC_MIN_CELL", DEFAULT_MIN_CELL))


def public_count(value: int | None, k: int) -> int | None:
    """Return a count if it reaches K, else None (withheld)."""
    return value if value is not None and value >= k else None


def public_rate(value: float | None, numerator: int | None, denominator: int | None, k: int) -> float | None:
    """Return a percentage if its numerator and denominator both reach K, else None (withheld)."""
    if value is None or public_count(numerator, k) is None or public_count(denominator, k) is None:
        return None
    return value


def suppress_small_cells(data: dict[str, Any], k: int) -> dict[str, Any]:
    """Return a copy of an area's report (lms.indicators.services.report) fit for the public: every count,
    numerator and denominator below K withheld (None), and every percentage not backed by K on both sides."""
    out = copy.deepcopy(data)
    out["counts"] = {name: public_count(value, k) for name, value in data["counts"].items()}
    for code, figure in data["indicators"].items():
        out["indicators"][code].update(
            numerator=public_count(figure["numerator"], k),
            denominator=public_count(figure["denominator"], k),
            value=public_rate(figure["value"], figure["numerator"], figure["denominator"], k),
        )
    out["min_cell"] = k
    return out


def suppress_trend(charts: list[Any], k: int) -> list[Any]:
    """Withhold the trend chart's points (lms.indicators.charts) as suppress_small_cells does: no bar,
    no figure, for a year whose rate is not backed by K people on both sides."""
    from lms.indicators.charts import PLOT_BOTTOM

    for chart in charts:
        for point in chart.points:
            if public_rate(point.value, point.numerator, point.denominator, k) is None:
                point.value = None
                point.bar_y, point.bar_height = PLOT_BOTTOM, 0
            point.numerator = public_count(point.numerator, k)
            point.denominator = public_count(point.denominator, k)
    return charts
