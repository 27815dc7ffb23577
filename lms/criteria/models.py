"""Criteria frameworks (one per evaluation year) and the scores the engine stores."""

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
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


# a person's points per criterion item, {item code: points}: one compact column of person_result
# instead of ten keyed rows per person and year (bench/RESULTS.md, issue #10: writing the ten rows
# and their primary key was most of a full recompute); jsonb on PostgreSQL, JSON text on SQLite
ITEMS_TYPE = sa.JSON().with_variant(JSONB(), "postgresql")


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
    # the points of each criterion item, {"T1.1": 10.00, …} (read by the explanation and the record)
    items: Mapped[dict[str, Any] | None] = mapped_column(ITEMS_TYPE)
    # when the row was last written with different values (the engine's upsert leaves equal rows
    # alone): what the API's results?updated_since= reads
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, server_default=sa.text("CURRENT_TIMESTAMP")
    )


class GroupResult(Model):
    """A group's total and whether it attains its title in a year."""

    __tablename__ = "group_result"

    kind: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    subject_id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[int] = mapped_column(primary_key=True)
    total: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2))
    attained: Mapped[bool]
    # the points of each item of the group's title, {"F1": 40.00, …} (read by its explanation)
    items: Mapped[dict[str, Any] | None] = mapped_column(ITEMS_TYPE)
