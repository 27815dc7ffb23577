"""Migrations: `flask db upgrade` from empty reaches the models; `downgrade base` and back works."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms import create_app
from lms.extensions import db
from tests.services import postgres_url, scratch_database

ROOT = Path(__file__).resolve().parent.parent
FLASK = str(Path(sys.executable).parent / "flask")


def flask_db(url: str, *words: str) -> None:
    env = dict(os.environ, DATABASE_URL=url, LMS_CONFIG="development")
    done = subprocess.run([FLASK, "--app", "lms", "db", *words], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]


def schema_diff(url: str) -> list:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context(), db.engine.connect() as conn:

        def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
            # an index declared for one dialect only (.ddl_if(dialect=…), e.g. the pg_trgm index)
            # is not expected on another
            only = getattr(getattr(obj, "_ddl_if", None), "dialect", None)
            return only is None or only == conn.dialect.name

        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        diff = compare_metadata(context, db.metadata)
    return diff


def model_tables() -> set[str]:
    create_app("testing")  # registers every package's models on the metadata
    return set(db.metadata.tables)


def tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    names = set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()
    return names


@pytest.fixture(params=["postgresql", "sqlite"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
    url = postgres_url()
    if url is None:
        pytest.skip("PostgreSQL not reachable (always run in CI)")
    return scratch_database(url, "migrate_check")  # named after the test database, emptied


def test_upgrade_from_empty_reaches_the_models_and_downgrade_returns_to_empty(empty_database):
    flask_db(empty_database, "upgrade")
    assert tables(empty_database) == model_tables()
    assert schema_diff(empty_database) == []
    flask_db(empty_database, "downgrade", "base")
    assert tables(empty_database) == set()
    flask_db(empty_database, "upgrade")
    assert tables(empty_database) == model_tables()
