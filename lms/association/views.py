"""The Khuyến học association's branches and their roll, for officers of the area (I1's population)."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from lms.areas.models import Area
from lms.association import services
from lms.association.forms import BranchForm, MemberForm, RemoveMemberForm
from lms.association.models import Branch, Member
from lms.auth.services import area_thing_or_404, officer_area, require_area
from lms.extensions import db
from lms.people.models import Person, Unit
from lms.registry.queries import areas_at, visible_groups
from lms.web import flash_form_errors, period_arg, period_choices

bp = Blueprint("association", __name__, url_prefix="/officer/association")


def _branch_form(scope: Area, found: Branch | None = None) -> BranchForm:
    if found is None:
        form = BranchForm()
    else:
        form = BranchForm(code=found.code, name=found.name, area=found.area_id, unit=found.unit_id or 0)
    form.area.choices = [
        SelectChoice(a.id, a.name) for a in areas_at(scope, ("commune", "village")) if a.valid_to is None
    ]
    form.unit.choices = [SelectChoice(0, "—")] + [SelectChoice(u.id, u.name) for u in visible_groups(Unit, scope)]
    return form


def _save(form: BranchForm, scope: Area, found: Branch | None) -> Branch | None:
    area = db.session.get(Area, form.area.data)
    if area is None:
        abort(404)
    require_area(area)
    unit = db.session.get(Unit, form.unit.data) if form.unit.data else None
    if unit is not None and unit.id not in {u.id for u in visible_groups(Unit, scope)}:
        abort(404)
    try:
        saved = services.save_branch(found, form.code.data or "", form.name.data or "", area, unit,
                                     str(current_user.login))  # fmt: skip
    except services.AssociationError as exc:
        db.session.rollback()
        form.code.errors = [str(exc)]
        return None
    db.session.commit()
    return saved


@bp.route("", methods=["GET", "POST"])
def index() -> ResponseReturnValue:
    """The branches of the officer's area: members, officers, those who studied the criteria (I1); add one."""
    scope = officer_area()
    period = period_arg()
    form = _branch_form(scope)
    if form.validate_on_submit():
        saved = _save(form, scope, None)
        if saved is not None:
            flash(_("Đã lưu chi hội %(name)s.", name=saved.name), "success")
            return redirect(url_for(".branch", branch_id=saved.id))
    figures = services.branch_figures(scope, period)
    return render_template(
        "association/index.html",
        scope=scope,
        period=period,
        periods=period_choices(period),
        figures=figures,
        totals={k: sum(getattr(f, k) for f in figures) for k in ("members", "officers", "studied")},
        form=form,
    ), 400 if form.errors else 200


@bp.route("/<int:branch_id>", methods=["GET", "POST"])
def branch(branch_id: int) -> ResponseReturnValue:
    """A branch's roll; put a person on it (by person code), or change the branch."""
    scope = officer_area()
    found = area_thing_or_404(Branch, branch_id)
    form = MemberForm()
    edit = _branch_form(scope, found)
    if form.add.data and form.validate_on_submit():
        person = db.session.scalar(
            sa.select(Person).where(Person.code == (form.person_code.data or "").strip().upper())
        )
        if person is None or not person.village.path.startswith(scope.path):
            form.person_code.errors = [_("Không có người dân với mã này trong địa bàn của bạn.")]
        else:
            services.add_member(found, person, form.position.data or "member", form.joined_on.data,
                                str(current_user.login))  # fmt: skip
            db.session.commit()
            flash(_("Đã thêm %(name)s vào danh sách chi hội.", name=person.full_name), "success")
            return redirect(url_for(".branch", branch_id=found.id))
    elif edit.submit.data and edit.validate_on_submit():
        if _save(edit, scope, found) is not None:
            flash(_("Đã lưu chi hội %(name)s.", name=found.name), "success")
            return redirect(url_for(".branch", branch_id=found.id))
    return render_template(
        "association/branch.html",
        branch=found,
        roll=services.roll(found),
        form=form,
        edit=edit,
        remove_form=RemoveMemberForm(formdata=None),
        labels=services.POSITION_LABELS,
    ), 400 if (form.errors or edit.errors) else 200


@bp.post("/<int:branch_id>/members/<int:member_id>/remove")
def remove(branch_id: int, member_id: int) -> ResponseReturnValue:
    """Take a person off a branch's roll (they leave I1's population); audited."""
    found = area_thing_or_404(Branch, branch_id)
    member = db.session.get(Member, member_id)
    if member is None or member.branch_id != found.id:
        abort(404)
    form = RemoveMemberForm()
    if form.validate_on_submit():
        name = member.person.full_name
        services.remove_member(member, str(current_user.login))
        db.session.commit()
        flash(_("Đã đưa %(name)s ra khỏi danh sách.", name=name), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for(".branch", branch_id=found.id))
