"""The admin's re-send button for a queued or stalled job (the list is on the recompute-health page)."""

from flask import Blueprint, abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from lms.auth.services import require_role
from lms.extensions import db
from lms.jobs import services
from lms.jobs.forms import ResendForm

bp = Blueprint("jobs", __name__, url_prefix="/admin/jobs")


@bp.post("/<kind>/<int:job_id>/resend")
def resend(kind: str, job_id: int) -> ResponseReturnValue:
    """Re-send a queued or stalled job to the workers (audited); a job a live worker runs is left alone."""
    user = require_role("admin")
    if not ResendForm().validate_on_submit():
        abort(400)
    if kind not in services.job_kinds():
        abort(404)
    try:
        services.resend(kind, job_id, user.login)
    except LookupError:
        abort(404)
    except services.ResendError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("admin.recompute_health"))
    db.session.commit()
    if services.send_job(kind, job_id):
        flash(_("Đã gửi lại việc này tới máy xử lý."), "success")
    else:
        flash(_("Máy chủ hàng đợi chưa sẵn sàng; hệ thống sẽ tự gửi lại việc này khi có thể."), "info")
    return redirect(url_for("admin.recompute_health"))
