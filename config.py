"""Configuration classes: the embedded development default, testing and production."""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("LMS_INSTANCE_DIR", BASE_DIR / "instance"))


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value else default


class Config:
    """Settings shared by every environment; the environment variables override them."""

    SECRET_KEY = _env("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL")
    REDIS_URL = _env("REDIS_URL")
    CELERY_BROKER_URL = _env("CELERY_BROKER_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = int(_env("MAX_CONTENT_LENGTH", str(200 * 1024 * 1024)))
    # what one person may upload in all (declaration files); small until their residence is confirmed
    UPLOAD_QUOTA_BYTES = int(_env("UPLOAD_QUOTA_BYTES", str(100 * 1024 * 1024)))
    UPLOAD_QUOTA_UNCONFIRMED_BYTES = int(_env("UPLOAD_QUOTA_UNCONFIRMED_BYTES", str(5 * 1024 * 1024)))
    UPLOAD_DIR = _env("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))  # materials and declaration files, by hash
    PUBLIC_BASE_URL = _env("PUBLIC_BASE_URL")  # e.g. https://hoctap.example.vn: absolute links printed on certificates
    # ---- accounts (lms.auth): rate limits, passwords, sessions, two-factor sign-in ----
    # Flask-Limiter's storage: memory here (per process); ProductionConfig uses REDIS_URL
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True  # Redis away: each process counts on its own meanwhile
    RATELIMIT_SWALLOW_ERRORS = True  # a limiter error never turns a sign-in into a 500
    # failed attempts only; per client below per account, so one client can never lock an account
    LOGIN_CLIENT_LIMIT = _env("LOGIN_CLIENT_LIMIT", "5 per minute; 30 per hour")
    LOGIN_ACCOUNT_LIMIT = _env("LOGIN_ACCOUNT_LIMIT", "10 per minute")
    TWO_FACTOR_ACCOUNT_LIMIT = _env("TWO_FACTOR_ACCOUNT_LIMIT", "10 per minute")
    PASSWORD_ACCOUNT_LIMIT = _env("PASSWORD_ACCOUNT_LIMIT", "10 per minute")
    ACTIVATION_CLIENT_LIMIT = _env("ACTIVATION_CLIENT_LIMIT", "5 per minute; 30 per hour")
    ACTIVATION_ACCOUNT_LIMIT = _env("ACTIVATION_ACCOUNT_LIMIT", "10 per minute")
    REGISTER_CLIENT_LIMIT = _env("REGISTER_CLIENT_LIMIT", "10 per minute; 60 per hour")  # every attempt
    VERIFY_CLIENT_LIMIT = _env("VERIFY_CLIENT_LIMIT", "30 per minute; 300 per hour")  # every lookup
    API_TOKEN_LIMIT = _env("API_TOKEN_LIMIT", "600 per minute; 20000 per hour")  # every request of one API token
    PASSWORD_MIN_LENGTH = 8
    TWO_FACTOR_ROLES = ("officer", "admin")
    TOTP_MAX_FAILURES = 20  # wrong codes in a row; then only a recovery code or an admin's reset
    SESSION_IDLE_MINUTES = {
        "officer": int(_env("SESSION_IDLE_MINUTES", "30")),
        "admin": int(_env("SESSION_IDLE_MINUTES", "30")),
        "trainer": int(_env("SESSION_IDLE_MINUTES_TRAINER", "120")),
        "citizen": int(_env("SESSION_IDLE_MINUTES_CITIZEN", "1440")),
    }
    SESSION_MAX_HOURS = {"officer": 12, "admin": 12, "trainer": 12, "citizen": 168}
    PERMANENT_SESSION_LIFETIME = 168 * 3600  # no signed session cookie is accepted after the longest session
    # dirty subjects per drain transaction: a burst across a commune (~2,500 people) is one batch
    RECOMPUTE_BATCH_SIZE = int(_env("RECOMPUTE_BATCH_SIZE", "5000"))
    # a full recompute works in steps of whole communes holding about this many people
    RECOMPUTE_STEP_PEOPLE = int(_env("RECOMPUTE_STEP_PEOPLE", "25000"))
    # seconds before an unacknowledged task is redelivered (longer than the longest task)
    CELERY_VISIBILITY_TIMEOUT = int(_env("CELERY_VISIBILITY_TIMEOUT", "1800"))
    DRAIN_INTERVAL_SECONDS = 3.0
    # jobs (full recomputes, imports) are found from the database, not the broker (lms.jobs): beat sweeps
    # every JOB_SWEEP_INTERVAL_SECONDS; a job queued longer than JOB_RESEND_AFTER_SECONDS without a worker
    # taking it is re-sent, and so is one whose worker stopped renewing its JOB_LEASE_SECONDS lease
    JOB_SWEEP_INTERVAL_SECONDS = float(_env("JOB_SWEEP_INTERVAL_SECONDS", "30"))
    JOB_RESEND_AFTER_SECONDS = float(_env("JOB_RESEND_AFTER_SECONDS", "120"))
    JOB_LEASE_SECONDS = float(_env("JOB_LEASE_SECONDS", "60"))
    JOB_MAX_RECOVERIES = int(_env("JOB_MAX_RECOVERIES", "5"))  # a job whose worker died this often fails
    # public figures (/stats, the public API) withhold counts below this, and rates over fewer people
    PUBLIC_MIN_CELL = int(_env("PUBLIC_MIN_CELL", "5"))
    # rendered pages keyed by their data version (lms.pagecache): in-process unless production sets Redis
    CACHE_TYPE = "SimpleCache"
    CACHE_DEFAULT_TIMEOUT = 600
    DEFAULT_FRAMEWORK_FILE = _env(
        "DEFAULT_FRAMEWORK_FILE", str(BASE_DIR / "lms" / "criteria" / "data" / "criteria-default.yaml")
    )

    @staticmethod
    def broker_url(redis_url: str | None, explicit: str | None) -> str:
        """Choose the Celery broker: explicit URL, then Redis, then the embedded SQLite transport."""
        if explicit:
            return explicit
        if redis_url:
            return redis_url
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        return f"sqla+sqlite:///{INSTANCE_DIR / 'celery-broker.sqlite3'}"


class DevelopmentConfig(Config):
    """The embedded default: SQLite under instance/, an embedded broker, no server needed."""

    DEBUG = False
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'lms.sqlite3'}")
    # DEMO ONLY: the published two-factor key `flask demo` gives the demo officers and admin (README)
    DEMO_TOTP_SECRET = "HOCTAPSUOTDOIDEMOHOCTAPSUOTDOI22"  # noqa: S105

    def __init__(self) -> None:
        self.SECRET_KEY = _env("SECRET_KEY") or _instance_secret()


def _instance_secret() -> str:
    """Return this installation's random development key, created under instance/ on first use."""
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


class TestingConfig(Config):
    """Tests: a database given by TEST_DATABASE_URL, else an SQLite file chosen by the fixture."""

    TESTING = True
    SECRET_KEY = secrets.token_hex(32)
    SQLALCHEMY_DATABASE_URI = _env("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = True
    RECOMPUTE_STEP_PEOPLE = 1  # one commune per step: small test areas still recompute in several steps


class ProductionConfig(Config):
    """Production: PostgreSQL, Redis and a secret key from the environment, or refuse to start."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    def __init__(self) -> None:
        missing = [n for n in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL") if not os.environ.get(n)]
        if missing:
            raise RuntimeError(f"ProductionConfig needs the environment variables: {', '.join(missing)}")
        self.SECRET_KEY = os.environ["SECRET_KEY"]
        self.SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]
        self.REDIS_URL = os.environ["REDIS_URL"]
        self.CACHE_TYPE = "RedisCache"
        self.CACHE_REDIS_URL = os.environ["REDIS_URL"]
        self.RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI") or os.environ["REDIS_URL"]


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
