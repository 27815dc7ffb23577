"""The course catalogue: courses, lessons, enrolments and lesson progress."""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.people.models import Person
from lms.util import utcnow

CATEGORIES = (
    "digital_skill",
    "foreign_language",
    "numeracy",
    "law",
    "health",
    "agriculture",
    "vocational",
    "culture_society",
    "criteria_study",
)


class Course(db.Model):
    """A course of the catalogue; completing it is `course` evidence."""

    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    title_folded: Mapped[str] = mapped_column(sa.String(200), default="", index=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    category: Mapped[str] = mapped_column(sa.String(32), index=True)
    hours: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2), default=0)
    digital_level: Mapped[str | None] = mapped_column(sa.String(16))
    published: Mapped[bool] = mapped_column(default=True)

    lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="course", order_by="Lesson.position", cascade="all, delete-orphan"
    )


class Lesson(db.Model):
    """One lesson of a course, in order."""

    __tablename__ = "lesson"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")

    course: Mapped[Course] = relationship(back_populates="lessons")


class Enrolment(db.Model):
    """A person's enrolment in a course (ghi danh), completed when every lesson is done."""

    __tablename__ = "enrolment"
    __table_args__ = (sa.UniqueConstraint("person_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    certificate_code: Mapped[str | None] = mapped_column(sa.String(32), unique=True)

    person: Mapped[Person] = relationship()
    course: Mapped[Course] = relationship()


class LessonProgress(db.Model):
    """A lesson a learner has marked done."""

    __tablename__ = "lesson_progress"

    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id", ondelete="CASCADE"), primary_key=True)
    lesson_id: Mapped[int] = mapped_column(sa.ForeignKey("lesson.id", ondelete="CASCADE"), primary_key=True)
    done_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
