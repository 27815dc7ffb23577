"""The job lease (lms.jobs): who may work on a job, when the sweeper re-sends it, and resuming after a crash."""

import logging
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from lms.extensions import db
from lms.jobs.services import Lease, LeaseLost, claim, db_now, leased, sweep
from lms.recompute.models import RecomputeJob
from lms.recompute.services import create_job, run_full_recompute
from tests.criteria.test_incremental_equals_full import snapshot
from tests.population import populate


class Killed(BaseException):
    """The worker process dies here (nothing after this line runs, nothing uncommitted survives)."""


@pytest.fixture
def job_id(app) -> int:  # type: ignore[no-untyped-def]
    """The id of a queued full recompute of 2026 for everywhere, committed."""
    found = create_job(2026, None, "test")
    db.session.commit()
    return found.id


def _set(job_id: int, **values) -> None:  # type: ignore[no-untyped-def]
    db.session.execute(sa.update(RecomputeJob).where(RecomputeJob.id == job_id).values(**values))
    db.session.commit()


@pytest.fixture
def sent(app, monkeypatch):  # type: ignore[no-untyped-def]
    """Record the tasks sent to the broker."""
    calls: list[tuple[str, list]] = []
    monkeypatch.setattr(
        app.extensions["celery"], "send_task", lambda name, args=None, **kw: calls.append((name, list(args or [])))
    )
    return calls


def _expire(job_id: int) -> None:
    """Make the job's lease run out (its worker stopped renewing it)."""
    _set(job_id, lease_until=db_now() - timedelta(seconds=1))


def _age(job_id: int, seconds: int) -> None:
    """Pretend the job was handed to the workers `seconds` ago."""
    _set(job_id, queued_at=db_now() - timedelta(seconds=seconds), created_at=db_now() - timedelta(seconds=seconds))


def test_two_claimers_at_once_only_one_wins(app: Flask, job_id):  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(6)
    won: list[bool] = []
    errors: list[Exception] = []

    def worker() -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                won.append(claim("recompute", job_id) is not None)
            except Exception as exc:  # noqa: BLE001 - SQLite: "database is locked" is a lost race too
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    if db.engine.dialect.name == "postgresql":
        assert errors == []
    assert won.count(True) == 1, (won, errors)


def test_a_live_lease_makes_a_redelivered_message_do_nothing(app, job_id):  # type: ignore[no-untyped-def]
    from worker.tasks import full_recompute

    holder = claim("recompute", job_id)
    assert isinstance(holder, Lease)
    assert claim("recompute", job_id) is None
    full_recompute.run(job_id)  # the redelivered message: another worker holds a live lease
    found = db.session.get(RecomputeJob, job_id)
    assert (found.status, found.done, found.lease_owner) == ("queued", 0, holder.owner)


def test_an_expired_lease_is_taken_over_and_the_old_holder_commits_nothing(app, job_id):  # type: ignore[no-untyped-def]
    old = claim("recompute", job_id)
    _expire(job_id)
    new = claim("recompute", job_id)
    assert new is not None and new.owner != old.owner
    with pytest.raises(LeaseLost):
        old.confirm()  # what the old worker runs before committing a step
    db.session.rollback()
    new.confirm()
    db.session.commit()


def test_a_working_worker_keeps_its_lease_alive(app, job_id):  # type: ignore[no-untyped-def]
    import time

    app.config["JOB_LEASE_SECONDS"] = 1
    lease = claim("recompute", job_id)
    first = db.session.get(RecomputeJob, job_id).lease_until
    if db.engine.dialect.name == "postgresql":  # renewed from a thread while the job's steps run
        lease.start()
        try:
            for _ in range(150):
                db.session.rollback()
                if db.session.get(RecomputeJob, job_id).lease_until > first:
                    break
                time.sleep(0.2)
        finally:
            lease.stop()
    else:  # SQLite: renewed at each step's commit
        lease.confirm()
        db.session.commit()
    db.session.expire_all()
    assert db.session.get(RecomputeJob, job_id).lease_until > first
    assert db.session.get(RecomputeJob, job_id).lease_owner == lease.owner


def test_a_finished_job_is_never_claimed(app, job_id):  # type: ignore[no-untyped-def]
    _set(job_id, status="done")
    assert claim("recompute", job_id) is None
    assert claim("recompute", job_id + 1000) is None


def test_the_lease_is_freed_when_the_work_ends_even_by_an_error(app, job_id):  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError), leased("recompute", job_id) as lease:
        assert lease is not None
        raise RuntimeError("boom")
    found = db.session.get(RecomputeJob, job_id)
    assert found.lease_owner is None and found.lease_until is None
    with leased("recompute", job_id) as again:  # its retry claims it at once
        assert again is not None


def test_the_sweeper_resends_a_job_queued_too_long(app, job_id, sent):  # type: ignore[no-untyped-def]
    app.config["JOB_RESEND_AFTER_SECONDS"] = 120
    assert sweep() == [] and sent == []  # just queued: its message is probably on its way
    _age(job_id, 300)
    assert sweep() == [("recompute", job_id)]
    assert sent == [("worker.tasks.full_recompute", [job_id])]
    assert sweep() == []  # re-sent just now: not again before another 120 s
    found = db.session.get(RecomputeJob, job_id)
    assert found.status == "queued" and found.recoveries == 0


def test_the_sweeper_leaves_a_live_lease_alone_and_resumes_an_expired_one(app, job_id, sent):  # type: ignore[no-untyped-def]
    app.config["JOB_RESEND_AFTER_SECONDS"] = 120
    claim("recompute", job_id)
    _set(job_id, status="running")
    _age(job_id, 3600)  # a long run: its age alone does not make it stalled while the lease lives
    assert sweep() == []
    _expire(job_id)
    assert sweep() == [("recompute", job_id)]
    found = db.session.get(RecomputeJob, job_id)
    assert (found.status, found.lease_owner, found.lease_until, found.recoveries) == ("running", None, None, 1)
    assert claim("recompute", job_id) is not None  # the re-sent message's worker takes it


def test_a_job_whose_worker_keeps_dying_fails_instead_of_looping(app, job_id, sent):  # type: ignore[no-untyped-def]
    app.config["JOB_MAX_RECOVERIES"] = 2
    for _ in range(2):
        claim("recompute", job_id)
        _expire(job_id)
        sweep()
    found = db.session.get(RecomputeJob, job_id)
    assert found.status == "failed" and "2 times" in found.error
    assert len(sent) == 1  # re-sent once, then given up


def test_a_killed_full_recompute_resumes_after_its_last_finished_step(app, default_framework, caplog):  # type: ignore[no-untyped-def]
    populate(4, 30)
    db.session.commit()
    run_full_recompute(2026, None)
    clean = snapshot()
    from lms.criteria.models import PersonResult

    db.session.execute(sa.delete(PersonResult))  # lose every person's result: the steps must redo them all
    db.session.commit()
    job = create_job(2026, None, "test")
    db.session.commit()

    def die_in_the_third_step() -> None:
        if job.done == 3:  # two steps committed; the third scored its people, then its lease check fails
            raise Killed

    with pytest.raises(Killed):
        run_full_recompute(2026, None, job, before_commit=die_in_the_third_step)
    db.session.rollback()
    found = db.session.get(RecomputeJob, job.id)
    # 4 communes of 30 people: the people of each, then the groups of each, then the last step
    assert (found.status, found.done, found.total) == ("running", 2, 9)
    if db.engine.dialect.name == "postgresql":  # RECOMPUTE_CONNECTIONS = 2: the step's second slice had committed
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PersonResult)) == 2 * 30 + 15
    with caplog.at_level(logging.WARNING):
        run_full_recompute(2026, None, found)
    assert f"resuming recompute job {job.id} after step 2 of 9" in caplog.text
    assert found.status == "done" and found.done == 9
    assert snapshot() == clean
