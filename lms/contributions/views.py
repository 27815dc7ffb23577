"""Officers' register of contributions: list and totals of a year, record, attach files, export (audited)."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from lms.areas.models import Area
from lms.auth.services import area_thing_or_404, officer_area, require_area
from lms.contributions import services
from lms.contributions.forms import AttachForm, ContributionForm, DeleteForm, ExportForm
from lms.contributions.models import Contribution, ContributionFile
from lms.extensions import db
from lms.registry.queries import areas_at
from lms.reports.services import audit_export
from lms.uploads.services import UploadError, accept_attribute, accepted_types, send_upload, store_upload
from lms.web import flash_form_errors, period_arg, period_choices

bp = Blueprint("contributions", __name__, url_prefix="/officer/contributions")
LEVELS = ("province", "district", "commune", "village")


def _form(scope: Area) -> ContributionForm:
    form = ContributionForm()
    form.area.choices = [SelectChoice(a.id, a.name) for a in areas_at(scope, LEVELS) if a.valid_to is None]
    return form


@bp.route("", methods=["GET", "POST"])
def index() -> ResponseReturnValue:
    """The register of the officer's area for a year, its totals by kind, and the form to record one."""
    scope = officer_area()
    period = period_arg()
    form = _form(scope)
    if form.validate_on_submit():
        area = db.session.get(Area, form.area.data)
        if area is None:
            abort(404)
        require_area(area)
        try:
            item = services.record(
                area,
                contributor_kind=form.contributor_kind.data or "",
                contributor=form.contributor.data or "",
                kind=form.kind.data or "",
                value=form.value.data,
                purpose=form.purpose.data or "",
                when=form.date.data,
                reference=form.reference.data or "",
                actor=str(current_user.login),
            )
        except services.ContributionError as exc:
            db.session.rollback()
            form.reference.errors = [*form.reference.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("Đã ghi đóng góp %(ref)s vào sổ.", ref=item.reference), "success")
            return redirect(url_for(".show", contribution_id=item.id))
    status = 400 if form.errors else 200
    return render_template(
        "contributions/index.html",
        scope=scope,
        period=period,
        periods=period_choices(period),
        items=list(db.session.scalars(services.contributions_in(scope, period))),
        totals=services.totals(scope, period),
        form=form,
        export_form=ExportForm(formdata=None, period=period),
        kind_labels=services.KIND_LABELS,
        contributor_labels=services.CONTRIBUTOR_LABELS,
        unit_of=services.unit_of,
    ), status


@bp.route("/<int:contribution_id>", methods=["GET", "POST"])
def show(contribution_id: int) -> ResponseReturnValue:
    """One contribution with its files; attach another."""
    item = area_thing_or_404(Contribution, contribution_id)
    form = AttachForm()
    if form.validate_on_submit():
        upload = form.file.data
        if upload is None or not upload.filename:
            form.file.errors = [_("Hãy chọn tệp.")]
        else:
            try:
                stored = store_upload(upload)
            except UploadError as exc:
                form.file.errors = [str(exc)]
            else:
                services.attach(item, stored, str(current_user.login))
                db.session.commit()
                flash(_("Đã đính kèm %(name)s.", name=stored.name), "success")
                return redirect(url_for(".show", contribution_id=item.id))
    status = 400 if form.errors else 200
    return render_template(
        "contributions/show.html",
        item=item,
        form=form,
        delete_form=DeleteForm(formdata=None),
        kind_labels=services.KIND_LABELS,
        contributor_labels=services.CONTRIBUTOR_LABELS,
        unit_of=services.unit_of,
        accept=accept_attribute(),
        accepted=accepted_types(),
    ), status


@bp.get("/<int:contribution_id>/files/<int:file_id>")
def file(contribution_id: int, file_id: int) -> ResponseReturnValue:
    """Download a file attached to a contribution of the officer's area."""
    item = area_thing_or_404(Contribution, contribution_id)
    found = db.session.get(ContributionFile, file_id)
    if found is None or found.contribution_id != item.id:
        abort(404)
    return send_upload(found.sha256, found.kind, found.name)


@bp.post("/<int:contribution_id>/delete")
def delete(contribution_id: int) -> ResponseReturnValue:
    """Remove a contribution entered by mistake (audited)."""
    item = area_thing_or_404(Contribution, contribution_id)
    form = DeleteForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for(".show", contribution_id=item.id))
    period = item.period
    services.delete(item, str(current_user.login))
    db.session.commit()
    flash(_("Đã xóa đóng góp khỏi sổ."), "success")
    return redirect(url_for(".index", period=period))


def _export(kind: str) -> Response:
    scope = officer_area()
    form = ExportForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for(".index"))  # type: ignore[return-value]
    period = int(form.period.data or 0)
    if kind == "xlsx":
        data, mime = services.report_workbook(scope, period), services.XLSX_MIME
    else:
        data, mime = services.report_pdf(scope, period), "application/pdf"
    audit_export(str(current_user.login), f"contributions_{kind}", scope, of=scope.code, period=period)
    db.session.commit()
    response = Response(data, mimetype=mime)
    response.headers["Content-Disposition"] = f'attachment; filename="xa-hoi-hoa-{scope.code}-{period}.{kind}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/report.xlsx")
def report_xlsx() -> ResponseReturnValue:
    """Download the year's register of the officer's area as XLSX."""
    return _export("xlsx")


@bp.post("/report.pdf")
def report_pdf() -> ResponseReturnValue:
    """Download the year's register of the officer's area as PDF."""
    return _export("pdf")
