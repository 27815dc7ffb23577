"""Admin page /admin/users: list, create and change officer, trainer and admin accounts (all audited)."""

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from lms.areas.services import area_code_options
from lms.auth.errors import AuthError
from lms.auth.models import STAFF_ROLES, User
from lms.auth.services import require_role
from lms.extensions import db
from lms.paging import keyset_page
from lms.users import services
from lms.users.forms import AccountForm, ActionForm, NewAccountForm
from lms.web import flash_form_errors, text_arg

bp = Blueprint("users", __name__, url_prefix="/admin/users")
bp.add_app_template_global(area_code_options)


def _admin() -> User:
    return require_role("admin")


def _account(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.get("")
def index() -> ResponseReturnValue:
    """List the officer, trainer and admin accounts (search any account by login or name)."""
    _admin()
    q, role = text_arg("q", 100), text_arg("role", 16)
    if role and role not in ("citizen", *STAFF_ROLES):
        role = ""
    page = keyset_page(services.accounts(q, role), [User.role, User.login], lambda u: (u.role, u.login))
    return render_template("users/index.html", page=page, q=q, role=role, form=NewAccountForm(formdata=None))


@bp.post("")
def create() -> ResponseReturnValue:
    """Create an account and show its temporary password once."""
    admin = _admin()
    form = NewAccountForm()
    if form.validate_on_submit():
        try:
            user, password = services.create_account(
                form.login.data, form.display_name.data, form.role.data, form.area.data or "", actor=admin.login
            )
        except AuthError as exc:
            db.session.rollback()
            for name, message in getattr(exc, "fields", {"login": str(exc)}).items():
                field = getattr(form, name)
                field.errors = [*field.errors, message]
        else:
            db.session.commit()
            return render_template("users/temporary.html", user=user, password=password, created=True)
    page = keyset_page(services.accounts(), [User.role, User.login], lambda u: (u.role, u.login))
    return render_template("users/index.html", page=page, q="", role="", form=form), 400


@bp.route("/<int:user_id>", methods=["GET", "POST"])
def edit(user_id: int) -> ResponseReturnValue:
    """Show an account; change its name, role and area."""
    admin = _admin()
    user = _account(user_id)
    staff = user.role in STAFF_ROLES
    form = AccountForm(
        data={"display_name": user.display_name, "role": user.role, "area": user.area.code if user.area else ""}
    )
    if staff and form.validate_on_submit():
        try:
            changed = services.update_account(
                user, form.display_name.data, form.role.data, form.area.data or "", actor=admin
            )
        except AuthError as exc:
            db.session.rollback()
            form.area.errors = [*form.area.errors, str(exc)]
        else:
            db.session.commit()
            flash(_("Đã lưu.") if changed else _("Không có gì thay đổi."), "success" if changed else "info")
            return redirect(url_for(".edit", user_id=user.id))
    return render_template("users/edit.html", user=user, form=form, staff=staff, action=ActionForm())


def _act(user_id: int, change: Callable[[User, User], object], done: str) -> ResponseReturnValue:
    admin = _admin()
    user = _account(user_id)
    form = ActionForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        abort(400)
    try:
        result = change(user, admin)
    except AuthError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".edit", user_id=user.id))
    db.session.commit()
    if isinstance(result, str):  # a temporary password: shown once
        return render_template("users/temporary.html", user=user, password=result, created=False)
    flash(done, "success")
    return redirect(url_for(".edit", user_id=user.id))


@bp.post("/<int:user_id>/disable")
def disable(user_id: int) -> ResponseReturnValue:
    """Disable an account: it cannot sign in and its sessions end."""
    return _act(user_id, lambda u, a: services.set_disabled(u, True, actor=a), _("Đã khóa tài khoản."))


@bp.post("/<int:user_id>/enable")
def enable(user_id: int) -> ResponseReturnValue:
    """Enable a disabled account again."""
    return _act(user_id, lambda u, a: services.set_disabled(u, False, actor=a), _("Đã mở lại tài khoản."))


@bp.post("/<int:user_id>/unlock")
def unlock(user_id: int) -> ResponseReturnValue:
    """Forget the failed sign-in attempts counted against an account."""
    return _act(user_id, lambda u, a: services.unlock(u, actor=a), _("Đã gỡ giới hạn đăng nhập của tài khoản."))


@bp.post("/<int:user_id>/reset-password")
def reset_password(user_id: int) -> ResponseReturnValue:
    """Give an account a temporary password, to be changed at its next sign-in."""
    return _act(user_id, lambda u, a: services.reset_password(u, actor=a), "")


@bp.post("/<int:user_id>/reset-two-factor")
def reset_two_factor(user_id: int) -> ResponseReturnValue:
    """Remove an account's second factor: its holder sets up a new one at the next sign-in."""
    return _act(
        user_id,
        lambda u, a: services.reset_two_factor(u, actor=a),
        _("Đã đặt lại xác thực hai bước. Người dùng sẽ cài đặt lại khi đăng nhập."),
    )
