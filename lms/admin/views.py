"""Admin pages: criteria frameworks (check, dry run, publish, export), failed batches, drift reports."""

import json

import sqlalchemy as sa
import yaml
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from lms.admin.forms import ActionForm, FrameworkUploadForm
from lms.auth.services import require_role
from lms.cli import poke_worker
from lms.criteria.dry_run import dry_run
from lms.criteria.models import Framework
from lms.criteria.schema import FrameworkError, parse_document
from lms.criteria.services import delete_draft, publish, store_candidate
from lms.extensions import db
from lms.jobs.forms import ResendForm
from lms.jobs.services import pending_jobs, send_job
from lms.recompute.models import DriftReport, FailedBatch
from lms.recompute.services import create_job, rerun_failed_batch
from lms.web import flash_form_errors

bp = Blueprint("admin", __name__, url_prefix="/admin")
MAX_FRAMEWORK_BYTES = 1024 * 1024


def _actor() -> str:
    user = require_role("admin")
    return user.login


@bp.get("/frameworks")
def frameworks() -> ResponseReturnValue:
    """List the frameworks of every year, and the upload form."""
    require_role("admin")
    rows = db.session.scalars(sa.select(Framework).order_by(Framework.period.desc(), Framework.version.desc()))
    return render_template(
        "admin/frameworks.html", frameworks=list(rows), form=FrameworkUploadForm(), action=ActionForm()
    )


@bp.post("/frameworks")
def check_framework() -> ResponseReturnValue:
    """Validate an uploaded framework; store it unpublished and show its dry run, or list its faults."""
    actor = _actor()
    form = FrameworkUploadForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for(".frameworks"))
    upload = form.file.data
    raw = upload.stream.read(MAX_FRAMEWORK_BYTES + 1)
    try:
        if len(raw) > MAX_FRAMEWORK_BYTES:
            raise FrameworkError([("$", _("Tệp quá lớn so với giới hạn cho phép."))])
        document = parse_document(raw, upload.filename or "")
        report = dry_run(document)  # validates; rolls back everything it computed
        candidate = store_candidate(document, actor)
    except FrameworkError as exc:
        db.session.rollback()
        rows = db.session.scalars(sa.select(Framework).order_by(Framework.period.desc(), Framework.version.desc()))
        return (
            render_template(
                "admin/frameworks.html", frameworks=list(rows), form=form, action=ActionForm(), faults=exc.faults
            ),
            400,
        )
    db.session.commit()
    return render_template("admin/dry_run.html", candidate=candidate, report=report, action=ActionForm())


@bp.post("/frameworks/<int:framework_id>/publish")
def publish_framework(framework_id: int) -> ResponseReturnValue:
    """Publish a stored version, then queue a full recompute of its year. Without `confirmed` it shows
    the version's dry run first (what would change, by commune) and asks to confirm."""
    actor = _actor()
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    fw = db.get_or_404(Framework, framework_id)
    if fw.published:
        flash(_("Bộ tiêu chí này đang được áp dụng."), "info")
        return redirect(url_for(".frameworks"))
    if request.form.get("confirmed") != "1":
        report = dry_run(fw.document)
        return render_template("admin/dry_run.html", candidate=fw, report=report, action=ActionForm())
    publish(fw, actor)
    job = create_job(fw.period, None, actor)
    db.session.commit()
    send_job("recompute", job.id)  # if the broker is away, the sweeper sends it when it is back
    flash(_("Đã áp dụng bộ tiêu chí năm %(year)d. Hệ thống đang tính toán lại.", year=fw.period), "success")
    return redirect(url_for(".frameworks"))


@bp.post("/frameworks/<int:framework_id>/delete")
def delete_framework(framework_id: int) -> ResponseReturnValue:
    """Delete a draft (a stored version never applied); a published one stays. Audited."""
    actor = _actor()
    if not ActionForm().validate_on_submit():
        abort(400)
    fw = db.get_or_404(Framework, framework_id)
    try:
        delete_draft(fw, actor)
    except FrameworkError as exc:
        db.session.rollback()
        flash("; ".join(message for _path, message in exc.faults), "error")
    else:
        db.session.commit()
        flash(_("Đã xóa bản nháp bộ tiêu chí."), "success")
    return redirect(url_for(".frameworks"))


@bp.get("/frameworks/<int:framework_id>.<fmt>")
def export_framework(framework_id: int, fmt: str) -> ResponseReturnValue:
    """Download a stored framework as YAML or JSON."""
    require_role("admin")
    fw = db.get_or_404(Framework, framework_id)
    if fmt == "json":
        body, mime = json.dumps(fw.document, ensure_ascii=False, indent=1), "application/json"
    elif fmt == "yaml":
        body, mime = yaml.safe_dump(fw.document, allow_unicode=True, sort_keys=False), "application/yaml"
    else:
        abort(404)
    name = f"{fw.code}-{fw.period}-v{fw.version}.{fmt}"
    return Response(body, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/recompute")
def recompute_health() -> ResponseReturnValue:
    """Show the pending jobs (queued, running, stalled), parked recompute batches and the latest drift reports."""
    require_role("admin")
    failed = db.session.scalars(sa.select(FailedBatch).order_by(FailedBatch.at.desc()).limit(100))
    drift = db.session.scalars(sa.select(DriftReport).order_by(DriftReport.at.desc()).limit(20))
    return render_template(
        "admin/recompute.html",
        jobs=pending_jobs(),
        resend_form=ResendForm(),
        failed=list(failed),
        drift=list(drift),
        action=ActionForm(),
    )


@bp.post("/recompute/failed/<int:batch_id>/rerun")
def rerun(batch_id: int) -> ResponseReturnValue:
    """Queue a parked batch's subjects again."""
    actor = _actor()
    if not ActionForm().validate_on_submit():
        abort(400)
    rerun_failed_batch(db.get_or_404(FailedBatch, batch_id), actor)
    db.session.commit()
    poke_worker()
    flash(_("Đã đưa lô này vào hàng đợi tính toán lại."), "success")
    return redirect(url_for(".recompute_health"))


from lms.admin import areas as _areas  # noqa: E402,F401  (area reorganisation routes on this blueprint)
