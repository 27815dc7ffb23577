"""Officers' decisions: the citizen title awarded (and possibly revoked) for a year."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import Model
from lms.people.models import Person
from lms.util import utcnow


class Award(Model):
    """A decision awarding the citizen title for a year; at most one unrevoked per person and year."""

    __tablename__ = "award"
    __table_args__ = (
        sa.Index(
            "uq_award_active",
            "person_id",
            "period",
            unique=True,
            postgresql_where=sa.text("revoked_at IS NULL"),
            sqlite_where=sa.text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    period: Mapped[int] = mapped_column(index=True)
    # the decision's number and date, kept in step with it (lms.decisions.services.correct_decision)
    decision_no: Mapped[str] = mapped_column(sa.String(64))
    decision_date: Mapped[date]
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decision.id"), index=True)
    awarded_by: Mapped[str] = mapped_column(sa.String(200))
    awarded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(sa.String(200))
    revoke_reason: Mapped[str | None] = mapped_column(sa.Text)

    person: Mapped[Person] = relationship()


GROUP_KINDS = ("family", "clan", "village", "unit")


class GroupConfirmation(Model):
    """An officer's decision recognising a family, clan, village or unit that attains its title for a year.

    At most one unrevoked per group and year. The engine decides attainment; this records the decision.
    """

    __tablename__ = "group_confirmation"
    __table_args__ = (
        sa.Index(
            "uq_group_confirmation_active",
            "kind",
            "subject_id",
            "period",
            unique=True,
            postgresql_where=sa.text("revoked_at IS NULL"),
            sqlite_where=sa.text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    subject_id: Mapped[int]
    period: Mapped[int] = mapped_column(index=True)
    decision_no: Mapped[str] = mapped_column(sa.String(64))
    decision_date: Mapped[date]
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("decision.id"), index=True)
    confirmed_by: Mapped[str] = mapped_column(sa.String(200))
    confirmed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(sa.String(200))
    revoke_reason: Mapped[str | None] = mapped_column(sa.Text)
