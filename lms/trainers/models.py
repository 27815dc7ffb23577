"""The areas a trainer works in: sessions are held, and people seen or marked present, only inside them."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.areas.models import Area
from lms.extensions import Model
from lms.util import utcnow


class TrainerArea(Model):
    """One area given to a trainer (by an admin, or by an officer of that area)."""

    __tablename__ = "trainer_area"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id", ondelete="CASCADE"), primary_key=True, index=True)
    assigned_by: Mapped[str] = mapped_column(sa.String(200))
    assigned_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    area: Mapped[Area] = relationship()
