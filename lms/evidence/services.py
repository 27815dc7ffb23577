"""Record evidence of learning; every change marks the person for recompute in the same transaction."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from lms.evidence.models import Evidence
from lms.extensions import db
from lms.people.models import Person
from lms.recompute.services import mark_dirty


def add_evidence(
    person: Person,
    *,
    kind: str,
    ref: str,
    when: date,
    category: str | None = None,
    hours: Decimal | float | None = None,
    level: str | None = None,
    points: Decimal | float | None = None,
    source: str = "online",
) -> Evidence:
    """Record one evidence item (idempotent on person, kind, ref and date) and mark the person dirty."""
    existing = db.session.scalar(
        sa.select(Evidence).where(
            Evidence.person_id == person.id, Evidence.kind == kind, Evidence.ref == ref, Evidence.date == when
        )
    )
    if existing is None:
        existing = Evidence(person_id=person.id, kind=kind, ref=ref, date=when)
        db.session.add(existing)
    existing.category, existing.level, existing.source = category, level, source
    existing.hours = Decimal(str(hours)) if hours is not None else None
    existing.points = Decimal(str(points)) if points is not None else None
    for period in affected_years(kind, category, when):
        mark_dirty("person", [person.id], period)
    db.session.flush()
    return existing


LASTING_CATEGORIES = ("digital_skill", "criteria_study")


def affected_years(kind: str, category: str | None, when: date) -> list[int]:
    """Return the years whose scores an evidence item can change.

    Its own year; and for a digital-skill or criteria-study course also every later year with a
    framework (the digital level and indicator I1 read evidence dated up to the end of the year).
    """
    from lms.criteria.services import periods_with_framework

    years = {when.year}
    if kind == "course" and category in LASTING_CATEGORIES:
        years.update(p for p in periods_with_framework() if p > when.year)
    return sorted(years)


def evidence_of(person_id: int, period: int) -> list[Evidence]:
    """Return a person's evidence that can count for the year (digital levels: up to its end)."""
    return list(
        db.session.scalars(
            sa.select(Evidence)
            .where(Evidence.person_id == person_id, Evidence.date <= date(period, 12, 31))
            .order_by(Evidence.date.desc(), Evidence.kind)
        )
    )


def set_group_entry(subject: str, subject_id: int, item: str, when: date, points: Decimal | float) -> None:
    """Enter the points of an `entered` group item for the year of `when` and mark the group dirty."""
    from lms.evidence.models import GroupEntry

    entry = db.session.get(GroupEntry, (subject, subject_id, item, when.year))
    if entry is None:
        entry = GroupEntry(subject=subject, subject_id=subject_id, item=item, period=when.year)
        db.session.add(entry)
    entry.date, entry.points = when, Decimal(str(points))
    mark_dirty(subject, [subject_id], when.year)
    db.session.flush()
