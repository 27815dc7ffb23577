"""Dashboards: indicators I1–I5 of an area against the 2025 and 2030 targets, with drill-down."""

from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from jinja2 import Undefined
from markupsafe import Markup, escape
from werkzeug.urls import _urlencode

from lms.areas.models import Area
from lms.areas.services import area_by_code, within
from lms.auth.services import officer_area, require_area, require_role
from lms.decisions.services import title_rows
from lms.extensions import db
from lms.indicators.charts import HEIGHT, PLOT_BOTTOM, PLOT_LEFT, PLOT_RIGHT, WIDTH, YEAR_BASELINE, trend_charts, y_of
from lms.indicators.definitions import definitions
from lms.indicators.former import year_tree
from lms.indicators.models import AreaIndicator
from lms.indicators.public import min_cell, public_count, suppress_small_cells, suppress_trend
from lms.indicators.services import figures, history, report
from lms.pagecache import (
    cached_page,
    fast_page,
    missed_version,
    published_periods,
    site_parts,
    site_reorganised,
    site_version,
    version_of,
)
from lms.web import format_number, localized, period_arg, period_choices, text_arg

bp = Blueprint("indicators", __name__)

PUBLIC_LEVELS = ("province", "district", "commune")


def indicator_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Join the report's figures with the indicators' names in the current language."""
    rows = []
    for definition in definitions():
        code = definition["code"]
        figure = data["indicators"][code]
        rows.append({"code": code, "name": localized(definition["name"]), **figure})
    return rows


def trail_and_children(area: Area, period: int) -> tuple[list[Area], list[dict[str, Any]]]:
    """The areas from the root down to `area` (breadcrumbs), and each child area with its stored figures
    for the year — one statement: the areas of the path and the children, with the children's figures."""
    ids = [int(x) for x in area.path.strip("/").split("/") if x]
    found = db.session.execute(
        sa.select(Area, AreaIndicator)
        .outerjoin(AreaIndicator, sa.and_(AreaIndicator.area_id == Area.id, AreaIndicator.period == period))
        .where(sa.or_(Area.id.in_(ids), Area.parent_id == area.id))
        .order_by(Area.name)
    ).all()
    by_id = {a.id: a for a, _ in found}
    trail = [by_id[i] for i in ids if i in by_id]
    # each child's figures of the year come with it (None: none stored): report() is handed the row
    rows = [
        {"area": child, "report": report(child.code, child.id, period, stored)}
        for child, stored in found
        if child.parent_id == area.id
    ]
    return trail, rows


@bp.app_template_global()
def child_rows(
    children: list[dict[str, Any]],
    rows: list[dict[str, Any]],
    drill: str | None,
    public_levels: tuple[str, ...],
    period: int,
    k: Any = None,
) -> Markup:
    """The rows (`<tr>…</tr>`) of the child-area table as one piece of HTML: per child its name (a link
    to its dashboard when `drill` and its level allows), then (sort value, text) of every cell — the
    counts, then I1–I5. Done here once rather than in Jinja cell by cell (a district has dozens of
    communes × 8 cells): one url_for for all the links, the names escaped, the numbers (digits and the
    locale's separators, nothing to escape) written as they are formatted."""
    locale = str(get_locale() or "vi")
    base = url_for(drill) if drill else ""
    withheld = escape(Markup("&lt;") + ("" if isinstance(k, Undefined) else str(k)))
    codes = [r["code"] for r in rows]
    cell = '\n          <td class="num" data-value="{}">{}</td>'
    out = []
    for child in children:
        area, data = child["area"], child["report"]
        counts, indicators = data["counts"], data["indicators"]
        cells = []
        for name in ("people", "eligible", "holders"):
            v = counts[name]
            cells.append(cell.format(-1, withheld) if v is None else cell.format(v, format_number(v, locale)))
        for code in codes:
            v = indicators[code]["value"]
            cells.append(cell.format(-1, "—") if v is None else cell.format(v, format_number(v, locale) + "%"))
        name = escape(area.name)
        if drill and area.level in public_levels:
            href = escape(f"{base}?{_urlencode([('area', area.code), ('period', str(period))])}")
            name = Markup(f'<a href="{href}">{name}</a>')  # noqa: S704 (escaped above)  # nosec B704
        head = f'\n        <tr>\n          <th scope="row">\n            {name}\n          </th>'
        out.append(head + "".join(cells) + "\n        </tr>")
    return Markup("".join(out))  # noqa: S704 (the names and links escaped, the rest numbers)  # nosec B704


def trend(area: Area, period: int, years: list[AreaIndicator] | None = None) -> list[Any]:
    """Return I1–I5 of the area for every year with stored figures (`years`: history(area.id), when the
    caller has read it), names in the current language."""
    named = [{**d, "name": localized(d["name"])} for d in definitions()]
    return trend_charts(named, history(area.id) if years is None else years, period)


TREND_GEOMETRY = {
    "width": WIDTH,
    "height": HEIGHT,
    "left": PLOT_LEFT,
    "right": PLOT_RIGHT,
    "bottom": PLOT_BOTTOM,
    "year_y": YEAR_BASELINE,
    "ticks": [(t, y_of(t)) for t in (0, 50, 100)],
}


def _dashboard_context(
    area: Area, period: int, *, scope: Area | None, periods: list[int] | None = None
) -> dict[str, Any]:
    years = history(area.id)  # every year's figures, this one's too: held, report() and figures() find them
    stored = figures(area.id, period)
    data = report(area.code, area.id, period, stored)
    trail, kids = trail_and_children(area, period)
    if scope is not None:
        trail = [a for a in trail if within(a, scope)]
    return {
        "area": area,
        "period": period,
        "periods": period_choices(period, periods),
        "rows": indicator_rows(data),
        "counts": data["counts"],
        "computed_at": stored.computed_at if stored else None,
        "children": kids,
        "trail": trail,
        "trend": trend(area, period, years),
        "geometry": TREND_GEOMETRY,
        # both numbers of every title (the public page withholds each below K)
        "titles": title_rows(area, period, stored),
    }


@cache
def _dashboard_version_stmt() -> sa.Select[Any]:
    ai = AreaIndicator
    area_id: sa.BindParameter[int] = sa.bindparam("area_id")
    return sa.select(
        sa.select(sa.func.max(ai.computed_at)).where(ai.area_id == area_id).scalar_subquery(),
        sa.select(sa.func.count()).select_from(ai).where(ai.area_id == area_id).scalar_subquery(),
        sa.select(Area.valid_to).where(Area.id == area_id).scalar_subquery(),
        sa.select(sa.func.count(Area.id)).where(Area.parent_id == area_id).scalar_subquery(),
        sa.select(sa.func.max(Area.id)).where(Area.parent_id == area_id).scalar_subquery(),
        *site_parts(),
    )


def dashboard_version(area_id: int) -> tuple[Any, ...] | None:
    """Return the version of an area's dashboard (None: not cacheable, the area is closed).

    Every recompute below the area rewrites the area's own figures (lms.indicators.services.refresh:
    the area and all its ancestors, with a new computed_at), so the latest computed_at and the number
    of years stored cover its figures, its children's (rewritten in the same statement) and its trend.
    """
    row = version_of(_dashboard_version_stmt(), area_id=area_id)
    if row[2] is not None:  # a closed area shows its successors' figures: rendered every time
        return None
    return row + site_version()


DASHBOARD_BINDS = {"area_id": lambda user: user.area_id}


def _dashboard_hit(period: int) -> bytes | None:
    """The cached dashboard of the session's officer's own area (lms.pagecache.fast_page), checked as below."""

    def accept(viewer: tuple[Any, ...] | None, row: tuple[Any, ...]) -> tuple[Any, ...] | None:
        if viewer is None or viewer[2] != "officer" or viewer[5] is None:  # role, area_id
            return None
        if row[2] is not None:  # a closed area: rendered every time (dashboard_version)
            return None
        return (viewer[5], viewer[5], period, *row, *site_version())

    return fast_page("dashboard", _dashboard_version_stmt(), {}, binds=DASHBOARD_BINDS, accept=accept)


@bp.get("/dashboard")
def dashboard() -> ResponseReturnValue:
    """Show the indicators of the officer's area (or an area inside it) for a year."""
    code = text_arg("area", 64)
    if not code:  # an officer's own area: the cached page, if any, without loading the user
        hit = _dashboard_hit(period_arg())
        if hit is not None:
            return hit
    user = require_role("officer", "admin")
    if user.role == "officer" and not code:
        if user.area_id is None:
            abort(403)
        area_id = scope_id = user.area_id  # the officer's own area: nothing to load before the cache
    else:
        scope = officer_area()
        area = scope
        if code:
            found = area_by_code(code)
            if found is None:
                abort(404)
            require_area(found)
            area = found
        area_id, scope_id = area.id, scope.id
    period = period_arg()

    def render(known: tuple[Any, ...] | None = None) -> str:
        """`known`: the page's version, whose site parts say the published years and whether areas were
        ever reorganised (None: ask)."""
        scope = officer_area()
        area = db.session.get_one(Area, area_id)
        periods = published_periods(known) if known is not None else None
        context = _dashboard_context(area, period, scope=scope, periods=periods)
        # the tree of that year, once areas were reorganised
        context.update(year_tree(area, period, scope, site_reorganised(known) if known is not None else None))
        return render_template("indicators/dashboard.html", scope=scope, **context)

    missed = None if code else missed_version("dashboard")  # the fast path read it and found no page
    version = missed if missed is not None else dashboard_version(area_id)
    if version is None:
        return render()
    key = missed if missed is not None else (scope_id, area_id, period, *version)
    return cached_page("dashboard", key, lambda: render(key))


def public_area(code: str | None) -> Area:
    """Return the area public statistics show: a district (the first one) unless a public area is asked."""
    code = (code or "").replace("\x00", "")[:64]
    if code:
        found = area_by_code(code)
        if found is None or found.level not in PUBLIC_LEVELS:
            abort(404)
        return found
    current = Area.valid_to.is_(None)
    found = db.session.scalar(sa.select(Area).where(Area.level == "district", current).order_by(Area.path).limit(1))
    if found is None:
        found = db.session.scalar(sa.select(Area).where(Area.parent_id.is_(None), current).order_by(Area.id).limit(1))
    if found is None:
        abort(404)
    return found


@bp.get("/stats")
def stats() -> ResponseReturnValue:
    """Show the public, aggregated statistics of the district (no personal data)."""
    from lms.contributions.services import KIND_LABELS, public_totals, register_version, unit_of

    area = public_area(text_arg("area", 64))
    period = period_arg()

    k = min_cell()

    def render() -> str:
        context = _dashboard_context(area, period, scope=None)
        context.update(year_tree(area, period, None))
        context["children"] = [
            {**c, "report": suppress_small_cells(c["report"], k)}
            for c in context["children"]
            if c["area"].level in PUBLIC_LEVELS
        ]
        context["trail"] = [a for a in context["trail"] if a.level in PUBLIC_LEVELS]
        public = suppress_small_cells(
            {"indicators": {r["code"]: r for r in context["rows"]}, "counts": context["counts"]}, k
        )
        context["rows"] = list(public["indicators"].values())
        context["counts"] = public["counts"]
        context["trend"] = suppress_trend(context["trend"], k)
        # both numbers of every title, as officers see them, each withheld below K
        context["titles"] = [
            (name, public_count(meets, k), public_count(recognised, k)) for name, meets, recognised in context["titles"]
        ]
        context["contributions"] = public_totals(area, period, k)  # the register's totals (lms.contributions)
        context["contribution_labels"] = KIND_LABELS
        context["unit_of"] = unit_of
        return render_template("indicators/stats.html", min_cell=k, **context)

    version = dashboard_version(area.id)
    if version is None:
        return render()
    return cached_page("stats", (area.id, period, k, *version, *register_version(area)), render)
