"""The nightly drift check: snapshot the incrementally maintained results, run a clean full recompute,
and report every row that differs. Zero drift is the expected outcome."""

from typing import Any

import sqlalchemy as sa

from lms.criteria.engine import PERSON_RESULT_VALUES
from lms.criteria.models import GroupResult, PersonResult
from lms.extensions import db
from lms.indicators.models import FIGURE_COLUMNS, AreaIndicator
from lms.recompute.models import DriftReport, DriftSnapshot
from lms.recompute.services import drain_batch, run_full_recompute

snap = DriftSnapshot.__table__
SAMPLE_SIZE = 20

# table name → (model, key columns, value columns)
COMPARED: dict[str, tuple[Any, tuple[str, ...], tuple[str, ...]]] = {
    "person_result": (PersonResult, ("person_id",), PERSON_RESULT_VALUES),
    "group_result": (GroupResult, ("kind", "subject_id"), ("total", "attained", "items")),
    "area_indicator": (AreaIndicator, ("area_id",), FIGURE_COLUMNS),
}


def _text(table: sa.Table, columns: tuple[str, ...]) -> Any:
    parts = [sa.func.coalesce(sa.cast(table.c[c], sa.String), "∅") for c in columns]
    expr: sa.ColumnElement[str] = parts[0]
    for part in parts[1:]:
        expr = expr + "|" + part
    return expr


def _current(name: str, period: int) -> sa.Select[Any]:
    model, keys, values = COMPARED[name]
    table = model.__table__
    return sa.select(_text(table, keys).label("key"), _text(table, values).label("value")).where(
        table.c.period == period
    )


def take_snapshot(period: int) -> None:
    """Store the current results of the year as text rows (one statement per table)."""
    db.session.execute(snap.delete().where(snap.c.period == period))
    for name in COMPARED:
        current = _current(name, period).subquery()
        db.session.execute(
            snap.insert().from_select(
                ["period", "table_name", "key", "value"],
                sa.select(sa.literal(period), sa.literal(name), current.c.key, current.c.value),
            )
        )


def compare_with_snapshot(period: int) -> dict[str, Any]:
    """Return {table: {"differences": n, "sample": [keys]}} between the snapshot and the current results."""
    details: dict[str, Any] = {}
    for name in COMPARED:
        stored = sa.select(snap.c.key, snap.c.value).where(snap.c.period == period, snap.c.table_name == name)
        current = _current(name, period)
        gone = sa.except_(stored, current).subquery()
        new = sa.except_(current, stored).subquery()
        keys = sa.union(sa.select(gone.c.key), sa.select(new.c.key)).subquery()
        count = db.session.scalar(sa.select(sa.func.count()).select_from(keys)) or 0
        sample = list(db.session.scalars(sa.select(keys.c.key).order_by(keys.c.key).limit(SAMPLE_SIZE)))
        details[name] = {"differences": count, "sample": sample}
    return details


def drift_check(period: int) -> DriftReport:
    """Drain the outbox, snapshot, run a clean full recompute and store the drift report."""
    while drain_batch():
        db.session.commit()
    take_snapshot(period)
    db.session.commit()
    run_full_recompute(period, None)
    details = compare_with_snapshot(period)
    db.session.execute(snap.delete().where(snap.c.period == period))
    report = DriftReport(period=period, differences=sum(d["differences"] for d in details.values()), details=details)
    db.session.add(report)
    db.session.commit()
    return report
