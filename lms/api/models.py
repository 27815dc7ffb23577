"""Integration tokens of the JSON API, their daily use marks and the answers kept for idempotent pushes."""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.areas.models import Area
from lms.extensions import Model
from lms.util import utcnow

SCOPES = ("read", "write")


class ApiToken(Model):
    """A bearer token of a provincial or national system: scoped to an area subtree and to read or write.

    Only the SHA-256 of the secret is stored (the secret is random, 256 bits: a slow hash adds nothing);
    `prefix` is its first characters, shown in lists so an operator can tell tokens apart.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(16))
    scope: Mapped[str] = mapped_column(sa.String(8))
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(sa.String(200))

    area: Mapped[Area | None] = relationship()

    @property
    def actor(self) -> str:
        """Return the name the audit log records for this token's actions."""
        return f"api:{self.name}"


class ApiTokenUse(Model):
    """The first use of a token for one read (endpoint and subject) on one day: one audit entry each."""

    __tablename__ = "api_token_use"

    token_id: Mapped[int] = mapped_column(sa.ForeignKey("api_token.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    subject: Mapped[str] = mapped_column(sa.String(200), primary_key=True)


class ApiIdempotency(Model):
    """The answer to a write request sent with an Idempotency-Key: a retry gets it again, nothing redone."""

    __tablename__ = "api_idempotency"

    token_id: Mapped[int] = mapped_column(sa.ForeignKey("api_token.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[int]
    body: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)
