"""Log in (password, then the second factor), log out, self-registration, the account's own pages."""

import time

from flask import Blueprint, Response, flash, make_response, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from lms.areas.models import Area
from lms.auth import twofactor
from lms.auth.forms import ButtonForm, EnrolForm, LoginForm, LogoutForm, PasswordForm, RegisterForm, TwoFactorForm
from lms.auth.lifetime import end_session, fresh_session, start_session
from lms.auth.limits import (
    PENDING_USER,
    failed,
    login_limits,
    password_limits,
    register_limit,
    remember_device,
    two_factor_limits,
)
from lms.auth.models import ROLES, User
from lms.auth.services import (
    AuthError,
    PasswordError,
    authenticate,
    change_password,
    end_sessions,
    load_user,
    register_citizen,
    require_role,
)
from lms.extensions import db
from lms.web import install_template_helpers, safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")
# The layout needs the shared template helpers on every page; this blueprint is always registered.
bp.record_once(install_template_helpers)

PENDING_LOGIN, PENDING_AT, PENDING_NEXT = "_pending_login", "_pending_at", "_pending_next"
PENDING_SECONDS = 600  # the second factor must follow the password within ten minutes


def begin_sign_in(user: User, target: str | None) -> Response:
    """After the password (or an activation): ask for the second factor, or its enrolment, or sign in."""
    if user.two_factor_enabled or twofactor.required_for(user):
        fresh_session()
        session[PENDING_USER], session[PENDING_LOGIN], session[PENDING_AT] = user.get_id(), user.login, int(time.time())
        if target:
            session[PENDING_NEXT] = target
        return redirect(url_for(".two_factor" if user.two_factor_enabled else ".two_factor_setup"))  # type: ignore[return-value]
    return finish_sign_in(user, target)


def finish_sign_in(user: User, target: str | None, response: Response | None = None) -> Response:
    """Sign the user in on a fresh session; this browser becomes one of the account's known devices. A
    citizen who has not agreed to the current privacy notice is asked first (lms.privacy)."""
    from lms.privacy.services import needs_consent
    from lms.util import utcnow

    start_session(user)
    user.last_login_at = utcnow()
    db.session.commit()
    if needs_consent(user):
        target = url_for("privacy.consent", next=target)
    if response is None:
        flash(_("Đăng nhập thành công."), "success")
        response = redirect(target or url_for("main.index"))  # type: ignore[assignment]
    remember_device(response, user.login)  # type: ignore[arg-type]
    return response  # type: ignore[return-value]


def pending_user() -> User | None:
    """The account whose password was just given, waiting for its second factor (None: none, or too late)."""
    key, at = session.get(PENDING_USER), session.get(PENDING_AT)
    if not key or not isinstance(at, int) or time.time() - at > PENDING_SECONDS:
        return None
    return load_user(str(key))


@bp.route("/login", methods=["GET", "POST"])
@login_limits
def login() -> ResponseReturnValue:
    """Show the login form; log in with email or phone and password (then the second factor, if any)."""
    target = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(target or url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.login.data, form.password.data)
        except AuthError as exc:
            failed()
            form.login.errors = [*form.login.errors, str(exc)]
        else:
            return begin_sign_in(user, target)
    return render_template("auth/login.html", form=form, next=target)


@bp.route("/two-factor", methods=["GET", "POST"])
@two_factor_limits
def two_factor() -> ResponseReturnValue:
    """The second step of a sign-in: a code from the authenticator app (or a recovery code)."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    user = pending_user()
    if user is None:
        fresh_session()
        flash(_("Hãy đăng nhập lại."), "info")
        return redirect(url_for(".login"))
    if not user.two_factor_enabled:
        return redirect(url_for(".two_factor_setup"))
    form = TwoFactorForm()
    if form.validate_on_submit():
        try:
            how = twofactor.verify(user, form.code.data)
        except twofactor.TwoFactorError as exc:
            db.session.commit()  # keep the count of wrong codes
            failed()
            form.code.errors = [*form.code.errors, str(exc)]
        else:
            db.session.commit()
            target = session.get(PENDING_NEXT)
            if how == "recovery":
                left = twofactor.recovery_codes_left(user)
                flash(_("Bạn đã dùng một mã khôi phục; còn %(n)d mã.", n=left), "info")
            return finish_sign_in(user, safe_next(target))
    return render_template("auth/two_factor.html", form=form)


@bp.route("/two-factor/setup", methods=["GET", "POST"])
@two_factor_limits
def two_factor_setup() -> ResponseReturnValue:
    """Set up an authenticator app: required at the first sign-in of officers and admins, optional for others."""
    signed_in = current_user.is_authenticated
    user: User | None = current_user if signed_in else pending_user()
    if user is None:
        fresh_session()
        flash(_("Hãy đăng nhập lại."), "info")
        return redirect(url_for(".login"))
    if user.two_factor_enabled:
        return redirect(url_for(".account" if signed_in else ".two_factor"))
    twofactor.start_enrolment(user)
    db.session.commit()
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = twofactor.confirm_enrolment(user, form.code.data, actor=user.login)
        except twofactor.TwoFactorError as exc:
            db.session.rollback()
            failed()
            form.code.errors = [*form.code.errors, str(exc)]
        else:
            db.session.commit()
            target = safe_next(session.get(PENDING_NEXT)) if not signed_in else url_for(".account")
            page = make_response(render_template("auth/recovery_codes.html", codes=codes, target=target, new=True))
            if signed_in:
                start_session(user)  # the same user, a fresh session stamp
                return page
            return finish_sign_in(user, target, page)
    return render_template(
        "auth/two_factor_setup.html",
        form=form,
        required=twofactor.required_for(user),
        qr=twofactor.qr_data_uri(twofactor.provisioning_uri(user)),
        secret=twofactor.grouped(user.totp_secret or ""),
    )


@bp.get("/account")
def account() -> ResponseReturnValue:
    """The account's own page: login, role, area, password and two-factor sign-in."""
    user = require_role(*ROLES)
    return render_template(
        "auth/account.html",
        user=user,
        required=twofactor.required_for(user),
        codes_left=twofactor.recovery_codes_left(user) if user.two_factor_enabled else 0,
        button=ButtonForm(),
        off_form=TwoFactorForm(),
    )


@bp.post("/two-factor/recovery-codes")
def new_recovery_codes() -> ResponseReturnValue:
    """Replace one's recovery codes with new ones and show them once."""
    user = require_role(*ROLES)
    if not ButtonForm().validate_on_submit() or not user.two_factor_enabled:
        flash(_("Phiên làm việc đã hết hạn. Vui lòng thử lại."), "error")
        return redirect(url_for(".account"))
    codes = twofactor.new_recovery_codes(user)
    from lms.audit.services import audit

    audit(user.login, "user.2fa_codes", f"user {user.login}", area_id=user.area_id)
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes, target=url_for(".account"), new=False)


@bp.post("/two-factor/off")
@password_limits
def two_factor_off() -> ResponseReturnValue:
    """Turn one's own two-factor sign-in off (roles that do not require it), with a current code."""
    user = require_role(*ROLES)
    form = TwoFactorForm()
    if not form.validate_on_submit() or not user.two_factor_enabled:
        flash(_("Hãy nhập mã xác thực trên ứng dụng."), "error")
        return redirect(url_for(".account"))
    if twofactor.required_for(user):
        flash(_("Tài khoản cán bộ và quản trị bắt buộc dùng xác thực hai bước."), "error")
        return redirect(url_for(".account"))
    try:
        twofactor.verify(user, form.code.data)
    except twofactor.TwoFactorError as exc:
        db.session.commit()
        failed()
        flash(str(exc), "error")
        return redirect(url_for(".account"))
    twofactor.turn_off(user, actor=user.login, action="user.2fa_disable")
    db.session.commit()
    start_session(user)  # turn_off ended the account's sessions: keep this one
    flash(_("Đã tắt xác thực hai bước."), "success")
    return redirect(url_for(".account"))


@bp.route("/password", methods=["GET", "POST"])
@password_limits
def password() -> ResponseReturnValue:
    """Change one's password; every other session of the account ends."""
    user = require_role(*ROLES)
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            change_password(user, form.current.data, form.password.data)
        except PasswordError as exc:
            db.session.rollback()
            form.password.errors = [*form.password.errors, str(exc)]
        except AuthError as exc:
            db.session.rollback()
            failed()
            form.current.errors = [*form.current.errors, str(exc)]
        else:
            db.session.commit()
            start_session(user)  # this session goes on with the new session version
            flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản đã kết thúc."), "success")
            return redirect(url_for(".account"))
    return render_template("auth/password.html", form=form, forced=bool(session.get("_must_change")))


@bp.get("/forgot")
def forgot() -> ResponseReturnValue:
    """Explain what to do about a forgotten password: a commune officer issues a new activation code."""
    return render_template("auth/forgot.html")


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Log out and invalidate every cookie issued to this account."""
    form = LogoutForm()
    if current_user.is_authenticated and form.validate_on_submit():
        end_sessions(current_user)
        db.session.commit()
        end_session()
        flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("main.index"))


@bp.route("/register", methods=["GET", "POST"])
@register_limit
def register() -> ResponseReturnValue:
    """Let a citizen register with a phone number or email and their village."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        village = db.session.get(Area, form.village.data)
        if village is None or village.level != "village":
            form.village.errors = [*form.village.errors, _("Hãy chọn thôn, khu phố trong danh sách.")]
        else:
            try:
                user = register_citizen(
                    form.login.data,
                    form.password.data,
                    form.full_name.data,
                    form.birth_year.data,
                    form.gender.data,
                    village,
                )
            except PasswordError as exc:
                db.session.rollback()
                form.password.errors = [*form.password.errors, str(exc)]
            except AuthError as exc:
                db.session.rollback()
                form.login.errors = [*form.login.errors, str(exc)]
            else:
                from lms.privacy.services import record_consent

                record_consent(user, "registration")  # the notice is shown above the button
                db.session.commit()
                start_session(user)
                flash(_("Đăng ký thành công. Chào mừng bạn đến với Học Tập Suốt Đời!"), "success")
                return redirect(url_for("catalogue.index"))
    return render_template("auth/register.html", form=form)
