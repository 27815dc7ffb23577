"""Thin, idempotent tasks: ids in, a service does the work, commit inside, safe to run twice."""

import contextlib
import weakref
from typing import Any

import sqlalchemy as sa
import sqlalchemy.exc
from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from flask import current_app

from lms.extensions import db
from lms.jobs.services import LeaseLost, discard_transaction, leased, sweep
from lms.recompute.models import RecomputeJob
from lms.recompute.services import (
    claim_batch,
    fail_job,
    park_batch,
    recompute_batch,
    release_batch,
    run_full_recompute,
)

TRANSIENT = (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError)
RETRYABLE = (*TRANSIENT, sqlalchemy.exc.IntegrityError)


# the DBAPI connections this process has checked out: a time limit cancels their running statement
_in_use: "weakref.WeakSet[Any]" = weakref.WeakSet()


@sa.event.listens_for(sa.pool.Pool, "checkout")
def _checked_out(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    with contextlib.suppress(TypeError):  # a driver whose connections cannot be weakly referenced
        _in_use.add(dbapi_connection)


@sa.event.listens_for(sa.pool.Pool, "checkin")
def _checked_in(dbapi_connection: Any, _record: Any) -> None:
    with contextlib.suppress(TypeError):
        _in_use.discard(dbapi_connection)


def timed_out(exc: BaseException) -> bool:
    """True when the soft time limit interrupted the work (also when it surfaces as the failed rollback it caused)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, SoftTimeLimitExceeded):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def end_transaction(exc: BaseException) -> None:
    """Roll back; after a time limit, which cut a statement in half, cancel it and drop the connection."""
    if not timed_out(exc):
        discard_transaction()
        return
    for connection in list(_in_use):
        cancel = getattr(connection, "cancel", None)  # psycopg: the server stops the statement now
        if cancel is not None:
            with contextlib.suppress(Exception):
                cancel()
    db.session().invalidate()  # the server ends the transaction (and its row locks) with the connection


def failure_message(exc: BaseException) -> str:
    """Say why a task failed, in words an operator can act on."""
    if timed_out(exc):
        return "stopped at the time limit (CELERY_TASK_SOFT_TIME_LIMIT / CELERY_TASK_TIME_LIMITS)"
    return str(exc) or type(exc).__name__


@shared_task(
    name="worker.tasks.drain",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=1,
    retry_backoff_max=30,
    max_retries=None,
)
def drain(max_batches: int = 200) -> int:
    """Recompute dirty subjects batch by batch (one transaction each) until the outbox is empty.

    A batch that fails for a transient reason (connection lost) is retried; one that fails for any
    other reason is parked in failed_batch so the rest of the outbox keeps moving. At the soft time
    limit the current batch is rolled back (its subjects stay dirty) and the next drain goes on.
    """
    done = 0
    try:
        for _ in range(max_batches):
            batch = claim_batch(current_app.config["RECOMPUTE_BATCH_SIZE"])
            if batch is None:
                db.session.commit()
                break
            try:
                recompute_batch(batch)
                release_batch(batch)
                db.session.commit()
            except Exception as exc:
                end_transaction(exc)
                if timed_out(exc):
                    raise SoftTimeLimitExceeded() from exc
                if isinstance(exc, TRANSIENT):
                    raise
                current_app.logger.exception("recompute batch failed; parked")
                park_batch(batch, f"{type(exc).__name__}: {exc}")
                db.session.commit()
            done += len(batch.rows)
    except Exception as exc:
        if not timed_out(exc):
            raise
        end_transaction(exc)
        current_app.logger.warning("drain stopped at its time limit after %d subjects; the rest stay queued", done)
    finally:
        db.session.remove()
    return done


@shared_task(
    name="worker.tasks.full_recompute",
    acks_late=True,
    autoretry_for=RETRYABLE,
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=20,
)
def full_recompute(job_id: int) -> None:
    """Run a full recompute job under its lease, resuming after its last finished step; rerunning is harmless."""
    from lms.areas.models import Area

    try:
        with leased("recompute", job_id) as lease:
            if lease is None:
                return  # finished, or another worker holds a live lease on it
            job = db.session.get(RecomputeJob, job_id)
            if job is None:
                return
            root = db.session.get(Area, job.area_id) if job.area_id else None
            run_full_recompute(job.period, root, job, before_commit=lease.confirm)
    except LeaseLost:
        current_app.logger.warning("recompute job %s was taken over by another worker", job_id)
    except Exception as exc:
        end_transaction(exc)
        if isinstance(exc, RETRYABLE) and not timed_out(exc):
            raise
        fail_job(job_id, failure_message(exc))
        db.session.commit()
        if timed_out(exc):
            raise SoftTimeLimitExceeded() from exc  # not retried: the next run would stop there again
        raise
    finally:
        db.session.remove()


@shared_task(
    name="worker.tasks.nightly_drift", acks_late=True, autoretry_for=RETRYABLE, retry_backoff=60, max_retries=5
)
def nightly_drift() -> int:
    """Recompute the current year in full and report rows that differ from the incremental state."""
    from lms.criteria.services import published_framework
    from lms.recompute.drift import drift_check
    from lms.util import today_local

    period = today_local().year
    if published_framework(period) is None:
        return 0
    try:
        report = drift_check(period)
    finally:
        db.session.remove()
    if report.differences:
        current_app.logger.error("drift: %d rows differ for %d: %s", report.differences, period, report.details)
    return report.differences


@shared_task(
    bind=True,
    name="worker.tasks.run_import",
    acks_late=True,
    autoretry_for=RETRYABLE,
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=5,
)
def run_import(self: Task[Any, Any], job_id: int) -> None:
    """Check or import an uploaded file under the job's lease; a finished step is not redone."""
    from lms.imports.jobs import fail_job, process

    try:
        with leased("import", job_id) as lease:
            if lease is not None:
                process(job_id, before_commit=lease.confirm)
    except LeaseLost:
        current_app.logger.warning("import job %s was taken over by another worker", job_id)
    except Exception as exc:
        end_transaction(exc)
        if not isinstance(exc, RETRYABLE) or timed_out(exc) or self.request.retries >= (self.max_retries or 0):
            fail_job(job_id, failure_message(exc))
            db.session.commit()
        if timed_out(exc):
            raise SoftTimeLimitExceeded() from exc
        raise
    finally:
        db.session.remove()


@shared_task(name="worker.tasks.sweep_jobs", acks_late=True, autoretry_for=TRANSIENT, max_retries=3)
def sweep_jobs() -> int:
    """Re-send the jobs whose message the broker lost or whose worker died (found from the database)."""
    try:
        return len(sweep())
    finally:
        db.session.remove()


@shared_task(name="worker.tasks.retention", acks_late=True, autoretry_for=TRANSIENT, retry_backoff=60, max_retries=3)
def retention() -> dict[str, int]:
    """Apply the retention rules (lms.retention): remove what has been kept long enough."""
    from lms.retention.services import run_rules

    try:
        results = run_rules()
    except Exception as exc:
        end_transaction(exc)
        raise
    finally:
        db.session.remove()
    return {r.rule: r.items for r in results}
