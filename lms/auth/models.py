"""User accounts, roles and their area scope."""

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.areas.models import Area
from lms.extensions import db
from lms.people.models import Person
from lms.util import utcnow

ROLES = ("citizen", "trainer", "officer", "admin")


class User(UserMixin, db.Model):
    """A login. Officers are scoped to one area; citizens are linked to their person record."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(sa.String(200), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(sa.String(256))
    role: Mapped[str] = mapped_column(sa.String(16), index=True)
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"))
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"), unique=True)
    session_version: Mapped[int] = mapped_column(default=1)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    activation_code_hash: Mapped[str | None] = mapped_column(sa.String(256))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    area: Mapped[Area | None] = relationship()
    person: Mapped[Person | None] = relationship()

    def get_id(self) -> str:
        """Identify the session by user id and session version, so logout invalidates old cookies."""
        return f"{self.id}:{self.session_version}"
