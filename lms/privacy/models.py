"""Consents to the privacy notice and citizens' requests to correct their registry data."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import Model
from lms.people.models import Person
from lms.util import utcnow

CONSENT_WAYS = ("registration", "activation", "login")
CORRECTION_FIELDS = ("full_name", "birth_year", "gender", "phone", "email", "other")
CORRECTION_STATES = ("pending", "done", "refused")


class Consent(Model):
    """An account holder agreed to a version of the privacy notice, at a time, on a page (registration,
    activation, or the login after a new version)."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    version: Mapped[str] = mapped_column(sa.String(32))
    given_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    way: Mapped[str] = mapped_column(sa.String(16))


class CorrectionRequest(Model):
    """A citizen asks the commune to correct a field of their registry record; an officer answers."""

    __tablename__ = "correction_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(sa.String(16))
    value: Mapped[str] = mapped_column(sa.String(200))  # what the citizen says is right
    note: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(16), default="pending", index=True)
    answer: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    answered_by: Mapped[str | None] = mapped_column(sa.String(200))

    person: Mapped[Person] = relationship()
