"""Find the PostgreSQL and Redis the tests use: required under CI=true, optional on a laptop."""

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/lms_test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"


def _pg_reachable(url: str) -> bool:
    import sqlalchemy as sa

    admin_url = sa.make_url(url).set(database="postgres")
    try:
        engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            name = sa.make_url(url).database
            exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001
        return False


def postgres_url() -> str | None:
    """Return the test PostgreSQL URL, None when absent (a failure under CI)."""
    url = os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)
    if not url.startswith("postgresql"):
        return None
    if _pg_reachable(url):
        return url
    if IN_CI:
        pytest.exit(f"CI=true but PostgreSQL is not reachable at {url}", returncode=3)
    return None


def redis_url() -> str | None:
    """Return the test Redis URL, None when absent (a failure under CI)."""
    url = os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS)
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        return url
    except Exception:  # noqa: BLE001
        if IN_CI:
            pytest.exit(f"CI=true but Redis is not reachable at {url}", returncode=3)
        return None


def require_services() -> tuple[str, str]:
    """Return (postgres_url, redis_url) or skip with a reason (never under CI=true)."""
    pg, rd = postgres_url(), redis_url()
    if pg is None or rd is None:
        pytest.skip("needs PostgreSQL and Redis (not reachable on this machine; always run in CI)")
    return pg, rd


def scratch_database(url: str, suffix: str) -> str:
    """Return an empty PostgreSQL database named after the test database (`<name>_<suffix>`).

    Named after the test database, so parallel runs on separate test databases do not collide. It is
    created once and then emptied by recreating its schema: DROP DATABASE waits for a checkpoint,
    which takes minutes on a busy server.
    """
    import sqlalchemy as sa

    base = sa.make_url(url)
    name = f"{base.database}_{suffix}"
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    scratch = base.set(database=name)
    engine = sa.create_engine(scratch, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return scratch.render_as_string(hide_password=False)
