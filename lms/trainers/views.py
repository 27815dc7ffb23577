"""Officers (and admins) give trainers the areas they work in, and take them back."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from lms.areas.models import Area
from lms.auth.models import User
from lms.auth.services import find_login, officer_area, require_area
from lms.extensions import db
from lms.registry.queries import areas_at
from lms.trainers.forms import AssignTrainerForm, RemoveTrainerAreaForm
from lms.trainers.services import TrainerError, assign_trainer_area, assignments_in, remove_trainer_area
from lms.web import flash_form_errors

bp = Blueprint("trainers", __name__, url_prefix="/officer/trainers")
LEVELS = ("province", "district", "commune", "village")


def assign_form(scope: Area) -> AssignTrainerForm:
    """Return the form giving a trainer an area of the scope (the admin's account page reuses it)."""
    form = AssignTrainerForm()
    form.area.choices = [
        SelectChoice(a.id, f"{a.name} ({a.code})") for a in areas_at(scope, LEVELS) if a.valid_to is None
    ]
    return form


@bp.route("", methods=["GET", "POST"])
def index() -> ResponseReturnValue:
    """List the trainers working in the officer's area; give one an area."""
    scope = officer_area()
    form = assign_form(scope)
    if form.validate_on_submit():
        trainer = find_login(form.login.data or "")
        area = db.session.get(Area, form.area.data)
        if area is None:
            abort(404)
        require_area(area)
        if trainer is None or trainer.role != "trainer":
            form.login.errors = [_("Không có tài khoản báo cáo viên với tên đăng nhập này.")]
        else:
            try:
                assign_trainer_area(trainer, area, str(current_user.login))
            except TrainerError as exc:
                db.session.rollback()
                form.area.errors = [str(exc)]
            else:
                db.session.commit()
                flash(
                    _("Đã giao %(area)s cho báo cáo viên %(name)s.", area=area.name, name=trainer.display_name),
                    "success",
                )
                return redirect(url_for(".index"))
    status = 400 if form.errors else 200
    return render_template(
        "trainers/index.html", scope=scope, rows=assignments_in(scope), form=form, remove_form=RemoveTrainerAreaForm()
    ), status


@bp.post("/<int:user_id>/areas/<int:area_id>/remove")
def remove(user_id: int, area_id: int) -> ResponseReturnValue:
    """Take an area of the officer's scope back from a trainer."""
    officer_area()
    area = db.get_or_404(Area, area_id)
    require_area(area)
    trainer = db.get_or_404(User, user_id)
    if trainer.role != "trainer":
        abort(404)
    form = RemoveTrainerAreaForm()
    if form.validate_on_submit():
        if remove_trainer_area(trainer, area, str(current_user.login)):
            db.session.commit()
            flash(
                _("Đã thu hồi %(area)s của báo cáo viên %(name)s.", area=area.name, name=trainer.display_name),
                "success",
            )
    else:
        flash_form_errors(form)
    return redirect(url_for(".index"))
