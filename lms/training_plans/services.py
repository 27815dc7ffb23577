"""Training plans: plan sessions for a year, link the sessions held to them, plan vs done by commune.

The held sessions are the training sessions of the learning package (table training_session), read
through the shared metadata: lms never imports the courses package.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.areas.models import Area
from lms.audit.services import audit
from lms.extensions import db
from lms.training_plans.models import PlannedSession, PlannedSessionLink
from lms.util import LOCAL_TZ

QUARTERS = (1, 2, 3, 4)


class PlanError(ValueError):
    """A refused change of a training plan; the message (already translated) says why."""


@dataclass
class PlanRow:
    """Plan vs done of one commune (or of the whole area): sessions, participants, hours."""

    area: Area
    planned_sessions: int = 0
    planned_participants: int = 0
    planned_hours: Decimal = field(default_factory=lambda: Decimal(0))
    held_sessions: int = 0
    participants: int = 0
    hours: Decimal = field(default_factory=lambda: Decimal(0))

    def add(self, other: "PlanRow") -> None:
        """Add another row's figures to this one."""
        self.planned_sessions += other.planned_sessions
        self.planned_participants += other.planned_participants
        self.planned_hours += other.planned_hours
        self.held_sessions += other.held_sessions
        self.participants += other.participants
        self.hours += other.hours


def sessions_table() -> sa.Table:
    """Return the learning package's training-session table (on the shared metadata)."""
    return db.metadata.tables["training_session"]


def attendance_table() -> sa.Table:
    """Return the learning package's attendance table (on the shared metadata)."""
    return db.metadata.tables["session_attendance"]


def planned_in(scope: Area, period: int) -> list[PlannedSession]:
    """Return the sessions planned inside the area for the year, by quarter and place."""
    return list(
        db.session.scalars(
            sa.select(PlannedSession)
            .join(Area, Area.id == PlannedSession.area_id)
            .where(Area.path.startswith(scope.path), PlannedSession.period == period)
            .order_by(PlannedSession.quarter, Area.path, PlannedSession.id)
        )
    )


def add_planned(
    area: Area,
    period: int,
    quarter: int,
    topic: str,
    audience: str,
    target_participants: int,
    hours: Decimal,
    actor: str,
) -> PlannedSession:
    """Plan one session for an area in a quarter of the year; audited."""
    if quarter not in QUARTERS:
        raise PlanError(_("Quý phải từ 1 đến 4."))
    if target_participants < 0 or hours < 0:
        raise PlanError(_("Số người và số giờ không được âm."))
    planned = PlannedSession(
        area_id=area.id,
        period=period,
        quarter=quarter,
        topic=topic.strip(),
        audience=audience.strip(),
        target_participants=target_participants,
        hours=hours,
        created_by=actor,
    )
    db.session.add(planned)
    db.session.flush()
    audit(actor, "training_plan.add", topic[:200], area_id=area.id, after={"period": period, "quarter": quarter})
    return planned


def remove_planned(planned: PlannedSession, actor: str) -> None:
    """Remove a planned session (its links go with it); audited."""
    audit(
        actor, "training_plan.remove", planned.topic[:200], area_id=planned.area_id, before={"period": planned.period}
    )
    db.session.delete(planned)
    db.session.flush()


def held_sessions_in(scope: Area, period: int) -> list[Any]:
    """Return the training sessions held inside the area in the year (id, code, title, area, start)."""
    ts = sessions_table()
    return list(
        db.session.execute(
            sa.select(ts.c.id, ts.c.code, ts.c.title, ts.c.starts_at, Area.name.label("area_name"))
            .join(Area, Area.id == ts.c.area_id)
            .where(Area.path.startswith(scope.path), _in_year(ts.c.starts_at, period))
            .order_by(ts.c.starts_at)
        )
    )


def _in_year(column: Any, period: int) -> Any:
    """SQL: the timestamp falls in the year as counted in Vietnam (00:30 on 1 January is the new year)."""
    from datetime import datetime

    start = datetime(period, 1, 1, tzinfo=LOCAL_TZ)
    end = datetime(period + 1, 1, 1, tzinfo=LOCAL_TZ)
    return sa.and_(column >= start, column < end)


def link_session(planned: PlannedSession, session_id: int, actor: str) -> None:
    """Count a held session against a planned one (a session counts once); audited."""
    ts = sessions_table()
    row = db.session.execute(
        sa.select(ts.c.id, Area.path).join(Area, Area.id == ts.c.area_id).where(ts.c.id == session_id)
    ).first()
    planned_area = db.session.get(Area, planned.area_id)
    if row is None or planned_area is None:
        raise PlanError(_("Không tìm thấy lớp tập huấn này trong địa bàn."))
    commune_path = planned_area.path
    if not (row.path.startswith(commune_path) or commune_path.startswith(row.path)):
        raise PlanError(_("Lớp tập huấn không thuộc địa bàn của kế hoạch."))
    db.session.execute(sa.delete(PlannedSessionLink).where(PlannedSessionLink.session_id == session_id))
    db.session.add(PlannedSessionLink(planned_id=planned.id, session_id=session_id))
    audit(actor, "training_plan.link", planned.topic[:200], area_id=planned.area_id, after={"session": session_id})
    db.session.flush()


def linked_sessions(planned_ids: list[int]) -> dict[int, list[Any]]:
    """Return the held sessions linked to each planned session."""
    if not planned_ids:
        return {}
    ts = sessions_table()
    found: dict[int, list[Any]] = {}
    for row in db.session.execute(
        sa.select(PlannedSessionLink.planned_id, ts.c.id, ts.c.code, ts.c.title)
        .join(ts, ts.c.id == PlannedSessionLink.session_id)
        .where(PlannedSessionLink.planned_id.in_(planned_ids))
        .order_by(ts.c.starts_at)
    ):
        found.setdefault(row.planned_id, []).append(row)
    return found


def _commune_of(area: Area, scope: Area) -> Area:
    """Return the area just below the scope that holds `area` (the scope itself for a village scope)."""
    if area.id == scope.id or area.path == scope.path:
        return scope
    ids = [int(i) for i in area.path.strip("/").split("/") if i]
    scope_ids = [int(i) for i in scope.path.strip("/").split("/") if i]
    below = ids[len(scope_ids)] if len(ids) > len(scope_ids) else area.id
    return db.session.get(Area, below) or area


def plan_vs_done(scope: Area, period: int) -> tuple[PlanRow, list[PlanRow]]:
    """Return plan vs done for the whole area and for each area just below it (communes of a district).

    Done counts every session held inside the area in the year, linked to the plan or not;
    participants are the people marked present, hours the sessions' own hours.
    """
    total = PlanRow(scope)
    rows: dict[int, PlanRow] = {}

    def row_for(area: Area) -> PlanRow:
        below = _commune_of(area, scope)
        return rows.setdefault(below.id, PlanRow(below))

    for planned in planned_in(scope, period):
        r = PlanRow(planned.area)
        r.planned_sessions, r.planned_participants, r.planned_hours = 1, planned.target_participants, planned.hours
        row_for(planned.area).add(r)
        total.add(r)
    ts, at = sessions_table(), attendance_table()
    present = (
        sa.select(at.c.session_id, sa.func.count(sa.distinct(at.c.person_id)).label("n"))
        .group_by(at.c.session_id)
        .subquery("present")
    )
    held = db.session.execute(
        sa.select(Area, ts.c.hours, sa.func.coalesce(present.c.n, 0))
        .join(ts, ts.c.area_id == Area.id)
        .outerjoin(present, present.c.session_id == ts.c.id)
        .where(Area.path.startswith(scope.path), _in_year(ts.c.starts_at, period))
    ).all()
    for area, hours, count in held:
        r = PlanRow(area)
        r.held_sessions, r.participants, r.hours = 1, int(count), Decimal(hours or 0)
        row_for(area).add(r)
        total.add(r)
    ordered = sorted((r for r in rows.values() if r.area.id != scope.id), key=lambda r: r.area.path)
    return total, ordered
