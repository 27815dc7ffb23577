"""Quizzes: a question bank per course, and each learner's attempts with the order they were shown."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.catalogue.models import Course, Enrolment
from lms.extensions import Model
from lms.util import utcnow

QUESTION_KINDS = ("single", "multiple")
# when a learner sees the right answers of a submitted attempt: once the quiz is passed or no attempt is
# left ("done", the default), after every attempt ("each"), or never (only right or wrong per question)
REVEAL_CHOICES = ("done", "each", "never")


class Quiz(Model):
    """A course's quiz settings; the course has a quiz when its bank holds at least one question."""

    __tablename__ = "quiz"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"), unique=True)
    pass_mark: Mapped[int] = mapped_column(default=70)  # percent of the questions answered right
    max_attempts: Mapped[int] = mapped_column(default=3)  # 0: unlimited
    questions_per_attempt: Mapped[int] = mapped_column(default=0)  # 0: the whole bank
    reveal_answers: Mapped[str] = mapped_column(sa.String(8), default="done", server_default="done")

    course: Mapped[Course] = relationship()
    questions: Mapped[list["Question"]] = relationship(
        back_populates="quiz", order_by="Question.position", cascade="all, delete-orphan"
    )


class Question(Model):
    """A single- or multiple-choice question of the bank."""

    __tablename__ = "quiz_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(sa.String(16), default="single")
    text: Mapped[str] = mapped_column(sa.Text)
    explanation: Mapped[str] = mapped_column(sa.Text, default="")

    quiz: Mapped[Quiz] = relationship(back_populates="questions")
    choices: Mapped[list["Choice"]] = relationship(
        back_populates="question", order_by="Choice.position", cascade="all, delete-orphan"
    )


class Choice(Model):
    """One answer a question offers."""

    __tablename__ = "quiz_choice"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz_question.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(sa.String(500))
    correct: Mapped[bool] = mapped_column(default=False)

    question: Mapped[Question] = relationship(back_populates="choices")


class Attempt(Model):
    """One attempt: the questions and choices in the shuffled order shown, frozen with the right answers.

    `layout` is a snapshot, so grading matches what the learner saw even if the trainer edits the bank.
    Attempts are numbered per enrolment (unique), which makes concurrent starts collapse into one.
    """

    __tablename__ = "quiz_attempt"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    pass_mark: Mapped[int]
    layout: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    answers: Mapped[dict[str, list[int]] | None] = mapped_column(sa.JSON)
    started_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    correct: Mapped[int | None]
    total: Mapped[int]
    passed: Mapped[bool | None]

    enrolment: Mapped[Enrolment] = relationship()
