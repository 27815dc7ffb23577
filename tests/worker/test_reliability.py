"""Reliability with a real worker process (QUALITY R1, R2, R3, R6): faults never lose work."""

from datetime import date

import pytest
import sqlalchemy as sa

from lms.cli import poke_worker
from lms.criteria.schema import load_document
from lms.criteria.services import publish_framework
from lms.evidence.services import add_evidence
from lms.extensions import db
from lms.people.models import Person
from lms.recompute.drift import drift_check
from lms.recompute.models import DirtySubject, RecomputeJob
from lms.recompute.services import create_job, run_full_recompute
from tests.conftest import DEFAULT_FRAMEWORK
from tests.criteria.test_incremental_equals_full import snapshot
from tests.population import populate
from tests.redis_server import PrivateRedis
from tests.worker.test_pipeline import wait_for
from tests.worker_process import WorkerProcess

pytestmark = pytest.mark.worker


def job_state(job_id):
    job = db.session.get(RecomputeJob, job_id)
    return job.status, job.done, job.total


def job_row(job_id):
    """The job's row as the worker left it, for a failure message."""
    row = db.session.execute(sa.select(RecomputeJob.__table__).where(RecomputeJob.id == job_id)).mappings().first()
    return {k: row[k] for k in ("status", "done", "total", "lease_owner", "lease_until", "error")}


def assert_converged():
    """The state equals a clean full recompute, and the drift check agrees (R6)."""
    state = snapshot()
    run_full_recompute(2026, None)
    assert snapshot() == state
    assert drift_check(2026).differences == 0


@pytest.fixture
def fast_redelivery(monkeypatch):
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", "4")
    monkeypatch.setenv("JOB_LEASE_SECONDS", "2")


def lease_expired(job_id):
    """The job's lease ran out: no live worker holds it (a redelivered message may take it)."""
    from lms.jobs.services import db_now

    job = db.session.get(RecomputeJob, job_id)
    return job.lease_until is None or job.lease_until < db_now()


def test_r1_worker_killed_mid_full_recompute_then_restarted(
    fast_redelivery, services, live_app, default_framework, tmp_path
):
    populate(12, 400)
    job = create_job(2026, None, "test")
    db.session.commit()
    worker = WorkerProcess(services[0], services[1], tmp_path, beat=False)
    worker.start()
    live_app.extensions["celery"].send_task("worker.tasks.full_recompute", args=[job.id])
    wait_for(lambda: job_state(job.id)[1] >= 2, what="the recompute to be under way")
    worker.kill()
    status, done, total = job_state(job.id)
    assert status == "running" and done < total, "the kill must land mid-recompute"
    # a redelivered message leaves a job alone while a lease on it lives: the dead worker's lapses first
    wait_for(lambda: lease_expired(job.id), what="the killed worker's lease to lapse")
    worker.start()  # the unacknowledged task is redelivered to the new worker (no beat: no sweeper)
    try:
        wait_for(
            lambda: job_state(job.id)[0] == "done",
            timeout=180,
            what="the redelivered recompute",
            log=worker.log_path,
            detail=lambda: job_row(job.id),
        )
    finally:
        worker.stop()
    assert_converged()


def test_r2_redis_restart_during_a_burst_of_completions(services, private_redis, app_on_private_redis, tmp_path):
    publish_framework(load_document(DEFAULT_FRAMEWORK), "test")
    db.session.commit()
    worker = WorkerProcess(services[0], private_redis.url, tmp_path)
    worker.start()
    try:
        burst_with_a_broker_restart(private_redis)
    finally:
        worker.stop()
    assert_converged()


def burst_with_a_broker_restart(broker: PrivateRedis) -> None:
    """Record 300 completions one commit each, restarting the broker empty after the 100th."""
    populate(4, 200)
    run_full_recompute(2026, None)
    people = list(db.session.scalars(sa.select(Person).order_by(Person.id).limit(300)))
    for n, p in enumerate(people):
        add_evidence(p, kind="course", ref=f"BURST-{n % 7}", when=date(2026, 11, 20), category="law", source="online")
        db.session.commit()
        poke_worker()  # fails quietly while Redis is down: the outbox row is already committed
        if n == 100:
            broker.restart()
    wait_for(
        lambda: db.session.scalar(sa.select(sa.func.count()).select_from(DirtySubject)) == 0,
        timeout=180,
        what="the outbox to drain after the restart",
    )


def test_r3_worker_database_connection_terminated_mid_task(services, live_app, default_framework, tmp_path):
    populate(12, 400)
    job = create_job(2026, None, "test")
    db.session.commit()
    pg = sa.make_url(services[0]).update_query_dict({"application_name": "lms-worker-r3"})
    worker = WorkerProcess(pg.render_as_string(hide_password=False), services[1], tmp_path, beat=False)
    worker.start()
    live_app.extensions["celery"].send_task("worker.tasks.full_recompute", args=[job.id])
    wait_for(lambda: job_state(job.id)[1] >= 1, what="the recompute to be under way")
    # every connection of the worker, once one of them is inside a transaction: an idle pooled connection
    # alone would be replaced at its next checkout (pool_pre_ping) without the work ever noticing
    killed = wait_for(
        lambda: db.session.scalar(
            sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'lms-worker-r3'"
                " HAVING bool_or(state <> 'idle')"
            )
        ),
        timeout=30,
        what="a worker transaction to terminate",
    )
    db.session.commit()
    assert killed >= 1
    try:
        wait_for(
            lambda: job_state(job.id)[0] == "done",
            timeout=180,
            what="the retried recompute",
            log=worker.log_path,
            detail=lambda: job_row(job.id),
        )
    finally:
        worker.stop()
    log = worker.log_path.read_text(errors="replace")
    assert "OperationalError" in log and "retry" in log.lower(), log[-2000:]
    assert_converged()
