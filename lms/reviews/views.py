"""The reports page's review-report button: the DOCX of an area of the officer's scope, audited."""

from flask import Blueprint, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.services import officer_area
from lms.extensions import db
from lms.reports.views import _area_or_scope, _download
from lms.reviews.document import render
from lms.reviews.forms import ReviewForm
from lms.reviews.services import audit_report, gather
from lms.web import flash_form_errors

bp = Blueprint("reviews", __name__, url_prefix="/officer/reports")
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.post("/review.docx")
def review_docx() -> ResponseReturnValue:
    """Download the review report of an area of the officer's scope for a year."""
    scope = officer_area()
    form = ReviewForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("reports.index"))
    if form.since.data is not None and form.since.data >= form.period.data:
        flash(_("Năm so sánh phải trước năm báo cáo."), "error")
        return redirect(url_for("reports.index"))
    area = _area_or_scope(scope, form.area.data)
    data = render(gather(area, form.period.data, form.since.data), number=form.number.data or "")
    audit_report(str(current_user.login), area, form.period.data, form.since.data)
    db.session.commit()
    return _download(data, DOCX_MIME, f"bao-cao-so-ket-{area.code}-{form.period.data}.docx")
