"""Enrol, study and complete courses; a completion becomes `course` evidence in the same transaction."""

import secrets
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import Select

from courses.catalogue.models import Course, Enrolment, Lesson, LessonProgress
from lms.evidence.services import add_evidence
from lms.extensions import db
from lms.people.models import Person
from lms.util import fold, today_local, utcnow


def catalogue(query: str = "", category: str | None = None) -> Select[tuple[Course]]:
    """Return published courses matching a diacritics-insensitive search and an optional category."""
    stmt = sa.select(Course).where(Course.published.is_(True)).order_by(Course.title_folded)
    if query:
        for word in fold(query).split():
            stmt = stmt.where(Course.title_folded.contains(word, autoescape=True))
    if category:
        stmt = stmt.where(Course.category == category)
    return stmt


def enrolment_of(person: Person, course: Course) -> Enrolment | None:
    """Return the person's enrolment in the course, if any."""
    return db.session.scalar(
        sa.select(Enrolment).where(Enrolment.person_id == person.id, Enrolment.course_id == course.id)
    )


def enrol(person: Person, course: Course) -> Enrolment:
    """Enrol the person (idempotent: a second enrolment returns the first)."""
    existing = enrolment_of(person, course)
    if existing is not None:
        return existing
    enrolment = Enrolment(person_id=person.id, course_id=course.id)
    try:
        with db.session.begin_nested():
            db.session.add(enrolment)
    except IntegrityError:
        found = enrolment_of(person, course)
        assert found is not None
        return found
    return enrolment


def done_lessons(enrolment: Enrolment) -> set[int]:
    """Return the ids of the lessons the learner has marked done."""
    return set(
        db.session.scalars(sa.select(LessonProgress.lesson_id).where(LessonProgress.enrolment_id == enrolment.id))
    )


def progress(enrolment: Enrolment) -> dict[str, Any]:
    """Return {done, total, percent} for an enrolment."""
    total = len(enrolment.course.lessons)
    done = len(done_lessons(enrolment))
    return {"done": done, "total": total, "percent": round(100 * done / total) if total else 100}


def mark_lesson_done(enrolment: Enrolment, lesson: Lesson) -> bool:
    """Mark a lesson done; complete the course when every lesson is done. Return True on completion."""
    if lesson.course_id != enrolment.course_id:
        raise ValueError("lesson of another course")
    if lesson.id not in done_lessons(enrolment):
        try:
            with db.session.begin_nested():
                db.session.add(LessonProgress(enrolment_id=enrolment.id, lesson_id=lesson.id))
        except IntegrityError:
            pass
    if enrolment.completed_at is None and done_lessons(enrolment) >= {lesson.id for lesson in enrolment.course.lessons}:
        record_completion(enrolment)
        return True
    return False


def record_completion(enrolment: Enrolment) -> None:
    """Mark the enrolment complete, issue its certificate code and record the evidence."""
    now = utcnow()
    enrolment.completed_at = now
    enrolment.certificate_code = enrolment.certificate_code or secrets.token_hex(6).upper()
    course = enrolment.course
    add_evidence(
        enrolment.person,
        kind="course",
        ref=course.code,
        when=today_local(),
        category=course.category,
        hours=course.hours,
        level=course.digital_level if course.category == "digital_skill" else None,
        source="online",
    )
    db.session.flush()


def certificate(code: str) -> Enrolment | None:
    """Return the completed enrolment behind a verification code."""
    return db.session.scalar(
        sa.select(Enrolment).where(Enrolment.certificate_code == code.upper(), Enrolment.completed_at.is_not(None))
    )


def course_lookup(codes: set[str]) -> dict[str, dict[str, Any]]:
    """Return {code: {category, hours, level}} for catalogue courses (used by the evidence import)."""
    if not codes:
        return {}
    rows = db.session.execute(
        sa.select(Course.code, Course.category, Course.hours, Course.digital_level).where(Course.code.in_(codes))
    )
    return {code: {"category": cat, "hours": hours, "level": level} for code, cat, hours, level in rows}
