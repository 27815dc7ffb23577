"""Criteria frameworks (one per evaluation year) and the scores the engine stores."""

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import Model
from lms.util import utcnow


class Framework(Model):
    """A criteria framework document for one evaluation year; only a published one is used."""

    __tablename__ = "framework"
    __table_args__ = (sa.UniqueConstraint("period", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64))
    period: Mapped[int] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(default=1)
    document: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    published: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


# a person's points per criterion item, {item code: points}: one compact column of person_result
# instead of ten keyed rows per person and year (bench/RESULTS.md, issue #10: writing the ten rows
# and their primary key was most of a full recompute); jsonb on PostgreSQL, JSON text on SQLite
ITEMS_TYPE = sa.JSON().with_variant(JSONB(), "postgresql")


class PersonResult(Model):
    """A person's total, the threshold that applies to them and their eligibility for a year."""

    __tablename__ = "person_result"

    # person.id, without a foreign key: see RESULTS_GO_WITH_THE_PERSON below
    person_id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[int] = mapped_column(primary_key=True)
    audience: Mapped[str] = mapped_column(sa.String(16))
    total: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2))
    threshold: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2))
    eligible: Mapped[bool] = mapped_column(index=True)
    learned: Mapped[bool] = mapped_column(default=False)
    has_plan: Mapped[bool] = mapped_column(default=False)
    digital_level: Mapped[int] = mapped_column(default=0)  # 0 none, 1 basic, 2 proficient
    studied_criteria: Mapped[bool] = mapped_column(default=False)
    # the points of each criterion item, {"T1.1": 10.00, …} (read by the explanation and the record)
    items: Mapped[dict[str, Any] | None] = mapped_column(ITEMS_TYPE)
    # when the row was last written with different values (the engine's upsert leaves equal rows
    # alone): what the API's results?updated_since= reads
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, server_default=sa.text("CURRENT_TIMESTAMP")
    )


# person_result.person_id has no foreign key: PostgreSQL checked it on every inserted row (one look-up
# and one KEY SHARE lock written on the person's row each), a quarter of a year's first full recompute
# (bench/RESULTS.md, issue #10: 1M citizens 38-40 s with it, 28-29 s without). What the key gave is
# kept by a trigger on person: a deleted person's results go with them (ON DELETE CASCADE), once the
# writers of results in progress have committed (SHARE ROW EXCLUSIVE waits for them and holds off new
# ones), so none is left behind; the engine writes results only for people it reads from `person` in
# the same statement. The migration f3b8d2a6c1e9 writes the same statements.
RESULTS_GO_WITH_THE_PERSON = {
    "postgresql": (
        "CREATE OR REPLACE FUNCTION person_result_cascade() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN"
        " LOCK TABLE person_result IN SHARE ROW EXCLUSIVE MODE;"
        " DELETE FROM person_result r USING gone g WHERE r.person_id = g.id;"
        " RETURN NULL;"
        " END $$",
        "CREATE TRIGGER person_result_cascade AFTER DELETE ON person REFERENCING OLD TABLE AS gone"
        " FOR EACH STATEMENT EXECUTE FUNCTION person_result_cascade()",
    ),
    "sqlite": (
        "CREATE TRIGGER person_result_cascade AFTER DELETE ON person FOR EACH ROW"
        " BEGIN DELETE FROM person_result WHERE person_id = OLD.id; END",
    ),
}
for _dialect, _statements in RESULTS_GO_WITH_THE_PERSON.items():
    for _statement in _statements:  # create_all (the tests, the demo): after every table exists
        sa.event.listen(Model.metadata, "after_create", sa.DDL(_statement).execute_if(dialect=_dialect))


class GroupResult(Model):
    """A group's total and whether it attains its title in a year."""

    __tablename__ = "group_result"

    kind: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    subject_id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[int] = mapped_column(primary_key=True)
    total: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2))
    attained: Mapped[bool]
    # the points of each item of the group's title, {"F1": 40.00, …} (read by its explanation)
    items: Mapped[dict[str, Any] | None] = mapped_column(ITEMS_TYPE)
