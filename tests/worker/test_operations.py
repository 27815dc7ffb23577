"""Operating the workers: the request id of a page travels into the tasks it starts (JSON worker logs),
every task has time limits, and queue routing comes from the environment."""

import json

import redis
import sqlalchemy as sa

from lms import create_app
from lms.extensions import db
from lms.recompute.models import FailedBatch, RecomputeJob
from lms.recompute.services import create_job, mark_dirty
from lms.web import current_period
from tests.population import populate
from tests.web.conftest import sign_in, submit
from tests.worker.test_pipeline import wait_for
from tests.worker_process import WorkerProcess


def json_lines(worker: WorkerProcess) -> list[dict]:
    lines = []
    for raw in worker.log_path.read_text(errors="replace").splitlines():
        if raw.startswith("{"):
            lines.append(json.loads(raw))
    return lines


def test_the_request_id_of_a_page_reaches_the_worker_log(
    services, live_app, tree, make_person, make_user, tmp_path, monkeypatch
):
    citizen = make_user("citizen", person=make_person(tree["A1"]), login="0912345678")
    monkeypatch.setenv("LOG_FORMAT", "json")
    worker = WorkerProcess(services[0], services[1], tmp_path, beat=False)
    worker.start()
    try:
        client = live_app.test_client()
        client.environ_base["HTTP_X_REQUEST_ID"] = "page-req-4711"
        sign_in(client, citizen.login)
        period = current_period()
        saved = submit(client, "/plan", f"/plan?period={period}", {"goals": "Học dùng VNeID."})
        assert saved.status_code == 302 and saved.headers["X-Request-ID"] == "page-req-4711"
        wait_for(
            lambda: any(line.get("request_id") == "page-req-4711" for line in json_lines(worker)),
            what="a worker log line with the page's request id",
        )
    finally:
        worker.stop()
    lines = json_lines(worker)
    assert lines, "LOG_FORMAT=json: the worker writes JSON lines"
    tagged = [line for line in lines if line.get("request_id") == "page-req-4711"]
    assert any("worker.tasks.drain" in line["message"] for line in tagged)
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)


def test_tasks_stop_at_their_soft_time_limit_without_parking_work(
    services, live_app, default_framework, tmp_path, monkeypatch
):
    """An interrupted drain leaves its subjects dirty for the next one (nothing parked as a failed batch,
    nothing lost); a full recompute stopped by its limit is marked failed with the reason."""
    limits = {"worker.tasks.full_recompute": [0.2, 60], "worker.tasks.drain": [0.2, 60]}
    monkeypatch.setenv("CELERY_TASK_TIME_LIMITS", json.dumps(limits))
    world = populate(6, 400)  # far more than 0.2 s of work for either task
    mark_dirty("person", world["people"], 2026)
    job = create_job(2026, None, "test")
    db.session.commit()
    queued = dirty_count()
    worker = WorkerProcess(services[0], services[1], tmp_path, beat=False)
    worker.start()
    try:
        live_app.extensions["celery"].send_task("worker.tasks.drain")
        wait_for(lambda: "drain stopped at its time limit" in worker.log_path.read_text(), what="the drain to stop")
        assert dirty_count() == queued, "the interrupted batch was rolled back: every subject is still queued"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(FailedBatch)) == 0
        live_app.extensions["celery"].send_task("worker.tasks.full_recompute", args=[job.id])
        failed = wait_for(
            lambda: (j := db.session.get(RecomputeJob, job.id)) and j.status == "failed" and j,
            what="the recompute to stop at its time limit",
        )
    finally:
        worker.stop()
    assert "time limit" in failed.error


def dirty_count() -> int:
    db.session.rollback()
    return db.session.scalar(sa.text("SELECT count(*) FROM dirty_subject"))


def test_every_task_has_soft_and_hard_time_limits(live_app):
    import worker.tasks  # noqa: F401  (registers the tasks on every Celery app)

    celery_app = live_app.extensions["celery"]
    conf = celery_app.conf
    assert 0 < conf.task_soft_time_limit < conf.task_time_limit < live_app.config["CELERY_VISIBILITY_TIMEOUT"]
    assert {name for name in celery_app.tasks if name.startswith("worker.")} >= {
        "worker.tasks.drain",
        "worker.tasks.full_recompute",
        "worker.tasks.nightly_drift",
        "worker.tasks.run_import",
    }


def test_queue_routes_come_from_the_environment(services, _schema, monkeypatch):
    """CELERY_TASK_ROUTES sends a task kind to its own queue (workers started with -Q pick it up)."""
    pg, rd = services
    client = redis.Redis.from_url(rd)
    client.flushdb()
    routes = {"worker.tasks.drain": "recompute", "worker.tasks.run_import": {"queue": "imports"}}
    monkeypatch.setenv("CELERY_TASK_ROUTES", json.dumps(routes))
    monkeypatch.setenv("DATABASE_URL", pg)
    monkeypatch.setenv("REDIS_URL", rd)
    app = create_app("development")
    celery = app.extensions["celery"]
    celery.send_task("worker.tasks.drain")
    celery.send_task("worker.tasks.run_import", args=[1])
    celery.send_task("worker.tasks.nightly_drift")
    assert (client.llen("recompute"), client.llen("imports"), client.llen("celery")) == (1, 1, 1)
    client.flushdb()
