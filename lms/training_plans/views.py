"""The yearly training plan of an officer's area: planned sessions, the held ones linked, plan vs done."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from lms.areas.models import Area
from lms.auth.services import area_thing_or_404, officer_area, require_area
from lms.extensions import db
from lms.registry.queries import areas_at
from lms.training_plans import services
from lms.training_plans.forms import QUARTER_CHOICES, LinkForm, PlannedForm, RemoveForm
from lms.training_plans.models import PlannedSession
from lms.web import flash_form_errors, period_arg, period_choices

bp = Blueprint("training_plans", __name__, url_prefix="/officer/training-plan")


@bp.route("", methods=["GET", "POST"])
def index() -> ResponseReturnValue:
    """The year's plan of the officer's area, plan vs done by commune; plan a session."""
    scope = officer_area()
    period = period_arg()
    form = PlannedForm()
    form.area.choices = [
        SelectChoice(a.id, a.name) for a in areas_at(scope, ("district", "commune", "village")) if a.valid_to is None
    ]
    if form.validate_on_submit():
        area = db.session.get(Area, form.area.data)
        if area is None:
            abort(404)
        require_area(area)
        try:
            services.add_planned(area, period, int(form.quarter.data or 0), form.topic.data or "",
                                 form.audience.data or "", int(form.target_participants.data or 0),
                                 form.hours.data, str(current_user.login))  # fmt: skip
        except services.PlanError as exc:
            db.session.rollback()
            form.topic.errors = [str(exc)]
        else:
            db.session.commit()
            flash(_("Đã thêm lớp vào kế hoạch năm %(year)s.", year=period), "success")
            return redirect(url_for(".index", period=period))
    planned = services.planned_in(scope, period)
    held = services.held_sessions_in(scope, period)
    link_form = LinkForm(formdata=None)
    link_form.session.choices = [SelectChoice(s.id, f"{s.code} — {s.title} ({s.area_name})") for s in held]
    total, rows = services.plan_vs_done(scope, period)
    return render_template(
        "training_plans/index.html",
        scope=scope,
        period=period,
        periods=period_choices(period),
        planned=planned,
        links=services.linked_sessions([p.id for p in planned]),
        held=held,
        total=total,
        rows=rows,
        form=form,
        link_form=link_form,
        remove_form=RemoveForm(formdata=None),
        quarters=dict(QUARTER_CHOICES),
    ), 400 if form.errors else 200


@bp.post("/<int:planned_id>/link")
def link(planned_id: int) -> ResponseReturnValue:
    """Count a held session of the area against a planned one (audited)."""
    planned = area_thing_or_404(PlannedSession, planned_id)
    scope = officer_area()
    form = LinkForm()
    form.session.choices = [SelectChoice(s.id, s.code) for s in services.held_sessions_in(scope, planned.period)]
    if form.validate_on_submit():
        try:
            services.link_session(planned, int(form.session.data or 0), str(current_user.login))
        except services.PlanError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Đã gắn lớp vào kế hoạch."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for(".index", period=planned.period))


@bp.post("/<int:planned_id>/remove")
def remove(planned_id: int) -> ResponseReturnValue:
    """Remove a planned session (audited)."""
    planned = area_thing_or_404(PlannedSession, planned_id)
    period = planned.period
    form = RemoveForm()
    if form.validate_on_submit():
        services.remove_planned(planned, str(current_user.login))
        db.session.commit()
        flash(_("Đã bỏ lớp khỏi kế hoạch."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for(".index", period=period))
