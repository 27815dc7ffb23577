"""User accounts, roles and their area scope; the recovery codes of two-factor sign-in."""

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.areas.models import Area
from lms.extensions import Model
from lms.people.models import Person
from lms.util import utcnow

ROLES = ("citizen", "trainer", "officer", "approver", "admin")
STAFF_ROLES = ("trainer", "officer", "approver", "admin")
# roles that must have an area: officers act on it, approvers (the commune leader) approve its decisions
AREA_ROLES = ("officer", "approver")


class User(UserMixin, Model):
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
    activation_code_hash: Mapped[str | None] = mapped_column(sa.String(256))
    # a temporary password an admin issued: the holder must choose their own before anything else
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    disabled_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # two-factor sign-in (TOTP, RFC 6238): the secret is set at enrolment, enabled once a code confirmed it
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)  # a code is accepted once
    totp_failures: Mapped[int] = mapped_column(default=0, server_default="0")  # consecutive wrong codes
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))  # retention of inactive accounts

    area: Mapped[Area | None] = relationship()
    person: Mapped[Person | None] = relationship()

    def get_id(self) -> str:
        """Identify the session by user id and session version, so logout invalidates old cookies."""
        return f"{self.id}:{self.session_version}"

    @property
    def two_factor_enabled(self) -> bool:
        """True when the account signs in with a TOTP code after its password."""
        return self.totp_enabled_at is not None and self.totp_secret is not None


class RecoveryCode(Model):
    """A single-use code that replaces a TOTP code (lost phone); only its SHA-256 is kept."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
