"""Personal-data pages: the public notice, consent at login, "Dữ liệu của tôi" (JSON, XLSX, corrections),
the commune's correction queue, the admin's erasure page and the log of who looked at whom."""

import json

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from lms.auth.models import User
from lms.auth.services import officer_area, require_person, require_role
from lms.cli import poke_worker
from lms.extensions import db
from lms.people.models import Person
from lms.privacy import services
from lms.privacy.erasure import ErasureError, erase_person, finish_erasure
from lms.privacy.forms import FIELD_LABELS, AnswerForm, ConsentForm, CorrectionForm, ErasureForm
from lms.privacy.models import CorrectionRequest
from lms.web import flash_form_errors, safe_next, text_arg

bp = Blueprint("privacy", __name__)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _citizen() -> tuple[User, Person]:
    user = require_role("citizen")
    if user.person is None:
        abort(404)
    return user, user.person


@bp.app_context_processor
def inject_notice_version() -> dict[str, object]:
    """The notice version, for the registration and activation pages."""
    return {"NOTICE_VERSION": services.NOTICE_VERSION, "CORRECTION_FIELDS": FIELD_LABELS}


# ---- notice and consent --------------------------------------------------------------------------------
@bp.get("/privacy")
def notice() -> ResponseReturnValue:
    """The privacy notice, public: who processes what, why, for how long, and the data subject's rights."""
    return render_template("privacy/notice.html")


@bp.route("/privacy/consent", methods=["GET", "POST"])
def consent() -> ResponseReturnValue:
    """Ask a citizen to agree to the current notice (at the login after a new version)."""
    user = require_role("citizen")
    form = ConsentForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if form.validate_on_submit():
        services.record_consent(user, "login")
        db.session.commit()
        flash(_("Cảm ơn bạn. Đã ghi nhận sự đồng ý của bạn."), "success")
        return redirect(safe_next(form.next.data) or url_for("main.index"))
    return render_template(
        "privacy/consent.html", form=form, agreed=services.consented_version(user), version=services.NOTICE_VERSION
    )


# ---- the citizen's own data -----------------------------------------------------------------------------------
@bp.get("/my/data")
def my_data() -> ResponseReturnValue:
    """ "Dữ liệu của tôi": what is held on me, the downloads, and correction requests."""
    user, person = _citizen()
    requests = db.session.scalars(
        sa.select(CorrectionRequest)
        .where(CorrectionRequest.person_id == person.id)
        .order_by(CorrectionRequest.id.desc())
    )
    return render_template(
        "privacy/my_data.html",
        user=user,
        person=person,
        form=CorrectionForm(formdata=None),
        requests=list(requests),
        agreed=services.consented_version(user),
    )


@bp.get("/my/data.json")
def my_data_json() -> ResponseReturnValue:
    """Everything held on the signed-in citizen, as JSON (a download)."""
    user, _person = _citizen()
    body = json.dumps(services.personal_data(user), ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="du-lieu-cua-toi.json"'
    return response


@bp.get("/my/data.xlsx")
def my_data_xlsx() -> ResponseReturnValue:
    """Everything held on the signed-in citizen, as an XLSX workbook."""
    user, _person = _citizen()
    response = Response(services.personal_data_xlsx(user), mimetype=XLSX_MIME)
    response.headers["Content-Disposition"] = 'attachment; filename="du-lieu-cua-toi.xlsx"'
    return response


@bp.post("/my/data/corrections")
def request_correction() -> ResponseReturnValue:
    """Send a correction request to the commune."""
    user, person = _citizen()
    form = CorrectionForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for(".my_data"))
    try:
        services.request_correction(person, form.field.data, form.value.data, form.note.data or "", actor=user.login)
    except services.PrivacyError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Đã gửi yêu cầu. Cán bộ xã sẽ xem và trả lời."), "success")
    return redirect(url_for(".my_data"))


# ---- the commune's queue ------------------------------------------------------------------------------------
@bp.get("/officer/corrections")
def corrections() -> ResponseReturnValue:
    """The correction requests of the officer's area waiting for an answer, and the latest answered."""
    scope = officer_area()
    pending = list(db.session.scalars(services.corrections_query(scope).limit(200)))
    answered = list(db.session.scalars(services.answered_query(scope).limit(50)))
    return render_template(
        "privacy/corrections.html", pending=pending, answered=answered, form=AnswerForm(formdata=None)
    )


@bp.post("/officer/corrections/<int:request_id>")
def answer(request_id: int) -> ResponseReturnValue:
    """Answer one request: accept (the registry field is changed) or refuse with a reason."""
    officer_area()
    found = db.get_or_404(CorrectionRequest, request_id)
    scope = require_person(found.person)
    form = AnswerForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for(".corrections"))
    from flask_login import current_user

    try:
        services.answer_correction(
            found,
            accept=bool(form.accept.data),
            answer=form.answer.data or "",
            actor=str(current_user.login),
            scope=scope,
        )
    except services.PrivacyError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    except ValueError as exc:  # the registry refused the value (RegistryError)
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        poke_worker()
        flash(_("Đã ghi câu trả lời."), "success")
    return redirect(url_for(".corrections"))


# ---- erasure (admins) --------------------------------------------------------------------------------------------
@bp.get("/admin/erasure")
def erasure_form() -> ResponseReturnValue:
    """The erasure page: a person code and the reason, then a confirmation."""
    require_role("admin")
    return render_template("privacy/erasure.html", form=ErasureForm(formdata=None), person=None)


@bp.post("/admin/erasure")
def erase() -> ResponseReturnValue:
    """Preview the person to erase; with the confirmation ticked, erase them (the same service as the CLI)."""
    admin = require_role("admin")
    form = ErasureForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return render_template("privacy/erasure.html", form=form, person=None), 400
    code = form.person_code.data.strip()
    person = db.session.scalar(sa.select(Person).where(sa.func.upper(Person.code) == code.upper()))
    if person is None or person.erased_at is not None:
        form.person_code.errors = [_("Không có người nào mang mã này (hoặc đã xóa).")]
        return render_template("privacy/erasure.html", form=form, person=None), 404
    if not (form.submit.data and form.confirm.data):
        return render_template("privacy/erasure.html", form=form, person=person)
    try:
        report = erase_person(person, actor=admin.login, reason=form.reason.data)
    except ErasureError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return render_template("privacy/erasure.html", form=form, person=person)
    db.session.commit()
    finish_erasure(report)
    poke_worker()
    flash(_("Đã xóa dữ liệu cá nhân. Bản ghi ẩn danh: %(code)s.", code=report.pseudonym), "success")
    return redirect(url_for(".erasure_form"))


# ---- who looked at whom -------------------------------------------------------------------------------------------
@bp.get("/admin/access-log")
def access_log_page() -> ResponseReturnValue:
    """Officers' access to personal data: people's pages opened, exports with phone and email."""
    require_role("admin")
    person_code, actor = text_arg("person", 64).strip(), text_arg("actor", 200).strip()
    entries = services.access_log(person_code=person_code, actor=actor)
    return render_template("privacy/access_log.html", entries=entries, person_code=person_code, actor=actor)
