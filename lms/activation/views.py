"""Account activation: officers print one-time codes (PDF), citizens activate with one."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from lms.activation.forms import ActivateForm, CodesForm, OneCodeForm
from lms.activation.services import codes_pdf, issue_code, issue_codes, people_for_codes
from lms.areas.services import area_by_code
from lms.auth.limits import activation_limits, failed
from lms.auth.services import AuthError, PasswordError, officer_area, require_area, require_person
from lms.extensions import db
from lms.people.models import Person
from lms.registry.queries import village_groups
from lms.web import external_url

bp = Blueprint("activation", __name__)


@bp.route("/auth/activate", methods=["GET", "POST"])
@activation_limits
def activate() -> ResponseReturnValue:
    """Let a citizen activate an account (or set a new password) with the codes an officer gave, then log in."""
    from lms.activation.services import activate as activate_account
    from lms.auth.views import begin_sign_in

    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = ActivateForm()
    if form.validate_on_submit():
        try:
            user = activate_account(form.person_code.data, form.code.data, form.login.data, form.password.data)
        except PasswordError as exc:
            db.session.rollback()
            form.password.errors = [*form.password.errors, str(exc)]
        except AuthError as exc:
            db.session.rollback()
            failed()
            form.code.errors = [*form.code.errors, str(exc)]
        else:
            from lms.privacy.services import record_consent

            record_consent(user, "activation")  # the notice is shown above the button
            db.session.commit()
            response = begin_sign_in(user, None)  # a fresh session: the message goes in after
            flash(_("Đã kích hoạt tài khoản. Từ nay bạn đăng nhập bằng %(login)s.", login=user.login), "success")
            return response
    return render_template("activation/activate.html", form=form)


def _activate_url() -> str:
    """Return the activation page's address as printed on the sheet."""
    return external_url("activation.activate")


def _codes_page(form: CodesForm) -> ResponseReturnValue:
    scope = officer_area()
    return render_template("activation/codes.html", form=form, scope=scope, village_groups=village_groups(scope))


@bp.get("/officer/registry/activation")
def codes() -> ResponseReturnValue:
    """Show the page that prints activation codes for a village of the officer's area."""
    return _codes_page(CodesForm(formdata=None))


@bp.post("/officer/registry/activation")
def print_codes() -> ResponseReturnValue:
    """Issue new codes for the ticked people or a whole village and return the printable sheet (PDF)."""
    scope = officer_area()
    form = CodesForm()
    if not form.validate_on_submit():
        flash(_("Phiên làm việc đã hết hạn. Vui lòng thử lại."), "error")
        return redirect(url_for(".codes"))
    village = None
    if form.village.data:
        village = area_by_code(form.village.data)
        if village is None or village.level != "village":
            flash(_("Hãy chọn thôn, khu phố trong danh sách."), "error")
            return redirect(url_for(".codes"))
        require_area(village)
    ids = request.form.getlist("person_ids", type=int)
    people = people_for_codes(scope, person_ids=ids, village=village)
    if not people:
        flash(_("Hãy chọn một thôn, khu phố hoặc đánh dấu những người cần in mã."), "error")
        return redirect(url_for(".codes"))
    try:
        issued, skipped = issue_codes(people, actor=str(current_user.login), scope=scope)
    except AuthError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".codes"))
    if not issued:
        db.session.rollback()
        flash(_("Những người đã chọn đều đã kích hoạt tài khoản."), "info")
        return redirect(url_for(".codes"))
    pdf = codes_pdf(
        issued,
        area_name=village.name if village is not None else scope.name,
        activate_url=_activate_url(),
    )
    db.session.commit()
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'attachment; filename="ma-kich-hoat.pdf"'
    response.headers["Cache-Control"] = "no-store"
    if skipped:
        response.headers["X-Skipped"] = str(skipped)
    return response


@bp.post("/officer/registry/people/<int:person_id>/activation")
def issue_one(person_id: int) -> ResponseReturnValue:
    """Issue a new activation code to one person of the officer's area (also a forgotten password) and show it."""
    officer_area()
    person = db.get_or_404(Person, person_id)
    scope = require_person(person)
    if not OneCodeForm().validate_on_submit():
        flash(_("Phiên làm việc đã hết hạn. Vui lòng thử lại."), "error")
        return redirect(url_for("registry.edit_person_page", person_id=person.id))
    try:
        issued = issue_code(person, actor=str(current_user.login), scope=scope)
    except AuthError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("registry.edit_person_page", person_id=person.id))
    db.session.commit()
    return render_template("activation/one_code.html", issued=issued, activate_url=_activate_url())
