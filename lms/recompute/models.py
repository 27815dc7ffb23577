"""The recompute outbox (dirty subjects) and full-recompute jobs with their progress."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import Model
from lms.jobs.models import LeasedJob
from lms.util import utcnow

SUBJECT_KINDS = ("person", "family", "clan", "village", "unit", "area")


class DirtySubject(Model):
    """A subject whose results must be recomputed for a year; duplicates collapse on the key."""

    __tablename__ = "dirty_subject"

    subject_kind: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    subject_id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class RecomputeJob(LeasedJob, Model):
    """A full recompute of a year for an area, run in steps of whole communes (resumable after a crash)."""

    __tablename__ = "recompute_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[int]
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(sa.String(16), default="queued")
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    # the steps' communes (paths), fixed when the job starts, so a resumed job skips exactly the done ones
    plan: Mapped[list[list[str]] | None] = mapped_column(sa.JSON)
    requested_by: Mapped[str] = mapped_column(sa.String(200), default="")
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class DriftSnapshot(Model):
    """A text copy of one result row, taken before the nightly full recompute."""

    __tablename__ = "drift_snapshot"

    period: Mapped[int] = mapped_column(primary_key=True)
    table_name: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    value: Mapped[str] = mapped_column(sa.Text)


class DriftReport(Model):
    """The outcome of a drift check: how many rows differed from a clean full recompute."""

    __tablename__ = "drift_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[int]
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    differences: Mapped[int] = mapped_column(default=0)
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


class ScopeMember(Model):
    """Working set of one recompute batch: the subjects it touches, materialised once per step."""

    __tablename__ = "recompute_scope"

    batch: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    subject_id: Mapped[int] = mapped_column(primary_key=True)


class FailedBatch(Model):
    """A batch of dirty subjects whose recompute failed for a reason retrying cannot fix; an admin
    re-runs it after the fix."""

    __tablename__ = "failed_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[int]
    subjects: Mapped[list[Any]] = mapped_column(sa.JSON)
    error: Mapped[str] = mapped_column(sa.Text)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
