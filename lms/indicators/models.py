"""Stored indicator figures per area and year: what the dashboards read."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import Model
from lms.util import utcnow

COUNT_COLUMNS = (
    "people",
    "eligible",
    "holders",
    "families_attained",
    "clans_attained",
    "villages_attained",
    "units_attained",
)
INDICATOR_CODES = ("I1", "I2", "I3", "I4", "I5")
RATIO_COLUMNS = tuple(f"{c.lower()}_{p}" for c in INDICATOR_CODES for p in ("num", "den"))
FIGURE_COLUMNS = COUNT_COLUMNS + RATIO_COLUMNS


class _Figures:
    """The additive figures: counts and each indicator's numerator and denominator."""

    area_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id", ondelete="CASCADE"), primary_key=True)
    period: Mapped[int] = mapped_column(primary_key=True)
    people: Mapped[int] = mapped_column(default=0)
    eligible: Mapped[int] = mapped_column(default=0)
    holders: Mapped[int] = mapped_column(default=0)
    families_attained: Mapped[int] = mapped_column(default=0)
    clans_attained: Mapped[int] = mapped_column(default=0)
    villages_attained: Mapped[int] = mapped_column(default=0)
    units_attained: Mapped[int] = mapped_column(default=0)
    i1_num: Mapped[int] = mapped_column(default=0)
    i1_den: Mapped[int] = mapped_column(default=0)
    i2_num: Mapped[int] = mapped_column(default=0)
    i2_den: Mapped[int] = mapped_column(default=0)
    i3_num: Mapped[int] = mapped_column(default=0)
    i3_den: Mapped[int] = mapped_column(default=0)
    i4_num: Mapped[int] = mapped_column(default=0)
    i4_den: Mapped[int] = mapped_column(default=0)
    i5_num: Mapped[int] = mapped_column(default=0)
    i5_den: Mapped[int] = mapped_column(default=0)
    computed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class AreaContribution(_Figures, Model):
    """Figures of what attaches directly to an area (its people, families, clans, units)."""

    __tablename__ = "area_contribution"


class AreaIndicator(_Figures, Model):
    """Figures of an area and everything below it, rolled up from the contributions."""

    __tablename__ = "area_indicator"
