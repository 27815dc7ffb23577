"""Enrol, study and complete courses; a completion becomes `course` evidence in the same transaction."""

import secrets
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import Select

from courses.catalogue.models import Course, Enrolment, Lesson, LessonProgress
from courses.quizzes.models import Question, Quiz
from lms.bulk import among
from lms.evidence.services import add_evidence
from lms.extensions import db
from lms.people.models import Person
from lms.util import CODE_ALPHABET, fold, today_local, typed_code, utcnow

# certificate codes: 16 characters of Crockford's base32 (no I, L, O, U: nothing to misread on paper),
# 80 bits, printed in groups of four (ABCD-EFGH-JKMN-PQRS). Codes issued before (12 hex digits) still verify.
CODE_LENGTH = 16
CODE_GROUP = 4


def new_certificate_code() -> str:
    """Return a fresh verification code: 80 random bits as four groups of four characters."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, CODE_LENGTH, CODE_GROUP))


def canonical_code(text: str) -> str:
    """Return a typed or scanned code as it is stored: any case, spaces and dashes anywhere, O read as 0
    and I or L as 1; a code of the current length regrouped, an older one as it was issued ("" if none)."""
    raw = typed_code(text)
    if len(raw) == CODE_LENGTH:
        return "-".join(raw[i : i + CODE_GROUP] for i in range(0, CODE_LENGTH, CODE_GROUP))
    return raw[:32]


class EnrolmentError(ValueError):
    """A learner's action refused; the message is shown to the user (already translated)."""


def catalogue(query: str = "", category: str | None = None) -> Select[Course]:
    """Return published courses matching a diacritics-insensitive search and an optional category.

    Every word must appear in the title (either language), the code or the category's name; courses
    whose title holds the words come first.
    """
    stmt = sa.select(Course).where(Course.published.is_(True))
    words = fold(query).split()
    in_title: sa.ColumnElement[bool] = sa.true()
    for word in words:
        stmt = stmt.where(
            sa.or_(
                Course.search_folded.contains(word, autoescape=True),
                Course.title_folded.contains(word, autoescape=True),
            )
        )
        in_title = sa.and_(in_title, Course.title_folded.contains(word, autoescape=True))
    if category:
        stmt = stmt.where(Course.category == category)
    if words:
        stmt = stmt.order_by(sa.case((in_title, 0), else_=1))
    return stmt.order_by(Course.title_folded, Course.id)


def may_author(user: Any, course: Course) -> bool:
    """Return True when the user may edit the course (the trainer who created it, or an admin)."""
    return user.role == "admin" or (user.role == "trainer" and course.created_by_id == user.id)


def enrolment_of(person: Person, course: Course, include_left: bool = False) -> Enrolment | None:
    """Return the person's enrolment in the course (one they left only if asked), if any."""
    enrolment = db.session.scalar(
        sa.select(Enrolment).where(Enrolment.person_id == person.id, Enrolment.course_id == course.id)
    )
    if enrolment is not None and enrolment.left_at is not None and not include_left:
        return None
    return enrolment


def enrol(person: Person, course: Course) -> Enrolment:
    """Enrol the person (idempotent; enrolling again after leaving picks up where they stopped)."""
    existing = enrolment_of(person, course, include_left=True)
    if existing is None:
        existing = Enrolment(person_id=person.id, course_id=course.id)
        try:
            with db.session.begin_nested():
                db.session.add(existing)
        except IntegrityError:
            existing = enrolment_of(person, course, include_left=True)
            assert existing is not None
    existing.left_at = None
    db.session.flush()
    return existing


def leave(enrolment: Enrolment) -> None:
    """Leave a course not yet completed (progress and attempts are kept for a later return)."""
    if enrolment.completed_at is not None:
        raise EnrolmentError(_("Bạn đã hoàn thành khóa học này nên không thể rời khóa học."))
    enrolment.left_at = utcnow()
    db.session.flush()


def done_lessons(enrolment: Enrolment) -> set[int]:
    """Return the ids of the lessons the learner has marked done."""
    return set(
        db.session.scalars(sa.select(LessonProgress.lesson_id).where(LessonProgress.enrolment_id == enrolment.id))
    )


def quiz_requirement(course_id: Any) -> sa.ColumnElement[bool]:
    """Return an SQL test: the course has a quiz with at least one question."""
    return sa.select(Question.id).join(Quiz, Quiz.id == Question.quiz_id).where(Quiz.course_id == course_id).exists()


def requires_quiz(course: Course) -> bool:
    """Return True when passing the course's quiz is part of completing it."""
    return bool(db.session.scalar(sa.select(quiz_requirement(course.id))))


def percent_done(done: int, total: int, quiz: bool, quiz_passed: bool, completed: bool) -> int:
    """Return the progress percentage: lessons done plus the quiz as one more step."""
    if completed:
        return 100
    steps = total + (1 if quiz else 0)
    finished = done + (1 if quiz and quiz_passed else 0)
    return min(100, 100 * finished // steps) if steps else 0


def progress(enrolment: Enrolment, finished: set[int] | None = None, quiz: bool | None = None) -> dict[str, Any]:
    """Return {done, total, percent, quiz, quiz_passed, completed, steps, steps_done} for an enrolment.

    `steps` counts the lessons and the quiz, when the course has one, as one more step: the learner sees
    "3/4 bước" rather than "3/3 bài học" with 75 %. `finished`: done_lessons(enrolment), when the caller
    has read it; `quiz`: requires_quiz(enrolment.course), when the caller knows it."""
    lesson_ids = {lesson.id for lesson in enrolment.course.lessons}
    done = len((done_lessons(enrolment) if finished is None else finished) & lesson_ids)
    if quiz is None:
        quiz = requires_quiz(enrolment.course)
    passed = enrolment.quiz_passed_at is not None
    completed = enrolment.completed_at is not None
    return {
        "done": done,
        "total": len(lesson_ids),
        "percent": percent_done(done, len(lesson_ids), quiz, passed, completed),
        "quiz": quiz,
        "quiz_passed": passed,
        "completed": completed,
        "steps": len(lesson_ids) + (1 if quiz else 0),
        "steps_done": done + (1 if quiz and (passed or completed) else 0),
    }


def next_lesson(enrolment: Enrolment, finished: set[int] | None = None) -> Lesson | None:
    """Return the first lesson, in course order, the learner has not done yet (where to resume).
    `finished`: done_lessons(enrolment), when the caller has read it."""
    if finished is None:
        finished = done_lessons(enrolment)
    return next((lesson for lesson in enrolment.course.lessons if lesson.id not in finished), None)


def lock(enrolment: Enrolment) -> None:
    """Lock the enrolment row for this transaction and reload it: progress changes of one learner in one
    course run one after the other.

    Take it before writing anything that refers to the enrolment: inserting a row with a foreign key to
    it takes a share lock, and two transactions upgrading their share locks would deadlock.
    """
    db.session.flush()
    db.session.refresh(enrolment, with_for_update=True)


def mark_lesson_done(enrolment: Enrolment, lesson: Lesson) -> bool:
    """Mark a lesson done; complete the course if that was the last step. Return True on completion."""
    if lesson.course_id != enrolment.course_id:
        raise ValueError("lesson of another course")
    lock(enrolment)
    if lesson.id not in done_lessons(enrolment):
        try:
            with db.session.begin_nested():
                db.session.add(LessonProgress(enrolment_id=enrolment.id, lesson_id=lesson.id))
        except IntegrityError:
            pass  # a concurrent request marked it: same result
    return complete_if_ready(enrolment)


def ready_to_complete(enrolment: Enrolment) -> bool:
    """Return True when every lesson is done and the quiz, if the course has one, is passed."""
    lessons = {lesson.id for lesson in enrolment.course.lessons}
    if not lessons or not done_lessons(enrolment) >= lessons:
        return False
    return enrolment.quiz_passed_at is not None or not requires_quiz(enrolment.course)


def complete_if_ready(enrolment: Enrolment) -> bool:
    """Complete the enrolment once the rule holds; exactly one of concurrent callers wins.

    The enrolment row is locked (callers lock it before their own writes), so progress recorded by a
    concurrent request (another lesson, the quiz) is committed and visible before the rule is checked:
    no completion is missed. The conditional UPDATE is the claim (and the guard on databases without
    row locks): the evidence is recorded once. Return True for the winner.
    """
    lock(enrolment)
    if enrolment.completed_at is not None or not ready_to_complete(enrolment):
        return False
    claimed = db.session.execute(  # type: ignore[attr-defined]
        sa.update(Enrolment)
        .where(Enrolment.id == enrolment.id, Enrolment.completed_at.is_(None))
        .values(completed_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(enrolment)
    if claimed != 1:
        return False
    record_completion(enrolment)
    return True


def record_completion(enrolment: Enrolment) -> None:
    """Mark the enrolment complete, issue its certificate code and record the evidence."""
    now = utcnow()
    course = enrolment.course
    enrolment.completed_at = enrolment.completed_at or now
    enrolment.completed_hours = course.hours
    enrolment.certificate_code = enrolment.certificate_code or new_certificate_code()
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
    """Return the completed enrolment behind a verification code (as typed: see canonical_code)."""
    wanted = canonical_code(code)
    if not wanted:
        return None
    return db.session.scalar(
        sa.select(Enrolment).where(Enrolment.certificate_code == wanted, Enrolment.completed_at.is_not(None))
    )


def course_lookup(codes: set[str]) -> dict[str, dict[str, Any]]:
    """Return {code: {category, hours, level}} for catalogue courses (used by the evidence import)."""
    if not codes:
        return {}
    rows = db.session.execute(
        sa.select(Course.code, Course.category, Course.hours, Course.digital_level).where(among(Course.code, codes))
    )
    return {code: {"category": cat, "hours": hours, "level": level} for code, cat, hours, level in rows}
