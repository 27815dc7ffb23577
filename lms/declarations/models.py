"""A citizen's declaration of evidence for a criterion item, and the officer's decision on it."""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import Model
from lms.people.models import Person
from lms.util import utcnow

STATUSES = ("pending", "verified", "rejected")


class Declaration(Model):
    """Declared evidence (kê khai): pending until an officer verifies it with points or rejects it with a reason."""

    __tablename__ = "declaration"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    period: Mapped[int] = mapped_column(index=True)
    item: Mapped[str] = mapped_column(sa.String(32))
    text: Mapped[str] = mapped_column(sa.Text)
    declared_on: Mapped[date]
    file_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    file_size: Mapped[int | None] = mapped_column(sa.BigInteger)
    file_kind: Mapped[str | None] = mapped_column(sa.String(16))
    file_name: Mapped[str | None] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(16), default="pending", index=True)
    points: Mapped[Decimal | None] = mapped_column(sa.Numeric(8, 2))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(sa.String(200))

    person: Mapped[Person] = relationship()
