"""Log in, log out and citizen self-registration."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from lms.areas.models import Area
from lms.auth.forms import LoginForm, LogoutForm, RegisterForm
from lms.auth.models import User
from lms.auth.services import AuthError, authenticate, end_sessions, register_citizen
from lms.extensions import db
from lms.web import install_template_helpers, safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")
# The layout needs the shared template helpers on every page; this blueprint is always registered.
bp.record_once(install_template_helpers)


@bp.app_context_processor
def inject_logout_form() -> dict[str, object]:
    """Give the layout its logout button form (never bound to the request: a 413 page must not read the body)."""
    return {"logout_form": LogoutForm(formdata=None) if current_user.is_authenticated else None}


def _start_session(user: User) -> None:
    """Rotate the session (a fresh cookie at login), keep the chosen language, log the user in."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    """Show the login form; log in with email or phone and password."""
    target = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(target or url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.login.data, form.password.data)
        except AuthError as exc:
            db.session.commit()  # keep the failure count and any lockout
            form.login.errors = [*form.login.errors, str(exc)]
        else:
            db.session.commit()
            _start_session(user)
            flash(_("Đăng nhập thành công."), "success")
            return redirect(target or url_for("main.index"))
    return render_template("auth/login.html", form=form, next=target)


@bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    """Log out and invalidate every cookie issued to this account."""
    form = LogoutForm()
    if current_user.is_authenticated and form.validate_on_submit():
        end_sessions(current_user)  # type: ignore[arg-type]
        db.session.commit()
        logout_user()
        lang = session.get("lang")
        session.clear()
        if lang:
            session["lang"] = lang
        flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("main.index"))


@bp.route("/register", methods=["GET", "POST"])
def register():  # type: ignore[no-untyped-def]
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
            except AuthError as exc:
                db.session.rollback()
                form.login.errors = [*form.login.errors, str(exc)]
            else:
                db.session.commit()
                _start_session(user)
                flash(_("Đăng ký thành công. Chào mừng bạn đến với Học Tập Suốt Đời!"), "success")
                return redirect(url_for("catalogue.index"))
    return render_template("auth/register.html", form=form)
