"""Announcements and campaigns, and who of their audience has seen them."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.areas.models import Area
from lms.extensions import Model
from lms.util import utcnow

KINDS = ("announcement", "campaign")
# everyone of the area; one village; Khuyến học members; officials of one unit; people not yet
# eligible; people whose total is enough but who miss one item's floor (the year's results)
AUDIENCES = ("everyone", "village", "khuyen_hoc", "unit", "not_eligible", "missing_one")
LINK_KINDS = ("course", "session")


class Announcement(Model):
    """One announcement or campaign of an area, for an audience, shown between two dates."""

    __tablename__ = "announcement"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16), default="announcement")
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown, sanitised when shown
    audience: Mapped[str] = mapped_column(sa.String(16), default="everyone")
    village_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"))
    link_kind: Mapped[str | None] = mapped_column(sa.String(16))
    link_ref: Mapped[str | None] = mapped_column(sa.String(64))
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)
    ends_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    period: Mapped[int]  # the year whose results the eligibility audiences read
    created_by: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    area: Mapped[Area] = relationship(foreign_keys=[area_id])
    village: Mapped[Area | None] = relationship(foreign_keys=[village_id])


class AnnouncementRead(Model):
    """A citizen of the audience opened the announcement (what the reach counts)."""

    __tablename__ = "announcement_read"

    announcement_id: Mapped[int] = mapped_column(sa.ForeignKey("announcement.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True)
    read_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
