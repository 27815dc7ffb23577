"""The broker is configuration: the same pipeline runs on RabbitMQ by changing the URL."""

import os
from datetime import date
from decimal import Decimal

import pytest

from lms import create_app
from lms.criteria.models import PersonResult
from lms.evidence.services import add_evidence
from lms.extensions import db
from lms.indicators.models import AreaIndicator
from tests.conftest import _empty_tables
from tests.services import IN_CI
from tests.worker.test_pipeline import wait_for
from tests.worker_process import WorkerProcess

AMQP = os.environ.get("TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")


def rabbitmq_reachable() -> bool:
    import kombu

    try:
        with kombu.Connection(AMQP, connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1)
        return True
    except Exception:  # noqa: BLE001
        return False


@pytest.fixture
def app(services, _schema, tmp_path):
    """The app, with RabbitMQ as its broker."""
    if not rabbitmq_reachable():
        if IN_CI:
            pytest.fail(f"CI=true but RabbitMQ is not reachable at {AMQP}")
        pytest.skip("RabbitMQ not reachable (always run in CI)")
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": services[0], "CELERY_BROKER_URL": AMQP})
    with app.app_context():
        _empty_tables()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_completion_to_district_figures_on_rabbitmq(app, services, default_framework, tree, make_person, tmp_path):
    from lms.cli import poke_worker

    worker = WorkerProcess(services[0], AMQP, tmp_path, beat=False)
    worker.start()
    try:
        person = make_person(tree["A1"])
        add_evidence(person, kind="course", ref="K1", when=date(2026, 5, 5), category="numeracy", source="online")
        db.session.commit()
        poke_worker()
        result = wait_for(lambda: db.session.get(PersonResult, (person.id, 2026)), what="the RabbitMQ worker")
        assert Decimal(str(result.total)) == Decimal("10")  # T1.1 5 + T2.3 5
        district = wait_for(lambda: db.session.get(AreaIndicator, (tree["D"].id, 2026)), what="district figures")
        assert district.people == 1
    finally:
        worker.stop()
    assert "amqp://" in worker.log_path.read_text(errors="replace")
