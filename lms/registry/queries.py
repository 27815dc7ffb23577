"""Reusable queries of the registry: people, families, clans, units and villages inside an area."""

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import Select

from lms.areas.models import Area
from lms.areas.services import areas_under
from lms.auth.models import User
from lms.extensions import db
from lms.people.models import Clan, Family, Person, Unit, counted
from lms.util import fold


@dataclass
class PeopleFilter:
    """What the people list is narrowed to; every field optional."""

    q: str = ""
    village: Area | None = None
    family: Family | None = None
    unit: Unit | None = None
    official: bool | None = None
    khuyen_hoc: bool | None = None


def looks_like_code(text: str) -> bool:
    """True when a search text could be a code (one word with a digit)."""
    return bool(text) and " " not in text and any(ch.isdigit() for ch in text)


def people_in(scope: Area, wanted: PeopleFilter) -> Select[Person]:
    """Return the confirmed people living in the scope that match the filter (unordered: the pager orders);
    self-registered people waiting for confirmation are listed apart (unconfirmed_in)."""
    query = sa.select(Person).where(counted())
    if wanted.village is not None:
        query = query.where(Person.village_id == wanted.village.id)
    else:
        query = query.where(Person.village_id.in_(areas_under(scope)))
    if wanted.family is not None:
        query = query.where(Person.family_id == wanted.family.id)
    if wanted.unit is not None:
        query = query.where(Person.unit_id == wanted.unit.id)
    if wanted.official is not None:
        query = query.where(Person.is_official.is_(wanted.official))
    if wanted.khuyen_hoc is not None:
        query = query.where(Person.khuyen_hoc_member.is_(wanted.khuyen_hoc))
    if wanted.q:
        folded = fold(wanted.q)
        by_name = Person.name_folded.contains(folded, autoescape=True)
        query = query.where(sa.or_(by_name, Person.code == wanted.q) if looks_like_code(wanted.q) else by_name)
    return query


def accounts_of(person_ids: list[int]) -> dict[int, User]:
    """Return the accounts of the given people, by person id."""
    if not person_ids:
        return {}
    return {
        u.person_id: u
        for u in db.session.scalars(sa.select(User).where(User.person_id.in_(person_ids)))
        if u.person_id is not None
    }


def families_in(scope: Area, q: str = "", village: Area | None = None) -> Select[Family]:
    """Return the families of the scope's villages, optionally searched by code or name."""
    query = sa.select(Family)
    query = query.where(
        Family.village_id == village.id if village is not None else Family.village_id.in_(areas_under(scope))
    )
    if q:
        query = query.where(sa.or_(Family.code == q, sa.func.lower(Family.name).contains(q.lower(), autoescape=True)))
    return query


def member_counts(column: Any, ids: list[int]) -> dict[int, int]:
    """Return how many people belong to each of the given groups (`column`: Person.family_id, …)."""
    if not ids:
        return {}
    rows = db.session.execute(sa.select(column, sa.func.count()).where(column.in_(ids), counted()).group_by(column))
    return {gid: n for gid, n in rows}


def clans_in(scope: Area, q: str = "") -> Select[Clan]:
    """Return the clans registered with an area inside the scope."""
    query = sa.select(Clan).where(Clan.area_id.in_(areas_under(scope)))
    if q:
        query = query.where(sa.or_(Clan.code == q, sa.func.lower(Clan.name).contains(q.lower(), autoescape=True)))
    return query


def units_in(scope: Area, q: str = "") -> Select[Unit]:
    """Return the units registered with an area inside the scope."""
    query = sa.select(Unit).where(Unit.area_id.in_(areas_under(scope)))
    if q:
        query = query.where(sa.or_(Unit.code == q, sa.func.lower(Unit.name).contains(q.lower(), autoescape=True)))
    return query


def villages_in(scope: Area, q: str = "") -> Select[Area]:
    """Return the villages (thôn, khu phố) inside the scope."""
    query = sa.select(Area).where(Area.level == "village", Area.path.startswith(scope.path))
    if q:
        query = query.where(sa.or_(Area.code == q, sa.func.lower(Area.name).contains(q.lower(), autoescape=True)))
    return query


def ancestor_ids(area: Area) -> list[int]:
    """Return the ids on the area's path (itself and everything above it)."""
    return [int(x) for x in area.path.strip("/").split("/") if x]


def visible_groups(model: type[Clan] | type[Unit], scope: Area) -> list[Any]:
    """Return the clans or units a person of the scope may belong to: inside it or registered above it."""
    query = sa.select(model).where(
        sa.or_(model.area_id.in_(areas_under(scope)), model.area_id.in_(ancestor_ids(scope)))
    )
    return list(db.session.scalars(query.order_by(model.name, model.id)))


def areas_at(scope: Area, levels: tuple[str, ...]) -> list[Area]:
    """Return the areas of these levels inside the scope (the scope itself included), by path."""
    query = sa.select(Area).where(Area.path.startswith(scope.path), Area.level.in_(levels))
    return list(db.session.scalars(query.order_by(Area.path)))


def village_groups(scope: Area) -> list[dict[str, Any]]:
    """Return the communes and villages inside the scope as option groups for a filter."""
    rows = list(
        db.session.scalars(
            sa.select(Area)
            .where(Area.path.startswith(scope.path), Area.level.in_(("commune", "village")), Area.id != scope.id)
            .order_by(Area.path)
        )
    )
    groups: dict[int, dict[str, Any]] = {}
    loose: list[Area] = []
    for found in rows:
        if found.level == "commune":
            groups[found.id] = {"commune": found, "villages": []}
    for found in rows:
        if found.level == "village":
            if found.parent_id in groups:
                groups[found.parent_id]["villages"].append(found)
            else:
                loose.append(found)
    ordered = sorted(groups.values(), key=lambda g: fold(g["commune"].name))
    for group in ordered:
        group["villages"].sort(key=lambda v: fold(v.name))
    if loose:
        ordered.insert(0, {"commune": None, "villages": sorted(loose, key=lambda v: fold(v.name))})
    return ordered


def unconfirmed_in(scope: Area) -> Select[Person]:
    """Return the self-registered people of the scope waiting for confirmation, oldest first."""
    return (
        sa.select(Person)
        .where(Person.village_id.in_(areas_under(scope)), Person.confirmed.is_(False))
        .order_by(Person.id)
    )


def merge_candidates(person: Person, scope: Area, limit: int = 20) -> list[Person]:
    """Return the registry people of the scope the self-registered person may be: the same name (folded),
    or the same village and birth year; people with an account of their own left out."""
    same = sa.or_(
        Person.name_folded == person.name_folded,
        sa.and_(Person.village_id == person.village_id, Person.birth_year == person.birth_year),
    )
    has_account = sa.select(User.person_id).where(User.person_id.is_not(None))
    query = (
        sa.select(Person)
        .where(counted(), Person.id != person.id, Person.village_id.in_(areas_under(scope)), same)
        .where(Person.id.not_in(has_account))
        .order_by(Person.name_folded != person.name_folded, Person.name_folded, Person.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def within_scope(person: Person, scope: Area) -> bool:
    """True when the person lives inside the scope."""
    return person.village.path.startswith(scope.path)
