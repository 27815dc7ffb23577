"""Background jobs found from the database, not the broker: leases, the sweeper, and re-sending.

A job (a full recompute, an import) is pending while its status is one of its kind's pending states.
A worker claims it before working (`leased`): an atomic update of the job row that succeeds only
when no live lease is held, so a redelivered or re-sent message for a job another worker runs does
nothing. The worker renews the lease while it works and checks it before committing progress
(`Lease.confirm`). Beat runs `sweep`: a job queued longer than JOB_RESEND_AFTER_SECONDS without a
worker claiming it (its message was lost with the broker) is re-sent, and so is a job whose lease
expired (its worker died); the worker that takes it resumes from its last finished step.
"""

import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from lms.extensions import db
from lms.util import utcnow

log = logging.getLogger(__name__)

DEFAULT_LEASE_SECONDS = 60
DEFAULT_RESEND_AFTER_SECONDS = 120
DEFAULT_MAX_RECOVERIES = 5
SWEEP_LIMIT = 100  # jobs re-sent per kind and sweep; the next sweep takes the rest


@dataclass(frozen=True)
class JobKind:
    """A kind of background job: its table, the task that runs it, the states in which work remains."""

    name: str
    model: Any
    task: str
    pending: tuple[str, ...]
    page: str  # endpoint of the job's own page (progress)
    fail: Callable[[int, str], None]
    label: Callable[[Any], str]
    progress: Callable[[Any], tuple[int, int]]

    @property
    def table(self) -> sa.Table:
        return self.model.__table__


def _recompute_label(job: Any) -> str:
    from lms.areas.models import Area

    area = db.session.get(Area, job.area_id) if job.area_id else None
    return _("Tính toán lại %(year)s — %(area)s", year=job.period, area=area.name if area else _("toàn bộ"))


def _import_label(job: Any) -> str:
    return _("Nhập tệp %(name)s", name=job.filename)


@cache
def job_kinds() -> dict[str, JobKind]:
    """Return every kind of job whose only other trace of pending work is a broker message."""
    from lms.imports.jobs import fail_job as fail_import
    from lms.imports.models import ImportJob
    from lms.recompute.models import RecomputeJob
    from lms.recompute.services import fail_job as fail_recompute

    kinds = (
        JobKind(
            "recompute",
            RecomputeJob,
            "worker.tasks.full_recompute",
            ("queued", "running"),
            "recompute.job",
            fail_recompute,
            _recompute_label,
            lambda job: (job.done, job.total),
        ),
        JobKind(
            "import",
            ImportJob,
            "worker.tasks.run_import",
            ("checking", "queued", "importing"),
            "imports.job",
            fail_import,
            _import_label,
            lambda job: (job.rows_done, job.rows_total),
        ),
    )
    return {k.name: k for k in kinds}


def kind_of(name: str) -> JobKind:
    """Return a job kind by name (KeyError if unknown)."""
    return job_kinds()[name]


def _setting(name: str, default: float) -> float:
    return float(current_app.config.get(name, default))


def _aware(value: datetime | None) -> datetime | None:
    """SQLite returns naive UTC timestamps; PostgreSQL aware ones."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _clock(conn: sa.Connection) -> datetime:
    """Return the database's clock (one clock for every worker host); the local one on SQLite."""
    if conn.dialect.name == "postgresql":
        return conn.execute(sa.select(sa.func.clock_timestamp())).scalar_one()
    return utcnow()


def db_now() -> datetime:
    """Return the current time by the database's clock."""
    return _clock(db.session.connection())


class LeaseLost(Exception):
    """This worker's lease on a job expired and another worker took it over: stop, commit nothing."""


class Lease:
    """A worker's claim on one job until `lease_until`, renewed in the background while it works."""

    def __init__(self, kind: JobKind, job_id: int, owner: str, seconds: float) -> None:
        self.kind = kind
        self.job_id = job_id
        self.owner = owner
        self.seconds = seconds
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _mine(self) -> Any:
        t = self.kind.table
        return sa.and_(t.c.id == self.job_id, t.c.lease_owner == self.owner)

    def _renew(self, conn: sa.Connection) -> bool:
        until = _clock(conn) + timedelta(seconds=self.seconds)
        return bool(conn.execute(sa.update(self.kind.table).where(self._mine()).values(lease_until=until)).rowcount)

    def start(self) -> None:
        """Renew the lease every third of its length in a thread of its own (PostgreSQL).

        SQLite (the single-machine default) allows one writer at a time, so a renewal would wait
        behind the job's own transaction; there the lease is renewed at each `confirm` only.
        """
        if db.engine.dialect.name != "postgresql":
            return
        self._thread = threading.Thread(
            target=self._beat, args=(db.engine,), name=f"lease-{self.kind.name}-{self.job_id}", daemon=True
        )
        self._thread.start()

    def _beat(self, engine: sa.Engine) -> None:
        while not self._stop.wait(max(self.seconds / 3, 0.2)):
            try:
                with engine.begin() as conn:
                    if not self._renew(conn):
                        self.lost.set()
                        return
            except Exception:  # noqa: BLE001 - the database is away: the next beat tries again
                log.warning("cannot renew the lease on %s job %s", self.kind.name, self.job_id, exc_info=True)

    def stop(self) -> None:
        """Stop renewing."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def confirm(self) -> None:
        """Renew the lease in the caller's transaction, locking the job row; LeaseLost if it is no longer ours.

        Call it before committing the job's progress: a worker whose lease was taken over commits nothing.
        """
        if self.lost.is_set() or not self._renew(db.session.connection()):
            raise LeaseLost(f"{self.kind.name} job {self.job_id}")

    def release(self) -> None:
        """Free the lease (the job finished its step, or waits for its retry) and commit."""
        now = db_now()
        db.session.execute(
            sa.update(self.kind.table).where(self._mine()).values(lease_owner=None, lease_until=None, queued_at=now)
        )
        db.session.commit()


def discard_transaction() -> None:
    """Roll the session back. On a connection the server has terminated the rollback itself fails (and the
    connection is discarded): roll back once more, so that the session works again on a new connection —
    else the lease was never released, and the job's retry found it held and did nothing."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.rollback()


def _owner() -> str:
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(4)}"


def claim(kind_name: str, job_id: int) -> Lease | None:
    """Take the lease on a pending job and commit; None when the job is finished or a live lease is held.

    One atomic update of the job row: on PostgreSQL a second claimer waits for the first's row lock,
    then re-reads the row and finds the lease taken; SQLite serialises writers.
    """
    kind = kind_of(kind_name)
    t = kind.table
    seconds = _setting("JOB_LEASE_SECONDS", DEFAULT_LEASE_SECONDS)
    now = db_now()
    owner = _owner()
    claimed = db.session.execute(  # type: ignore[attr-defined]
        sa.update(t)
        .where(
            t.c.id == job_id,
            t.c.status.in_(kind.pending),
            sa.or_(t.c.lease_until.is_(None), t.c.lease_until < now),
        )
        .values(lease_owner=owner, lease_until=now + timedelta(seconds=seconds))
    ).rowcount
    if not claimed:
        held = sa.select(t.c.status, t.c.lease_owner, t.c.lease_until).where(t.c.id == job_id)
        log.info("%s job %s not taken: %s at %s", kind_name, job_id, db.session.execute(held).first(), now)
    db.session.commit()
    return Lease(kind, job_id, owner, seconds) if claimed else None


@contextmanager
def leased(kind_name: str, job_id: int) -> Iterator[Lease | None]:
    """Hold the lease on a job for the block (None: nothing to do); freed at the end, even on failure."""
    lease = claim(kind_name, job_id)
    if lease is None:
        yield None
        return
    lease.start()
    try:
        yield lease
    except LeaseLost:
        lease.stop()
        discard_transaction()
        raise
    except BaseException:
        lease.stop()
        try:
            discard_transaction()
            lease.release()
        except Exception:  # noqa: BLE001 - the database is away: the lease expires by itself
            discard_transaction()
            log.warning("cannot release the lease on %s job %s", kind_name, job_id, exc_info=True)
        raise
    else:
        lease.stop()
        lease.release()


def _stalled(kind: JobKind, now: datetime) -> Any:
    """Pending jobs no live worker holds: a lease expired, or queued too long without a claim."""
    t = kind.table
    resend_before = now - timedelta(seconds=_setting("JOB_RESEND_AFTER_SECONDS", DEFAULT_RESEND_AFTER_SECONDS))
    return sa.and_(
        t.c.status.in_(kind.pending),
        sa.or_(
            t.c.lease_until < now,
            sa.and_(t.c.lease_until.is_(None), sa.func.coalesce(t.c.queued_at, t.c.created_at) < resend_before),
        ),
    )


def send_job(kind_name: str, job_id: int) -> bool:
    """Hand a job to the workers; False when the broker is away (the sweeper re-sends it later)."""
    try:
        current_app.extensions["celery"].send_task(kind_of(kind_name).task, args=[job_id], retry=False)
    except Exception:  # noqa: BLE001 - the job row is committed: the sweeper sends it when the broker is back
        current_app.logger.warning("cannot send %s job %s to the broker; the sweeper will", kind_name, job_id)
        return False
    return True


def _requeue(kind: JobKind, ids: list[int], now: datetime) -> None:
    """Free the jobs' leases and mark them handed over now; an expired lease counts as a recovery."""
    t = kind.table
    db.session.execute(
        sa.update(t)
        .where(t.c.id.in_(ids))
        .values(
            recoveries=t.c.recoveries + sa.case((t.c.lease_until.is_not(None), 1), else_=0),
            lease_owner=None,
            lease_until=None,
            queued_at=now,
        )
    )


def sweep() -> list[tuple[str, int]]:
    """Re-send every stalled job (commits); a job whose workers died JOB_MAX_RECOVERIES times fails instead.

    Rows are taken with FOR UPDATE SKIP LOCKED, so two sweepers (or a sweeper and a claiming
    worker) never handle the same job at once. Returns the (kind, id) of the jobs re-sent.
    """
    limit = int(_setting("JOB_MAX_RECOVERIES", DEFAULT_MAX_RECOVERIES))
    now = db_now()
    chosen: list[tuple[str, int]] = []
    for kind in job_kinds().values():
        t = kind.table
        rows = db.session.execute(
            sa.select(t.c.id, t.c.lease_until, t.c.recoveries)
            .where(_stalled(kind, now))
            .order_by(t.c.id)
            .limit(SWEEP_LIMIT)
            .with_for_update(skip_locked=True)
        ).all()
        exhausted = [r.id for r in rows if r.lease_until is not None and r.recoveries + 1 >= limit]
        resend = [r.id for r in rows if r.id not in exhausted]
        for job_id in exhausted:
            log.error("%s job %s: its worker died %d times; marked failed", kind.name, job_id, limit)
            kind.fail(job_id, f"the worker running this job stopped {limit} times (killed, out of memory?)")
        if resend:
            _requeue(kind, resend, now)
            chosen.extend((kind.name, job_id) for job_id in resend)
    db.session.commit()
    for name, job_id in chosen:
        log.warning("re-sending %s job %s (its message was lost or its worker stopped)", name, job_id)
        send_job(name, job_id)
    return chosen


class ResendError(ValueError):
    """The job cannot be re-sent (finished, or running on a live worker); the message is translated."""


@dataclass
class PendingJob:
    """A job with work left, as the recompute-health page and `jobs list` show it."""

    kind: str
    id: int
    label: str
    status: str
    state: str  # queued | running | stalled
    created_at: datetime
    age: timedelta  # since it was created
    done: int
    total: int
    recoveries: int
    lease_owner: str | None
    page: str


def _state(kind: JobKind, job: Any, now: datetime) -> str:
    lease_until = _aware(job.lease_until)
    if lease_until is not None:
        return "running" if lease_until >= now else "stalled"
    handed = _aware(job.queued_at) or _aware(job.created_at)
    resend_after = timedelta(seconds=_setting("JOB_RESEND_AFTER_SECONDS", DEFAULT_RESEND_AFTER_SECONDS))
    return "stalled" if handed is not None and handed < now - resend_after else "queued"


def pending_jobs(limit: int = 200) -> list[PendingJob]:
    """Return the jobs with work left (queued, running, stalled), oldest first."""
    now = db_now()
    found: list[PendingJob] = []
    for kind in job_kinds().values():
        model = kind.model
        jobs = db.session.scalars(
            sa.select(model).where(model.status.in_(kind.pending)).order_by(model.created_at).limit(limit)
        )
        for job in jobs:
            done, total = kind.progress(job)
            created = _aware(job.created_at) or now
            found.append(
                PendingJob(
                    kind=kind.name,
                    id=job.id,
                    label=kind.label(job),
                    status=job.status,
                    state=_state(kind, job, now),
                    created_at=created,
                    age=max(now - created, timedelta(0)),
                    done=done,
                    total=total,
                    recoveries=job.recoveries,
                    lease_owner=job.lease_owner,
                    page=kind.page,
                )
            )
    found.sort(key=lambda j: j.created_at)
    return found[:limit]


def resend(kind_name: str, job_id: int, actor: str) -> None:
    """Free a pending job no live worker holds and mark it handed over now (audited); the caller
    commits, then sends it with `send_job`. LookupError: no such job."""
    from lms.audit.services import audit

    kind = kind_of(kind_name)
    t = kind.table
    area = t.c.area_id if "area_id" in t.c else sa.null()
    row = db.session.execute(
        sa.select(t.c.status, t.c.lease_owner, t.c.lease_until, area.label("area_id"))
        .where(t.c.id == job_id)
        .with_for_update()
    ).first()
    if row is None:
        raise LookupError(f"{kind_name} job {job_id}")
    if row.status not in kind.pending:
        raise ResendError(_("Việc này đã kết thúc, không cần gửi lại."))
    now = db_now()
    lease_until = _aware(row.lease_until)
    if lease_until is not None and lease_until >= now:
        raise ResendError(_("Việc này đang chạy trên một máy xử lý; chỉ gửi lại được khi nó bị treo."))
    _requeue(kind, [job_id], now)
    audit(
        actor,
        "job.resend",
        f"{kind_name} {job_id}",
        area_id=row.area_id,
        before={"status": row.status, "lease_owner": row.lease_owner},
        after={"queued_at": now.isoformat()},
    )
    db.session.flush()
