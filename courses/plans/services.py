"""Save a learning plan; its first save in a year records the `plan` evidence the criteria read."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from courses.catalogue.models import Course
from courses.plans.models import LearningPlan
from lms.evidence.models import Evidence
from lms.evidence.services import add_evidence
from lms.extensions import db
from lms.people.models import Person
from lms.util import today_local, utcnow


def plan_of(person: Person, period: int) -> LearningPlan | None:
    """Return the person's plan for the year, if any."""
    return db.session.scalar(
        sa.select(LearningPlan).where(LearningPlan.person_id == person.id, LearningPlan.period == period)
    )


def plannable_courses() -> list[Course]:
    """Return the published catalogue courses a plan may include, by category and title."""
    return list(
        db.session.scalars(
            sa.select(Course).where(Course.published.is_(True)).order_by(Course.category, Course.title_folded)
        )
    )


def evidence_date(period: int, today: date) -> date:
    """Return the date of the plan evidence: today, kept inside the plan's year."""
    if today.year == period:
        return today
    return date(period, 1, 1) if today.year < period else date(period, 12, 31)


def _has_plan_evidence(person: Person, period: int) -> bool:
    return (
        db.session.scalar(
            sa.select(sa.func.count()).where(
                Evidence.person_id == person.id,
                Evidence.kind == "plan",
                Evidence.date.between(date(period, 1, 1), date(period, 12, 31)),
            )
        )
        or 0
    ) > 0


def save_plan(
    person: Person, period: int, course_ids: list[int], goals: str, today: date | None = None
) -> LearningPlan:
    """Create or update the person's plan for the year (one per person and year) and record its evidence once."""
    plan = plan_of(person, period)
    if plan is None:
        plan = LearningPlan(person_id=person.id, period=period)
        try:
            with db.session.begin_nested():
                db.session.add(plan)
        except IntegrityError:  # saved at the same moment from another tab
            plan = plan_of(person, period)
            assert plan is not None
    wanted = set(course_ids)
    plan.courses = (
        list(db.session.scalars(sa.select(Course).where(Course.id.in_(wanted), Course.published.is_(True))))
        if wanted
        else []
    )
    plan.goals = goals.strip()
    plan.updated_at = utcnow()
    if not _has_plan_evidence(person, period):
        add_evidence(person, kind="plan", ref="", when=evidence_date(period, today or today_local()), source="online")
    db.session.flush()
    return plan
