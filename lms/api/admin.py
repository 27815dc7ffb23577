"""The admin page of API tokens (/admin/api-tokens): the same create, list and revoke as the CLI."""

from flask import Blueprint, flash, make_response, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from lms.api.forms import CreateTokenForm, RevokeTokenForm
from lms.api.models import ApiToken
from lms.api.tokens import TokenError, create_token, list_tokens, revoke_token
from lms.areas.services import area_by_code
from lms.auth.services import require_role
from lms.extensions import db
from lms.web import flash_form_errors

bp = Blueprint("api_tokens", __name__, url_prefix="/admin/api-tokens")


def _page(form: CreateTokenForm, secret: str | None = None, created: ApiToken | None = None) -> ResponseReturnValue:
    response = make_response(
        render_template(
            "admin/api_tokens.html",
            tokens=list_tokens(),
            form=form,
            revoke_form=RevokeTokenForm(),
            secret=secret,
            created=created,
        )
    )
    response.headers["Cache-Control"] = "no-store"  # the page may show a secret
    return response


@bp.get("")
def index() -> ResponseReturnValue:
    """List the tokens (never their secrets) and the form to create one."""
    require_role("admin")
    return _page(CreateTokenForm(formdata=None))


@bp.post("")
def create() -> ResponseReturnValue:
    """Create a token and show its secret once, on this answer only (never in a cookie or a redirect)."""
    user = require_role("admin")
    form = CreateTokenForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for(".index"))
    area = None
    if form.area.data:
        area = area_by_code(form.area.data.strip())
        if area is None:
            flash(_("Không tìm thấy địa bàn có mã %(code)s.", code=form.area.data), "error")
            return redirect(url_for(".index"))
    try:
        token, secret = create_token(form.name.data, form.scope.data, area, user.login)
    except TokenError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".index"))
    db.session.commit()
    return _page(CreateTokenForm(formdata=None), secret=secret, created=token)


@bp.post("/<int:token_id>/revoke")
def revoke(token_id: int) -> ResponseReturnValue:
    """Revoke a token: it stops working at once."""
    user = require_role("admin")
    token = db.get_or_404(ApiToken, token_id)
    form = RevokeTokenForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for(".index"))
    try:
        revoke_token(token.name, user.login)
    except TokenError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Đã thu hồi mã truy cập %(name)s.", name=token.name), "success")
    return redirect(url_for(".index"))
