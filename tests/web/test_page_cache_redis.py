"""The page cache on Redis stores text, never pickles: a pickle written into Redis is a miss, never run."""

import os
import pickle
import secrets

import pytest
import redis

from lms import create_app
from lms.extensions import db
from tests.conftest import forget_request_state
from tests.services import redis_url


class Payload:
    """What an attacker with write access to Redis would store: unpickling it creates a file."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (open, (self.path, "w"))


@pytest.fixture
def redis_app(app, database_url, tmp_path):  # type: ignore[no-untyped-def]
    """The app with the production page cache (Redis), its own key prefix, no per-process copies."""
    url = redis_url()
    if url is None:
        pytest.skip("needs Redis (always run in CI)")
    prefix = f"test-{secrets.token_hex(4)}:"
    cached = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": url,
            "CACHE_KEY_PREFIX": prefix,
            "PAGE_CACHE_LOCAL_BYTES": 0,
        },
    )
    forget_request_state(cached)
    client = redis.Redis.from_url(url)
    with cached.app_context():
        yield cached, client, prefix
        db.session.remove()
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def test_pages_are_stored_in_redis_as_text(redis_app, tree, default_framework):
    app, client, prefix = redis_app
    web = app.test_client()
    first = web.get("/stats?period=2026")
    assert first.status_code == 200
    keys = list(client.scan_iter(f"{prefix}*"))
    assert keys, "the page was not cached in Redis"
    stored = client.get(keys[0])
    assert stored.startswith(b"page:") and b"<html" in stored
    assert web.get("/stats?period=2026").data == first.data


def test_a_pickle_written_into_redis_is_a_miss_and_never_runs(redis_app, tree, default_framework, tmp_path):
    from flask import template_rendered

    app, client, prefix = redis_app
    renders: list[str] = []
    template_rendered.connect(lambda _app, template, context, **_: renders.append(template.name), app, weak=False)
    web = app.test_client()
    assert web.get("/stats?period=2026").status_code == 200
    marker = tmp_path / "pwned"
    payload = pickle.dumps(Payload(str(marker)))
    for key in client.scan_iter(f"{prefix}*"):  # what Flask-Caching's pickling serializer would read back
        client.set(key, b"!" + payload)
    renders.clear()
    again = web.get("/stats?period=2026")
    assert again.status_code == 200
    assert not os.path.exists(marker), "a pickle from Redis was unpickled"
    assert "indicators/stats.html" in renders  # a miss: the page was rendered again


def test_the_redis_cache_refuses_to_store_anything_but_text(redis_app):
    from lms.pagecache import TextSerializer

    serializer = TextSerializer()
    with pytest.raises(TypeError):
        serializer.dumps({"not": "text"})
    assert serializer.loads(serializer.dumps("<p>trang</p>")) == "<p>trang</p>"
    assert serializer.loads(b"\x80\x04garbage") is None
    assert serializer.loads(b"page:\xff\xfe") is None
