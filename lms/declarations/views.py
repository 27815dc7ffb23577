"""Declarations: citizens declare evidence (with a file); officers of their area verify or reject it."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lms.auth.models import User
from lms.auth.services import officer_area, require_person, require_role
from lms.cli import poke_worker
from lms.criteria.services import periods_with_framework
from lms.declarations.forms import AmendForm, DeclarationForm, RejectForm, VerifyForm, WithdrawForm
from lms.declarations.models import STATUSES, Declaration
from lms.declarations.services import (
    AlreadyDecided,
    DeclarationError,
    amend,
    declarable_items,
    declarations_in,
    declarations_of,
    declare,
    item_of,
    pending_in,
    reject,
    upload_room,
    verify,
    withdraw,
)
from lms.extensions import db
from lms.people.models import Person
from lms.uploads.services import UploadError, accept_attribute, accepted_types, file_size, send_upload, store_upload
from lms.uploads.web import add_upload_error, upload_done, upload_failed
from lms.util import today_local
from lms.web import current_period, localized, number, text_arg

bp = Blueprint("declarations", __name__)
bp.add_app_template_global(file_size)
bp.add_app_template_global(pending_in, "pending_declarations_in")

PER_PAGE = 30
STATUS_LABELS = {"pending": _l("Chờ xác nhận"), "verified": _l("Đã xác nhận"), "rejected": _l("Bị từ chối")}
bp.add_app_template_global(STATUS_LABELS, "DECLARATION_STATUS_LABELS")  # type: ignore[arg-type]


def _citizen() -> tuple[User, Person]:
    user = require_role("citizen")
    if user.person is None:
        abort(403)
    return user, user.person


def _periods() -> list[int]:
    """Return the years a citizen may declare for: this one (and last year's, early in the new year)."""
    now = current_period()
    return [p for p in periods_with_framework() if now - 1 <= p <= now]


def _declaration_form(period: int | None) -> DeclarationForm:
    form = DeclarationForm()
    items = declarable_items(period) if period else []
    form.item.choices = [
        (
            i["code"],
            _(
                "%(code)s — %(name)s (tối đa %(max)s điểm)",
                code=i["code"],
                name=localized(i["name"]),
                max=number(i["max"]),
            ),
        )
        for i in items
    ]
    return form


def _citizen_page(person: Person, period: int | None, periods: list[int], form: DeclarationForm) -> str:
    page = db.paginate(declarations_of(person), per_page=PER_PAGE, error_out=False)
    items = {
        (year, i["code"]): i
        for year in {d.period for d in page.items} | {period}
        if year
        for i in declarable_items(year)
    }
    return render_template(
        "declarations/mine.html",
        form=form,
        period=period,
        periods=periods,
        page=page,
        items=items,
        accept=accept_attribute(),
        accepted=accepted_types(),
    )


def _chosen_period(periods: list[int]) -> int | None:
    wanted = request.args.get("period", type=int)
    if wanted in periods:
        return wanted
    return periods[0] if periods else None


@bp.get("/declarations")
def mine() -> ResponseReturnValue:
    """Show the citizen's declarations with their status, and the form to declare more."""
    _user, person = _citizen()
    periods = _periods()
    period = _chosen_period(periods)
    return _citizen_page(person, period, periods, _declaration_form(period))


@bp.post("/declarations")
def create() -> ResponseReturnValue:
    """Record a declaration (text and an optional file, checked like every upload)."""
    _user, person = _citizen()
    periods = _periods()
    period = _chosen_period(periods)
    form = _declaration_form(period)
    if period is None:
        abort(404)
    if form.validate_on_submit():
        try:
            upload = form.file.data
            stored = store_upload(upload, upload_room(person)) if upload is not None and upload.filename else None
            declare(person, period, form.item.data or "", form.text.data or "", stored, today_local())
        except UploadError as exc:
            add_upload_error(form, "file", exc)
        except DeclarationError as exc:
            form.item.errors = [*form.item.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("Đã gửi kê khai. Cán bộ xã sẽ xem xét và xác nhận."), "success")
            return upload_done(url_for(".mine", period=period))
    return upload_failed(form, lambda: _citizen_page(person, period, periods, form))


def _declaration_or_404(declaration_id: int) -> Declaration:
    return db.get_or_404(Declaration, declaration_id)


@bp.get("/declarations/<int:declaration_id>/file")
def file(declaration_id: int) -> ResponseReturnValue:
    """Download a declaration's file: the citizen who declared it or an officer of their area."""
    user = require_role("citizen", "officer", "admin")
    found = _declaration_or_404(declaration_id)
    if user.role == "citizen":
        if user.person_id != found.person_id:
            abort(404)  # someone else's: as if it did not exist
    else:
        require_person(found.person)
    if not found.file_sha256:
        abort(404)
    return send_upload(found.file_sha256, found.file_kind or "", found.file_name or "")


def _own_pending(person: Person, declaration_id: int) -> Declaration:
    """The citizen's own declaration (someone else's: 404, as if it did not exist)."""
    found = _declaration_or_404(declaration_id)
    if found.person_id != person.id:
        abort(404)
    return found


@bp.route("/declarations/<int:declaration_id>/edit", methods=["GET", "POST"])
def edit(declaration_id: int) -> ResponseReturnValue:
    """Change a declaration (its item and text) while it waits for an officer."""
    _user, person = _citizen()
    found = _own_pending(person, declaration_id)
    if found.status != "pending":
        flash(_("Minh chứng này đã được xử lý, không sửa được nữa."), "error")
        return redirect(url_for(".mine"))
    form = AmendForm(obj=found) if request.method == "GET" else AmendForm()
    items = declarable_items(found.period)
    form.item.choices = [
        (i["code"], _("%(code)s — %(name)s", code=i["code"], name=localized(i["name"]))) for i in items
    ]
    if form.validate_on_submit():
        try:
            amend(found, form.item.data or "", form.text.data or "")
        except DeclarationError as exc:
            db.session.rollback()
            if isinstance(exc, AlreadyDecided):
                flash(str(exc), "error")
                return redirect(url_for(".mine"))
            form.item.errors = [*form.item.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("Đã sửa kê khai."), "success")
            return redirect(url_for(".mine"))
    return render_template("declarations/edit.html", d=found, form=form, withdraw_form=WithdrawForm())


@bp.post("/declarations/<int:declaration_id>/withdraw")
def withdraw_one(declaration_id: int) -> ResponseReturnValue:
    """Withdraw a declaration that waits for an officer."""
    _user, person = _citizen()
    found = _own_pending(person, declaration_id)
    if WithdrawForm().validate_on_submit():
        try:
            withdraw(found)
        except AlreadyDecided as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Đã rút lại kê khai."), "success")
    return redirect(url_for(".mine"))


# ---- officers -----------------------------------------------------------------------------------
@bp.get("/officer/declarations")
def pending() -> ResponseReturnValue:
    """List the declarations of the officer's area (pending first by default)."""
    scope = officer_area()
    status = text_arg("status", 16) or "pending"
    if status not in (*STATUSES, "all"):
        status = "pending"
    page = db.paginate(declarations_in(scope, None if status == "all" else status), per_page=PER_PAGE, error_out=False)
    return render_template("declarations/officer_list.html", scope=scope, status=status, page=page)


def _officer_declaration(declaration_id: int) -> Declaration:
    officer_area()  # the role first: 403 for roles that never use these pages, whatever the id
    found = _declaration_or_404(declaration_id)
    require_person(found.person)
    return found


def _officer_page(found: Declaration, verify_form: VerifyForm, reject_form: RejectForm) -> str:
    db.session.refresh(found)
    return render_template(
        "declarations/officer_show.html",
        d=found,
        item=item_of(found.period, found.item),
        verify_form=verify_form,
        reject_form=reject_form,
    )


@bp.get("/officer/declarations/<int:declaration_id>")
def review(declaration_id: int) -> ResponseReturnValue:
    """Show one declaration with the verify and reject forms."""
    found = _officer_declaration(declaration_id)
    item = item_of(found.period, found.item)
    return _officer_page(found, VerifyForm(formdata=None, points=item["max"] if item else None), RejectForm())


def _decided() -> ResponseReturnValue:
    db.session.commit()
    poke_worker()
    return redirect(url_for(".pending"))


@bp.post("/officer/declarations/<int:declaration_id>/verify")
def verify_one(declaration_id: int) -> ResponseReturnValue:
    """Verify a declaration with points: the points go to the citizen's record."""
    found = _officer_declaration(declaration_id)
    form = VerifyForm()
    if form.validate_on_submit():
        try:
            verify(found, form.points.data, str(current_user.login))
        except AlreadyDecided as exc:
            db.session.rollback()
            flash(str(exc), "error")
        except DeclarationError as exc:
            db.session.rollback()
            form.points.errors = [*form.points.errors, str(exc)]
        else:
            flash(_("Đã xác nhận minh chứng: %(points)s điểm.", points=number(form.points.data)), "success")
            return _decided()
    return _officer_page(found, form, RejectForm(formdata=None)), 400


@bp.post("/officer/declarations/<int:declaration_id>/reject")
def reject_one(declaration_id: int) -> ResponseReturnValue:
    """Reject a declaration with a reason shown to the citizen."""
    found = _officer_declaration(declaration_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            reject(found, form.reason.data or "", str(current_user.login))
        except AlreadyDecided as exc:
            db.session.rollback()
            flash(str(exc), "error")
        except DeclarationError as exc:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, str(exc)]
        else:
            flash(_("Đã từ chối minh chứng."), "success")
            return _decided()
    return _officer_page(found, VerifyForm(formdata=None), form), 400
