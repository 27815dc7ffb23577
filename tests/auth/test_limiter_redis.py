"""The rate limiter on the real Redis of TEST_REDIS_URL: what production runs (several processes, one count)."""

import pytest
import redis

from lms import create_app
from lms.extensions import db, limiter
from tests.conftest import PASSWORD, client_at, forget_request_state
from tests.services import redis_url
from tests.web.conftest import submit

pytestmark = pytest.mark.services


@pytest.fixture
def redis_apps(app, database_url):  # type: ignore[no-untyped-def]
    """Two apps (two web processes) whose limiter stores its counts in Redis."""
    url = redis_url()
    if url is None:
        pytest.skip("needs Redis (always run in CI)")
    config = {"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_STORAGE_URI": url}
    first, second = create_app("testing", config), create_app("testing", config)
    for each in (first, second):
        forget_request_state(each)
    limiter.reset()  # only the limiter's own keys (prefix LIMITS), never the database
    yield first, second, redis.Redis.from_url(url)
    limiter.reset()
    create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url})  # later apps of this process: memory again


def test_the_limiter_counts_in_redis_across_processes(redis_apps, tree, make_user):
    first, second, server = redis_apps
    make_user("citizen", login="0912345678")
    db.session.commit()
    assert type(limiter.storage).__name__ == "RedisStorage"
    one, two = client_at(first, "203.0.113.77"), client_at(second, "203.0.113.77")
    for client in (one, two, one, two, one):  # five failures from one client, through two processes
        response = submit(client, "/auth/login", "/auth/login", {"login": "0912345678", "password": "sai-mat-khau"})
        assert response.status_code == 200
    assert any(key.startswith(b"LIMITS") for key in server.scan_iter(match="LIMITS*"))
    refused = submit(two, "/auth/login", "/auth/login", {"login": "0912345678", "password": PASSWORD})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) <= 60
    other = client_at(first, "198.51.100.77")
    assert submit(other, "/auth/login", "/auth/login", {"login": "0912345678", "password": PASSWORD}).status_code == 302


def test_production_counts_in_the_configured_redis(monkeypatch):
    from config import ProductionConfig

    env = {
        "SECRET_KEY": "k" * 64,
        "DATABASE_URL": "postgresql+psycopg://lms@db/lms",
        "REDIS_URL": "redis://cache:6379/0",
        "PUBLIC_BASE_URL": "https://hoctap.example.vn",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    assert ProductionConfig().RATELIMIT_STORAGE_URI == "redis://cache:6379/0"
