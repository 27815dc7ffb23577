"""Contributions to the learning movement (xã hội hóa) and their attachments."""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.areas.models import Area
from lms.extensions import Model
from lms.util import utcnow

CONTRIBUTORS = ("organisation", "business", "person", "anonymous")
# money and in-kind values in đồng; volunteer teaching in hours; scholarships and learning spaces in đồng
KINDS = ("money", "in_kind", "scholarship", "learning_space", "volunteer_hours")


class Contribution(Model):
    """One contribution recorded by an area, with the decision or receipt that documents it."""

    __tablename__ = "contribution"
    __table_args__ = (sa.UniqueConstraint("area_id", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id"), index=True)
    period: Mapped[int] = mapped_column(index=True)
    contributor_kind: Mapped[str] = mapped_column(sa.String(16))
    contributor: Mapped[str] = mapped_column(sa.String(200), default="")  # empty when anonymous
    kind: Mapped[str] = mapped_column(sa.String(16))
    value: Mapped[Decimal] = mapped_column(sa.Numeric(16, 2))
    purpose: Mapped[str] = mapped_column(sa.String(500), default="")
    date: Mapped[date]
    reference: Mapped[str] = mapped_column(sa.String(100))  # decision or receipt number
    created_by: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    area: Mapped[Area] = relationship()
    files: Mapped[list["ContributionFile"]] = relationship(
        back_populates="contribution", cascade="all, delete-orphan", order_by="ContributionFile.id"
    )


class ContributionFile(Model):
    """A scanned receipt, decision or photo attached to a contribution (a stored upload)."""

    __tablename__ = "contribution_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(sa.ForeignKey("contribution.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    kind: Mapped[str] = mapped_column(sa.String(16))
    name: Mapped[str] = mapped_column(sa.String(200))
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    contribution: Mapped[Contribution] = relationship(back_populates="files")
