"""Exports for officers: the indicator report (XLSX, PDF) and lists of title holders (XLSX), all audited."""

import sqlalchemy as sa
from flask import Blueprint, Response, abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from lms.areas.models import Area
from lms.areas.services import area_by_code
from lms.auth.services import officer_area, require_area
from lms.extensions import db
from lms.people.models import Unit
from lms.recompute.forms import RecomputeForm
from lms.registry.queries import areas_at, visible_groups
from lms.reports import services
from lms.reports.forms import HoldersForm, ReportForm
from lms.reviews.forms import ReviewForm
from lms.web import flash_form_errors, period_arg, period_choices, text_arg

bp = Blueprint("reports", __name__, url_prefix="/officer/reports")


def _area_or_scope(scope: Area, code: str | None) -> Area:
    """Return the area asked for (the scope by default); 404 unknown or outside the scope."""
    if not code:
        return scope
    found = area_by_code(code)
    if found is None:
        abort(404)
    require_area(found)
    return found


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _refuse(form: ReportForm | HoldersForm) -> Response:
    flash_form_errors(form)
    return redirect(url_for(".index"))  # type: ignore[return-value]


@bp.get("")
def index() -> ResponseReturnValue:
    """Show the exports of the officer's area and the recompute button."""
    scope = officer_area()
    period = period_arg()
    selected = _area_or_scope(scope, text_arg("area", 64))
    return render_template(
        "reports/index.html",
        scope=scope,
        selected=selected,
        period=period,
        periods=period_choices(period),
        areas=areas_at(scope, ("district", "commune", "village")),
        units=visible_groups(Unit, scope),
        report_form=ReportForm(formdata=None, period=period),
        holders_form=HoldersForm(formdata=None, period=period),
        review_form=ReviewForm(formdata=None, period=period),
        recompute_form=RecomputeForm(
            formdata=None, period=period, area=selected.code if selected.id != scope.id else ""
        ),
    )


@bp.post("/indicators.xlsx")
def report_xlsx() -> ResponseReturnValue:
    """Download the report of an area as XLSX (summary, one sheet per level, units)."""
    scope = officer_area()
    form = ReportForm()
    if not form.validate_on_submit():
        return _refuse(form)
    area = _area_or_scope(scope, form.area.data)
    data = services.report_workbook(area, form.period.data)
    services.audit_export(str(current_user.login), "report_xlsx", area, of=area.code, period=form.period.data)
    db.session.commit()
    return _download(data, services.XLSX_MIME, f"bao-cao-cdht-{area.code}-{form.period.data}.xlsx")


@bp.post("/indicators.pdf")
def report_pdf() -> ResponseReturnValue:
    """Download the report of an area as PDF."""
    scope = officer_area()
    form = ReportForm()
    if not form.validate_on_submit():
        return _refuse(form)
    area = _area_or_scope(scope, form.area.data)
    data = services.report_pdf(area, form.period.data)
    services.audit_export(str(current_user.login), "report_pdf", area, of=area.code, period=form.period.data)
    db.session.commit()
    return _download(data, "application/pdf", f"bao-cao-cdht-{area.code}-{form.period.data}.pdf")


@bp.post("/holders.xlsx")
def holders_xlsx() -> ResponseReturnValue:
    """Download the title holders of a village / commune or of a unit; phone and email only when ticked."""
    scope = officer_area()
    form = HoldersForm()
    if not form.validate_on_submit():
        return _refuse(form)
    unit = None
    area = None
    if form.unit.data:
        unit = db.session.scalar(sa.select(Unit).where(Unit.code == form.unit.data))
        if unit is None:
            abort(404)
        if unit.id not in {u.id for u in visible_groups(Unit, scope)}:
            abort(404)
    if form.area.data or unit is None:
        area = _area_or_scope(scope, form.area.data)
    elif current_user.role != "admin":
        area = scope  # a unit's members living outside the officer's area stay out of the list
    of = unit.name if unit is not None else area.name  # type: ignore[union-attr]
    data, count = services.holders_workbook(
        form.period.data, title_of=of, area=area, unit=unit, contacts=bool(form.contacts.data)
    )
    audited_area = area if area is not None else unit.area  # type: ignore[union-attr]
    services.audit_export(
        str(current_user.login),
        "holders_xlsx",
        audited_area,
        of=unit.code if unit is not None else audited_area.code,
        period=form.period.data,
        contacts=bool(form.contacts.data),
        rows=count,
    )
    db.session.commit()
    code = unit.code if unit is not None else audited_area.code
    return _download(data, services.XLSX_MIME, f"danh-sach-cdht-{code}-{form.period.data}.xlsx")
