"""An import uploaded from the page: the stored file, its check (preview) and its run, with progress."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import Model
from lms.jobs.models import LeasedJob
from lms.util import utcnow

# checking → checked | invalid; checked → queued → importing → done | invalid | failed; checked → cancelled
JOB_STATES = ("checking", "checked", "invalid", "queued", "importing", "done", "failed", "cancelled")
FINISHED = ("checked", "invalid", "done", "failed", "cancelled")


class ImportJob(LeasedJob, Model):
    """One uploaded file of one kind: checked first (dry run), imported once the officer confirms."""

    __tablename__ = "import_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    filename: Mapped[str] = mapped_column(sa.String(200))  # as uploaded (shown, never used as a path)
    path: Mapped[str] = mapped_column(sa.String(500))  # where the upload is stored (random name)
    size: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    lang: Mapped[str] = mapped_column(sa.String(8), default="vi")  # language of the stored error messages
    status: Mapped[str] = mapped_column(sa.String(16), default="checking", index=True)
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_total: Mapped[int] = mapped_column(default=0)  # 0: not known yet
    summary: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)  # rows, created, updated, unchanged
    errors: Mapped[list[dict[str, Any]] | None] = mapped_column(sa.JSON)  # [{row, column, message}]
    message: Mapped[str | None] = mapped_column(sa.Text)  # why a run failed
    actor: Mapped[str] = mapped_column(sa.String(200))
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id", ondelete="SET NULL"), index=True)
    restricted: Mapped[bool] = mapped_column(default=True)  # rows must lie in area_id (officers; not admins)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    checked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    @property
    def percent(self) -> int | None:
        """Return the progress in percent, or None while the total is unknown."""
        if not self.rows_total:
            return None
        return max(0, min(100, round(100 * self.rows_done / self.rows_total)))
