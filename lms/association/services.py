"""The association's roll: branches, members and officers; the roll and person.khuyen_hoc_member agree.

I1's denominator is the association's roll. The engine (lms.indicators.services) reads the person's
flag, which every change of the roll keeps in step here (and `sync_roll` fills the roll from the flag
when people are imported or marked in the registry), marking the people for recompute.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.sql import Select

from lms.areas.models import Area
from lms.association.models import POSITIONS, Branch, Member
from lms.audit.services import audit
from lms.bulk import any_id
from lms.criteria.models import PersonResult
from lms.extensions import db
from lms.people.models import Person, Unit
from lms.util import utcnow

POSITION_LABELS = {
    "member": _l("Hội viên"),
    "chair": _l("Chi hội trưởng"),
    "vice_chair": _l("Chi hội phó"),
    "secretary": _l("Thư ký"),
    "treasurer": _l("Thủ quỹ"),
    "committee": _l("Ủy viên ban chấp hành"),
}
person = Person.__table__
member = Member.__table__
branch = Branch.__table__
area = Area.__table__


class AssociationError(ValueError):
    """A refused change of the roll; the message (already translated) says why."""


def _affected_periods() -> list[int]:
    from lms.imports.importers import recompute_periods

    return recompute_periods()


def _mark(ids: list[int] | Select[Any]) -> None:
    from lms.recompute.services import mark_dirty

    for period in _affected_periods():
        mark_dirty("person", ids, period)


def branches_in(scope: Area) -> list[Branch]:
    """Return the branches of the area and every area below it, by place and name."""
    return list(
        db.session.scalars(
            sa.select(Branch)
            .join(Area, Area.id == Branch.area_id)
            .where(Area.path.startswith(scope.path))
            .order_by(Area.path, Branch.name)
        )
    )


def save_branch(found: Branch | None, code: str, name: str, place: Area, unit: Unit | None, actor: str) -> Branch:
    """Create or change a branch (code, name, its village or commune, its unit); audited."""
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise AssociationError(_("Nhập mã và tên chi hội."))
    other = db.session.scalar(sa.select(Branch).where(Branch.code == code))
    if other is not None and (found is None or other.id != found.id):
        raise AssociationError(_("Mã chi hội %(code)s đã có.", code=code))
    before = {"code": found.code, "name": found.name, "area": found.area_id} if found else {}
    if found is None:
        found = Branch(code=code, name=name, area_id=place.id, unit_id=unit.id if unit else None)
        db.session.add(found)
    else:
        found.code, found.name, found.area_id = code, name, place.id
        found.unit_id = unit.id if unit else None
    db.session.flush()
    action = "association.branch_update" if before else "association.branch_create"
    audit(actor, action, code, area_id=place.id, before=before or None, after={"name": name, "area": place.code})
    return found


def roll(found: Branch) -> list[Member]:
    """Return a branch's roll: its officers first, then the members by name."""
    order = sa.case({p: i for i, p in enumerate(POSITIONS)}, value=Member.position)
    return list(
        db.session.scalars(
            sa.select(Member)
            .join(Person, Person.id == Member.person_id)
            .where(Member.branch_id == found.id)
            .order_by(sa.case((Member.position == "member", 1), else_=0), order, Person.name_folded)
        )
    )


def add_member(found: Branch, who: Person, position: str, joined_on: date | None, actor: str) -> Member:
    """Put a person on a branch's roll (moving them from another branch); the I1 flag follows; audited."""
    if position not in POSITIONS:
        raise AssociationError(_("Chức danh không hợp lệ."))
    current = db.session.scalar(sa.select(Member).where(Member.person_id == who.id))
    if current is None:
        current = Member(branch_id=found.id, person_id=who.id, position=position, joined_on=joined_on)
        db.session.add(current)
    else:
        current.branch_id, current.position = found.id, position
        current.joined_on = joined_on or current.joined_on
    if not who.khuyen_hoc_member:
        who.khuyen_hoc_member = True
        db.session.flush()
        _mark([who.id])
    db.session.flush()
    audit(actor, "association.member_add", f"person {who.code}", area_id=found.area_id,
          after={"branch": found.code, "position": position})  # fmt: skip
    return current


def remove_member(found: Member, actor: str) -> None:
    """Take a person off the roll; they leave I1's population; audited."""
    who = found.person
    code = found.branch.code
    area_id = found.branch.area_id
    db.session.delete(found)
    who.khuyen_hoc_member = False
    db.session.flush()
    _mark([who.id])
    audit(actor, "association.member_remove", f"person {who.code}", area_id=area_id, before={"branch": code})


def sync_roll(people: list[int] | Select[int, int, bool]) -> None:
    """Bring the roll in step with the people's flags (after an import or a registry change).

    A person marked as a member without a place on the roll joins a branch of their village (one is made,
    "KH-<village code>", if the village has none); a person unmarked leaves the roll. `people`: their ids,
    or a selection of their current (id, village_id, khuyen_hoc_member), one row each.
    """
    if not isinstance(people, Select):
        people = sa.select(person.c.id, person.c.village_id, person.c.khuyen_hoc_member).where(
            any_id(person.c.id, list(people))
        )
    # the chosen people are read once into a small analysed table, which the statements below start from:
    # joined to `person` they were planned on its statistics, which know nothing of the people the same
    # transaction has just imported — the planner expected a handful and took nested loops that ran for
    # minutes (1,000,000 people imported into 1,000,000: 296 s for the members)
    chosen = sa.Table(
        "roll_sync",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("village_id", sa.Integer),
        sa.Column("member", sa.Boolean),
        prefixes=["TEMPORARY"],
    )
    conn = db.session.connection()
    chosen.create(conn)  # gone with the transaction if what follows fails
    # in id order: the key of the temporary table is then written leaf after leaf (in hash order, the
    # 1,000,000 ids of a people import thrashed the session's temporary buffers: 3.3 s)
    rows = people.order_by(people.selected_columns[0])
    if count := conn.execute(chosen.insert().from_select(["id", "village_id", "member"], rows)).rowcount:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("ANALYZE roll_sync"))
        _sync_roll(chosen, count)
    chosen.drop(conn)


BULK_ROLL = 1_000  # people: from this many on, the roll is counted afresh before it is compared with them


def _sync_roll(chosen: sa.Table, count: int) -> None:
    """sync_roll over the `count` people of `chosen` (id, village_id, member); leaves in it those it adds."""
    c = chosen.c
    conn = db.session.connection()
    if count >= BULK_ROLL and conn.dialect.name == "postgresql":
        # a roll the planner takes for empty (counted before a first import, or since emptied) was read whole
        # for every person compared with it
        conn.execute(sa.text("ANALYZE kh_member"))
    conn.execute(member.delete().where(member.c.person_id.in_(sa.select(c.id).where(c.member.is_(False)))))
    # who is on the roll already needs nothing: what is left are the members to add, which the INSERT below
    # reads without a look at the roll it writes (when it did, planned on a roll taken for empty, it scanned
    # the rows it had just added again for every person: minutes for 200,000 members)
    on_roll = sa.exists().where(member.c.person_id == c.id)
    if count == conn.execute(chosen.delete().where(sa.or_(c.member.is_(False), on_roll))).rowcount:
        return
    villages = sa.select(c.village_id).distinct()
    without = db.session.execute(
        sa.select(area.c.id, area.c.code, area.c.name).where(
            area.c.id.in_(villages),
            sa.not_(sa.exists().where(branch.c.area_id == area.c.id, branch.c.unit_id.is_(None))),
        )
    ).all()
    for village_id, code, name in without:
        # a name stored as data, in Vietnamese whatever the language of the page that caused it
        db.session.add(Branch(code=f"KH-{code}", name=f"Chi hội Khuyến học {name}", area_id=village_id))
    db.session.flush()
    if without and db.session.get_bind().dialect.name == "postgresql":
        # the branches just made are unknown to the planner (a first import makes every village's): counted,
        # they are hashed once rather than grouped again for every person
        db.session.execute(sa.text("ANALYZE kh_branch"))
    # each village's branch, joined once (a look-up per person planned on the statistics of a branch table
    # this transaction has just filled scanned every branch for every person)
    home = (
        sa.select(branch.c.area_id, sa.func.min(branch.c.id).label("id"))
        .where(branch.c.unit_id.is_(None))
        .group_by(branch.c.area_id)
        .subquery("home")
    )
    db.session.execute(
        member.insert().from_select(
            ["branch_id", "person_id", "position", "added_at"],
            sa.select(
                home.c.id, c.id, sa.literal("member"), sa.literal(utcnow(), sa.DateTime(timezone=True))
            ).select_from(chosen.outerjoin(home, home.c.area_id == c.village_id)),
        )
    )
    db.session.flush()


@dataclass
class BranchFigures:
    """A branch with its roll's size and how many studied the title criteria in the year (I1 per branch)."""

    branch: Branch
    members: int
    officers: int
    studied: int


def branch_figures(scope: Area, period: int) -> list[BranchFigures]:
    """Return every branch of the area with its members, officers and those who studied the criteria."""
    pr = PersonResult.__table__
    studied = sa.exists().where(
        pr.c.person_id == member.c.person_id, pr.c.period == period, pr.c.studied_criteria.is_(True)
    )
    counts = {
        bid: (int(n), int(o), int(s))
        for bid, n, o, s in db.session.execute(
            sa.select(
                member.c.branch_id,
                sa.func.count(),
                sa.func.count(sa.case((member.c.position != "member", 1))),
                sa.func.count(sa.case((studied, 1))),
            )
            .join(person, person.c.id == member.c.person_id)
            .where(person.c.confirmed.is_(True))
            .group_by(member.c.branch_id)
        )
    }
    return [BranchFigures(b, *counts.get(b.id, (0, 0, 0))) for b in branches_in(scope)]
