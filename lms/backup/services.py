"""Backups of the database and the upload store, checked before they are trusted and restored only
into an empty database.

A backup is a directory: the database (PostgreSQL: `pg_dump` custom format; SQLite: a copy made with
the online backup API), the upload store under `uploads/`, and `manifest.json` (written last) with the
size and SHA-256 of every file, the migration revision and the row count of every table.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app

from lms.extensions import db
from lms.util import utcnow

FORMAT = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads"
PG_FILE, SQLITE_FILE = "database.dump", "database.sqlite3"
CHUNK = 1024 * 1024
SKIPPED = {".tmp"}  # uploads being written right now (lms.uploads stages them here)


class BackupError(Exception):
    """A backup cannot be made, trusted or restored; the message says why (nothing was changed)."""


@dataclass
class Report:
    """What a command did, for the operator: a line per step and the manifest."""

    manifest: dict[str, Any]
    notes: list[str] = field(default_factory=list)


# ---- helpers --------------------------------------------------------------------------------------
def sha256_of(path: Path) -> str:
    """Return the SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def upload_root() -> Path:
    """Return the configured upload directory."""
    configured = current_app.config.get("UPLOAD_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "uploads"


def _files_under(root: Path) -> Iterator[Path]:
    """Yield the files under root, sorted, leaving out the staging folder."""
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] in SKIPPED or not path.is_file() or path.is_symlink():
            continue
        yield path


def _is_empty_dir(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and next(_files_under(path), None) is None)


def _libpq(url: sa.URL) -> tuple[str, dict[str, str]]:
    """Return a libpq connection URI without the password, and the environment that carries it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(cmd: list[str], env: dict[str, str] | None = None) -> None:
    try:
        # an argument list (no shell); the program comes from the configuration
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    except FileNotFoundError:
        raise BackupError(
            f"{cmd[0]} not found: install the PostgreSQL client (BACKUP_PG_DUMP, BACKUP_PG_RESTORE)"
        ) from None
    if done.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} failed: {done.stderr.strip()[-2000:]}")


def _sqlite_path(url: sa.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("DATABASE_URL is an in-memory SQLite database: nothing to back up or restore into")
    return Path(url.database)


def table_counts(conn: sa.Connection) -> dict[str, int]:
    """Return the row count of every table of the models."""
    return {t.name: conn.scalar(sa.select(sa.func.count()).select_from(t)) or 0 for t in db.metadata.sorted_tables}


def revisions(conn: sa.Connection) -> list[str]:
    """Return the migration revision(s) the database is at (empty: never migrated)."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return []
    return sorted(conn.scalars(sa.text("SELECT version_num FROM alembic_version")))


# ---- create ---------------------------------------------------------------------------------------
def create_backup(target: Path) -> Report:
    """Back up the database, then the upload store (every file a dumped row names exists by then)."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} is not empty: give a new directory for each backup")
    url = db.engine.url
    dialect = url.get_backend_name()
    if dialect not in ("postgresql", "sqlite"):
        raise BackupError(f"cannot back up a {dialect} database")
    target.mkdir(parents=True, exist_ok=True)
    if dialect == "postgresql":
        database_file = target / PG_FILE
        revision, tables = _dump_postgresql(url, database_file)
    else:
        database_file = target / SQLITE_FILE
        revision, tables = _copy_sqlite(_sqlite_path(url), database_file)
    files = _copy_uploads(upload_root(), target / UPLOADS)
    manifest = {
        "format": FORMAT,
        "created_at": utcnow().isoformat(timespec="seconds"),
        "dialect": dialect,
        "revision": revision,
        "database": {
            "file": database_file.name,
            "size": database_file.stat().st_size,
            "sha256": sha256_of(database_file),
        },
        "tables": tables,
        "uploads": files,
    }
    _write_manifest(target, manifest)
    total = sum(f["size"] for f in files)
    return Report(
        manifest,
        [
            f"database: {dialect}, revision {', '.join(revision) or 'none'}, {sum(tables.values())} rows",
            f"uploads: {len(files)} files, {total} bytes",
        ],
    )


def _dump_postgresql(url: sa.URL, path: Path) -> tuple[list[str], dict[str, int]]:
    """pg_dump in custom format, from the same snapshot the revision and the row counts are read in."""
    conninfo, env = _libpq(url)
    with db.engine.connect() as plain:
        conn = plain.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.scalar(sa.text("SELECT pg_export_snapshot()"))
            revision, tables = revisions(conn), table_counts(conn)
            cmd = [current_app.config["BACKUP_PG_DUMP"], "--format=custom", "--no-owner", "--no-privileges"]
            _run([*cmd, f"--snapshot={snapshot}", f"--file={path}", f"--dbname={conninfo}"], env)
    return revision, tables


def _copy_sqlite(source_path: Path, path: Path) -> tuple[list[str], dict[str, int]]:
    """Copy with SQLite's online backup API (consistent while the platform keeps writing); count the copy."""
    source, copy = sqlite3.connect(source_path), sqlite3.connect(path)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return revisions(conn), table_counts(conn)
    finally:
        engine.dispose()


def _copy_uploads(source: Path, target: Path) -> list[dict[str, Any]]:
    """Copy the upload store file by file, hashing each copy as it is written."""
    files = []
    for path in _files_under(source):
        relative = path.relative_to(source)
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        with path.open("rb") as reader, destination.open("wb") as writer:
            while chunk := reader.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                writer.write(chunk)
        files.append({"path": relative.as_posix(), "size": size, "sha256": digest.hexdigest()})
    return files


def _write_manifest(target: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest last and atomically: a backup without one is incomplete."""
    with tempfile.NamedTemporaryFile("w", dir=target, delete=False, suffix=".tmp", encoding="utf-8") as out:
        json.dump(manifest, out, ensure_ascii=False, indent=1)
    os.replace(out.name, target / MANIFEST)


# ---- verify ---------------------------------------------------------------------------------------
def read_manifest(source: Path) -> dict[str, Any]:
    """Return a backup's manifest, or raise BackupError."""
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{source} has no {MANIFEST}: not a backup, or one that did not finish") from None
    except ValueError:
        raise BackupError(f"{source / MANIFEST} is damaged (not JSON)") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{source / MANIFEST}: unknown backup format")
    return manifest


def verify_backup(source: Path) -> Report:
    """Check every file of a backup against its manifest and that the database copy is readable."""
    manifest = read_manifest(source)
    faults: list[str] = []
    entry = manifest["database"]
    database_file = source / entry["file"]
    expected = [(database_file, entry["size"], entry["sha256"])]
    expected += [(source / UPLOADS / f["path"], f["size"], f["sha256"]) for f in manifest["uploads"]]
    for path, size, digest in expected:
        if not path.is_file():
            faults.append(f"missing: {path.relative_to(source)}")
        elif path.stat().st_size != size or sha256_of(path) != digest:
            faults.append(f"checksum differs: {path.relative_to(source)}")
    listed = {(source / UPLOADS / f["path"]) for f in manifest["uploads"]}
    extra = [p for p in _files_under(source / UPLOADS) if p not in listed]
    faults += [f"not in the manifest: {p.relative_to(source)}" for p in extra]
    if not faults:
        faults += _check_database_copy(manifest["dialect"], database_file)
    if faults:
        raise BackupError("the backup does not verify:\n  " + "\n  ".join(faults))
    return Report(manifest, [f"{len(expected)} files match their checksums", "database copy readable"])


def _check_database_copy(dialect: str, path: Path) -> list[str]:
    if dialect == "postgresql":
        try:
            _run([current_app.config["BACKUP_PG_RESTORE"], "--list", str(path)])
        except BackupError as exc:
            return [str(exc)]
        return []
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as exc:
        return [f"{path.name}: {exc}"]
    return [] if result and result[0] == "ok" else [f"{path.name}: integrity check failed"]


# ---- restore --------------------------------------------------------------------------------------
def database_is_empty() -> tuple[bool, int]:
    """Return whether the database of DATABASE_URL has no tables at all, and how many it has."""
    names = [n for n in sa.inspect(db.engine).get_table_names() if n != "sqlite_sequence"]
    return not names, len(names)


def restore_backup(source: Path) -> Report:
    """Restore a verified backup into the (empty) database of DATABASE_URL and the (empty) upload directory.

    Every check runs before anything is written. The uploads are staged beside the upload directory,
    the database is restored in one transaction, and only then are the uploads moved into place.
    """
    manifest = verify_backup(source).manifest
    url = db.engine.url
    dialect = url.get_backend_name()
    if manifest["dialect"] != dialect:
        raise BackupError(f"this is a {manifest['dialect']} backup; DATABASE_URL is a {dialect} database")
    _check_revision_known(manifest["revision"])
    if dialect == "sqlite":
        _sqlite_path(url)
    empty, tables = database_is_empty()
    db.engine.dispose()
    if not empty:
        where = url.render_as_string(hide_password=True)
        raise BackupError(
            f"the database of DATABASE_URL ({where}) is not empty ({tables} tables): "
            "restore only into a new, empty database; nothing was changed"
        )
    uploads = upload_root()
    if not _is_empty_dir(uploads):
        raise BackupError(f"the upload directory {uploads} is not empty: restore into an empty one; nothing changed")
    uploads.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restoring-", dir=uploads.parent))
    try:
        _copy_uploads(source / UPLOADS, staging)
        _restore_database(dialect, url, source / manifest["database"]["file"])
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if uploads.exists():
        shutil.rmtree(uploads)  # empty but for the staging folder of uploads in progress
    os.replace(staging, uploads)
    notes = [f"database restored ({dialect}), {len(manifest['uploads'])} uploads into {uploads}"]
    with db.engine.connect() as conn:
        counts = table_counts(conn)
    differing = {t: n for t, n in counts.items() if manifest["tables"].get(t, n) != n}
    if differing:
        notes.append(f"WARNING: row counts differ from the backup's: {differing}")
    heads = sorted(_script_heads())
    if manifest["revision"] != heads:
        notes.append(f"the backup is at {manifest['revision']}: run `flask --app lms db upgrade` to reach {heads}")
    return Report(manifest, notes)


def _script_heads() -> frozenset[str]:
    from lms.health import migration_heads

    return migration_heads()


def _check_revision_known(revisions: list[str]) -> None:
    """Refuse a backup made by a newer version of the platform (a revision this code does not have)."""
    from alembic.script import ScriptDirectory

    from lms.setup import MIGRATIONS_DIR

    script = ScriptDirectory(MIGRATIONS_DIR)
    for revision in revisions:
        try:
            known = script.get_revision(revision)
        except Exception:  # noqa: BLE001 - alembic raises several kinds for an unknown id
            known = None
        if known is None:
            raise BackupError(
                f"the backup is at revision {revision}, which this version does not know: "
                "install the version that made it (or a newer one) first; nothing was changed"
            )


def _restore_database(dialect: str, url: sa.URL, path: Path) -> None:
    if dialect == "postgresql":
        conninfo, env = _libpq(url)
        cmd = [current_app.config["BACKUP_PG_RESTORE"], "--exit-on-error", "--single-transaction"]
        _run([*cmd, "--no-owner", "--no-privileges", f"--dbname={conninfo}", str(path)], env)
        return
    target = _sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
