"""Logs: LOG_FORMAT=json writes one JSON object per line with the request id, user, route, status and
duration; the request id comes from X-Request-ID (when sane) and goes back in the response."""

import importlib.util
import io
import json
import logging
import sys

import pytest

from lms import create_app
from lms.logs import install
from tests.web.conftest import sign_in


@pytest.fixture
def json_lines(app):
    """Capture the process's log lines in JSON, as LOG_FORMAT=json writes them."""
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = install("json", "INFO", stream)
    app.config["LOG_REQUESTS"] = True

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    root.removeHandler(handler)
    root.setLevel(level)


def request_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "lms.request"]


def test_each_request_is_one_json_line_with_its_id_route_status_and_duration(app, json_lines):
    response = app.test_client().get("/courses", headers={"X-Request-ID": "lb-7f3a.42"})
    assert response.headers["X-Request-ID"] == "lb-7f3a.42"
    [line] = request_lines(json_lines())
    assert line["request_id"] == "lb-7f3a.42"
    assert line["level"] == "INFO" and line["route"] == "/courses" and line["status"] == 200
    assert line["method"] == "GET" and isinstance(line["duration_ms"], float) and line["user_id"] is None
    assert line["time"].endswith("+00:00") and line["message"] == "GET /courses 200"


def test_the_route_is_the_pattern_never_the_filled_in_path(app, json_lines):
    app.test_client().get("/sessions/checkin/secret-token-of-a-session")
    [line] = request_lines(json_lines())
    assert line["route"] == "/sessions/checkin/<token>" and "secret-token" not in json.dumps(line)


def test_the_signed_in_user_is_on_the_line(app, json_lines, make_user):
    user = make_user("admin", login="quan.tri@example.vn")
    client = app.test_client()
    sign_in(client, user.login)
    client.get("/admin/frameworks")
    line = request_lines(json_lines())[-1]
    assert line["route"] == "/admin/frameworks" and line["user_id"] == user.id


@pytest.mark.parametrize("given", ["", "x" * 129, "id with spaces", "id\tX-Evil: 1", "<script>", "é-unicode"])
def test_a_missing_or_unsafe_request_id_is_replaced(app, json_lines, given):
    response = app.test_client().get("/healthz", headers={"X-Request-ID": given} if given else {})
    rid = response.headers["X-Request-ID"]
    assert rid != given and len(rid) == 32 and rid.isalnum()
    assert request_lines(json_lines())[0]["request_id"] == rid


def test_other_lines_of_a_request_carry_its_id(app, json_lines):
    @app.get("/boom")
    def boom():  # type: ignore[no-untyped-def]
        raise RuntimeError("kaputt")

    response = app.test_client().get("/boom", headers={"X-Request-ID": "abc123"})
    assert response.status_code == 500
    error = next(line for line in json_lines() if line["message"] == "unhandled error")
    assert error["level"] == "ERROR" and error["request_id"] == "abc123" and "kaputt" in error["exc_info"]


def test_plain_text_is_the_development_default():
    from config import DevelopmentConfig

    assert DevelopmentConfig.LOG_FORMAT == "text"


def test_the_app_starts_without_sentry_and_without_its_dsn(database_url):
    create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url})
    assert "sentry_sdk" not in sys.modules


@pytest.mark.skipif(importlib.util.find_spec("sentry_sdk") is not None, reason="sentry-sdk is installed here")
def test_a_sentry_dsn_without_the_sdk_stops_with_a_clear_message(database_url):
    from config import ConfigError

    with pytest.raises(ConfigError, match="sentry-sdk"):
        create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "SENTRY_DSN": "https://k@sentry.example/1"})
