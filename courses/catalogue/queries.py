"""Read-only queries the lms side uses through app.extensions["learning"] (lms never imports courses)."""

from typing import Any

import sqlalchemy as sa
from flask.sansio.app import App

from courses.catalogue.models import Course, Enrolment, Lesson, LessonProgress
from courses.catalogue.services import catalogue, percent_done, quiz_requirement
from courses.catalogue.versions import version_parts
from lms.extensions import db


def enrolments_of(person_id: int) -> list[dict[str, Any]]:
    """Return a learner's current enrolments, newest first, with lessons done, total, quiz and certificate."""
    total = sa.select(sa.func.count(Lesson.id)).where(Lesson.course_id == Enrolment.course_id).scalar_subquery()
    done = (
        sa.select(sa.func.count())
        .select_from(LessonProgress)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.enrolment_id == Enrolment.id, Lesson.course_id == Enrolment.course_id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Enrolment, Course, total, done, quiz_requirement(Enrolment.course_id))
        .join(Course, Course.id == Enrolment.course_id)
        .where(Enrolment.person_id == person_id, Enrolment.left_at.is_(None))
        .order_by(Enrolment.completed_at.is_not(None), Enrolment.enrolled_at.desc())
    ).all()
    out = []
    for enrolment, course, n_total, n_done, has_quiz in rows:
        completed = enrolment.completed_at is not None
        out.append(
            {
                "enrolment": enrolment,
                "course": course,
                "enrolled_at": enrolment.enrolled_at,
                "completed_at": enrolment.completed_at,
                "certificate_code": enrolment.certificate_code,
                "done": n_done,
                "total": n_total,
                "quiz": bool(has_quiz),
                "quiz_passed": enrolment.quiz_passed_at is not None,
                "percent": percent_done(
                    n_done, n_total, bool(has_quiz), enrolment.quiz_passed_at is not None, completed
                ),
            }
        )
    return out


def courses_by_code(codes: set[str]) -> dict[str, Course]:
    """Return the catalogue courses with these codes."""
    if not codes:
        return {}
    return {c.code: c for c in db.session.scalars(sa.select(Course).where(Course.code.in_(codes)))}


def suggestions(categories: set[str], exclude_person_id: int | None = None, limit: int = 3) -> list[Course]:
    """Return a few published courses of these categories the person is not enrolled in yet."""
    if not categories:
        return []
    query = sa.select(Course).where(Course.published.is_(True), Course.category.in_(categories))
    if exclude_person_id is not None:
        taken = sa.select(Enrolment.course_id).where(Enrolment.person_id == exclude_person_id)
        query = query.where(Course.id.not_in(taken))
    return list(db.session.scalars(query.order_by(Course.title_folded).limit(limit)))


def catalogue_page(query: str, category: str | None, page: int, per_page: int) -> dict[str, Any]:
    """Return one page of the public catalogue as plain data (the JSON API's shape)."""
    stmt = catalogue(query, category)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())) or 0
    lessons = (
        sa.select(sa.func.count(Lesson.id)).where(Lesson.course_id == Course.id).correlate(Course).scalar_subquery()
    )
    rows = db.session.execute(stmt.add_columns(lessons).limit(per_page).offset((page - 1) * per_page)).all()
    return {
        "courses": [
            {
                "code": course.code,
                "title": course.title,
                "title_en": course.title_en or None,
                "category": course.category,
                "hours": float(course.hours or 0),
                "digital_level": course.digital_level,
                "lessons": n_lessons,
            }
            for course, n_lessons in rows
        ],
        "page": page,
        "per_page": per_page,
        "total": total,
    }


def install(app: App) -> None:
    """Offer these queries to the lms side (the learning record page)."""
    app.extensions["learning"] = {
        "enrolments_of": enrolments_of,
        "courses_by_code": courses_by_code,
        "suggestions": suggestions,
        "version_parts": version_parts,
    }
    app.extensions["course_catalogue"] = catalogue_page
