"""Branches (chi hội) of the Khuyến học association and their roll: I1's population."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.areas.models import Area
from lms.extensions import Model
from lms.people.models import Person, Unit
from lms.util import utcnow

# a member, or one of the branch's officers
POSITIONS = ("member", "chair", "vice_chair", "secretary", "treasurer", "committee")


class Branch(Model):
    """A branch of the association in a village or commune, or in a unit."""

    __tablename__ = "kh_branch"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(80), unique=True)  # "KH-" + a village's code for a made one
    name: Mapped[str] = mapped_column(sa.String(200))
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)

    area: Mapped[Area] = relationship()
    unit: Mapped[Unit | None] = relationship()


class Member(Model):
    """A person on a branch's roll (one branch per person), as a member or an officer."""

    __tablename__ = "kh_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(sa.ForeignKey("kh_branch.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    position: Mapped[str] = mapped_column(sa.String(16), default="member")
    joined_on: Mapped[date | None]
    added_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    branch: Mapped[Branch] = relationship()
    person: Mapped[Person] = relationship()
