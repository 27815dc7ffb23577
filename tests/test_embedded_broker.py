"""The embedded default behind `make run`: kombu's filesystem transport under instance/broker/ (no
SQLAlchemy in the broker, so the next SQLAlchemy cannot break it). A real worker with beat drains the
outbox on it, poked by a page or on its own schedule."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from lms.criteria.models import PersonResult
from lms.evidence.services import add_evidence
from lms.extensions import db
from tests.worker.test_pipeline import wait_for
from tests.worker_process import WorkerProcess

pytestmark = pytest.mark.worker


def test_worker_and_beat_drain_the_outbox_on_the_embedded_broker(
    app, database_url, default_framework, tree, make_person, tmp_path
):
    from lms.cli import poke_worker

    celery = app.extensions["celery"]
    assert celery.conf.broker_url.startswith("filesystem://")
    queue = Path(celery.conf.broker_transport_options["data_folder_in"])
    assert queue.is_relative_to(Path(app.instance_path))

    worker = WorkerProcess(database_url, "", tmp_path, beat=True)  # no REDIS_URL, no CELERY_BROKER_URL
    assert Path(worker.env["LMS_INSTANCE_DIR"]) == Path(app.instance_path)
    worker.start()
    try:
        scheduled = make_person(tree["A1"])
        add_evidence(scheduled, kind="plan", ref="", when=date(2026, 3, 1), source="import")
        db.session.commit()  # no poke: beat's drain picks it up
        result = wait_for(lambda: db.session.get(PersonResult, (scheduled.id, 2026)), what="beat's drain")
        assert Decimal(str(result.total)) == Decimal("10")

        poked = make_person(tree["B1"])
        add_evidence(poked, kind="plan", ref="", when=date(2026, 3, 1), source="import")
        db.session.commit()
        poke_worker()
        wait_for(lambda: db.session.get(PersonResult, (poked.id, 2026)), what="the poked drain")
    finally:
        worker.stop()
    log = worker.log_path.read_text(errors="replace")
    assert "filesystem://" in log and "DeprecationWarning" not in log
    assert not list(queue.glob("*.msg")) or all("drain" in p.read_text() for p in queue.glob("*.msg"))
