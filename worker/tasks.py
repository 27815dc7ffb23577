"""Thin, idempotent tasks: ids in, a service does the work, commit inside, safe to run twice."""

import sqlalchemy.exc
from celery import shared_task
from flask import current_app

from lms.extensions import db
from lms.jobs.services import LeaseLost, leased, sweep
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
    other reason is parked in failed_batch so the rest of the outbox keeps moving.
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
            except TRANSIENT:
                db.session.rollback()
                raise
            except Exception as exc:  # noqa: BLE001 - parked, logged, and re-runnable by an admin
                db.session.rollback()
                current_app.logger.exception("recompute batch failed; parked")
                park_batch(batch, f"{type(exc).__name__}: {exc}")
                db.session.commit()
            done += len(batch.rows)
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
    except RETRYABLE:
        db.session.rollback()
        raise
    except Exception as exc:
        db.session.rollback()
        fail_job(job_id, str(exc))
        db.session.commit()
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
def run_import(self, job_id: int) -> None:  # type: ignore[no-untyped-def]
    """Check or import an uploaded file under the job's lease; a finished step is not redone."""
    from lms.imports.jobs import fail_job, process

    try:
        with leased("import", job_id) as lease:
            if lease is not None:
                process(job_id, before_commit=lease.confirm)
    except LeaseLost:
        current_app.logger.warning("import job %s was taken over by another worker", job_id)
    except Exception as exc:
        db.session.rollback()
        if not isinstance(exc, RETRYABLE) or self.request.retries >= self.max_retries:
            fail_job(job_id, str(exc))
            db.session.commit()
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
