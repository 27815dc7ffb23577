"""Administrative areas: province, district, commune, village, as a tree with a materialised path."""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import Model
from lms.util import utcnow

LEVELS = ("province", "district", "commune", "village")


class Area(Model):
    """One administrative area; `path` lists the ids from the root, so descendants share a prefix."""

    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    level: Mapped[str] = mapped_column(sa.String(16), index=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"), index=True)
    disadvantaged: Mapped[bool] = mapped_column(default=False)
    path: Mapped[str] = mapped_column(sa.String(400), default="", index=True)
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    successor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"))
    # the national administrative-unit code (mã đơn vị hành chính: 2 digits a province, 5 a commune)
    admin_code: Mapped[str | None] = mapped_column(sa.String(16), index=True)

    parent: Mapped["Area | None"] = relationship(remote_side=[id], foreign_keys=[parent_id])

    def __repr__(self) -> str:
        return f"<Area {self.code}>"


CHANGE_KINDS = ("merge", "move", "dissolve")


class AreaChange(Model):
    """One recorded reorganisation (merge, move, dissolve), effective from a date, with its decision."""

    __tablename__ = "area_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    effective: Mapped[date] = mapped_column(index=True)
    decision: Mapped[str] = mapped_column(sa.String(200), default="")
    # merge: the new area; move: the moved area; dissolve: the dissolved area
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id"), index=True)
    actor: Mapped[str] = mapped_column(sa.String(200))
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    area: Mapped[Area] = relationship()


class AreaParentHistory(Model):
    """The parent an area had until `valid_to` (since `valid_from`, open when None); the current parent
    is `area.parent_id`. Read to roll a year up over the tree as it stood at the end of that year."""

    __tablename__ = "area_parent_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id", ondelete="CASCADE"))
    valid_from: Mapped[date | None]
    valid_to: Mapped[date]
    change_id: Mapped[int] = mapped_column(sa.ForeignKey("area_change.id", ondelete="CASCADE"), index=True)


class AreaMemberHistory(Model):
    """The area a clan or unit was registered with until `valid_to` (moved by a reorganisation)."""

    __tablename__ = "area_member_history"
    __table_args__ = (sa.Index("ix_area_member_history_subject", "kind", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # clan | unit
    subject_id: Mapped[int]
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id", ondelete="CASCADE"))
    valid_to: Mapped[date]
    change_id: Mapped[int] = mapped_column(sa.ForeignKey("area_change.id", ondelete="CASCADE"), index=True)


class AreaSuccession(Model):
    """A closed area's territory went (wholly or partly) to `successor_id` from `change_id`'s date."""

    __tablename__ = "area_succession"

    predecessor_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id", ondelete="CASCADE"), primary_key=True)
    successor_id: Mapped[int] = mapped_column(sa.ForeignKey("area.id", ondelete="CASCADE"), primary_key=True)
    change_id: Mapped[int] = mapped_column(sa.ForeignKey("area_change.id", ondelete="CASCADE"), index=True)
