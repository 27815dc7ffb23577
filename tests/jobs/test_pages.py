"""The pending jobs on the admin's recompute-health page and in `flask jobs`: their state and age, re-sending one."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.extensions import db
from lms.jobs.services import claim, db_now
from lms.recompute.models import RecomputeJob
from lms.recompute.services import create_job
from tests.web.conftest import sign_in, submit


@pytest.fixture
def sent(app, monkeypatch):  # type: ignore[no-untyped-def]
    calls: list[tuple[str, list]] = []
    monkeypatch.setattr(
        app.extensions["celery"], "send_task", lambda name, args=None, **kw: calls.append((name, list(args or [])))
    )
    return calls


@pytest.fixture
def three_jobs(app, tree):  # type: ignore[no-untyped-def]
    """A queued job, one a live worker runs, and one whose worker died (its lease expired) an hour ago."""
    queued, running, stalled = (create_job(2026, tree[code], "test") for code in ("A", "B", "D"))
    db.session.commit()
    ids = {"queued": queued.id, "running": running.id, "stalled": stalled.id}
    for name in ("running", "stalled"):
        claim("recompute", ids[name])
    hour_ago = db_now() - timedelta(hours=1)
    db.session.execute(sa.update(RecomputeJob).where(RecomputeJob.id != ids["queued"]).values(status="running"))
    db.session.execute(
        sa.update(RecomputeJob)
        .where(RecomputeJob.id == ids["stalled"])
        .values(lease_until=hour_ago, created_at=hour_ago, queued_at=hour_ago)
    )
    db.session.commit()
    return ids


def _row(html: str, job_id: int) -> str:
    found = re.search(rf'<tr data-job="recompute-{job_id}">(.*?)</tr>', html, flags=re.S)
    assert found, f"job {job_id} not listed"
    return found.group(1)


def test_admin_sees_queued_running_and_stalled_jobs_and_resends_the_stalled_one(client, make_user, three_jobs, sent):  # type: ignore[no-untyped-def]
    make_user("admin", login="admin@example.vn")
    sign_in(client, "admin@example.vn")
    html = client.get("/admin/recompute").get_data(as_text=True)
    assert "Đang chờ" in _row(html, three_jobs["queued"]) and "Xã Hòa Ân" in _row(html, three_jobs["queued"])
    running = _row(html, three_jobs["running"])
    assert "Đang chạy" in running and "resend" not in running  # a live worker has it: no button
    stalled = _row(html, three_jobs["stalled"])
    assert "Bị treo" in stalled and "1 tiếng" in stalled  # its age
    action = f"/admin/jobs/recompute/{three_jobs['stalled']}/resend"
    response = submit(client, "/admin/recompute", action, follow_redirects=True)
    assert "Đã gửi lại việc này" in response.get_data(as_text=True)
    assert sent == [("worker.tasks.full_recompute", [three_jobs["stalled"]])]
    job = db.session.get(RecomputeJob, three_jobs["stalled"])
    assert (job.lease_owner, job.lease_until, job.recoveries) == (None, None, 1)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "job.resend"))
    assert (entry.actor, entry.subject) == ("admin@example.vn", f"recompute {three_jobs['stalled']}")


def test_a_job_a_live_worker_runs_is_not_resent(client, make_user, three_jobs, sent):  # type: ignore[no-untyped-def]
    make_user("admin", login="admin@example.vn")
    sign_in(client, "admin@example.vn")
    action = f"/admin/jobs/recompute/{three_jobs['running']}/resend"
    response = submit(client, "/admin/recompute", action, follow_redirects=True)
    assert "đang chạy trên một máy xử lý" in response.get_data(as_text=True)
    assert sent == [] and db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "job.resend")) == 0
    assert client.post(action, data={}).status_code == 400  # no CSRF token


def test_cli_lists_pending_jobs_and_resends_one(app, three_jobs, sent):  # type: ignore[no-untyped-def]
    runner = app.test_cli_runner()
    listing = runner.invoke(args=["jobs", "list"])
    assert listing.exit_code == 0, listing.output
    lines = {line.split("\t")[0]: line.split("\t") for line in listing.output.splitlines()}
    assert lines[f"recompute:{three_jobs['queued']}"][1] == "queued"
    assert lines[f"recompute:{three_jobs['running']}"][1] == "running"
    stalled = lines[f"recompute:{three_jobs['stalled']}"]
    assert stalled[1] == "stalled" and stalled[3] == "60 min"

    refused = runner.invoke(args=["jobs", "resend", f"recompute:{three_jobs['running']}"])
    assert refused.exit_code == 1 and sent == []
    done = runner.invoke(args=["jobs", "resend", str(three_jobs["stalled"])])
    assert done.exit_code == 0, done.output
    assert sent == [("worker.tasks.full_recompute", [three_jobs["stalled"]])]
    assert runner.invoke(args=["jobs", "resend", "recompute:999"]).exit_code == 1
    assert runner.invoke(args=["jobs", "resend", "nonsense:1"]).exit_code == 2
    assert db.session.scalar(sa.select(AuditEntry.actor).where(AuditEntry.action == "job.resend")) == "cli"
