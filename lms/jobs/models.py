"""The lease columns every background job carries: when it was handed to the workers, and who holds it."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.util import utcnow


class LeasedJob:
    """Mixin of a job a worker claims before it works on it (RecomputeJob, ImportJob).

    The database, not the broker, says which work is pending: a job in one of its kind's pending
    states whose lease is free or expired is re-sent by the sweeper (lms.jobs.services.sweep).
    """

    # when the job was last handed to the workers (created, confirmed, re-sent); None on older rows
    queued_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # the worker running it (host:pid:token) and until when; the worker renews it while it works
    lease_owner: Mapped[str | None] = mapped_column(sa.String(120))
    lease_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # how many times a worker died holding it (the sweeper gives up after JOB_MAX_RECOVERIES)
    recoveries: Mapped[int] = mapped_column(default=0, server_default="0")
