"""The JSON API (/api/v1): one envelope, {"ok": true, "data": …} or {"ok": false, "error": {…}}."""

from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _

from lms.indicators.public import min_cell, suppress_small_cells
from lms.indicators.services import report
from lms.indicators.views import public_area
from lms.web import FIRST_PERIOD, LAST_PERIOD, current_period, text_arg

bp = Blueprint("api", __name__)


def ok(data: Any, status: int = 200):  # type: ignore[no-untyped-def]
    """Return a successful response in the API envelope."""
    return jsonify({"ok": True, "data": data}), status


def fail(status: int, message: str, **details: Any):  # type: ignore[no-untyped-def]
    """Return an error in the API envelope."""
    return jsonify({"ok": False, "error": {"code": status, "message": message, **details}}), status


@bp.get("/courses")
def courses():  # type: ignore[no-untyped-def]
    """List the published courses (search with ?q=, filter with ?category=, page with ?page=)."""
    listing = current_app.extensions.get("course_catalogue")
    if listing is None:
        return fail(503, _("Danh mục khóa học chưa sẵn sàng."))
    page = request.args.get("page", 1, type=int)
    per_page = min(max(request.args.get("per_page", 50, type=int), 1), 200)
    query = text_arg("q")
    category = text_arg("category", 32) or None
    return ok(listing(query, category, max(page, 1), per_page))


@bp.get("/indicators")
def indicators():  # type: ignore[no-untyped-def]
    """Return the indicators and counts of a public area (?area=CODE) for a year (?period=YEAR); counts
    below `min_cell`, and rates over fewer people, are null (lms.indicators.public)."""
    period = request.args.get("period", current_period(), type=int)
    if not FIRST_PERIOD <= period <= LAST_PERIOD:
        return fail(400, _("Năm đánh giá không hợp lệ."), field="period")
    code = text_arg("area", 64)
    if not code:
        return fail(400, _("Cần mã địa bàn."), field="area")
    area = public_area(code)
    return ok(suppress_small_cells(report(area.code, area.id, period), min_cell()))
