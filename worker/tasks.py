"""Thin, idempotent tasks: ids in, a service does the work, commit inside, safe to run twice."""

import sqlalchemy.exc
from celery import shared_task
from flask import current_app

from lms.extensions import db
from lms.recompute.models import RecomputeJob
from lms.recompute.services import claim_batch, park_batch, recompute_batch, release_batch, run_full_recompute
from lms.util import utcnow

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
    """Run a full recompute job (chunks by commune, progress on the job row); rerunning is harmless."""
    from lms.areas.models import Area

    job = db.session.get(RecomputeJob, job_id)
    if job is None or job.status == "done":
        return
    root = db.session.get(Area, job.area_id) if job.area_id else None
    try:
        run_full_recompute(job.period, root, job)
    except RETRYABLE:
        db.session.rollback()
        raise
    except Exception as exc:
        db.session.rollback()
        job = db.session.get(RecomputeJob, job_id)
        if job is not None:
            job.status, job.error, job.finished_at = "failed", str(exc)[:2000], utcnow()
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
    """Check or import an uploaded file (the step its job waits for); a finished step is not redone."""
    from lms.imports.jobs import fail_job, process

    try:
        process(job_id)
    except Exception as exc:
        db.session.rollback()
        if not isinstance(exc, RETRYABLE) or self.request.retries >= self.max_retries:
            fail_job(job_id, str(exc))
            db.session.commit()
        raise
    finally:
        db.session.remove()
