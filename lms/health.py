"""Readiness (`/readyz`): the database answers, the broker accepts connections, the schema is at the
migration head. `/healthz` stays the bare liveness check (no call to anything)."""

from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from flask import current_app

from lms.extensions import db


@lru_cache(maxsize=1)
def migration_heads() -> frozenset[str]:
    """Return the head revision(s) of the migrations this code ships."""
    from alembic.script import ScriptDirectory

    from lms.setup import MIGRATIONS_DIR

    return frozenset(ScriptDirectory(MIGRATIONS_DIR).get_heads())


def database_revisions() -> frozenset[str]:
    """Return the revision(s) the database is at (empty: never migrated); raises if it cannot be read."""
    with db.engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
        if not sa.inspect(conn).has_table("alembic_version"):
            return frozenset()
        return frozenset(conn.scalars(sa.text("SELECT version_num FROM alembic_version")))


def check_broker() -> dict[str, Any]:
    """Open (and close) a connection to the Celery broker."""
    try:
        with current_app.extensions["celery"].connection_for_write() as conn:
            conn.connect()
        return {"ok": True}
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"; only its kind is shown
        return {"ok": False, "error": type(exc).__name__}


def readiness() -> dict[str, Any]:
    """Return the state of the database, the broker and the migrations; "ok" only when all three are."""
    heads = migration_heads()
    try:
        current: frozenset[str] | None = database_revisions()
        database: dict[str, Any] = {"ok": True}
    except Exception as exc:  # noqa: BLE001 - unreachable, missing database, bad credentials: not ready
        db.session.rollback()
        current, database = None, {"ok": False, "error": type(exc).__name__}
    migrations = {
        "ok": current == heads,
        "current": sorted(current) if current is not None else None,
        "head": sorted(heads),
    }
    broker = check_broker()
    return {
        "ok": database["ok"] and broker["ok"] and migrations["ok"],
        "database": database,
        "broker": broker,
        "migrations": migrations,
    }
