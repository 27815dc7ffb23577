"""A yearly training plan of an area: planned sessions, and the held sessions linked to them."""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.areas.models import Area
from lms.extensions import Model
from lms.util import utcnow


class PlannedSession(Model):
    """One session planned for a commune (or village) of the area, in a quarter of the year."""

    __tablename__ = "planned_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id"), index=True)  # where it is to be held
    period: Mapped[int] = mapped_column(index=True)
    quarter: Mapped[int]
    topic: Mapped[str] = mapped_column(sa.String(200))
    audience: Mapped[str] = mapped_column(sa.String(200), default="")
    target_participants: Mapped[int] = mapped_column(default=0)
    hours: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2), default=0)
    created_by: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    area: Mapped[Area] = relationship()


class PlannedSessionLink(Model):
    """A held training session counted against a planned one."""

    __tablename__ = "planned_session_link"

    planned_id: Mapped[int] = mapped_column(sa.ForeignKey("planned_session.id", ondelete="CASCADE"), primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_session.id", ondelete="CASCADE"), primary_key=True, unique=True
    )
