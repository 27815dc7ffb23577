"""Reliability with a real worker process (QUALITY R1, R2, R3, R6): faults never lose work."""

import subprocess
import time
from datetime import date

import pytest
import sqlalchemy as sa

from lms.cli import poke_worker
from lms.evidence.services import add_evidence
from lms.extensions import db
from lms.people.models import Person
from lms.recompute.drift import drift_check
from lms.recompute.models import DirtySubject, RecomputeJob
from lms.recompute.services import create_job, run_full_recompute
from tests.criteria.test_incremental_equals_full import snapshot
from tests.population import populate
from tests.worker.test_pipeline import wait_for
from tests.worker_process import WorkerProcess

pytestmark = pytest.mark.worker


def job_state(job_id):
    job = db.session.get(RecomputeJob, job_id)
    return job.status, job.done, job.total


def assert_converged():
    """The state equals a clean full recompute, and the drift check agrees (R6)."""
    state = snapshot()
    run_full_recompute(2026, None)
    assert snapshot() == state
    assert drift_check(2026).differences == 0


@pytest.fixture
def fast_redelivery(monkeypatch):
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", "4")


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
    worker.start()  # the unacknowledged task is redelivered to the new worker
    try:
        wait_for(lambda: job_state(job.id)[0] == "done", timeout=180, what="the redelivered recompute")
    finally:
        worker.stop()
    assert_converged()


def restart_redis():
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "shutdown", "nosave"], capture_output=True)
    time.sleep(1)
    subprocess.run(
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "-::1",
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            "/var/lib/redis",
            "--logfile",
            "/var/log/redis/ci.log",
        ],
        check=True,
    )
    for _ in range(50):
        if subprocess.run(["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True).stdout.strip() == b"PONG":
            return
        time.sleep(0.2)
    raise AssertionError("redis did not come back")


def test_r2_redis_restart_during_a_burst_of_completions(services, live_app, default_framework, worker):
    populate(4, 200)
    run_full_recompute(2026, None)
    people = list(db.session.scalars(sa.select(Person).order_by(Person.id).limit(300)))
    for n, p in enumerate(people):
        add_evidence(p, kind="course", ref=f"BURST-{n % 7}", when=date(2026, 11, 20), category="law", source="online")
        db.session.commit()
        poke_worker()  # fails quietly while Redis is down: the outbox row is already committed
        if n == 100:
            restart_redis()
    wait_for(
        lambda: db.session.scalar(sa.select(sa.func.count()).select_from(DirtySubject)) == 0,
        timeout=180,
        what="the outbox to drain after the restart",
    )
    assert_converged()


def test_r3_worker_database_connection_terminated_mid_task(services, live_app, default_framework, tmp_path):
    populate(12, 400)
    job = create_job(2026, None, "test")
    db.session.commit()
    pg = sa.make_url(services[0]).update_query_dict({"application_name": "lms-worker-r3"})
    worker = WorkerProcess(pg.render_as_string(hide_password=False), services[1], tmp_path, beat=False)
    worker.start()
    live_app.extensions["celery"].send_task("worker.tasks.full_recompute", args=[job.id])
    wait_for(lambda: job_state(job.id)[1] >= 1, what="the recompute to be under way")
    killed = db.session.scalar(
        sa.text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'lms-worker-r3'"
        )
    )
    db.session.commit()
    assert killed >= 1
    try:
        wait_for(lambda: job_state(job.id)[0] == "done", timeout=180, what="the retried recompute")
    finally:
        worker.stop()
    log = worker.log_path.read_text(errors="replace")
    assert "OperationalError" in log and "retry" in log.lower(), log[-2000:]
    assert_converged()
