"""Configuration: every setting from the environment, a bad value refused at start with a message that
names it (no traceback), and a production configuration that refuses what is unsafe (#9 finding 7)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import CONFIGS, Config, ConfigError, DevelopmentConfig, ProductionConfig, setting_names

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GOOD_SECRET = "k" * 32


@pytest.fixture
def clean_env(monkeypatch):
    """No setting of the shell leaks into these tests."""
    for name in [*setting_names(ProductionConfig), "DATABASE_URL"]:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def production_env(clean_env):
    clean_env.setenv("SECRET_KEY", GOOD_SECRET)
    clean_env.setenv("DATABASE_URL", "postgresql+psycopg://lms@db.example/lms")
    clean_env.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    clean_env.setenv("PUBLIC_BASE_URL", "https://hoctap.example.vn")
    return clean_env


def test_every_kind_of_setting_is_read_from_the_environment(clean_env):
    clean_env.setenv("MAX_CONTENT_LENGTH", "1048576")
    clean_env.setenv("PAGE_CACHE", "no")
    clean_env.setenv("DRAIN_INTERVAL_SECONDS", "1.5")
    clean_env.setenv("IMPORT_INLINE_MAX_ROWS", "10")
    clean_env.setenv("CELERY_TASK_ROUTES", '{"worker.tasks.run_import": "imports"}')
    clean_env.setenv("LANGUAGES", '["vi"]')
    clean_env.setenv("DATABASE_URL", "sqlite:////tmp/elsewhere.sqlite3")
    config = DevelopmentConfig()
    assert config.MAX_CONTENT_LENGTH == 1048576
    assert config.PAGE_CACHE is False
    assert config.DRAIN_INTERVAL_SECONDS == 1.5
    assert config.IMPORT_INLINE_MAX_ROWS == 10
    assert config.CELERY_TASK_ROUTES == {"worker.tasks.run_import": "imports"}
    assert config.LANGUAGES == ("vi",)
    assert config.SQLALCHEMY_DATABASE_URI == "sqlite:////tmp/elsewhere.sqlite3"


def test_the_settings_the_code_reads_are_all_declared():
    """Settings that modules read with a fallback are declared too, so the environment can set them."""
    declared = set(setting_names(Config))
    assert {"PAGE_CACHE_LOCAL_BYTES", "IMPORT_MAX_BYTES", "IMPORT_MAX_ERRORS", "LOG_FORMAT", "SENTRY_DSN"} <= declared


def test_tests_ignore_the_shell_environment(clean_env):
    clean_env.setenv("MAX_CONTENT_LENGTH", "5")
    assert CONFIGS["testing"]().MAX_CONTENT_LENGTH == Config.MAX_CONTENT_LENGTH


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MAX_CONTENT_LENGTH", "200MB"),
        ("PAGE_CACHE", "maybe"),
        ("DRAIN_INTERVAL_SECONDS", "soon"),
        ("CELERY_TASK_ROUTES", "worker.tasks.drain=recompute"),
        ("CELERY_TASK_ROUTES", '{"worker.tasks.drain": 3}'),
        ("CELERY_TASK_TIME_LIMITS", '{"worker.tasks.drain": [60, 30]}'),
        ("CELERY_TASK_SOFT_TIME_LIMIT", "9999"),
        ("LOG_FORMAT", "xml"),
        ("LOG_LEVEL", "LOUD"),
        ("IMPORT_MAX_BYTES", "-1"),
        ("TRUSTED_PROXIES", "-1"),
        ("PUBLIC_BASE_URL", "hoctap.example.vn"),
        ("REVIEW_TEMPLATE", "/nowhere/review-report.docx"),
        ("REVIEW_TEMPLATE", "/etc/hostname"),
    ],
)
def test_a_bad_value_is_refused_naming_the_setting(clean_env, name, value):
    clean_env.setenv(name, value)
    with pytest.raises(ConfigError) as refused:
        DevelopmentConfig()
    assert name in str(refused.value)


def run(cmd: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in setting_names(ProductionConfig)}
    return subprocess.run(cmd, cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    "cmd",
    [
        [str(BIN / "flask"), "--app", "lms", "routes"],
        [sys.executable, "-m", "celery", "-A", "worker.celery_app", "report"],
        [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "--check-config", "lms:create_app()"],
    ],
    ids=["flask", "celery", "gunicorn"],
)
def test_a_bad_value_stops_every_process_with_one_line_and_no_traceback(cmd, tmp_path):
    done = run(cmd, MAX_CONTENT_LENGTH="lots", LMS_INSTANCE_DIR=str(tmp_path), LMS_CONFIG="development")
    assert done.returncode != 0
    assert "MAX_CONTENT_LENGTH" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


# ---- production (#9 finding 7) --------------------------------------------------------------------
def test_production_starts_with_a_complete_environment(production_env):
    config = ProductionConfig()
    assert config.SESSION_COOKIE_SECURE and config.REMEMBER_COOKIE_SECURE
    assert config.HSTS_SECONDS >= 180 * 24 * 3600
    assert config.LOG_FORMAT == "json"


@pytest.mark.parametrize("secret", ["x", "a" * 31])
def test_production_refuses_a_secret_shorter_than_32_bytes(production_env, secret):
    production_env.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        ProductionConfig()


def test_production_refuses_sqlite(production_env):
    production_env.setenv("DATABASE_URL", "sqlite:////srv/lms.sqlite3")
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        ProductionConfig()


@pytest.mark.parametrize("missing", ["PUBLIC_BASE_URL", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"])
def test_production_requires_its_settings(production_env, missing):
    production_env.delenv(missing)
    with pytest.raises(ConfigError, match=missing):
        ProductionConfig()


def test_the_development_default_needs_no_environment(clean_env, tmp_path):
    config = CONFIGS["development"]()
    assert config.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///")
    assert config.SECRET_KEY and config.LOG_FORMAT == "text"
    assert Config.broker_url(None, None).startswith("filesystem://")
