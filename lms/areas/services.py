"""Area tree operations: paths, scope checks, lookups."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import Select

from lms.areas.models import Area
from lms.extensions import db


def set_path(area: Area) -> None:
    """Compute the area's materialised path from its parent's (the area must have an id)."""
    prefix = area.parent.path if area.parent is not None else "/"
    area.path = f"{prefix}{area.id}/"


def rebuild_paths() -> None:
    """Recompute every area's path from the parent links (areas are few: thousands at most)."""
    rows = db.session.execute(sa.select(Area.id, Area.parent_id)).all()
    parents = dict(rows)
    paths: dict[int, str] = {}

    def path_of(area_id: int, seen: tuple[int, ...] = ()) -> str:
        if area_id in paths:
            return paths[area_id]
        if area_id in seen:
            raise ValueError(f"cycle in the area tree at area id {area_id}")
        parent = parents.get(area_id)
        prefix = path_of(parent, (*seen, area_id)) if parent else "/"
        paths[area_id] = f"{prefix}{area_id}/"
        return paths[area_id]

    for area_id in parents:
        path_of(area_id)
    table = Area.__table__
    changed = [{"b_id": i, "b_path": p} for i, p in paths.items()]
    if changed:
        db.session.execute(
            table.update().where(table.c.id == sa.bindparam("b_id")).values(path=sa.bindparam("b_path")), changed
        )


def area_by_code(code: str) -> Area | None:
    """Return the area with this code, if any."""
    return db.session.scalar(sa.select(Area).where(Area.code == code))


def within(area: Area, root: Area) -> bool:
    """True when `area` is `root` or lies below it."""
    return area.path.startswith(root.path)


def areas_under(root: Area) -> Select[Any]:
    """Return the ids of `root` and every area below it."""
    return sa.select(Area.id).where(Area.path.startswith(root.path))


def children(area: Area) -> list[Area]:
    """Return the direct children of an area, ordered by name."""
    return list(db.session.scalars(sa.select(Area).where(Area.parent_id == area.id).order_by(Area.name)))


def breadcrumbs(area: Area) -> list[Area]:
    """Return the areas from the root down to `area`."""
    ids = [int(x) for x in area.path.strip("/").split("/") if x]
    found = {a.id: a for a in db.session.scalars(sa.select(Area).where(Area.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def area_code_options(limit: int = 5000) -> list[tuple[str, str]]:
    """The codes and names of the areas in force above village level, for the code inputs' suggestions."""
    rows = db.session.execute(
        sa.select(Area.code, Area.name)
        .where(Area.level != "village", Area.valid_to.is_(None))
        .order_by(Area.path)
        .limit(limit)
    ).all()
    return [(code, name) for code, name in rows]
