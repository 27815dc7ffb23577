"""Training sessions (tập huấn): the session, its materials and its attendance."""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.areas.models import Area
from lms.auth.models import User
from lms.extensions import Model
from lms.people.models import Person, Unit
from lms.util import utcnow


class TrainingSession(Model):
    """An in-person session run by a trainer for an area (commune, village) or a unit; attending is evidence."""

    __tablename__ = "training_session"
    __table_args__ = (
        sa.CheckConstraint("(area_id IS NULL) <> (unit_id IS NULL)", name="one_audience"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)
    ends_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)
    hours: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2))
    trainer_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    area: Mapped[Area | None] = relationship()
    unit: Mapped[Unit | None] = relationship()
    trainer: Mapped[User] = relationship()
    materials: Mapped[list["Material"]] = relationship(
        back_populates="session", order_by="Material.uploaded_at", cascade="all, delete-orphan"
    )


class Material(Model):
    """A file of a session (slides, handouts, video): stored once by content hash, shown by its cleaned name."""

    __tablename__ = "session_material"
    __table_args__ = (sa.UniqueConstraint("session_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    kind: Mapped[str] = mapped_column(sa.String(16))
    name: Mapped[str] = mapped_column(sa.String(200))
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    session: Mapped[TrainingSession] = relationship(back_populates="materials")


class Registration(Model):
    """A citizen of the audience who said they will come (đăng ký tham dự): the trainer's list starts from them."""

    __tablename__ = "session_registration"
    __table_args__ = (sa.UniqueConstraint("session_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    registered_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class Attendance(Model):
    """A person present at a session (điểm danh): by the trainer's list or by QR self check-in; once each."""

    __tablename__ = "session_attendance"
    __table_args__ = (sa.UniqueConstraint("session_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(sa.String(8))  # "qr" or "list"
    checked_in_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    person: Mapped[Person] = relationship()
