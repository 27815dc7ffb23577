"""The recompute button: a job for the officer's area, sent to the worker by name, progress from the job."""

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.extensions import db
from lms.recompute.models import RecomputeJob
from tests.web.conftest import sign_in, submit


@pytest.fixture
def sent(app, monkeypatch):  # type: ignore[no-untyped-def]
    calls: list[tuple[str, list]] = []
    monkeypatch.setattr(
        app.extensions["celery"], "send_task", lambda name, args=None, **kw: calls.append((name, list(args or [])))
    )
    return calls


def test_officer_starts_a_recompute_of_their_commune_and_follows_its_progress(
    client, tree, officer_a, default_framework, sent, make_person
):
    from lms.recompute.services import run_full_recompute

    make_person(tree["A1"], full_name="Ai Đó")
    db.session.commit()
    sign_in(client, "canbo.a@example.vn")
    response = submit(client, "/officer/reports?period=2026", "/officer/recompute", {"period": "2026"})
    job = db.session.scalar(sa.select(RecomputeJob))
    assert response.headers["Location"].endswith(f"/officer/recompute/{job.id}")
    assert (job.period, job.area_id, job.status, job.requested_by) == (
        2026,
        tree["A"].id,
        "queued",
        "canbo.a@example.vn",
    )
    assert sent == [("worker.tasks.full_recompute", [job.id])]
    html = client.get(f"/officer/recompute/{job.id}").get_data(as_text=True)
    assert "<progress" in html and "progress.js" in html
    assert client.get(f"/officer/recompute/{job.id}/status").get_json()["finished"] is False

    again = submit(client, "/officer/reports?period=2026", "/officer/recompute", {"period": "2026"})
    assert again.headers["Location"].endswith(f"/officer/recompute/{job.id}")  # one at a time per area and year
    assert len(sent) == 1

    run_full_recompute(2026, tree["A"], job)  # what the worker does
    state = client.get(f"/officer/recompute/{job.id}/status").get_json()
    assert state == {"status": "done", "done": job.total, "total": job.total, "percent": 100, "finished": True}
    assert "Đã tính toán lại xong" in client.get(f"/officer/recompute/{job.id}").get_data(as_text=True)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "recompute.start"))
    assert entry.actor == "canbo.a@example.vn" and entry.area_id == tree["A"].id


def test_recompute_of_a_year_without_framework_is_refused(client, tree, officer_a, sent):
    sign_in(client, "canbo.a@example.vn")
    response = submit(client, "/officer/reports", "/officer/recompute", {"period": "2031"}, follow_redirects=True)
    assert "Chưa có bộ tiêu chí" in response.get_data(as_text=True)
    assert sent == [] and db.session.scalar(sa.select(sa.func.count()).select_from(RecomputeJob)) == 0


def test_officer_cannot_recompute_another_commune(client, tree, officer_b, default_framework, sent):
    sign_in(client, "canbo.b@example.vn")
    response = submit(client, "/officer/reports", "/officer/recompute", {"period": "2026", "area": "A"})
    assert response.status_code == 404 and sent == []
