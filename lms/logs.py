"""Logs: plain text for people or one JSON object per line (LOG_FORMAT=json), each with its request id.

The request id comes from the client's X-Request-ID header when it is a sane token (else a new one),
goes back in the response, and travels with every task the request sends (a message header), so the
worker's lines about that task carry it too. One line per request (LOG_REQUESTS) gives the route (its
pattern, never the filled-in path), the status, the duration and the user id. Sentry is optional.
"""

import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from typing import IO, Any

from flask import Flask, Response, current_app, g, has_request_context, request

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
HEADER = "X-Request-ID"
TASK_HEADER = "request_id"
# a proxy's or client's id: letters, digits and a few separators, at most 128 characters
VALID_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+=@/-]{0,127}")
JSON_FIELDS = ("asctime", "levelname", "name", "message")
RENAMED = {"asctime": "time", "levelname": "level", "name": "logger"}
request_log = logging.getLogger("lms.request")


def accept_request_id(value: str | None) -> str:
    """Return the client's request id when it is a sane token, else a new random one."""
    if value and VALID_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class ContextFilter(logging.Filter):
    """Add the request id and the signed-in user's id to every record (None outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = REQUEST_ID.get()
        if not hasattr(record, "user_id"):
            record.user_id = _user_id()
        return True


def _user_id() -> int | None:
    """Return the id of the user this request has loaded already (a log line never loads one)."""
    if not has_request_context():
        return None
    return getattr(g.get("_login_user"), "id", None)


class TextFormatter(logging.Formatter):
    """`time level logger: message`, then the request id when there is one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        rid = getattr(record, "request_id", None)
        return f"{line} [request {rid}]" if rid else line


def make_formatter(log_format: str) -> logging.Formatter:
    """Return the formatter of LOG_FORMAT: text, or JSON with time, level, logger, message and the extras."""
    if log_format != "json":
        return TextFormatter()
    from pythonjsonlogger.json import JsonFormatter

    formatter = JsonFormatter(list(JSON_FIELDS), rename_fields=RENAMED, json_ensure_ascii=False)
    formatter.formatTime = _iso_time  # type: ignore[method-assign]
    return formatter


def _iso_time(record: logging.LogRecord, datefmt: str | None = None) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


def install(log_format: str, level: str | int, stream: IO[str] | None = None) -> logging.Handler:
    """Send every log record of this process to one handler on the root logger (stderr by default)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "lms_handler", False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.lms_handler = True  # type: ignore[attr-defined]
    handler.addFilter(ContextFilter())
    handler.setFormatter(make_formatter(log_format))
    root.addHandler(handler)
    root.setLevel(level if isinstance(level, int) else level.upper())
    return handler


def init_app(app: Flask) -> None:
    """Configure the process's logs (not under tests), request ids and their way into the tasks."""
    if not app.testing:
        install(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    app.before_request(_start_request)
    app.after_request(_finish_request)
    app.teardown_request(_forget_request)
    _connect_celery_signals(json_worker_logs=app.config["LOG_FORMAT"] == "json")
    if app.config.get("SENTRY_DSN"):
        init_sentry(app)


def _start_request() -> None:
    g.request_started = time.perf_counter()
    g.request_id = accept_request_id(request.headers.get(HEADER))
    g.request_id_token = REQUEST_ID.set(g.request_id)


def _finish_request(response: Response) -> Response:
    rid = g.get("request_id") or accept_request_id(None)
    response.headers[HEADER] = rid
    if current_app.config.get("LOG_REQUESTS"):
        started = g.get("request_started")
        duration = round((time.perf_counter() - started) * 1000, 1) if started else None
        route = request.url_rule.rule if request.url_rule else None
        request_log.info(
            "%s %s %s",
            request.method,
            route or "-",
            response.status_code,
            extra={
                "request_id": rid,
                "route": route,
                "method": request.method,
                "status": response.status_code,
                "duration_ms": duration,
                "client": request.remote_addr,
            },
        )
    return response


def _forget_request(_exc: BaseException | None) -> None:
    token = g.pop("request_id_token", None)
    if token is not None:
        try:
            REQUEST_ID.reset(token)
        except ValueError:  # set in another context (a test keeps one app context for many requests)
            REQUEST_ID.set(None)


# ---- Celery: the request id rides along in a message header ------------------------------------
def _add_request_id(headers: dict[str, Any] | None = None, **_kwargs: Any) -> None:
    """Put the current request's id into the headers of a task it sends."""
    rid = REQUEST_ID.get()
    if rid and headers is not None:
        headers.setdefault(TASK_HEADER, rid)


def _task_started(task: Any = None, **_kwargs: Any) -> None:
    """Make the sending request's id current while the task runs (its log lines carry it)."""
    REQUEST_ID.set(getattr(getattr(task, "request", None), TASK_HEADER, None))


def _task_finished(**_kwargs: Any) -> None:
    REQUEST_ID.set(None)


def _worker_logging(loglevel: Any = None, **_kwargs: Any) -> None:
    """Let the worker log through the JSON handler (instead of Celery's own text set-up)."""
    if isinstance(loglevel, int):
        level = loglevel
    else:
        level = logging.getLevelNamesMapping().get(str(loglevel or "INFO").upper(), logging.INFO)
    install("json", level)


def _connect_celery_signals(json_worker_logs: bool) -> None:
    from celery import signals

    signals.before_task_publish.connect(_add_request_id, weak=False, dispatch_uid="lms.logs.publish")
    signals.task_prerun.connect(_task_started, weak=False, dispatch_uid="lms.logs.prerun")
    signals.task_postrun.connect(_task_finished, weak=False, dispatch_uid="lms.logs.postrun")
    if json_worker_logs:  # connecting at all replaces Celery's logging set-up: only for JSON
        signals.setup_logging.connect(_worker_logging, weak=False, dispatch_uid="lms.logs.setup")


def init_sentry(app: Flask) -> None:
    """Send errors to Sentry (SENTRY_DSN); the SDK is an optional extra, imported only here."""
    from config import ConfigError

    try:
        import sentry_sdk
    except ImportError:
        raise ConfigError(
            "SENTRY_DSN is set but sentry-sdk is not installed: pip install -c constraints.txt '.[sentry]'"
        ) from None
    sentry_sdk.init(
        dsn=app.config["SENTRY_DSN"],
        traces_sample_rate=float(app.config.get("SENTRY_TRACES_SAMPLE_RATE") or 0),
        send_default_pii=False,  # no user names, addresses or cookies leave the server
    )
