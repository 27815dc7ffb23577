"""A batch that fails for a non-transient reason is parked (the outbox keeps moving) and can be re-run."""

from datetime import date

import pytest

from lms.criteria.models import PersonResult
from lms.evidence.services import add_evidence
from lms.extensions import db
from lms.recompute import services
from lms.recompute.models import DirtySubject, FailedBatch


def test_failing_batch_is_parked_then_rerun_after_the_fix(app, default_framework, tree, make_person, monkeypatch):
    from worker.tasks import drain

    person = make_person(tree["A1"])
    add_evidence(person, kind="plan", ref="", when=date(2026, 1, 5), source="import")
    db.session.commit()
    pid = person.id  # the task ends its session: keep the id, not the instance

    def broken(batch):
        raise ValueError("a bug in a rule")

    monkeypatch.setattr("worker.tasks.recompute_batch", broken)
    drain.run()
    failed = db.session.query(FailedBatch).one()
    assert failed.subjects == [["person", pid]] and "a bug in a rule" in failed.error
    assert db.session.query(DirtySubject).count() == 0  # the outbox is not blocked

    monkeypatch.setattr("worker.tasks.recompute_batch", services.recompute_batch)
    services.rerun_failed_batch(failed, "admin@example.vn")
    db.session.commit()
    drain.run()
    assert db.session.get(PersonResult, (pid, 2026)).has_plan
    assert db.session.query(FailedBatch).count() == 0


def test_transient_errors_are_retried_not_parked(app, default_framework, tree, make_person, monkeypatch):
    import sqlalchemy.exc

    from worker.tasks import drain

    person = make_person(tree["A1"])
    add_evidence(person, kind="plan", ref="", when=date(2026, 1, 5), source="import")
    db.session.commit()

    def lost(batch):
        raise sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    monkeypatch.setattr("worker.tasks.recompute_batch", lost)
    with pytest.raises(sqlalchemy.exc.OperationalError):
        drain.run()
    assert db.session.query(FailedBatch).count() == 0
    assert db.session.query(DirtySubject).count() == 1
