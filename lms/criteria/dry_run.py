"""Dry run of a candidate framework: score everyone with it inside a transaction that is rolled back,
and report, by commune, who would gain or lose eligibility and which groups would gain or lose their
title. Publishing never revokes an award; the holders who would no longer qualify are listed."""

from typing import Any

import sqlalchemy as sa

from lms.areas.models import Area
from lms.criteria.engine import CompiledFramework
from lms.criteria.models import GroupResult, PersonResult
from lms.criteria.schema import validate
from lms.extensions import db
from lms.people.models import Clan, Family, Person, Unit
from lms.recompute.services import full_recompute_chunks
from lms.titles.models import Award

area = Area.__table__
pr = PersonResult.__table__
gr = GroupResult.__table__
GROUP_AREA = {  # where a group sits, to attribute it to a commune
    "family": (Family.__table__, "village_id"),
    "clan": (Clan.__table__, "area_id"),
    "village": (area, "id"),
    "unit": (Unit.__table__, "area_id"),
}


def _commune_of(area_id_col: Any) -> Any:
    """Return a correlated scalar: the code of the commune containing the area (or the area's own code)."""
    inner = area.alias("inner_area")
    commune = area.alias("commune")
    return (
        sa.select(sa.func.coalesce(sa.func.max(commune.c.code), sa.func.max(inner.c.code)))
        .select_from(
            inner.outerjoin(commune, sa.and_(commune.c.level == "commune", inner.c.path.startswith(commune.c.path)))
        )
        .where(inner.c.id == area_id_col)
        .scalar_subquery()
    )


def dry_run(document: dict[str, Any]) -> dict[str, Any]:
    """Return {communes: {code: {people_gain, people_loss, groups_gain, groups_loss}}, names: {code: name},
    totals: {people_gain, …}, holders_losing: [...]}."""
    validate(document)
    period = document["period"]
    fw = CompiledFramework(document)
    conn = db.session.connection()
    person = Person.__table__
    award = Award.__table__
    try:
        # the current results, kept aside in temporary tables of this (rolled back) transaction
        conn.execute(
            sa.text(
                "CREATE TEMPORARY TABLE dry_people AS SELECT person_id, eligible FROM person_result WHERE period = :p"
            ),
            {"p": period},
        )
        conn.execute(
            sa.text(
                "CREATE TEMPORARY TABLE dry_groups AS "
                "SELECT kind, subject_id, attained FROM group_result WHERE period = :p"
            ),
            {"p": period},
        )
        old_p = sa.table("dry_people", sa.column("person_id"), sa.column("eligible"))
        old_g = sa.table("dry_groups", sa.column("kind"), sa.column("subject_id"), sa.column("attained"))
        for step in full_recompute_chunks(period, None, fw):
            step()
        was = sa.func.coalesce(old_p.c.eligible, False)
        people = conn.execute(
            sa.select(
                _commune_of(person.c.village_id).label("commune"),
                sa.func.sum(sa.case((sa.and_(pr.c.eligible.is_(True), was.is_(False)), 1), else_=0)),
                sa.func.sum(sa.case((sa.and_(pr.c.eligible.is_(False), was.is_(True)), 1), else_=0)),
            )
            .select_from(
                person.join(pr, sa.and_(pr.c.person_id == person.c.id, pr.c.period == period)).outerjoin(
                    old_p, old_p.c.person_id == person.c.id
                )
            )
            .group_by(sa.literal_column("commune"))
        ).all()
        groups: list[Any] = []
        for kind, (table, column) in GROUP_AREA.items():
            was_g = sa.func.coalesce(old_g.c.attained, False)
            groups += conn.execute(
                sa.select(
                    _commune_of(table.c[column]).label("commune"),
                    sa.func.sum(sa.case((sa.and_(gr.c.attained.is_(True), was_g.is_(False)), 1), else_=0)),
                    sa.func.sum(sa.case((sa.and_(gr.c.attained.is_(False), was_g.is_(True)), 1), else_=0)),
                )
                .select_from(
                    table.join(
                        gr, sa.and_(gr.c.kind == kind, gr.c.subject_id == table.c.id, gr.c.period == period)
                    ).outerjoin(old_g, sa.and_(old_g.c.kind == kind, old_g.c.subject_id == table.c.id))
                )
                .group_by(sa.literal_column("commune"))
            ).all()
        losing = list(
            conn.execute(
                sa.select(award.c.person_id)
                .join(pr, sa.and_(pr.c.person_id == award.c.person_id, pr.c.period == period))
                .where(award.c.period == period, award.c.revoked_at.is_(None), pr.c.eligible.is_(False))
                .order_by(award.c.person_id)
            ).scalars()
        )
    finally:
        db.session.rollback()  # nothing of the candidate is kept
    communes: dict[str, dict[str, int]] = {}
    for rows, (gain, loss) in ((people, ("people_gain", "people_loss")), (groups, ("groups_gain", "groups_loss"))):
        for code, gained, lost in rows:
            row = communes.setdefault(
                code or "—", {"people_gain": 0, "people_loss": 0, "groups_gain": 0, "groups_loss": 0}
            )
            row[gain] += int(gained or 0)
            row[loss] += int(lost or 0)
    changed = {c: r for c, r in sorted(communes.items()) if any(r.values())}
    names = dict(
        db.session.execute(
            sa.select(Area.code, Area.name).where(Area.code.in_(list(changed)), Area.valid_to.is_(None))
        ).all()
    )
    totals = {
        key: sum(r[key] for r in changed.values())
        for key in ("people_gain", "people_loss", "groups_gain", "groups_loss")
    }
    return {"period": period, "communes": changed, "names": names, "totals": totals, "holders_losing": losing}
