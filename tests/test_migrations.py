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


def test_the_decisions_migration_backfills_one_decision_per_number_and_date(empty_database):
    """Titles awarded before decisions were records get one approved decision per (kind, year, number,
    date), in the smallest area holding all their villages; a decision whose titles are all revoked is
    revoked; downgrading keeps the titles."""
    flask_db(empty_database, "upgrade", "d4e8b2c6a9f1")
    engine = sa.create_engine(empty_database)
    now = "2026-11-20 08:00:00+00:00"
    with engine.begin() as conn:
        for i, (code, level, parent) in enumerate(
            [
                ("D", "district", None),
                ("A", "commune", 1),
                ("B", "commune", 1),
                ("A1", "village", 2),
                ("B1", "village", 3),
            ],
            start=1,
        ):
            conn.execute(
                sa.text(
                    "INSERT INTO area (id, code, name, level, parent_id, path, disadvantaged) "
                    "VALUES (:i, :c, :c, :l, :p, :path, false)"
                ),
                {"i": i, "c": code, "l": level, "p": parent, "path": f"/{i}/"},
            )
        for i, village in ((1, 4), (2, 4), (3, 5)):
            conn.execute(
                sa.text(
                    "INSERT INTO person (id, code, full_name, name_folded, birth_year, gender, village_id, "
                    "is_official, khuyen_hoc_member) VALUES (:i, :c, 'X', 'x', 1990, 'nam', :v, false, false)"
                ),
                {"i": i, "c": f"P{i}", "v": village},
            )
        awards = [(1, "15/QĐ", None), (2, "15/QĐ", None), (3, "16/QĐ", now)]
        for person, number, revoked in awards:
            conn.execute(
                sa.text(
                    "INSERT INTO award (person_id, period, decision_no, decision_date, awarded_by, awarded_at, "
                    "revoked_at) VALUES (:p, 2026, :n, '2026-11-20', 'canbo', :now, :r)"
                ),
                {"p": person, "n": number, "now": now, "r": revoked},
            )
    flask_db(empty_database, "upgrade")
    with engine.connect() as conn:
        decisions = conn.execute(sa.text("SELECT number, area_id, status, kind FROM decision ORDER BY number")).all()
        assert [tuple(d) for d in decisions] == [("15/QĐ", 4, "approved", "person"), ("16/QĐ", 5, "revoked", "person")]
        linked = conn.execute(sa.text("SELECT count(*) FROM award WHERE decision_id IS NULL")).scalar()
        items = conn.execute(sa.text("SELECT count(*) FROM decision_item")).scalar()
    assert linked == 0 and items == 3
    flask_db(empty_database, "downgrade", "d4e8b2c6a9f1")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM award")).scalar() == 3
    engine.dispose()
