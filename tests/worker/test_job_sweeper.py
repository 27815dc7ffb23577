"""QUALITY R7 with real processes: jobs are found from the database, so a broker that forgets its
messages, or a worker killed mid-job, never leaves a job `queued` or `running` for long."""

import re
from datetime import date
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from lms.areas.models import Area
from lms.criteria.schema import load_document
from lms.criteria.services import publish_framework
from lms.evidence.models import Evidence
from lms.extensions import db
from lms.imports import jobs as imports
from lms.imports.models import ImportJob
from lms.recompute.models import DirtySubject, RecomputeJob
from lms.recompute.services import create_job
from tests.conftest import DEFAULT_FRAMEWORK
from tests.population import populate
from tests.worker.test_pipeline import wait_for
from tests.worker.test_reliability import assert_converged, job_state
from tests.worker_process import WorkerProcess

pytestmark = pytest.mark.worker


@pytest.fixture
def fast_sweeper(monkeypatch):  # type: ignore[no-untyped-def]
    """Short sweep interval, lease and wait (production: 30 s, 60 s, 120 s); the visibility timeout
    keeps its production default of 1,800 s, so Celery's own redelivery cannot explain a recovery."""
    monkeypatch.delenv("CELERY_VISIBILITY_TIMEOUT", raising=False)
    monkeypatch.setenv("JOB_SWEEP_INTERVAL_SECONDS", "1")
    monkeypatch.setenv("JOB_LEASE_SECONDS", "3")
    monkeypatch.setenv("JOB_RESEND_AFTER_SECONDS", "4")


def _queued_import(tmp_path: Path) -> int:
    """An evidence file (a plan for 300 people across the communes), checked and confirmed: queued."""
    rows = "".join(f"P{c}-{i},plan,2026-11-30\n" for c in range(6) for i in range(0, 100, 2))
    path = tmp_path / "ke-hoach.csv"
    path.write_text("person_code,kind,date\n" + rows, encoding="utf-8")
    root = db.session.scalar(sa.select(Area).where(Area.code == "P"))
    job = imports.create_job(
        "evidence", "ke-hoach.csv", path, path.stat().st_size, actor="test", scope=root, restricted=False, lang="vi"
    )
    report = imports.check_job(job)
    assert report.ok, report.errors
    imports.confirm_job(job)
    db.session.commit()
    return job.id


def test_r7_jobs_queued_when_the_broker_forgets_are_resent_and_finish(
    fast_sweeper, services, private_redis, app_on_private_redis, tmp_path
):  # type: ignore[no-untyped-def]
    publish_framework(load_document(DEFAULT_FRAMEWORK), "test")
    populate(6, 100)
    db.session.commit()
    recompute_id = create_job(2026, None, "test").id
    db.session.commit()
    import_id = _queued_import(tmp_path)
    celery = app_on_private_redis.extensions["celery"]
    celery.send_task("worker.tasks.full_recompute", args=[recompute_id])
    celery.send_task("worker.tasks.run_import", args=[import_id])
    assert redis.Redis.from_url(private_redis.url).llen("celery") == 2  # queued, no worker up
    private_redis.restart()  # no persistence: both messages are gone
    assert redis.Redis.from_url(private_redis.url).dbsize() == 0

    worker = WorkerProcess(services[0], private_redis.url, tmp_path)  # with beat, hence the sweeper
    worker.start()
    try:
        wait_for(lambda: job_state(recompute_id)[0] == "done", timeout=240, what="the re-sent recompute")
        wait_for(lambda: db.session.get(ImportJob, import_id).status == "done", timeout=240, what="the re-sent import")
        wait_for(
            lambda: db.session.scalar(sa.select(sa.func.count()).select_from(DirtySubject)) == 0,
            timeout=240,
            what="the imported evidence to be recomputed",
        )
    finally:
        worker.stop()
    assert db.session.scalar(sa.select(sa.func.count()).where(Evidence.date == date(2026, 11, 30))) == 300
    for model, job_id in ((RecomputeJob, recompute_id), (ImportJob, import_id)):
        job = db.session.get(model, job_id)
        assert (job.lease_owner, job.recoveries) == (None, 0)  # re-sent as lost, no worker had died
    assert "re-sending recompute job" in worker.log_path.read_text(errors="replace")
    assert_converged()


def test_r7_a_worker_killed_mid_recompute_is_resumed_by_the_sweeper(
    fast_sweeper, services, live_app, default_framework, tmp_path
):  # type: ignore[no-untyped-def]
    assert live_app.config["CELERY_VISIBILITY_TIMEOUT"] == 1800  # Celery alone would wait 30 minutes
    populate(12, 400)
    job_id = create_job(2026, None, "test").id
    db.session.commit()
    worker = WorkerProcess(services[0], services[1], tmp_path)
    worker.start()
    live_app.extensions["celery"].send_task("worker.tasks.full_recompute", args=[job_id])
    wait_for(lambda: job_state(job_id)[1] >= 2, timeout=120, what="the recompute to be under way")
    worker.kill()
    status, done_at_kill, total = job_state(job_id)
    assert status == "running" and done_at_kill < total, "the kill must land mid-recompute"

    worker.start()  # its message stays unacknowledged for 1,800 s: only the sweeper can resume the job
    try:
        wait_for(lambda: job_state(job_id)[0] == "done", timeout=300, what="the sweeper to resume the recompute")
    finally:
        worker.stop()
    log = worker.log_path.read_text(errors="replace")
    resumed = re.search(rf"resuming recompute job {job_id} after step (\d+) of {total}", log)
    assert resumed and int(resumed.group(1)) >= done_at_kill, log[-3000:]  # from its last finished step
    assert db.session.get(RecomputeJob, job_id).recoveries == 1
    assert "taken over by another worker" not in log  # one worker at a time: nobody lost a lease it used
    assert_converged()
