"""Figures of areas in a year they did not exist in (lms.areas.reorg).

A closed area's figures for a year after its closure are the union of its successors' figures: the
sum of their additive counts, numerators and denominators (the indicators are recomputed from the
sums). An area created by a reorganisation has no figures for the years before it existed.
"""

from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from lms.areas.history import exists_in, successors_in, year_end
from lms.areas.models import Area
from lms.extensions import db
from lms.indicators.models import FIGURE_COLUMNS, AreaIndicator


def former_figures(area_id: int, period: int, out: dict[str, Any]) -> Any:
    """Return summed figures for a closed area from its successors (noting them in `out`), or None;
    note `exists: false` in `out` for an area that did not exist yet."""
    found = db.session.get(Area, area_id)
    if found is None or exists_in(found, period):
        return None
    if found.valid_from is not None and found.valid_from > year_end(period):
        out["exists"] = False
        return None
    successors = successors_in(found, period)
    out["successors"] = [{"area": s.code, "name": s.name} for s in successors]
    if not successors:
        return None
    rows = list(
        db.session.scalars(
            sa.select(AreaIndicator).where(
                AreaIndicator.area_id.in_([s.id for s in successors]), AreaIndicator.period == period
            )
        )
    )
    if not rows:
        return None
    summed = {c: sum(getattr(r, c) for r in rows) for c in FIGURE_COLUMNS}
    return SimpleNamespace(**summed, computed_at=min(r.computed_at for r in rows))


def year_tree(found: Area, period: int, scope: Area | None, changed: bool | None = None) -> dict[str, Any]:
    """Return what a dashboard shows differently once areas were reorganised: the children and the
    trail of the tree of that year, the successors of a closed area, whether the area existed.
    `changed`: reorganised(), when the caller has read it (lms.pagecache.site_reorganised)."""
    from lms.areas.history import children_in, predecessors_of, reorganised, trail_in
    from lms.areas.services import within
    from lms.indicators.services import report

    if not (reorganised() if changed is None else changed):
        return {}
    data = report(found.code, found.id, period)
    absent = data.get("exists") is False
    # an area created by a merger, asked for a year before it: the areas it was made of, that year
    kids = children_in(found, period) if exists_in(found, period) else predecessors_of(found) if absent else []
    trail = trail_in(found, period)
    if scope is not None:
        trail = [a for a in trail if within(a, scope)] or [found]
    return {
        "children": [{"area": k, "report": report(k.code, k.id, period)} for k in kids],
        "trail": trail,
        "successors": data.get("successors"),
        "absent": absent,
    }


def areas_in_year(root: Area, period: int) -> list[tuple[Area, str, Any]]:
    """Return (area, parent name, figures) for `root` and every area below it in the tree of `period`,
    depth first with children by name. A root closed by then comes with its successors' union, and
    its successors below it."""
    from lms.areas.history import parent_map

    parents = parent_map(period)
    parent_ids = {p for p in parents.values() if p is not None}
    names = dict(db.session.execute(sa.select(Area.id, Area.name).where(Area.id.in_(parent_ids))).all())
    if root.id not in parents:
        out: dict[str, Any] = {}
        union = former_figures(root.id, period, out)
        codes = [s["area"] for s in out.get("successors", [])]
        below = list(db.session.scalars(sa.select(Area).where(Area.code.in_(codes)).order_by(Area.name)))
        rows = _stored(below, period)
        return [(root, "", union)] + [(a, names.get(parents.get(a.id) or 0, ""), rows.get(a.id)) for a in below]
    children: dict[int | None, list[int]] = {}
    for area_id, parent_id in parents.items():
        children.setdefault(parent_id, []).append(area_id)
    found = {a.id: a for a in db.session.scalars(sa.select(Area).where(Area.id.in_(list(parents))))}
    order: list[int] = []
    todo = [root.id]
    while todo:
        current = todo.pop()
        order.append(current)
        todo.extend(sorted(children.get(current, []), key=lambda i: found[i].name, reverse=True))
    areas = [found[i] for i in order]
    rows = _stored(areas, period)
    return [(a, names.get(parents.get(a.id) or 0, ""), rows.get(a.id)) for a in areas]


def _stored(areas: list[Area], period: int) -> dict[int, AreaIndicator]:
    if not areas:
        return {}
    ids = [a.id for a in areas]
    query = sa.select(AreaIndicator).where(AreaIndicator.area_id.in_(ids), AreaIndicator.period == period)
    return {r.area_id: r for r in db.session.scalars(query)}
