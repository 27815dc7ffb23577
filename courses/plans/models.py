"""A citizen's learning plan for a year: catalogue courses and goals in their own words."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.catalogue.models import Course
from lms.extensions import Model
from lms.util import utcnow


class LearningPlan(Model):
    """One plan per person and year (kế hoạch học tập cá nhân); saving it is `plan` evidence."""

    __tablename__ = "learning_plan"
    __table_args__ = (sa.UniqueConstraint("person_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    period: Mapped[int]
    goals: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    courses: Mapped[list[Course]] = relationship(secondary="learning_plan_course", order_by="Course.title_folded")


class LearningPlanCourse(Model):
    """A catalogue course in a plan."""

    __tablename__ = "learning_plan_course"

    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("learning_plan.id", ondelete="CASCADE"), primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"), primary_key=True)
