"""Administrative areas: province, district, commune, village, as a tree with a materialised path."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db

LEVELS = ("province", "district", "commune", "village")


class Area(db.Model):
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

    parent: Mapped["Area | None"] = relationship(remote_side=[id], foreign_keys=[parent_id])

    def __repr__(self) -> str:
        return f"<Area {self.code}>"
