"""The officer's recompute button and the progress of the job it starts."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from lms.areas.models import Area
from lms.areas.services import area_by_code
from lms.audit.services import audit
from lms.auth.services import officer_area, require_area
from lms.criteria.services import NoFramework, compiled_framework
from lms.extensions import db
from lms.jobs.services import send_job
from lms.recompute.forms import RecomputeForm
from lms.recompute.models import RecomputeJob
from lms.recompute.services import create_job

bp = Blueprint("recompute", __name__, url_prefix="/officer/recompute")

FINISHED = ("done", "failed")


def _job_or_404(job_id: int) -> RecomputeJob:
    """Return a job of the officer's area (a whole-province job: admins only); else 404."""
    officer_area()
    job = db.get_or_404(RecomputeJob, job_id)
    if current_user.role != "admin":
        area = db.session.get(Area, job.area_id) if job.area_id else None
        if area is None:
            abort(404)
        require_area(area)
    return job


@bp.post("")
def start() -> ResponseReturnValue:
    """Queue a full recompute of a year for the officer's area (or an area inside it) and show its progress."""
    scope = officer_area()
    form = RecomputeForm()
    if not form.validate_on_submit():
        flash(_("Yêu cầu không hợp lệ."), "error")
        return redirect(url_for("reports.index"))
    area = scope
    if form.area.data:
        found = area_by_code(form.area.data)
        if found is None:
            abort(404)
        require_area(found)
        area = found
    period = form.period.data
    try:
        compiled_framework(period)
    except NoFramework:
        flash(_("Chưa có bộ tiêu chí cho kỳ đánh giá %(year)s.", year=period), "error")
        return redirect(url_for("reports.index", period=period))
    running = db.session.scalar(
        sa.select(RecomputeJob)
        .where(RecomputeJob.period == period, RecomputeJob.area_id == area.id, RecomputeJob.status.not_in(FINISHED))
        .order_by(RecomputeJob.id.desc())
        .limit(1)
    )
    if running is not None:
        flash(_("Việc tính toán lại cho địa bàn này đang chạy."), "info")
        return redirect(url_for(".job", job_id=running.id))
    actor = str(current_user.login)
    job = create_job(period, area, actor)
    audit(actor, "recompute.start", f"{area.code} {period}", area_id=area.id, after={"job_id": job.id})
    db.session.commit()
    send_job("recompute", job.id)  # if the broker is away, the sweeper sends it when it is back
    return redirect(url_for(".job", job_id=job.id))


@bp.get("/<int:job_id>")
def job(job_id: int) -> ResponseReturnValue:
    """Show a recompute job's progress (a bar fed by its steps done / total)."""
    found = _job_or_404(job_id)
    area = db.session.get(Area, found.area_id) if found.area_id else None
    return render_template("recompute/job.html", job=found, area=area, finished=found.status in FINISHED)


@bp.get("/<int:job_id>/status")
def status(job_id: int) -> ResponseReturnValue:
    """Return a recompute job's state as JSON for the progress bar."""
    found = _job_or_404(job_id)
    percent = round(100 * found.done / found.total) if found.total else None
    return jsonify(
        {
            "status": found.status,
            "done": found.done,
            "total": found.total,
            "percent": percent,
            "finished": found.status in FINISHED,
        }
    )
