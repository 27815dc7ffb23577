"""Training sessions: schedule, materials, attendance checklist, QR self check-in, upcoming sessions."""

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from courses.sessions.forms import (
    AttendanceForm,
    AudienceSearchForm,
    CheckinForm,
    DeleteForm,
    MaterialForm,
    RegisterForm,
    SessionForm,
    TypedCodeForm,
    to_local_input,
    to_utc,
)
from courses.sessions.models import Attendance, Material, TrainingSession
from courses.sessions.services import (
    CheckinError,
    SessionError,
    add_material,
    attendance_count,
    attendance_counts,
    attended,
    attended_by,
    audience_area,
    audience_options,
    audience_value,
    aware,
    check_in,
    checkin_token,
    checkin_window,
    expected_people,
    find_in_audience,
    in_audience,
    material_with,
    present_among,
    qr_svg,
    register,
    registered_among,
    registration,
    remove_material,
    schedule_session,
    session_for_token,
    session_for_typed_code,
    sessions_for,
    sessions_in,
    sessions_of,
    take_attendance,
    trainer_works_here,
    typed_checkin_code,
    unregister,
    update_session,
)
from lms.areas.services import within
from lms.audit.services import audit
from lms.auth.models import User
from lms.auth.services import officer_area, require_role
from lms.cli import poke_worker
from lms.extensions import db
from lms.trainers.services import trainer_areas
from lms.uploads.services import UploadError, accept_attribute, accepted_types, file_size, send_upload, store_upload
from lms.uploads.web import add_upload_error, upload_done, upload_failed
from lms.util import utcnow
from lms.web import external_url, text_arg

bp = Blueprint("sessions", __name__, template_folder="templates")
bp.add_app_template_global(file_size)

PER_PAGE = 20
CHECKLIST_PER_PAGE = 50


def _session_or_404(session_id: int) -> TrainingSession:
    return db.get_or_404(TrainingSession, session_id)


def _own_session(session_id: int) -> tuple[User, TrainingSession]:
    """Return the trainer and their session; 403 for other roles, 404 for another trainer's session."""
    user = require_role("trainer")
    ts = _session_or_404(session_id)
    if ts.trainer_id != user.id:
        abort(404)
    return user, ts


def _visible_session(session_id: int) -> tuple[User, TrainingSession]:
    """Return a session the user may see: its trainer, its audience, officers of its area; else 404."""
    user = require_role("citizen", "trainer", "officer", "admin")
    ts = _session_or_404(session_id)
    if user.role == "trainer":
        if ts.trainer_id != user.id:
            abort(404)
    elif user.role == "citizen":
        if user.person is None or not in_audience(ts, user.person):
            abort(404)
    elif not within(audience_area(ts), officer_area()):
        abort(404)
    return user, ts


def _session_form(user: User, **kwargs: object) -> SessionForm:
    form = SessionForm(**kwargs)
    form.set_audience_choices(audience_options(user), _("Đơn vị"))
    return form


def _save_session(form: SessionForm, user: User, ts: TrainingSession | None) -> TrainingSession | None:
    """Schedule or update from a valid form; a refusal becomes a form error (None returned)."""
    fields = {
        "code": form.code.data or "",
        "title": form.title.data or "",
        "description": form.description.data or "",
        "audience": form.audience.data or "",
        "place": form.place.data or "",
        "starts_at": to_utc(form.starts_at.data),
        "ends_at": to_utc(form.ends_at.data),
        "hours": form.hours.data,
    }
    try:
        if ts is None:
            return schedule_session(user, **fields)
        return update_session(ts, user, **fields)
    except SessionError as exc:
        form.form_errors.append(str(exc))
        return None


@bp.get("/sessions")
def index() -> ResponseReturnValue:
    """List sessions: a citizen's upcoming and attended ones, a trainer's own, those of an officer's area."""
    user = require_role("citizen", "trainer", "officer", "admin")
    if user.role == "citizen":
        if user.person is None:
            abort(403)
        upcoming = list(db.session.scalars(sessions_for(user.person).limit(50)))
        attended = db.session.execute(attended_by(user.person).limit(50)).all()
        return render_template("sessions/citizen_index.html", upcoming=upcoming, attended=attended)
    query = sessions_of(user) if user.role == "trainer" else sessions_in(officer_area())
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    counts = attendance_counts([ts.id for ts in page.items])
    return render_template(
        "sessions/index.html",
        page=page,
        counts=counts,
        is_trainer=user.role == "trainer",
        my_areas=trainer_areas(user) if user.role == "trainer" else [],
    )


@bp.route("/sessions/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    """Schedule a session (trainers)."""
    user = require_role("trainer")
    form = _session_form(user)
    if not trainer_areas(user):
        flash(
            _(
                "Bạn chưa được giao địa bàn nên chưa mở được lớp tập huấn. "
                "Cán bộ xã hoặc quản trị viên giao địa bàn cho báo cáo viên."
            ),
            "error",
        )
        return redirect(url_for(".index"))
    if form.validate_on_submit():
        ts = _save_session(form, user, None)
        if ts is not None:
            db.session.commit()
            flash(_("Đã lên lịch lớp tập huấn %(code)s.", code=ts.code), "success")
            return redirect(url_for(".show", session_id=ts.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("sessions/edit.html", form=form, ts=None), status


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
def edit(session_id: int) -> ResponseReturnValue:
    """Change a session (its trainer)."""
    user, ts = _own_session(session_id)
    if request.method == "GET":
        form = _session_form(
            user,
            obj=ts,
            audience=audience_value(ts),
            starts_at=to_local_input(ts.starts_at),
            ends_at=to_local_input(ts.ends_at),
        )
    else:
        form = _session_form(user)
    if form.validate_on_submit() and _save_session(form, user, ts) is not None:
        db.session.commit()
        flash(_("Đã lưu thay đổi."), "success")
        return redirect(url_for(".show", session_id=ts.id))
    db.session.rollback()
    status = 400 if form.errors or form.form_errors else 200
    return render_template("sessions/edit.html", form=form, ts=ts), status


def _render_show(user: User, ts: TrainingSession, material_form: MaterialForm | None = None) -> str:
    mine = user.role == "trainer"
    attendance = registered = None
    if user.role == "citizen" and user.person is not None:
        attendance = db.session.scalar(
            sa.select(Attendance).where(Attendance.session_id == ts.id, Attendance.person_id == user.person.id)
        )
        registered = registration(ts, user.person)
    return render_template(
        "sessions/show.html",
        ts=ts,
        mine=mine,
        attendance=attendance,
        registered=registered,
        register_form=RegisterForm(),
        upcoming=aware(ts.ends_at) >= utcnow(),
        present=attendance_count(ts) if user.role != "citizen" else None,
        material_form=material_form or MaterialForm(),
        delete_form=DeleteForm(),
        accept=accept_attribute(),
        accepted=accepted_types(),
    )


@bp.get("/sessions/<int:session_id>")
def show(session_id: int) -> ResponseReturnValue:
    """Show a session: time, place, audience, materials; the trainer's tools."""
    user, ts = _visible_session(session_id)
    return _render_show(user, ts)


@bp.post("/sessions/<int:session_id>/register")
def register_for(session_id: int) -> ResponseReturnValue:
    """Register the citizen for a session of their audience (the trainer's list starts from registrations)."""
    user, ts = _visible_session(session_id)
    if user.role != "citizen" or user.person is None:
        abort(403)
    if RegisterForm().validate_on_submit():
        try:
            added = register(ts, user.person)
        except SessionError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            if added:
                flash(_("Đã đăng ký tham dự lớp %(code)s.", code=ts.code), "success")
    return redirect(url_for(".show", session_id=ts.id))


@bp.post("/sessions/<int:session_id>/unregister")
def unregister_from(session_id: int) -> ResponseReturnValue:
    """Withdraw the citizen's registration."""
    user, ts = _visible_session(session_id)
    if user.role != "citizen" or user.person is None:
        abort(403)
    if RegisterForm().validate_on_submit() and unregister(ts, user.person):
        db.session.commit()
        flash(_("Đã hủy đăng ký tham dự."), "info")
    return redirect(url_for(".show", session_id=ts.id))


@bp.post("/sessions/<int:session_id>/materials")
def upload(session_id: int) -> ResponseReturnValue:
    """Upload a material (checked by content, stored once by hash)."""
    user, ts = _own_session(session_id)
    form = MaterialForm()
    if form.validate_on_submit():
        try:
            stored = store_upload(form.file.data)
            duplicate = material_with(ts, stored.sha256)
            material = add_material(ts, stored)
        except UploadError as exc:
            add_upload_error(form, "file", exc)
        else:
            db.session.commit()
            if duplicate is not None:
                flash(
                    _(
                        "Tệp %(new)s trùng nội dung với tài liệu đã có của lớp (%(name)s): không thêm lần nữa.",
                        new=stored.name,
                        name=duplicate.name,
                    ),
                    "info",
                )
            else:
                flash(_("Đã tải lên tài liệu: %(name)s", name=material.name), "success")
            return upload_done(url_for(".show", session_id=ts.id))
    return upload_failed(form, lambda: _render_show(user, ts, form))


@bp.post("/sessions/<int:session_id>/materials/<int:material_id>/delete")
def delete_material(session_id: int, material_id: int) -> ResponseReturnValue:
    """Remove a material from the session."""
    _user, ts = _own_session(session_id)
    material = db.session.get(Material, material_id)
    if material is None or material.session_id != ts.id:
        abort(404)
    if DeleteForm().validate_on_submit():
        remove_material(material)
        db.session.commit()
        flash(_("Đã xóa tài liệu."), "success")
    return redirect(url_for(".show", session_id=ts.id))


@bp.get("/sessions/<int:session_id>/materials/<int:material_id>")
def material(session_id: int, material_id: int) -> ResponseReturnValue:
    """Download a material (attachment, nosniff) — only for those who may see the session."""
    _user, ts = _visible_session(session_id)
    found = db.session.get(Material, material_id)
    if found is None or found.session_id != ts.id:
        abort(404)
    return send_upload(found.sha256, found.kind, found.name)


@bp.route("/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
def attendance(session_id: int) -> ResponseReturnValue:
    """The trainer's checklist: who registered or checked in; others added by exact code or name search."""
    user, ts = _own_session(session_id)
    query = text_arg("q")
    form = AttendanceForm()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                added, removed = take_attendance(
                    ts, request.form.getlist("shown", type=int), request.form.getlist("present", type=int), user
                )
            except SessionError as exc:
                db.session.rollback()
                flash(str(exc), "error")
            else:
                db.session.commit()
                if added or removed:
                    poke_worker()
                flash(_("Đã lưu điểm danh: thêm %(added)d, bỏ %(removed)d.", added=added, removed=removed), "success")
        return redirect(url_for(".attendance", session_id=ts.id, page=request.args.get("page")))
    allowed = trainer_works_here(ts, user)
    found: list[Any] = []
    more = False
    page = None
    if allowed and query:
        found, more = find_in_audience(ts, query)
        audit(
            user.login,
            "session.search",
            f"session {ts.code}",
            area_id=audience_area(ts).id,
            after={"q": query, "found": len(found)},
        )
        db.session.commit()
        people = found
    elif allowed:
        page = db.paginate(expected_people(ts), per_page=CHECKLIST_PER_PAGE, error_out=False)
        people = list(page.items)
    else:
        people = []
    ids = [p.id for p in people]
    return render_template(
        "sessions/attendance.html",
        ts=ts,
        allowed=allowed,
        page=page,
        people=people,
        more=more,
        present=present_among(ts, ids),
        registered=registered_among(ts, ids),
        total_present=attendance_count(ts),
        form=form,
        search=AudienceSearchForm(formdata=None, q=query),
        query=query,
    )


@bp.get("/sessions/<int:session_id>/checkin-code")
def checkin_code(session_id: int) -> ResponseReturnValue:
    """Show the QR code to put on the projector; citizens scan it to check themselves in."""
    _user, ts = _own_session(session_id)
    opens, closes = checkin_window(ts)
    return render_template(
        "sessions/checkin_code.html",
        ts=ts,
        url=external_url("sessions.checkin", token=checkin_token(ts)),
        opens=opens,
        closes=closes,
        present=attendance_count(ts),
        typed_code=typed_checkin_code(ts),
        code_url=external_url("sessions.enter_code"),
    )


@bp.get("/sessions/<int:session_id>/present.json")
def present_count(session_id: int) -> ResponseReturnValue:
    """Return how many people checked in so far (the QR page polls it for its live count)."""
    _user, ts = _own_session(session_id)
    response = jsonify({"present": attendance_count(ts)})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/sessions/<int:session_id>/qr.svg")
def qr(session_id: int) -> ResponseReturnValue:
    """Return the session's check-in QR code as an SVG image (drawn by the platform)."""
    _user, ts = _own_session(session_id)
    response = Response(qr_svg(external_url("sessions.checkin", token=checkin_token(ts))), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _checkin_page(ts: TrainingSession | None, status: int = 200, **context: object) -> tuple[str, int]:
    return render_template("sessions/checkin.html", ts=ts, **{"error": None, **context}), status


def _citizen_checkin(token: str) -> tuple[User, TrainingSession | None, ResponseReturnValue | None]:
    """The citizen and the session of a check-in code, or the page that says why not (None, page)."""
    user = require_role("citizen")
    if user.person is None:
        abort(403)
    try:
        ts = session_for_token(token)
    except CheckinError as exc:
        return user, None, _checkin_page(None, exc.status, error=str(exc))
    if not in_audience(ts, user.person):
        message = _("Lớp này dành cho đối tượng khác. Nếu bạn có mặt, hãy nhờ báo cáo viên điểm danh giúp.")
        return user, ts, _checkin_page(ts, 403, error=message)
    return user, ts, None


@bp.get("/sessions/checkin/<token>")
def checkin(token: str) -> ResponseReturnValue:
    """Show the check-in of the QR code (or typed code): a button to confirm, nothing recorded yet.

    A forwarded link checks nobody in: only the citizen's own POST does. Logged out, the page asks to
    log in first and comes back here."""
    if not current_user.is_authenticated:
        from lms.auth.forms import LoginForm

        try:
            ts: TrainingSession | None = session_for_token(token)
        except CheckinError as exc:
            return _checkin_page(None, exc.status, error=str(exc))
        return _checkin_page(ts, login_form=LoginForm(formdata=None), back=request.path)
    user, ts, refused = _citizen_checkin(token)
    if refused is not None:
        return refused
    assert ts is not None and user.person is not None
    found = attended(ts, user.person)
    return _checkin_page(ts, done=found is not None, attendance=found, form=CheckinForm(), person=user.person)


@bp.post("/sessions/checkin/<token>")
def confirm_checkin(token: str) -> ResponseReturnValue:
    """Record the logged-in citizen's attendance (twice is harmless)."""
    user, ts, refused = _citizen_checkin(token)
    if not CheckinForm().validate_on_submit():
        abort(400)
    if refused is not None:
        return refused
    assert ts is not None and user.person is not None
    added = check_in(ts, user.person, method="qr")
    db.session.commit()
    if added:
        poke_worker()
    return _checkin_page(ts, done=True, added=added, attendance=attended(ts, user.person), person=user.person)


@bp.get("/sessions/checkin")
def enter_code() -> ResponseReturnValue:
    """Let a citizen whose phone cannot scan type the session code shown beside the QR code."""
    require_role("citizen")
    form = TypedCodeForm(formdata=None, code=text_arg("code", 40))
    if form.code.data:
        try:
            ts = session_for_typed_code(form.code.data)
        except CheckinError as exc:
            form.code.errors = [str(exc)]
            return render_template("sessions/enter_code.html", form=form), exc.status
        return redirect(url_for(".checkin", token=checkin_token(ts)))
    return render_template("sessions/enter_code.html", form=form)
