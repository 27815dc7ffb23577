"""Configuration classes: the embedded development default, testing and production.

Every setting of `Config` can be set from the environment under its own name (`DATABASE_URL` for
SQLALCHEMY_DATABASE_URI). A value is read by the type of its default (a number, yes/no, text, or JSON
for lists and mappings); a value that does not fit stops the process with one line naming the setting
(ConfigError), never a traceback. deploy/.env.example lists them all.
"""

import functools
import json
import os
import secrets
import types
import typing
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("LMS_INSTANCE_DIR", BASE_DIR / "instance"))


def _env(name: str, default: str | None = None) -> str | None:
    """Return an environment variable, or the default when it is unset or empty."""
    value = os.environ.get(name)
    return value if value else default


class ConfigError(SystemExit):
    """A bad or missing setting: the process stops with one line naming it (no traceback)."""

    def __init__(self, message: str) -> None:
        super().__init__(f"configuration error: {message}")


# settings whose environment variable has another name
ENV_NAMES = {"SQLALCHEMY_DATABASE_URI": "DATABASE_URL"}
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class Config:
    """Settings shared by every environment; each can be set from the environment (see the module)."""

    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None
    REDIS_URL: str | None = None  # the page cache (production) and, unless CELERY_BROKER_URL is set, the broker
    CELERY_BROKER_URL: str | None = None  # e.g. amqp://…; neither set: the embedded broker under instance/
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    WTF_CSRF_TIME_LIMIT: int | None = None
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PREFERRED_URL_SCHEME = "http"
    MAX_CONTENT_LENGTH = 200 * 1024 * 1024
    # what one person may upload in all (declaration files); small until their residence is confirmed
    UPLOAD_QUOTA_BYTES = 100 * 1024 * 1024
    UPLOAD_QUOTA_UNCONFIRMED_BYTES = 5 * 1024 * 1024
    UPLOAD_DIR = str(INSTANCE_DIR / "uploads")  # materials and declaration files, by hash
    # e.g. https://hoctap.example.vn: every absolute link (certificates, activation sheets, QR codes);
    # required in production, where links never follow the request's Host header
    PUBLIC_BASE_URL: str | None = None
    # the body that issues course certificates and who signs for it (printed on every certificate)
    CERTIFICATE_ISSUER = "Trung tâm Học tập cộng đồng"
    CERTIFICATE_SIGNER_TITLE = "Giám đốc"
    CERTIFICATE_SIGNER = ""  # a name under the signature line; empty: the line stays for a hand signature
    # ---- accounts (lms.auth): rate limits, passwords, sessions, two-factor sign-in ----
    # Flask-Limiter's storage: memory here (per process); production uses REDIS_URL unless this is set
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True  # Redis away: each process counts on its own meanwhile
    RATELIMIT_SWALLOW_ERRORS = True  # a limiter error never turns a sign-in into a 500
    # failed attempts only; per client below per account, so one client can never lock an account
    LOGIN_CLIENT_LIMIT = "5 per minute; 30 per hour"
    LOGIN_ACCOUNT_LIMIT = "10 per minute"
    TWO_FACTOR_ACCOUNT_LIMIT = "10 per minute"
    PASSWORD_ACCOUNT_LIMIT = "10 per minute"  # noqa: S105 - a rate, not a password
    ACTIVATION_CLIENT_LIMIT = "5 per minute; 30 per hour"
    ACTIVATION_ACCOUNT_LIMIT = "10 per minute"
    REGISTER_CLIENT_LIMIT = "10 per minute; 60 per hour"  # every attempt
    VERIFY_CLIENT_LIMIT = "30 per minute; 300 per hour"  # every lookup
    API_TOKEN_LIMIT = "600 per minute; 20000 per hour"  # noqa: S105 - every request of one API token
    PASSWORD_MIN_LENGTH = 8
    TWO_FACTOR_ROLES = ("officer", "approver", "admin")
    TOTP_MAX_FAILURES = 20  # wrong codes in a row; then only a recovery code or an admin's reset
    # minutes an idle session lasts, and hours any session lasts, by role (JSON objects in the environment)
    SESSION_IDLE_MINUTES: dict[str, Any] = {
        "officer": 30,
        "approver": 30,
        "admin": 30,
        "trainer": 120,
        "citizen": 1440,
    }
    SESSION_MAX_HOURS: dict[str, Any] = {"officer": 12, "approver": 12, "admin": 12, "trainer": 12, "citizen": 168}
    # ---- officers' decisions (lms.decisions) ----
    # "one_step": an officer's decision recognises the titles at once; "two_step": it is a proposed list
    # (danh sách đề nghị) that an approver of the area (the commune leader who signs) approves
    DECISION_APPROVAL = "one_step"
    # a decision on a year's titles is dated from 1 January of the year to the end of this many months
    # after it (6: 30 June of the next year), and never after today
    DECISION_MONTHS_AFTER_PERIOD = 6
    PERMANENT_SESSION_LIFETIME = 168 * 3600  # no signed session cookie is accepted after the longest session
    # dirty subjects per drain transaction: a burst across a commune (~2,500 people) is one batch
    RECOMPUTE_BATCH_SIZE = 5000
    # a full recompute works in steps of whole communes holding about this many people
    RECOMPUTE_STEP_PEOPLE = 25000
    # PostgreSQL connections a full recompute's step scores its people and families on at once (in
    # slices of consecutive ids): about the database server's cores a recompute may take
    RECOMPUTE_CONNECTIONS = 2
    # seconds before an unacknowledged task is redelivered (longer than the longest task)
    CELERY_VISIBILITY_TIMEOUT = 1800
    # every task is interrupted after the soft limit (it stops cleanly) and killed after the hard one;
    # keep both below CELERY_VISIBILITY_TIMEOUT, or Redis hands a long task to a second worker
    CELERY_TASK_SOFT_TIME_LIMIT = 1500
    CELERY_TASK_TIME_LIMIT = 1620
    # per task: {"worker.tasks.nightly_drift": [soft, hard]} (seconds)
    CELERY_TASK_TIME_LIMITS: dict[str, Any] = {}
    # queue per task: {"worker.tasks.run_import": "imports", "worker.tasks.drain": "recompute"}
    CELERY_TASK_ROUTES: dict[str, Any] = {}
    CELERY_EXTRA: dict[str, Any] = {}  # any other Celery setting, e.g. {"worker_max_tasks_per_child": 100}
    DRAIN_INTERVAL_SECONDS = 3.0
    # jobs (full recomputes, imports) are found from the database, not the broker (lms.jobs): beat sweeps
    # every JOB_SWEEP_INTERVAL_SECONDS; a job queued longer than JOB_RESEND_AFTER_SECONDS without a worker
    # taking it is re-sent, and so is one whose worker stopped renewing its JOB_LEASE_SECONDS lease
    JOB_SWEEP_INTERVAL_SECONDS = 30.0
    JOB_RESEND_AFTER_SECONDS = 120.0
    JOB_LEASE_SECONDS = 60.0
    JOB_MAX_RECOVERIES = 5  # a job whose worker died this often fails
    # public figures (/stats, the public API) withhold counts below this, and rates over fewer people
    PUBLIC_MIN_CELL = 5
    # the review report's DOCX template (lms.reviews.document); empty: instance/review-report.docx if an
    # admin put one there, else the shipped layout (`flask --app lms review-template FILE` writes it)
    REVIEW_TEMPLATE = ""
    # rendered pages keyed by their data version (lms.pagecache): in-process unless production sets Redis
    CACHE_TYPE = "SimpleCache"
    CACHE_DEFAULT_TIMEOUT = 600
    PAGE_CACHE = True
    PAGE_CACHE_LOCAL_BYTES = 32 * 1024 * 1024  # per process; 0: no local copies
    PAGE_CACHE_LOCAL_TIMEOUT = 60
    IMPORT_MAX_BYTES = 50 * 1024 * 1024
    IMPORT_MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
    IMPORT_MAX_ERRORS = 1000
    IMPORT_INLINE_MAX_BYTES = 512 * 1024  # a file up to this size is checked during the request
    IMPORT_INLINE_MAX_ROWS = 5000  # a checked file up to this many rows is imported during the request
    DEFAULT_FRAMEWORK_FILE = str(BASE_DIR / "lms" / "criteria" / "data" / "criteria-default.yaml")
    # logs: "text" for people, "json" (one object per line) for a log collector
    LOG_FORMAT = "text"
    LOG_LEVEL = "INFO"
    LOG_REQUESTS = True  # one line per request: route, status, duration, user, request id
    SENTRY_DSN: str | None = None  # errors to Sentry (needs the optional extra: pip install '.[sentry]')
    SENTRY_TRACES_SAMPLE_RATE = 0.0
    # reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host/-Prefix are trusted (0: none)
    TRUSTED_PROXIES = 0
    HSTS_SECONDS = 0  # Strict-Transport-Security max-age; production: one year
    # unreferenced uploads (rejected declarations, finished imports, replaced materials) removed after
    UPLOAD_RETENTION_DAYS = 30  # stored files no row names any more
    RETENTION_REJECTED_DECLARATION_FILES_DAYS = 30  # after the rejection: the file goes, the decision stays
    RETENTION_IMPORT_FILES_DAYS = 30  # after the import ended (or its check expired unconfirmed)
    RETENTION_UNCONFIRMED_ACCOUNTS_DAYS = 365  # self-registered, never confirmed, no sign-in since: erased
    BACKUP_PG_DUMP = "pg_dump"  # the client programs `backup` runs (same major version as the server, or newer)
    BACKUP_PG_RESTORE = "pg_restore"

    # read from the environment only when set explicitly (ConfigError names a bad value)
    READ_ENVIRONMENT = True

    def __init__(self) -> None:
        if self.READ_ENVIRONMENT:
            for name, value in settings_from_environment(type(self)).items():
                setattr(self, name, value)
        check_settings(self)

    @staticmethod
    def broker_url(redis_url: str | None, explicit: str | None) -> str:
        """Choose the Celery broker: explicit URL, then Redis, then the embedded filesystem transport."""
        if explicit:
            return explicit
        if redis_url:
            return redis_url
        return "filesystem://localhost/"  # the host is only a name: it silences a warning


def setting_names(cls: type) -> list[str]:
    """Return the names of every setting of a config class (its upper-case attributes)."""
    return sorted(n for n in dir(cls) if n.isupper() and n != "READ_ENVIRONMENT")


def env_name(setting: str) -> str:
    """Return the environment variable that sets a setting."""
    return ENV_NAMES.get(setting, setting)


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    hints: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        hints.update(typing.get_type_hints(klass) if klass is not object else {})
    return hints


def _expected_type(cls: type, name: str) -> Any:
    hint = _hints(cls).get(name)
    if hint is not None:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
            hint = args[0] if args else str
        return typing.get_origin(hint) or hint
    default = getattr(cls, name)
    return str if default is None else type(default)


TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def parse_setting(name: str, raw: str, kind: Any) -> Any:
    """Turn an environment value into the setting's type, or raise ConfigError naming it."""
    text = raw.strip()
    problem = f"{env_name(name)}={raw!r} is not valid"
    if kind is bool:
        if text.lower() in TRUE + FALSE:
            return text.lower() in TRUE
        raise ConfigError(f"{problem}: expected yes or no (1/0, true/false, on/off)")
    if kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            raise ConfigError(f"{problem}: expected {'a whole number' if kind is int else 'a number'}") from None
    if kind in (dict, list, tuple):
        shape = "a JSON object {…}" if kind is dict else "a JSON array […]"
        try:
            value = json.loads(text)
        except ValueError:
            raise ConfigError(f"{problem}: expected {shape}") from None
        if not isinstance(value, dict if kind is dict else list):
            raise ConfigError(f"{problem}: expected {shape}")
        return tuple(value) if kind is tuple else value
    return raw


def settings_from_environment(cls: type) -> dict[str, Any]:
    """Return the settings of `cls` that the environment sets (empty variables count as unset)."""
    found = {}
    for name in setting_names(cls):
        raw = os.environ.get(env_name(name))
        if raw:
            found[name] = parse_setting(name, raw, _expected_type(cls, name))
    return found


def _positive(config: Any, *names: str) -> None:
    for name in names:
        if getattr(config, name) is not None and getattr(config, name) < 0:
            raise ConfigError(f"{env_name(name)} must not be negative")


def _check_routes(routes: Any) -> None:
    for task, route in routes.items():
        queue = route if isinstance(route, str) else route.get("queue") if isinstance(route, dict) else None
        if not isinstance(queue, str) or not queue:
            raise ConfigError(f'CELERY_TASK_ROUTES: the route of {task} must be a queue name or {{"queue": "name"}}')


def _check_limits(limits: Any) -> None:
    for task, pair in limits.items():
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(s, int | float) for s in pair)):
            raise ConfigError(f"CELERY_TASK_TIME_LIMITS: {task} needs [soft, hard] in seconds")
        if not 0 < pair[0] < pair[1]:
            raise ConfigError(f"CELERY_TASK_TIME_LIMITS: {task} needs 0 < soft < hard")


def check_settings(config: Any) -> None:
    """Refuse values that parse but make no sense (ConfigError names the setting)."""
    if config.LOG_FORMAT not in ("text", "json"):
        raise ConfigError(f"LOG_FORMAT={config.LOG_FORMAT!r}: expected text or json")
    if str(config.LOG_LEVEL).upper() not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL={config.LOG_LEVEL!r}: expected one of {', '.join(LOG_LEVELS)}")
    _positive(config, "TRUSTED_PROXIES", "HSTS_SECONDS", "UPLOAD_RETENTION_DAYS", "MAX_CONTENT_LENGTH")
    _positive(
        config,
        "RETENTION_REJECTED_DECLARATION_FILES_DAYS",
        "RETENTION_IMPORT_FILES_DAYS",
        "RETENTION_UNCONFIRMED_ACCOUNTS_DAYS",
    )
    _positive(
        config, "RECOMPUTE_BATCH_SIZE", "RECOMPUTE_STEP_PEOPLE", "RECOMPUTE_CONNECTIONS", "CELERY_VISIBILITY_TIMEOUT"
    )
    _positive(config, "IMPORT_MAX_BYTES", "IMPORT_MAX_UNZIPPED_BYTES")
    if not 0 < config.CELERY_TASK_SOFT_TIME_LIMIT < config.CELERY_TASK_TIME_LIMIT:
        raise ConfigError("CELERY_TASK_SOFT_TIME_LIMIT must be above 0 and below CELERY_TASK_TIME_LIMIT")
    _check_routes(config.CELERY_TASK_ROUTES)
    if config.DECISION_APPROVAL not in ("one_step", "two_step"):
        raise ConfigError(f"DECISION_APPROVAL={config.DECISION_APPROVAL!r}: expected one_step or two_step")
    if not 0 <= int(config.DECISION_MONTHS_AFTER_PERIOD) <= 24:
        raise ConfigError("DECISION_MONTHS_AFTER_PERIOD must be from 0 to 24")
    _check_limits(config.CELERY_TASK_TIME_LIMITS)
    template = config.REVIEW_TEMPLATE
    if template and (not template.endswith(".docx") or not os.path.isfile(template)):
        raise ConfigError(f"REVIEW_TEMPLATE={template!r}: expected the path of an existing .docx file")
    base = config.PUBLIC_BASE_URL
    if base and (not base.startswith(("https://", "http://")) or "?" in base or "#" in base or len(base) < 10):
        raise ConfigError(f"PUBLIC_BASE_URL={base!r}: expected an address such as https://hoctap.example.vn")


class DevelopmentConfig(Config):
    """The embedded default: SQLite under instance/, an embedded broker, no server needed."""

    DEBUG = False
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE_DIR / 'lms.sqlite3'}"
    LOG_REQUESTS = False  # `flask run` prints each request already
    LOG_LEVEL = "WARNING"  # commands print their results, not the INFO lines of the libraries
    # DEMO ONLY: the published two-factor key `flask demo` gives the demo officers and admin (README)
    DEMO_TOTP_SECRET = "HOCTAPSUOTDOIDEMOHOCTAPSUOTDOI22"  # noqa: S105

    def __init__(self) -> None:
        super().__init__()
        self.SECRET_KEY = self.SECRET_KEY or _instance_secret()


def _instance_secret() -> str:
    """Return this installation's random development key, created under instance/ on first use."""
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


class TestingConfig(Config):
    """Tests: a database given by TEST_DATABASE_URL, else an SQLite file chosen by the fixture.

    The rest of the environment is not read: a setting exported in the shell never changes a test.
    """

    READ_ENVIRONMENT = False
    TESTING = True
    SECRET_KEY = secrets.token_hex(32)
    SQLALCHEMY_DATABASE_URI = _env("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = True
    LOG_REQUESTS = False
    RECOMPUTE_STEP_PEOPLE = 1  # one commune per step: small test areas still recompute in several steps


SECRET_KEY_MIN_BYTES = 32


class ProductionConfig(Config):
    """Production: PostgreSQL, Redis, a long secret and the public address from the environment, or refuse."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    HSTS_SECONDS = 365 * 24 * 3600
    LOG_FORMAT = "json"

    def __init__(self) -> None:
        super().__init__()
        needed = {"SECRET_KEY": self.SECRET_KEY, "DATABASE_URL": self.SQLALCHEMY_DATABASE_URI}
        needed |= {"REDIS_URL": self.REDIS_URL, "PUBLIC_BASE_URL": self.PUBLIC_BASE_URL}
        missing = [name for name, value in needed.items() if not value]
        if missing:
            raise ConfigError(f"production needs the environment variables: {', '.join(missing)}")
        if len(str(self.SECRET_KEY).encode()) < SECRET_KEY_MIN_BYTES:
            raise ConfigError(
                f"SECRET_KEY is shorter than {SECRET_KEY_MIN_BYTES} bytes: "
                'make one with python3 -c "import secrets; print(secrets.token_hex(32))"'
            )
        if str(self.SQLALCHEMY_DATABASE_URI).startswith("sqlite"):
            raise ConfigError("DATABASE_URL: production runs on PostgreSQL (postgresql+psycopg://…), not SQLite")
        self.CACHE_TYPE = "RedisCache"
        self.CACHE_REDIS_URL = self.REDIS_URL
        if not os.environ.get("RATELIMIT_STORAGE_URI"):
            self.RATELIMIT_STORAGE_URI = str(self.REDIS_URL)  # the rate limits count across every process


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
