"""Imports through the API: the page's import jobs (lms.imports.jobs), started without the preview step.

A pushed file is a job queued at once (the import itself checks the whole file first and writes nothing
on any fault): small files run in the request, larger ones on a worker. A token sees the jobs of its area.
"""

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from lms.api.models import ApiToken
from lms.api.problems import Problem
from lms.areas.models import Area
from lms.areas.services import within
from lms.extensions import db
from lms.imports import jobs
from lms.imports.models import ImportJob
from lms.imports.scope import ADMIN_ONLY
from lms.jobs.services import send_job
from lms.web import lang


def _root() -> Area:
    """Return the area a whole-installation token's jobs are filed under (the first open root)."""
    root = db.session.scalar(
        sa.select(Area).where(Area.parent_id.is_(None), Area.valid_to.is_(None)).order_by(Area.id).limit(1)
    )
    if root is None:
        raise Problem(409, _("Chưa có địa bàn nào: hãy nhập danh mục địa bàn trước."))
    return root


def start(token: ApiToken, kind: str, upload: FileStorage) -> ImportJob:
    """Store an uploaded file as a queued import job of the token, run it now if small, else hand it to a worker."""
    if kind in ADMIN_ONLY and token.area is not None:
        raise Problem(403, _("Chỉ mã truy cập toàn hệ thống được nhập danh mục địa bàn."))
    if jobs.suffix_of(upload.filename or "") is None:
        message = _("Chỉ nhận tệp .csv hoặc .xlsx.")
        raise Problem(422, message, errors=[{"in": "files", "field": "file", "message": message}])
    scope = token.area or _root()
    path, size = jobs.store_upload(upload)
    job = jobs.create_job(
        kind,
        upload.filename or "",
        path,
        size,
        actor=token.actor,
        scope=scope,
        restricted=token.area is not None,
        lang=lang(),
    )
    job.status = "queued"
    db.session.commit()
    if jobs.is_small(job):
        _run_now(job)
    else:
        send_job("import", job.id)  # a broker that is away: the sweeper sends it later
    return job


def _run_now(job: ImportJob) -> None:
    """Import the job in this request; an unexpected failure marks it failed (the import rolled back)."""
    from lms.cli import poke_worker

    job_id = job.id
    try:
        job.status = "importing"
        report = jobs.run_job(job)
        db.session.commit()
    except Exception:  # noqa: BLE001 - the caller sees the job failed, with a message
        db.session.rollback()
        current_app.logger.exception("API import job %s failed", job_id)
        jobs.fail_job(job_id, _("Đã có lỗi khi xử lý tệp. Vui lòng thử lại."))
        db.session.commit()
        return
    if report.ok:
        poke_worker()


def visible_job(token: ApiToken, job_id: int) -> ImportJob:
    """Return a job of the token's area (a whole-installation token: any), else 404."""
    job = db.session.get(ImportJob, job_id)
    if job is not None and token.area is not None:
        area = db.session.get(Area, job.area_id) if job.area_id is not None else None
        if area is None or not within(area, token.area):
            job = None
    if job is None:
        raise Problem(404, _("Không tìm thấy việc nhập này trong phạm vi của mã truy cập."))
    return job
