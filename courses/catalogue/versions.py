"""Versions of what the course pages show, for the page cache (lms.pagecache).

A course's `updated_at` is its content version: the course row's own updates set it (onupdate), and
the listener below sets it whenever a lesson, lesson file, quiz, question or choice of the course is
added, changed or deleted through the ORM (every authoring service does so).
"""

from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from courses.catalogue.models import Course, Enrolment, Lesson, LessonFile, LessonProgress
from lms.util import utcnow


def _course_id_of(obj: Any) -> int | None:
    from courses.quizzes.models import Choice, Question, Quiz

    if isinstance(obj, Lesson | Quiz):
        return obj.course_id or (obj.course.id if obj.course is not None else None)
    if isinstance(obj, LessonFile):
        lesson = obj.lesson
        return lesson.course_id if lesson is not None else None
    if isinstance(obj, Question):
        return _course_id_of(obj.quiz) if obj.quiz is not None else None
    if isinstance(obj, Choice):
        return _course_id_of(obj.question) if obj.question is not None else None
    return None


def touch_courses(session: Session, _context: Any, _instances: Any) -> None:
    """Before a flush: give every course whose content changes a new updated_at."""
    from courses.quizzes.models import Choice, Question, Quiz

    kinds = (Lesson, LessonFile, Quiz, Question, Choice)
    changed = [o for o in (*session.new, *session.dirty, *session.deleted) if isinstance(o, kinds)]
    if not changed:
        return
    with session.no_autoflush:
        ids = {i for o in changed if (i := _course_id_of(o)) is not None}
        for course_id in ids:
            course = session.get(Course, course_id)
            if course is not None:
                course.updated_at = utcnow()


sa.event.listen(Session, "before_flush", touch_courses)


def version_parts(person_id: Any) -> list[Any]:
    """Scalar subqueries of a learner's enrolments and progress, and of the catalogue (the record page)."""
    mine = Enrolment.person_id == person_id
    from lms.pagecache import packed

    return [
        sa.select(
            packed(
                sa.func.count(Enrolment.id),
                sa.func.max(Enrolment.enrolled_at),
                sa.func.max(Enrolment.left_at),
                sa.func.max(Enrolment.completed_at),
                sa.func.max(Enrolment.quiz_passed_at),
            )
        )
        .where(mine)
        .scalar_subquery(),
        sa.select(sa.func.count())
        .select_from(LessonProgress)
        .join(Enrolment, Enrolment.id == LessonProgress.enrolment_id)
        .where(mine)
        .scalar_subquery(),
        sa.select(sa.func.max(Course.updated_at)).scalar_subquery(),
        sa.select(sa.func.count(Course.id)).scalar_subquery(),
    ]


@cache
def course_version_stmt() -> sa.Select[Any]:
    """One statement: the published course with this code (id, updated_at) and the learner's state in it:
    the enrolment row, lessons done and quiz attempts. Parameters: code, person_id (0 for none)."""
    from courses.quizzes.models import Attempt

    code: sa.BindParameter[str] = sa.bindparam("code")
    person_id: sa.BindParameter[int] = sa.bindparam("person_id")
    course_id = sa.select(Course.id).where(Course.code == code, Course.published.is_(True)).scalar_subquery()
    enrolment = sa.and_(Enrolment.person_id == person_id, Enrolment.course_id == course_id)
    enrolment_id = sa.select(Enrolment.id).where(enrolment).scalar_subquery()
    from lms.pagecache import packed

    return sa.select(  # one read of each row or scan (lms.pagecache.packed)
        course_id,
        sa.select(Course.updated_at).where(Course.id == course_id).scalar_subquery(),
        sa.select(
            packed(
                Enrolment.id,
                Enrolment.left_at,
                Enrolment.quiz_passed_at,
                Enrolment.completed_at,
                Enrolment.certificate_code,
            )
        )
        .where(enrolment)
        .scalar_subquery(),
        sa.select(packed(sa.func.count(), sa.func.max(LessonProgress.done_at)))
        .select_from(LessonProgress)
        .where(LessonProgress.enrolment_id == enrolment_id)
        .scalar_subquery(),
        sa.select(packed(sa.func.count(Attempt.id), sa.func.max(Attempt.id), sa.func.max(Attempt.submitted_at)))
        .where(Attempt.enrolment_id == enrolment_id)
        .scalar_subquery(),
    )
