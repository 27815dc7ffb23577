"""Indicators I1–I5 and counts per area: contributions of what attaches to an area, rolled up.

Every figure is additive: a village contributes its people, families and its own attainment; a
commune or district contributes the clans and units registered there (I3 follows the unit's area).
An area's figures are the sum of the contributions of the areas whose path starts with its own.
"""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import Select

from lms.areas.history import closure_at, former_members, member_area_at, reorganised, valid_at, year_end
from lms.areas.models import Area
from lms.criteria.engine import CompiledFramework, flag, holders
from lms.criteria.models import GroupResult, PersonResult
from lms.indicators.models import FIGURE_COLUMNS, AreaContribution, AreaIndicator
from lms.people.models import Clan, Family, Person, Unit, counted
from lms.util import utcnow

area = Area.__table__
person = Person.__table__
family = Family.__table__
clan = Clan.__table__
unit = Unit.__table__
gr = GroupResult.__table__
pr = PersonResult.__table__
contribution = AreaContribution.__table__
indicator = AreaIndicator.__table__


def _attained(kind: str, period: int, alias: str) -> Any:
    return (
        sa.select(gr.c.subject_id)
        .where(gr.c.kind == kind, gr.c.period == period, gr.c.attained.is_(True))
        .subquery(alias)
    )


def _row(area_id: Any, **figures: Any) -> list[Any]:
    return [area_id.label("area_id")] + [
        (figures[c] if c in figures else sa.literal(0)).label(c) for c in FIGURE_COLUMNS
    ]


def contributions(fw: CompiledFramework, areas: Select[Any], *, as_of: bool = False) -> Select[Any]:
    """Return one row of figures per area in `areas` for what attaches directly to it.

    With as_of, clans and units count where they were registered at the end of the year (they move
    when their area is merged or dissolved: lms.areas.reorg).
    """
    period = fw.period
    clan_area = member_area_at("clan", clan.c.id, clan.c.area_id, period) if as_of else clan.c.area_id
    unit_area = member_area_at("unit", unit.c.id, unit.c.area_id, period) if as_of else unit.c.area_id
    held = holders(period).subquery("held")
    fam_ok = _attained("family", period, "fam_ok")
    clan_ok = _attained("clan", period, "clan_ok")
    vil_ok = _attained("village", period, "vil_ok")
    unit_ok = _attained("unit", period, "unit_ok")
    is_holder = held.c.person_id.is_not(None)
    dl = sa.func.coalesce(pr.c.digital_level, 0)
    in_group = sa.and_(
        fw.adult(person.c.birth_year),
        sa.or_(fam_ok.c.subject_id.is_not(None), clan_ok.c.subject_id.is_not(None), vil_ok.c.subject_id.is_not(None)),
    )
    kh = person.c.khuyen_hoc_member.is_(True)
    people = (
        sa.select(
            *_row(
                person.c.village_id,
                people=sa.literal(1),
                eligible=flag(pr.c.eligible.is_(True)),
                holders=flag(is_holder),
                i1_den=flag(kh),
                i1_num=flag(sa.and_(kh, pr.c.studied_criteria.is_(True))),
                i2_den=flag(in_group),
                i2_num=flag(sa.and_(in_group, is_holder)),
                i4_den=flag(is_holder),
                i4_num=flag(sa.and_(is_holder, dl >= 1)),
                i5_den=flag(sa.and_(is_holder, dl >= 1)),
                i5_num=flag(sa.and_(is_holder, dl == 2)),
            )
        )
        .select_from(
            person.outerjoin(pr, sa.and_(pr.c.person_id == person.c.id, pr.c.period == period))
            .outerjoin(held, held.c.person_id == person.c.id)
            .outerjoin(fam_ok, fam_ok.c.subject_id == person.c.family_id)
            .outerjoin(clan_ok, clan_ok.c.subject_id == person.c.clan_id)
            .outerjoin(vil_ok, vil_ok.c.subject_id == person.c.village_id)
        )
        .where(person.c.village_id.in_(areas), counted(person))
    )
    families = (
        sa.select(*_row(family.c.village_id, families_attained=sa.literal(1)))
        .join_from(family, fam_ok, fam_ok.c.subject_id == family.c.id)
        .where(family.c.village_id.in_(areas))
    )
    villages = (
        sa.select(*_row(area.c.id, villages_attained=sa.literal(1)))
        .join_from(area, vil_ok, vil_ok.c.subject_id == area.c.id)
        .where(area.c.id.in_(areas))
    )
    clans = (
        sa.select(*_row(clan_area, clans_attained=sa.literal(1)))
        .join_from(clan, clan_ok, clan_ok.c.subject_id == clan.c.id)
        .where(clan_area.in_(areas))
    )
    units = (
        sa.select(*_row(unit_area, units_attained=sa.literal(1)))
        .join_from(unit, unit_ok, unit_ok.c.subject_id == unit.c.id)
        .where(unit_area.in_(areas))
    )
    officials = (
        sa.select(*_row(unit_area, i3_den=sa.literal(1), i3_num=flag(is_holder)))
        .select_from(
            person.join(unit, unit.c.id == person.c.unit_id)
            .join(unit_ok, unit_ok.c.subject_id == unit.c.id)
            .outerjoin(held, held.c.person_id == person.c.id)
        )
        .where(
            person.c.is_official.is_(True),
            unit.c.level.in_(("commune", "district")),
            unit_area.in_(areas),
            counted(person),
        )
    )
    parts = sa.union_all(people, families, villages, clans, units, officials).subquery("parts")
    return sa.select(parts.c.area_id, *(sa.func.sum(parts.c[c]).label(c) for c in FIGURE_COLUMNS)).group_by(
        parts.c.area_id
    )


# The tree is walked along its parent links (the paths are built from them): a few hash joins,
# where matching every area's path against every other's (`below.path LIKE area.path || '%'`) took
# 1.3 s of a full recompute's final step at 1M citizens (1,885 areas).
def ancestors_of(areas: Select[Any]) -> Select[Any]:
    """Return the ids of the given areas and every area above them."""
    link = area.alias("up_link")
    up = sa.select(area.c.id).where(area.c.id.in_(areas)).cte("up", recursive=True)
    up = up.union(sa.select(link.c.parent_id).join(up, link.c.id == up.c.id).where(link.c.parent_id.is_not(None)))
    return sa.select(up.c.id)


def descendants_of(targets: Select[Any]) -> Any:
    """Return a CTE (ancestor, descendant): every area of `targets` with itself and each area below it."""
    link = area.alias("down_link")
    start = sa.select(area.c.id.label("ancestor"), area.c.id.label("descendant")).where(area.c.id.in_(targets))
    down = start.cte("down", recursive=True)
    step = sa.select(down.c.ancestor, link.c.id).join(down, link.c.parent_id == down.c.descendant)
    return down.union_all(step)


def _store_contributions(
    conn: sa.Connection, fw: CompiledFramework, areas: Select[Any], now: Any, *, as_of: bool = False
) -> None:
    """Replace the year's contributions of `areas` (what attaches directly to each)."""
    period = fw.period
    conn.execute(contribution.delete().where(contribution.c.period == period, contribution.c.area_id.in_(areas)))
    contrib = contributions(fw, areas, as_of=as_of).subquery("contrib")
    conn.execute(
        contribution.insert().from_select(
            ["area_id", "period", *FIGURE_COLUMNS, "computed_at"],
            sa.select(
                contrib.c.area_id,
                sa.literal(period),
                *(contrib.c[c] for c in FIGURE_COLUMNS),
                sa.literal(now, sa.DateTime(timezone=True)),
            ),
        )
    )


def refresh(conn: sa.Connection, fw: CompiledFramework, areas: Select[Any]) -> None:
    """Recompute the contributions of `areas`, then the rolled-up figures of them and their ancestors."""
    if reorganised(conn):
        refresh_as_of(conn, fw, areas)
        return
    period = fw.period
    now = utcnow()
    _store_contributions(conn, fw, areas, now)
    targets = ancestors_of(areas)
    conn.execute(indicator.delete().where(indicator.c.period == period, indicator.c.area_id.in_(targets)))
    tree = descendants_of(targets)
    c = contribution.alias("c")
    rolled = (
        sa.select(
            tree.c.ancestor,
            sa.literal(period),
            *(sa.func.coalesce(sa.func.sum(c.c[col]), 0) for col in FIGURE_COLUMNS),
            sa.literal(now, sa.DateTime(timezone=True)),
        )
        .select_from(tree.outerjoin(c, sa.and_(c.c.area_id == tree.c.descendant, c.c.period == period)))
        .group_by(tree.c.ancestor)
    )
    conn.execute(indicator.insert().from_select(["area_id", "period", *FIGURE_COLUMNS, "computed_at"], rolled))


def refresh_as_of(conn: sa.Connection, fw: CompiledFramework, areas: Select[Any]) -> None:
    """`refresh` once areas have been reorganised: contributions count clans and units where they were
    registered in the year, and figures roll up over the tree as it stood at the end of the year
    (lms.areas.history), so earlier years keep their figures on the areas of that time."""
    period = fw.period
    now = utcnow()
    moved = former_members(areas, period, clan, unit)
    areas = sa.select(sa.union(areas, sa.select(moved.c.area_id)).subquery().c[0])
    _store_contributions(conn, fw, areas, now, as_of=True)
    tree = closure_at(period)
    targets = sa.select(tree.c.ancestor).where(tree.c.descendant.in_(areas)).distinct()
    absent = sa.select(area.c.id).where(area.c.id.in_(areas), sa.not_(valid_at(area, year_end(period))))
    conn.execute(
        indicator.delete().where(
            indicator.c.period == period, sa.or_(indicator.c.area_id.in_(targets), indicator.c.area_id.in_(absent))
        )
    )
    tree = closure_at(period)
    wanted = sa.select(tree.c.ancestor).where(tree.c.descendant.in_(areas)).distinct().subquery("wanted")
    c = contribution.alias("c")
    rolled = (
        sa.select(
            tree.c.ancestor,
            sa.literal(period),
            *(sa.func.coalesce(sa.func.sum(c.c[col]), 0) for col in FIGURE_COLUMNS),
            sa.literal(now, sa.DateTime(timezone=True)),
        )
        .select_from(tree.outerjoin(c, sa.and_(c.c.area_id == tree.c.descendant, c.c.period == period)))
        .where(tree.c.ancestor.in_(sa.select(wanted.c.ancestor)))
        .group_by(tree.c.ancestor)
    )
    conn.execute(indicator.insert().from_select(["area_id", "period", *FIGURE_COLUMNS, "computed_at"], rolled))


def indicator_value(numerator: int, denominator: int) -> float | None:
    """Return the percentage with one decimal (half up), or None for an empty denominator."""
    if not denominator:
        return None
    if type(numerator) is int and type(denominator) is int and numerator >= 0 and denominator > 0:
        # whole counts (every stored figure): the same half-up rounding in integers, no Decimal — a
        # dashboard computes five per child area. q/10 is the float nearest the exact tenth, as
        # float(Decimal("q/10")) is.
        tenths, rest = divmod(1000 * numerator, denominator)
        return (tenths + (2 * rest >= denominator)) / 10
    from decimal import ROUND_HALF_UP, Decimal

    return float((Decimal(100) * numerator / Decimal(denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def figures(area_id: int, period: int) -> AreaIndicator | None:
    """Return the stored figures of an area for a year (what dashboards and the CLI read)."""
    from lms.extensions import db

    return db.session.get(AreaIndicator, (area_id, period))


def history(area_id: int) -> list[AreaIndicator]:
    """Return the stored figures of an area for every year that has them, oldest first (one query)."""
    from lms.extensions import db

    return list(
        db.session.scalars(
            sa.select(AreaIndicator).where(AreaIndicator.area_id == area_id).order_by(AreaIndicator.period)
        )
    )


_READ = object()  # report(): no stored row given, read it


def report(area_code: str, area_id: int, period: int, stored: Any = _READ) -> dict[str, Any]:
    """Return the indicators and counts of an area in the CLI/API JSON shape (SPEC §7). `stored`: the
    area's AreaIndicator row of that year (or None: it has none) when the caller has read it already."""
    from lms.indicators.definitions import definitions
    from lms.indicators.models import COUNT_COLUMNS

    row: Any = figures(area_id, period) if stored is _READ else stored
    out: dict[str, Any] = {"area": area_code, "period": period, "indicators": {}, "counts": {}}
    if row is None and reorganised():  # a closed area: its successors' figures (lms.indicators.former)
        from lms.indicators.former import former_figures

        row = former_figures(area_id, period, out)
    for d in definitions():
        code = d["code"]
        num = getattr(row, f"{code.lower()}_num") if row else 0
        den = getattr(row, f"{code.lower()}_den") if row else 0
        out["indicators"][code] = {
            "numerator": num,
            "denominator": den,
            "value": indicator_value(num, den),
            "target_2025": d["targets"][2025],
            "target_2030": d["targets"][2030],
        }
    out["counts"] = {c: (getattr(row, c) if row else 0) for c in COUNT_COLUMNS}
    return out
