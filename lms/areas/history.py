"""The area tree as it stood in a year: what figures of that year roll up over.

A year is read at its last day (31 December): a reorganisation effective 2025-07-01 puts 2025 and
later on the new tree and leaves 2024 and earlier on the old one. The current tree is `area`
(parent_id, path); `area_parent_history` keeps the parents areas had before a reorganisation,
`area_member_history` the areas clans and units were registered with, and areas created or closed
by a reorganisation carry `valid_from` / `valid_to`.

Before any reorganisation is recorded, nothing here is used: figures roll up over `area.path`.
"""

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement, Select

from lms.areas.models import Area, AreaChange, AreaMemberHistory, AreaParentHistory, AreaSuccession
from lms.extensions import db

area = Area.__table__
parent_history = AreaParentHistory.__table__
member_history = AreaMemberHistory.__table__
succession = AreaSuccession.__table__
change = AreaChange.__table__


def year_end(period: int) -> date:
    """Return the day a year's tree is read at."""
    return date(period, 12, 31)


def reorganised(conn: sa.Connection | None = None) -> bool:
    """True once any reorganisation is recorded (then figures roll up over the tree of their year)."""
    query = sa.select(sa.exists().where(change.c.id.is_not(None)))
    if conn is None:
        return bool(db.session.scalar(query))
    return bool(conn.scalar(query))


def valid_at(table: Any, day: date) -> ColumnElement[bool]:
    """True for area rows that exist on `day`."""
    return sa.and_(
        sa.or_(table.c.valid_from.is_(None), table.c.valid_from <= day),
        sa.or_(table.c.valid_to.is_(None), table.c.valid_to >= day),
    )


def parents_at(day: date) -> Select[Any]:
    """Return (id, parent_id) of every area existing on `day`, with the parent it had that day."""
    h = parent_history.alias("h")
    return (
        sa.select(area.c.id, sa.func.coalesce(h.c.parent_id, area.c.parent_id).label("parent_id"))
        .select_from(
            area.outerjoin(
                h,
                sa.and_(
                    h.c.area_id == area.c.id,
                    sa.or_(h.c.valid_from.is_(None), h.c.valid_from <= day),
                    h.c.valid_to >= day,
                ),
            )
        )
        .where(valid_at(area, day))
    )


def closure_at(period: int) -> Any:
    """Return a CTE (ancestor, descendant) over the tree at the end of `period`, self pairs included."""
    day = year_end(period)
    pa = parents_at(day).cte("tree_parent")
    up = pa.alias("tree_up")
    closure = sa.select(pa.c.id.label("ancestor"), pa.c.id.label("descendant")).cte("tree_closure", recursive=True)
    step = sa.select(up.c.id, closure.c.descendant).select_from(
        closure.join(pa, pa.c.id == closure.c.ancestor).join(up, up.c.id == pa.c.parent_id)
    )
    return closure.union_all(step)


def member_area_at(kind: str, subject_id: Any, current_area: Any, period: int) -> ColumnElement[Any]:
    """Return the area a clan or unit was registered with at the end of `period`."""
    h = member_history.alias(f"mh_{kind}")
    day = year_end(period)
    earlier = (
        sa.select(h.c.area_id)
        .where(h.c.kind == kind, h.c.subject_id == subject_id, h.c.valid_to >= day)
        .order_by(h.c.valid_to)
        .limit(1)
        .scalar_subquery()
    )
    return sa.func.coalesce(earlier, current_area)


def former_members(areas: Select[Any], period: int, clan: sa.Table, unit: sa.Table) -> sa.Subquery:
    """Return the areas clans and units now registered with `areas` were registered with in `period`."""
    day = year_end(period)
    h = member_history
    return sa.union(
        sa.select(h.c.area_id)
        .join(clan, sa.and_(h.c.kind == "clan", h.c.subject_id == clan.c.id))
        .where(clan.c.area_id.in_(areas), h.c.valid_to >= day),
        sa.select(h.c.area_id)
        .join(unit, sa.and_(h.c.kind == "unit", h.c.subject_id == unit.c.id))
        .where(unit.c.area_id.in_(areas), h.c.valid_to >= day),
    ).subquery("former_members")


# ---- Python views of the tree of a year (areas are thousands at most) ----------------------------
def parent_map(period: int) -> dict[int, int | None]:
    """Return {area id: parent id} for the areas existing at the end of `period`."""
    return {i: p for i, p in db.session.execute(parents_at(year_end(period))).all()}


def exists_in(found: Area, period: int) -> bool:
    """True when the area exists at the end of the year."""
    day = year_end(period)
    return (found.valid_from is None or found.valid_from <= day) and (found.valid_to is None or found.valid_to >= day)


def children_in(found: Area, period: int) -> list[Area]:
    """Return the areas directly under `found` at the end of `period`, ordered by name."""
    ids = [i for i, p in parent_map(period).items() if p == found.id]
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Area).where(Area.id.in_(ids)).order_by(Area.name)))


def trail_in(found: Area, period: int) -> list[Area]:
    """Return the areas from the root down to `found` in the tree of `period` (just `found` if absent)."""
    parents = parent_map(period)
    if found.id not in parents:
        return [found]
    chain: list[int] = []
    current: int | None = found.id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    rows = {a.id: a for a in db.session.scalars(sa.select(Area).where(Area.id.in_(chain)))}
    return [rows[i] for i in reversed(chain) if i in rows]


def successors_in(found: Area, period: int) -> list[Area]:
    """Return the areas holding a closed area's territory at the end of `period` (its successors,
    followed through later reorganisations); nested ones are dropped so nothing counts twice."""
    parents = parent_map(period)
    edges: dict[int, list[int]] = {}
    for pred, succ in db.session.execute(sa.select(succession.c.predecessor_id, succession.c.successor_id)):
        edges.setdefault(pred, []).append(succ)
    found_ids: set[int] = set()
    seen: set[int] = set()
    todo = [found.id]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if current in parents and current != found.id:
            found_ids.add(current)
        else:
            todo.extend(edges.get(current, []))

    def has_ancestor_in(area_id: int) -> bool:
        up = parents.get(area_id)
        while up is not None:
            if up in found_ids:
                return True
            up = parents.get(up)
        return False

    kept = [i for i in found_ids if not has_ancestor_in(i)]
    if not kept:
        return []
    return list(db.session.scalars(sa.select(Area).where(Area.id.in_(kept)).order_by(Area.name)))


def predecessors_of(found: Area) -> list[Area]:
    """Return the areas a reorganisation closed into `found` (its direct predecessors), by name."""
    query = (
        sa.select(Area)
        .join(succession, succession.c.predecessor_id == Area.id)
        .where(succession.c.successor_id == found.id)
        .order_by(Area.name)
    )
    return list(db.session.scalars(query))


def inherited_by(target: Area, scope: Area) -> bool:
    """True when a closed `target`'s whole territory lies inside `scope` today: every area it went to
    (followed through later reorganisations) is `scope` or below it.

    The officer of a commune made by a merger reads its predecessors' earlier years; the officer of
    one commune of a dissolved district does not read that district (its territory is wider).
    """
    if target.valid_to is None:
        return False
    edges: dict[int, list[int]] = {}
    for pred, succ in db.session.execute(sa.select(succession.c.predecessor_id, succession.c.successor_id)):
        edges.setdefault(pred, []).append(succ)
    reached: set[int] = set()
    todo, seen = list(edges.get(target.id, [])), {target.id}
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        reached.add(current)
        todo.extend(edges.get(current, []))
    if not reached:
        return False
    open_areas = list(db.session.scalars(sa.select(Area).where(Area.id.in_(reached), Area.valid_to.is_(None))))
    return bool(open_areas) and all(a.path.startswith(scope.path) for a in open_areas)
