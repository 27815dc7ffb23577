"""Backups: `backup create` (pg_dump custom format / SQLite backup API, the uploads, a manifest with
checksums and the migration revision), `backup verify`, and `backup restore` into an empty database:
every row equal, the uploads byte-equal, `flask drift` clean; refused (nothing changed) for a database
that is not empty or a backup whose checksums fail."""

import io
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms import create_app
from lms.evidence.services import add_evidence
from lms.extensions import db
from lms.recompute.services import run_full_recompute
from tests.conftest import stamp_head
from tests.services import IN_CI
from tests.services import scratch_database as scratch_database_named
from tests.web.conftest import score

ROOT = Path(__file__).resolve().parent.parent
FLASK = str(Path(sys.executable).parent / "flask")


def flask(*words: str, database: str, uploads: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Run `flask --app lms …` as an operator would, on the given database and upload directory."""
    env = dict(
        os.environ,
        DATABASE_URL=database,
        UPLOAD_DIR=str(uploads),
        LMS_CONFIG="development",
        LMS_INSTANCE_DIR=str(tmp_path / "operator"),
        SECRET_KEY="operator",
    )
    return subprocess.run([FLASK, "--app", "lms", *words], cwd=ROOT, env=env, capture_output=True, text=True)


@pytest.fixture
def platform(app, default_framework, tree, make_person, make_user):
    """People with evidence and scores, a session with a material, a declaration with a file, an audit trail."""
    from tests.sessions.helpers import learning_world

    make_user("trainer", login="trainer@example.vn")
    person = make_person(tree["A1"], full_name="Nguyễn Thị Hoà")
    make_user("citizen", person=person, login="citizen@example.vn")
    for n, village in enumerate(("A1", "A2", "B1") * 4):
        someone = make_person(tree[village], full_name=f"Người thứ {n}")
        add_evidence(someone, kind="course", ref=f"K{n}", when=date(2026, 4, 1), category="law", source="import")
    world = learning_world(tree)
    score()
    run_full_recompute(2026, None)  # everyone scored, as the nightly check leaves it
    db.session.commit()
    return world


def snapshot(url: str) -> dict[str, list[str]]:
    """Every row of every table (as sorted text), and the sequences' positions on PostgreSQL."""
    engine = sa.create_engine(url)
    rows = {}
    with engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            rows[table.name] = sorted(repr(tuple(r)) for r in conn.execute(sa.select(table)))
        if engine.dialect.name == "postgresql":
            rows["(sequences)"] = [
                repr(tuple(r))
                for r in conn.execute(sa.text("SELECT sequencename, last_value FROM pg_sequences ORDER BY 1"))
            ]
        rows["(alembic)"] = sorted(conn.scalars(sa.text("SELECT version_num FROM alembic_version")))
    engine.dispose()
    return rows


@pytest.fixture
def scratch_database(database_url):
    """An empty PostgreSQL database named after the test database (parallel runs do not collide)."""
    if sa.make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("needs PostgreSQL (always run in CI)")
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        if IN_CI:
            pytest.fail("CI=true but pg_dump / pg_restore are not installed")
        pytest.skip("needs the PostgreSQL client programs")
    url = scratch_database_named(database_url, "restore_check")
    yield url
    scratch_database_named(database_url, "restore_check")  # leave it empty


def test_a_postgresql_backup_restores_into_an_empty_database_equal_in_every_row(
    app, platform, runner, database_url, scratch_database, tmp_path
):
    assert runner.invoke(args=["drift", "--period", "2026"]).exit_code == 0, "the source itself has no drift"
    backup = tmp_path / "backup-2026-12-05"
    made = runner.invoke(args=["backup", "create", str(backup)])
    assert made.exit_code == 0, made.output
    assert (backup / "database.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    db.session.commit()
    before = snapshot(database_url)
    assert before["session_material"] and before["declaration"] and before["person_result"]

    assert runner.invoke(args=["backup", "verify", str(backup)]).exit_code == 0

    restored_uploads = tmp_path / "restored" / "uploads"
    done = flask(
        "backup", "restore", str(backup), database=scratch_database, uploads=restored_uploads, tmp_path=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert snapshot(scratch_database) == before
    assert_same_tree(Path(app.config["UPLOAD_DIR"]), restored_uploads)

    drift = flask("drift", "--period", "2026", database=scratch_database, uploads=restored_uploads, tmp_path=tmp_path)
    assert drift.returncode == 0 and '"differences": 0' in drift.stdout, drift.stdout + drift.stderr

    # a second restore finds the database no longer empty: refused, nothing changed
    state = snapshot(scratch_database)
    again = flask(
        "backup", "restore", str(backup), database=scratch_database, uploads=tmp_path / "other", tmp_path=tmp_path
    )
    assert again.returncode == 1 and "not empty" in again.stderr and "Traceback" not in again.stderr
    assert snapshot(scratch_database) == state and not (tmp_path / "other").exists()


def assert_same_tree(left: Path, right: Path) -> None:
    """Every file under left (but the staging folder) is under right, byte for byte, and nothing more."""

    def files(root: Path) -> set[Path]:
        return {p.relative_to(root) for p in root.rglob("*") if p.is_file() and ".tmp" not in p.relative_to(root).parts}

    assert files(left) == files(right) and files(left)
    for relative in files(left):
        assert (left / relative).read_bytes() == (right / relative).read_bytes(), relative


def test_a_backup_whose_checksums_fail_is_refused_and_nothing_is_changed(
    app, platform, runner, scratch_database, tmp_path
):
    backup = tmp_path / "backup"
    assert runner.invoke(args=["backup", "create", str(backup)]).exit_code == 0
    victim = next(p for p in (backup / "uploads").rglob("*") if p.is_file())
    victim.write_bytes(victim.read_bytes()[:-1] + b"!")

    checked = flask(
        "backup", "verify", str(backup), database=scratch_database, uploads=tmp_path / "x", tmp_path=tmp_path
    )
    assert checked.returncode == 1 and "checksum differs" in checked.stderr and victim.name in checked.stderr

    target_uploads = tmp_path / "restored"
    done = flask("backup", "restore", str(backup), database=scratch_database, uploads=target_uploads, tmp_path=tmp_path)
    assert done.returncode == 1 and "does not verify" in done.stderr
    engine = sa.create_engine(scratch_database)
    assert sa.inspect(engine).get_table_names() == []
    engine.dispose()
    assert not target_uploads.exists()


def test_a_backup_without_its_manifest_is_not_trusted(app, runner, tmp_path):
    backup = tmp_path / "half"
    assert runner.invoke(args=["backup", "create", str(backup)]).exit_code == 0
    (backup / "manifest.json").unlink()
    result = runner.invoke(args=["backup", "verify", str(backup)])
    assert result.exit_code == 1 and "manifest.json" in result.output


def test_backup_refuses_a_directory_that_is_not_empty(app, runner, tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "old.txt").write_text("x")
    result = runner.invoke(args=["backup", "create", str(tmp_path / "used")])
    assert result.exit_code == 1 and "not empty" in result.output


def test_an_sqlite_backup_restores_with_the_online_backup_api(tmp_path, monkeypatch):
    from werkzeug.datastructures import FileStorage

    from lms.uploads.services import store_upload
    from tests.sessions import files

    source_url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    monkeypatch.setenv("LMS_INSTANCE_DIR", str(tmp_path / "instance"))
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": source_url, "UPLOAD_DIR": str(tmp_path / "uploads")})
    with app.app_context():
        db.create_all()
        stamp_head()
        from lms.areas.models import Area

        db.session.add(Area(code="P", name="Tỉnh Lâm Đồng", level="province", path="/1/"))
        db.session.commit()
        with app.test_request_context():
            store_upload(FileStorage(io.BytesIO(files.PDF), "bai-giang.pdf"))
        made = app.test_cli_runner().invoke(args=["backup", "create", str(tmp_path / "backup")])
        assert made.exit_code == 0, made.output
        db.engine.dispose()
    assert (tmp_path / "backup" / "database.sqlite3").read_bytes()[:15] == b"SQLite format 3"
    target_url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    done = flask(
        "backup",
        "restore",
        str(tmp_path / "backup"),
        database=target_url,
        uploads=tmp_path / "restored",
        tmp_path=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert snapshot(target_url) == snapshot(source_url)
    assert_same_tree(tmp_path / "uploads", tmp_path / "restored")
