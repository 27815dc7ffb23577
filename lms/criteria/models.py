"""Criteria frameworks (one per evaluation year) and the scores the engine stores."""

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import Model
from lms.util import utcnow


class Framework(Model):
    """A criteria framework document for one evaluation year; only a published one is used."""

    __tablename__ = "framework"
    __table_args__ = (sa.UniqueConstraint("period", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64))
    period: Mapped[int] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(default=1)
    document: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    published: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class PersonItemScore(Model):
    """The points a person has for one criterion item in a year.

    No foreign key on purpose: ten rows per person are rewritten on every recompute, and the check
    per row cost a quarter of the write. Rows are only written for existing people by the engine.
    """

    __tablename__ = "person_item_score"

    person_id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[int] = mapped_column(primary_key=True)
    item_code: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    points: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2))


class PersonResult(Model):
    """A person's total, the threshold that applies to them and their eligibility for a year."""

    __tablename__ = "person_result"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    period: Mapped[int] = mapped_column(primary_key=True)
    audience: Mapped[str] = mapped_column(sa.String(16))
    total: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2))
    threshold: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2))
    eligible: Mapped[bool] = mapped_column(index=True)
    learned: Mapped[bool] = mapped_column(default=False)
    has_plan: Mapped[bool] = mapped_column(default=False)
    digital_level: Mapped[int] = mapped_column(default=0)  # 0 none, 1 basic, 2 proficient
    studied_criteria: Mapped[bool] = mapped_column(default=False)
    # when the row was last written with different values (the engine's upsert leaves equal rows
    # alone): what the API's results?updated_since= reads
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, server_default=sa.text("CURRENT_TIMESTAMP")
    )


class GroupItemScore(Model):
    """The points a family, clan, village or unit has for one item of its title in a year."""

    __tablename__ = "group_item_score"

    kind: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    subject_id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[int] = mapped_column(primary_key=True)
    item_code: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    points: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2))


class GroupResult(Model):
    """A group's total and whether it attains its title in a year."""

    __tablename__ = "group_result"

    kind: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    subject_id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[int] = mapped_column(primary_key=True)
    total: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2))
    attained: Mapped[bool]
