"""The import page: upload → check (preview or every row's faults) → confirm → import, with progress."""

from collections.abc import Callable

from flask import Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from lms import paging
from lms.auth.services import officer_area, require_area, require_role
from lms.cli import poke_worker
from lms.extensions import db
from lms.imports import jobs
from lms.imports.forms import KIND_LABELS, CancelForm, ConfirmForm, UploadForm
from lms.imports.models import FINISHED, ImportJob
from lms.imports.scope import ADMIN_ONLY
from lms.imports.services import KINDS, ImportReport, template_xlsx
from lms.jobs.services import send_job
from lms.web import flash_form_errors, lang

bp = Blueprint("imports", __name__, url_prefix="/officer/imports")
bp.record_once(paging.install)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _is_admin() -> bool:
    return current_user.role == "admin"


def _kinds() -> tuple[str, ...]:
    """Return the kinds the current user may import (areas: admins only)."""
    return tuple(k for k in KIND_LABELS if k in KINDS and (_is_admin() or k not in ADMIN_ONLY))


def _job_or_404(job_id: int) -> ImportJob:
    """Return a job the current officer may see: one of their area (an admin: any); else 404."""
    officer_area()
    job = db.get_or_404(ImportJob, job_id)
    if not _is_admin():
        if job.area_id is None:
            abort(404)
        from lms.areas.models import Area

        area = db.session.get(Area, job.area_id)
        if area is None:
            abort(404)
        require_area(area)
    return job


def _send(job: ImportJob) -> None:
    """Hand the job's next step to a worker; if the broker is away, the sweeper sends it when it is back."""
    send_job("import", job.id)


def _inline(job: ImportJob, step: Callable[[ImportJob], ImportReport]) -> ImportReport | None:
    """Run a job's step in this request and commit; an unexpected failure marks the job failed."""
    job_id = job.id
    try:
        report = step(job)
        db.session.commit()
    except Exception:  # noqa: BLE001 - the import rolled back; the officer sees the job failed
        db.session.rollback()
        current_app.logger.exception("import job %s failed", job_id)
        jobs.fail_job(job_id, _("Đã có lỗi khi xử lý tệp. Vui lòng thử lại."))
        db.session.commit()
        return None
    return report


@bp.get("")
def index() -> ResponseReturnValue:
    """Show the upload form, the templates and the recent imports of the officer's area."""
    scope = officer_area()
    query = jobs.jobs_visible(scope, admin=_is_admin())
    page = paging.keyset_page(query, [ImportJob.id], lambda j: (j.id,), per_page=20, descending=True)
    return render_template(
        "imports/index.html",
        form=UploadForm(formdata=None, kinds=_kinds()),
        page=page,
        scope=scope,
        kinds=_kinds(),
        labels=KIND_LABELS,
        admin_only=ADMIN_ONLY,
    )


@bp.post("")
def upload() -> ResponseReturnValue:
    """Store the uploaded file and check it (now if small, else in the background)."""
    scope = officer_area()
    form = UploadForm(kinds=_kinds())
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for(".index"))
    upload_file = form.file.data
    if jobs.suffix_of(upload_file.filename or "") is None:
        flash(_("Chỉ nhận tệp .csv hoặc .xlsx."), "error")
        return redirect(url_for(".index"))
    path, size = jobs.store_upload(upload_file)
    job = jobs.create_job(
        form.kind.data,
        upload_file.filename or "",
        path,
        size,
        actor=str(current_user.login),
        scope=scope,
        restricted=not _is_admin(),
        lang=lang(),
    )
    if jobs.is_small(job):
        _inline(job, jobs.check_job)
    else:
        db.session.commit()
        _send(job)
    return redirect(url_for(".job", job_id=job.id))


@bp.get("/<int:job_id>")
def job(job_id: int) -> ResponseReturnValue:
    """Show a job: progress while it works, then the preview to confirm or every row's faults."""
    found = _job_or_404(job_id)
    return render_template(
        "imports/job.html",
        job=found,
        labels=KIND_LABELS,
        preview=jobs.preview(found) if found.status == "checked" else None,
        confirm_form=ConfirmForm(),
        cancel_form=CancelForm(),
        finished=found.status in FINISHED,
    )


@bp.get("/<int:job_id>/status")
def status(job_id: int) -> ResponseReturnValue:
    """Return a job's state as JSON for the progress bar."""
    found = _job_or_404(job_id)
    return jsonify(
        {
            "status": found.status,
            "done": found.rows_done,
            "total": found.rows_total,
            "percent": found.percent,
            "finished": found.status in FINISHED,
        }
    )


@bp.post("/<int:job_id>/confirm")
def confirm(job_id: int) -> ResponseReturnValue:
    """Import a checked file: now if small, else in the background."""
    found = _job_or_404(job_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        jobs.confirm_job(found)
    except jobs.JobError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".job", job_id=found.id))
    if jobs.runs_inline(found):
        found.status = "importing"
        report = _inline(found, jobs.run_job)
        if report is not None and report.ok:
            poke_worker()
            flash(_("Đã nhập xong %(n)d dòng.", n=report.rows), "success")
    else:
        db.session.commit()
        _send(found)
    return redirect(url_for(".job", job_id=found.id))


@bp.post("/<int:job_id>/cancel")
def cancel(job_id: int) -> ResponseReturnValue:
    """Drop a checked file without importing it."""
    found = _job_or_404(job_id)
    form = CancelForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        jobs.cancel_job(found)
    except jobs.JobError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Đã hủy, không nhập tệp này."), "info")
    return redirect(url_for(".index"))


@bp.get("/templates/<kind>.xlsx")
def template(kind: str) -> ResponseReturnValue:
    """Download the XLSX template of a kind: the header row and a sample line."""
    user = require_role("officer", "admin")
    if kind not in KINDS:
        abort(404)
    response = Response(template_xlsx(kind, user.area if user.role == "officer" else None), mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="mau-{kind}.xlsx"'
    return response
