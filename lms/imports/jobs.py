"""Imports uploaded from the page: store the file, check it (the preview), run it once confirmed.

Small files are checked and imported during the request; large ones by the worker
("worker.tasks.run_import", job id in), which updates the job's progress as it goes. The upload
is kept under UPLOAD_DIR/imports/ with a random name until the job ends.
"""

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from lms.areas.models import Area
from lms.extensions import db
from lms.imports.models import ImportJob
from lms.imports.services import ImportReport, run_import
from lms.util import utcnow

ALLOWED_SUFFIXES = (".csv", ".xlsx", ".xlsm")
DEFAULT_INLINE_BYTES = 512 * 1024  # a file up to this size is checked during the request
DEFAULT_INLINE_ROWS = 5000  # a checked file up to this many rows is imported during the request
PREVIEW_ROWS = 10


class JobError(ValueError):
    """The job cannot do what was asked (already done, cancelled…); the message is translated."""


def upload_dir() -> Path:
    """Return the folder imports are stored in (created on first use)."""
    base = current_app.config.get("UPLOAD_DIR") or os.path.join(current_app.instance_path, "uploads")
    folder = Path(base) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def suffix_of(filename: str) -> str | None:
    """Return the accepted suffix of an uploaded file's name (.csv, .xlsx, .xlsm), else None."""
    lowered = (filename or "").lower()
    return next((s for s in ALLOWED_SUFFIXES if lowered.endswith(s)), None)


def store_upload(upload: FileStorage) -> tuple[Path, int]:
    """Save an upload under a random name (the user's name is never part of the path); return path and size."""
    suffix = suffix_of(upload.filename or "") or ".csv"
    path = upload_dir() / f"{secrets.token_hex(16)}{suffix}"
    upload.save(str(path))
    return path, path.stat().st_size


def count_lines(path: Path) -> int:
    """Return the data rows a CSV file probably has (its line breaks, less the header); 0 for XLSX."""
    if path.suffix != ".csv":
        return 0
    lines = 0
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            lines += chunk.count(b"\n")
    return max(lines - 1, 0)


def create_job(
    kind: str, filename: str, path: Path, size: int, *, actor: str, scope: Area, restricted: bool, lang: str
) -> ImportJob:
    """Record an uploaded file waiting for its check."""
    job = ImportJob(
        kind=kind,
        filename=os.path.basename((filename or "").replace("\x00", "").replace("\\", "/"))[:200] or path.name,
        path=str(path),
        size=size,
        lang=lang,
        status="checking",
        rows_total=count_lines(path),
        actor=actor,
        area_id=scope.id,
        restricted=restricted,
    )
    db.session.add(job)
    db.session.flush()
    return job


def is_small(job: ImportJob) -> bool:
    """True when the job's file is small enough to check during the request."""
    return job.size <= current_app.config.get("IMPORT_INLINE_MAX_BYTES", DEFAULT_INLINE_BYTES)


def runs_inline(job: ImportJob) -> bool:
    """True when the checked file is small enough to import during the request."""
    rows = (job.summary or {}).get("rows", 0)
    return is_small(job) and rows <= current_app.config.get("IMPORT_INLINE_MAX_ROWS", DEFAULT_INLINE_ROWS)


def job_scope(job: ImportJob) -> Area | None:
    """Return the area an officer's job is confined to (None for an admin's job)."""
    if not job.restricted or job.area_id is None:
        return None
    return db.session.get(Area, job.area_id)


def _run(job: ImportJob, dry_run: bool, progress: Callable[[int], None] | None) -> ImportReport:
    with force_locale(job.lang or "vi"), open(job.path, "rb") as stream:
        return run_import(
            job.kind, stream, job.filename, actor=job.actor, dry_run=dry_run, scope=job_scope(job), progress=progress
        )


def _record(job: ImportJob, report: ImportReport) -> None:
    job.rows_total = job.rows_done = report.rows
    job.summary = report.counts()
    job.errors = [e.as_dict() for e in report.errors]


def _discard_file(job: ImportJob) -> None:
    try:
        os.remove(job.path)
    except OSError:
        pass


def check_job(job: ImportJob, progress: Callable[[int], None] | None = None) -> ImportReport:
    """Check the whole file (a dry run: nothing written) and record the preview or every row's faults."""
    if job.status != "checking":
        raise JobError(_("Tệp này đã được kiểm tra."))
    report = _run(job, True, progress)
    _record(job, report)
    job.checked_at = utcnow()
    job.status = "checked" if report.ok else "invalid"
    if not report.ok:
        _discard_file(job)
    db.session.flush()
    return report


def confirm_job(job: ImportJob) -> None:
    """Accept a checked file for import (the worker or the request runs it next)."""
    if job.status != "checked":
        raise JobError(_("Chỉ nhập được tệp đã kiểm tra xong và không có lỗi."))
    job.status = "queued"
    job.rows_done = 0
    job.queued_at = utcnow()  # handed to the workers now (the sweeper counts its wait from here)
    db.session.flush()


def run_job(job: ImportJob, progress: Callable[[int], None] | None = None) -> ImportReport:
    """Import a confirmed file: every row written, or (if the data changed since the check) none and the faults."""
    if job.status not in ("queued", "importing"):
        raise JobError(_("Tệp này không chờ nhập."))
    report = _run(job, False, progress)
    _record(job, report)
    job.status = "done" if report.ok else "invalid"
    job.finished_at = utcnow()
    _discard_file(job)
    db.session.flush()
    return report


def cancel_job(job: ImportJob) -> None:
    """Drop a checked file the officer does not want to import."""
    if job.status not in ("checked", "invalid"):
        raise JobError(_("Không thể hủy ở bước này."))
    job.status = "cancelled"
    job.finished_at = utcnow()
    _discard_file(job)
    db.session.flush()


def fail_job(job_id: int, message: str) -> None:
    """Mark a job failed after an unexpected error (the import itself was rolled back)."""
    job = db.session.get(ImportJob, job_id)
    if job is not None and job.status not in ("done", "cancelled"):
        job.status, job.message, job.finished_at = "failed", message[:2000], utcnow()
        _discard_file(job)
        db.session.flush()


def progress_writer(job_id: int) -> Callable[[int], None] | None:
    """Return a callback that records rows checked on the job in its own short transaction (PostgreSQL).

    The import itself is one long transaction; the progress must be visible before it ends. SQLite
    allows one writer at a time, so there the bar only moves at the end.
    """
    if db.engine.dialect.name != "postgresql":
        return None
    table = ImportJob.__table__

    def write(rows: int) -> None:
        with db.engine.begin() as conn:
            conn.execute(sa.update(table).where(table.c.id == job_id).values(rows_done=rows))

    return write


def process(job_id: int, before_commit: Callable[[], None] | None = None) -> None:
    """Do the step a job waits for (its check, or its import), committing the job's state around it.

    What the worker runs; safe to run twice (a finished step is not repeated; a step cut short is
    redone whole: the import is one transaction). `before_commit` runs before each commit (the
    worker checks its lease on the job).
    """

    def commit() -> None:
        if before_commit is not None:
            before_commit()
        db.session.commit()

    job = db.session.get(ImportJob, job_id)
    if job is None:
        return
    progress = progress_writer(job_id)
    if job.status == "checking":
        job.rows_done = 0
        commit()
        check_job(job, progress)
    elif job.status in ("queued", "importing"):
        job.status, job.rows_done = "importing", 0
        commit()
        run_job(job, progress)
    else:
        return
    commit()


def preview(job: ImportJob) -> dict[str, Any] | None:
    """Return the header and first rows of a checked file still on disk (for the confirmation page)."""
    from lms.imports.parsers import FileProblem, read_table
    from lms.imports.services import DEFAULT_MAX_BYTES, DEFAULT_MAX_UNZIPPED

    if not os.path.exists(job.path):
        return None
    config = current_app.config
    try:
        with (
            open(job.path, "rb") as stream,
            read_table(
                stream,
                job.filename,
                max_bytes=config.get("IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES),
                max_unzipped=config.get("IMPORT_MAX_UNZIPPED_BYTES", DEFAULT_MAX_UNZIPPED),
            ) as table,
        ):
            rows = []
            for number, cells in table.rows:
                if any(cells):
                    rows.append((number, cells[: len(table.header)]))
                if len(rows) >= PREVIEW_ROWS:
                    break
            return {"header": table.header, "rows": rows}
    except (FileProblem, OSError):
        return None


def jobs_visible(scope: Area, *, admin: bool) -> sa.Select[ImportJob]:
    """Return the import jobs an officer may see: those of their area (an admin: every one)."""
    query = sa.select(ImportJob)
    if not admin:
        from lms.areas.services import areas_under

        query = query.where(ImportJob.area_id.in_(areas_under(scope)))
    return query
