"""An officer's decision (quyết định công nhận) as a record of its own: its number, date, signer, area,
period and kind, the people or groups in it, and its status.

proposed (a list prepared by an officer, danh sách đề nghị; two-step approval only) → approved (the
titles exist: Award / GroupConfirmation rows point at it) → revoked (all its titles at once, one reason).
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.areas.models import Area
from lms.extensions import Model
from lms.util import utcnow

DECISION_KINDS = ("person", "family", "clan", "village", "unit")
PROPOSED, APPROVED, REVOKED = "proposed", "approved", "revoked"
DECISION_STATUSES = (PROPOSED, APPROVED, REVOKED)


class Decision(Model):
    """One decision recognising people (kind "person") or groups of one kind, in one area, for one year."""

    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(64))
    decision_date: Mapped[date]
    signer: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id"), index=True)
    period: Mapped[int] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(16), index=True)
    created_by: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    approved_by: Mapped[str | None] = mapped_column(sa.String(200))
    approved_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(sa.String(200))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoke_reason: Mapped[str | None] = mapped_column(sa.Text)

    area: Mapped[Area] = relationship()


class DecisionItem(Model):
    """A person (or group) listed in a decision: the proposed list, kept after approval as its contents."""

    __tablename__ = "decision_item"
    __table_args__ = (sa.UniqueConstraint("decision_id", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decision.id", ondelete="CASCADE"), index=True)
    subject_id: Mapped[int]
