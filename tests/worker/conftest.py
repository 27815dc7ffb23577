"""Fixtures for tests with a real worker: PostgreSQL + Redis (required in CI), an app wired to them."""

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask

from lms import create_app
from lms.extensions import db
from tests.conftest import _empty_tables, forget_request_state
from tests.redis_server import PrivateRedis
from tests.services import require_services
from tests.worker_process import WorkerProcess


@pytest.fixture
def services() -> tuple[str, str]:
    """(postgres_url, redis_url): skip on a laptop without them, fail under CI=true."""
    return require_services()


@pytest.fixture
def live_app(services: tuple[str, str], _schema: None, tmp_path: Path) -> Iterator[Flask]:
    """An app on the PostgreSQL test database whose Celery broker is the test Redis (flushed)."""
    pg, rd = services
    redis.Redis.from_url(rd).flushdb()
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": pg, "REDIS_URL": rd, "WTF_CSRF_ENABLED": True})
    forget_request_state(app)
    with app.app_context():
        _empty_tables()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def worker(services: tuple[str, str], live_app: Flask, tmp_path: Path) -> Iterator[WorkerProcess]:
    """A running worker (with beat) on the same database and broker as live_app."""
    pg, rd = services
    proc = WorkerProcess(pg, rd, tmp_path)
    proc.start()
    yield proc
    proc.stop()


@pytest.fixture
def app(live_app: Flask) -> Flask:
    """Factories and fixtures built on `app` use the live app (its broker is the test Redis)."""
    return live_app


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A redis-server of this test's own: restarting it never touches the machine's Redis."""
    server = PrivateRedis(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app_on_private_redis(
    services: tuple[str, str], private_redis: PrivateRedis, _schema: None, tmp_path: Path
) -> Iterator[Flask]:
    """An app on the PostgreSQL test database whose broker is the private Redis."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": services[0], "REDIS_URL": private_redis.url})
    forget_request_state(app)
    with app.app_context():
        _empty_tables()
        yield app
        db.session.remove()
        db.engine.dispose()
