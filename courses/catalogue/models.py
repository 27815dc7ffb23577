"""The course catalogue: courses, lessons and their files, enrolments and lesson progress."""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.evidence.models import COURSE_CATEGORIES as CATEGORIES  # noqa: F401  (re-exported)
from lms.extensions import Model
from lms.people.models import Person
from lms.util import fold, utcnow

DIGITAL_LEVELS = ("basic", "proficient")
# search words for each category (both languages), folded into every course's search text
CATEGORY_KEYWORDS = {
    "digital_skill": "kỹ năng số công nghệ số tin học digital skills",
    "foreign_language": "ngoại ngữ tiếng anh foreign language english",
    "numeracy": "kỹ năng tính toán toán học numeracy",
    "law": "pháp luật luật law",
    "health": "sức khỏe y tế health",
    "agriculture": "nông nghiệp trồng trọt chăn nuôi agriculture farming",
    "vocational": "nghề nghiệp học nghề vocational",
    "culture_society": "văn hóa xã hội culture society",
    "criteria_study": "tiêu chí công dân học tập criteria learning citizen",
}


class Course(Model):
    """A course of the catalogue; completing it is `course` evidence. Trainers author their own."""

    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    title_folded: Mapped[str] = mapped_column(sa.String(200), default="", index=True)
    search_folded: Mapped[str] = mapped_column(sa.Text, default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    category: Mapped[str] = mapped_column(sa.String(32), index=True)
    hours: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2), default=0)
    digital_level: Mapped[str | None] = mapped_column(sa.String(16))
    published: Mapped[bool] = mapped_column(default=True)
    cover_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="course", order_by="Lesson.position", cascade="all, delete-orphan"
    )


@sa.event.listens_for(Course, "before_insert")
@sa.event.listens_for(Course, "before_update")
def _fold_for_search(_mapper: object, _connection: object, course: Course) -> None:
    """Keep the folded title and search text in step with the course, whoever writes it."""
    course.title_folded = fold(course.title)[:200]
    words = (course.code, course.title, course.title_en, CATEGORY_KEYWORDS.get(course.category, ""))
    course.search_folded = fold(" ".join(w for w in words if w))


class Lesson(Model):
    """One lesson of a course, in order; `module` names the part of the course it belongs to."""

    __tablename__ = "lesson"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    module: Mapped[str] = mapped_column(sa.String(120), default="")
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    video_url: Mapped[str | None] = mapped_column(sa.String(300))

    course: Mapped[Course] = relationship(back_populates="lessons")
    files: Mapped[list["LessonFile"]] = relationship(
        back_populates="lesson", order_by="LessonFile.id", cascade="all, delete-orphan"
    )


class LessonFile(Model):
    """A file attached to a lesson, stored outside static/ under its content hash (lms.uploads)."""

    __tablename__ = "lesson_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(sa.ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(16))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    lesson: Mapped[Lesson] = relationship(back_populates="files")


class Enrolment(Model):
    """A person's enrolment in a course (ghi danh); completed when every lesson is done and the quiz passed.

    Leaving keeps the row (`left_at`): progress and quiz attempts survive a later re-enrolment.
    """

    __tablename__ = "enrolment"
    __table_args__ = (sa.UniqueConstraint("person_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    quiz_passed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    completed_hours: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 2))
    certificate_code: Mapped[str | None] = mapped_column(sa.String(32), unique=True)

    person: Mapped[Person] = relationship()
    course: Mapped[Course] = relationship()


class LessonProgress(Model):
    """A lesson a learner has marked done."""

    __tablename__ = "lesson_progress"

    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id", ondelete="CASCADE"), primary_key=True)
    lesson_id: Mapped[int] = mapped_column(sa.ForeignKey("lesson.id", ondelete="CASCADE"), primary_key=True)
    done_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
