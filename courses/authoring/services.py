"""Trainers author their own courses: details, cover, ordered lessons with video links and files, publishing.

Editing a published course never touches enrolments, progress, certificates or evidence: completions
already earned stay as they were (the certificate keeps the hours it was issued with).
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload
from sqlalchemy.sql import Select
from werkzeug.datastructures import FileStorage

from courses.catalogue.covers import store_cover
from courses.catalogue.markup import normalise_video_url
from courses.catalogue.models import CATEGORIES, DIGITAL_LEVELS, Course, Enrolment, Lesson, LessonFile, LessonProgress
from courses.catalogue.services import percent_done, quiz_requirement
from courses.quizzes.models import Quiz
from courses.quizzes.services import best_scores
from lms.auth.models import User
from lms.extensions import db
from lms.uploads.services import store_upload


class CourseError(ValueError):
    """An authoring action refused; the message is shown to the user (already translated)."""


@dataclass
class CourseInput:
    """What the course form carries."""

    code: str
    title: str
    title_en: str
    description: str
    description_en: str
    category: str
    hours: Decimal
    digital_level: str | None


@dataclass
class LessonInput:
    """What the lesson form carries."""

    module: str
    title: str
    body: str
    video_url: str


def courses_of(user: User) -> Select[Course]:
    """Return the courses a user may author: a trainer's own, every course for an admin."""
    stmt = sa.select(Course).order_by(Course.published, Course.title_folded)
    if user.role != "admin":
        stmt = stmt.where(Course.created_by_id == user.id)
    return stmt


def has_learners(course: Course) -> bool:
    """Return True once anyone has enrolled (the code is then fixed: evidence refers to it)."""
    return bool(db.session.scalar(sa.select(sa.exists().where(Enrolment.course_id == course.id))))


def _apply(course: Course, data: CourseInput) -> None:
    if data.category not in CATEGORIES:
        raise CourseError(_("Lựa chọn không hợp lệ."))
    level = data.digital_level or None
    if data.category == "digital_skill":
        if level not in DIGITAL_LEVELS:
            raise CourseError(_("Khóa học kỹ năng số cần chọn mức độ (cơ bản hoặc thành thạo)."))
    else:
        level = None
    course.title, course.title_en = data.title.strip(), data.title_en.strip()
    course.description, course.description_en = data.description.strip(), data.description_en.strip()
    course.category, course.hours, course.digital_level = data.category, data.hours, level


def _code_taken(code: str, course: Course | None = None) -> bool:
    stmt = sa.select(Course.id).where(Course.code == code)
    if course is not None and course.id is not None:
        stmt = stmt.where(Course.id != course.id)
    return db.session.scalar(stmt) is not None


def create_course(author: User, data: CourseInput) -> Course:
    """Create a draft course owned by the author."""
    code = data.code.strip().upper()
    if _code_taken(code):
        raise CourseError(_("Mã khóa học %(code)s đã có.", code=code))
    course = Course(code=code, published=False, created_by_id=author.id)
    _apply(course, data)
    db.session.add(course)
    db.session.flush()
    return course


def update_course(course: Course, data: CourseInput) -> None:
    """Change a course's details; its code only while nobody has enrolled."""
    code = data.code.strip().upper()
    if code != course.code:
        if has_learners(course):
            raise CourseError(_("Không thể đổi mã khóa học đã có người ghi danh."))
        if _code_taken(code, course):
            raise CourseError(_("Mã khóa học %(code)s đã có.", code=code))
        course.code = code
    _apply(course, data)
    db.session.flush()


def set_cover(course: Course, upload: FileStorage | None) -> None:
    """Replace the cover picture with an uploaded one (checked and re-encoded), or remove it."""
    course.cover_sha256 = store_cover(upload) if upload is not None else None
    db.session.flush()


def publish(course: Course, published: bool) -> None:
    """Publish a course (it needs at least one lesson) or take it back to draft."""
    if published and not course.lessons:
        raise CourseError(_("Khóa học cần ít nhất một bài học trước khi xuất bản."))
    course.published = published
    db.session.flush()


# ---- lessons --------------------------------------------------------------------------------------
def _apply_lesson(lesson: Lesson, data: LessonInput) -> None:
    video = None
    if data.video_url.strip():
        video = normalise_video_url(data.video_url)
        if video is None:
            raise CourseError(_("Đường dẫn video phải là một video YouTube hoặc Vimeo (https)."))
    lesson.module, lesson.title, lesson.body = data.module.strip(), data.title.strip(), data.body.strip()
    lesson.video_url = video


def add_lesson(course: Course, data: LessonInput) -> Lesson:
    """Append a lesson to the course."""
    lesson = Lesson(course_id=course.id, position=max((x.position for x in course.lessons), default=0) + 1)
    _apply_lesson(lesson, data)
    course.lessons.append(lesson)
    db.session.flush()
    return lesson


def update_lesson(lesson: Lesson, data: LessonInput) -> None:
    """Change a lesson (learners who marked it done keep it done)."""
    _apply_lesson(lesson, data)
    db.session.flush()


def delete_lesson(lesson: Lesson) -> None:
    """Remove a lesson and its files; a published course keeps at least one lesson."""
    course = lesson.course
    if course.published and len(course.lessons) <= 1:
        raise CourseError(_("Khóa học đã xuất bản cần ít nhất một bài học."))
    course.lessons.remove(lesson)
    db.session.flush()
    _renumber(course)


def _renumber(course: Course) -> None:
    for n, item in enumerate(sorted(course.lessons, key=lambda x: (x.position, x.id)), start=1):
        item.position = n
    db.session.flush()


def move_lesson(lesson: Lesson, direction: str) -> None:
    """Move a lesson one place up or down."""
    course = lesson.course
    ordered = sorted(course.lessons, key=lambda x: (x.position, x.id))
    here = ordered.index(lesson)
    there = here - 1 if direction == "up" else here + 1
    if direction not in ("up", "down") or not 0 <= there < len(ordered):
        return
    ordered[here], ordered[there] = ordered[there], ordered[here]
    for n, item in enumerate(ordered, start=1):
        item.position = n
    db.session.flush()
    db.session.expire(course, ["lessons"])


def attach_file(lesson: Lesson, upload: FileStorage) -> LessonFile:
    """Store an uploaded file (type checked by content) and attach it to the lesson."""
    stored = store_upload(upload)
    attached = LessonFile(
        lesson_id=lesson.id, name=stored.name, sha256=stored.sha256, kind=stored.kind, size=stored.size
    )
    db.session.add(attached)
    db.session.flush()
    return attached


def detach_file(attached: LessonFile) -> None:
    """Remove a file from its lesson (the stored bytes may be shared by another lesson: they stay)."""
    db.session.delete(attached)
    db.session.flush()


def module_names(course: Course) -> list[str]:
    """Return the course's module names in order (for the lesson form's suggestions)."""
    seen: list[str] = []
    for lesson in course.lessons:
        if lesson.module and lesson.module not in seen:
            seen.append(lesson.module)
    return seen


# ---- learners -------------------------------------------------------------------------------------
def learners(course: Course) -> Select[Enrolment]:
    """Return the course's enrolments, newest first (to paginate), people loaded with them."""
    return (
        sa.select(Enrolment)
        .options(selectinload(Enrolment.person))
        .where(Enrolment.course_id == course.id)
        .order_by(Enrolment.enrolled_at.desc(), Enrolment.id.desc())
    )


def course_summary(course: Course) -> dict[str, Any]:
    """Return the numbers of the trainer's course page: learners, completions, quiz questions."""
    counts = db.session.execute(
        sa.select(
            sa.func.count(Enrolment.id).filter(Enrolment.left_at.is_(None)),
            sa.func.count(Enrolment.completed_at),
        ).where(Enrolment.course_id == course.id)
    ).one()
    quiz = db.session.scalar(sa.select(Quiz).where(Quiz.course_id == course.id))
    return {
        "learners": counts[0],
        "completed": counts[1],
        "quiz": quiz,
        "questions": len(quiz.questions) if quiz else 0,
        "has_quiz": bool(db.session.scalar(sa.select(quiz_requirement(course.id)))),
    }


def learner_rows(course: Course, enrolments: list[Enrolment], has_quiz: bool) -> list[dict[str, Any]]:
    """Turn a page of enrolments into what the trainer sees: lessons done, quiz attempts, completion."""
    ids = [enrolment.id for enrolment in enrolments]
    done = dict(
        db.session.execute(
            sa.select(LessonProgress.enrolment_id, sa.func.count())
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .where(LessonProgress.enrolment_id.in_(ids), Lesson.course_id == course.id)
            .group_by(LessonProgress.enrolment_id)
        ).all()
    )
    scores = best_scores(ids)
    total = len(course.lessons)
    out = []
    for enrolment in enrolments:
        attempts, best, best_total = scores.get(enrolment.id, (0, -1, 0))
        n_done = done.get(enrolment.id, 0)
        out.append(
            {
                "enrolment": enrolment,
                "person": enrolment.person,
                "done": n_done,
                "total": total,
                "percent": percent_done(
                    n_done, total, has_quiz, enrolment.quiz_passed_at is not None, enrolment.completed_at is not None
                ),
                "attempts": attempts,
                "best": (best, best_total) if best >= 0 else None,
            }
        )
    return out
