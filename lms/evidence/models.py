"""Evidence of learning (per person) and officer-entered items of group titles."""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import Model
from lms.util import utcnow

KINDS = ("course", "session", "declaration", "plan")
# course categories (SPEC §6); courses and imports share this one list
COURSE_CATEGORIES = (
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
LEVELS = ("basic", "proficient")
GROUP_SUBJECTS = ("family", "clan", "village", "unit")


class Evidence(Model):
    """One item of evidence; the unique key makes each item count once."""

    __tablename__ = "evidence"
    __table_args__ = (sa.UniqueConstraint("person_id", "kind", "ref", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    ref: Mapped[str] = mapped_column(sa.String(64), default="")
    category: Mapped[str | None] = mapped_column(sa.String(32))
    date: Mapped[date]
    hours: Mapped[Decimal | None] = mapped_column(sa.Numeric(8, 2))
    level: Mapped[str | None] = mapped_column(sa.String(16))
    points: Mapped[Decimal | None] = mapped_column(sa.Numeric(8, 2))
    source: Mapped[str] = mapped_column(sa.String(16), default="import")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class GroupEntry(Model):
    """Points an officer entered (or imported) for an `entered` item of a group title and year."""

    __tablename__ = "group_entry"

    subject: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    subject_id: Mapped[int] = mapped_column(primary_key=True)
    item: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    period: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[date]
    points: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2))
