"""The citizen's learning plan page: choose courses and write goals for this year or the next."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from courses.plans.forms import PlanForm
from courses.plans.models import LearningPlan
from courses.plans.services import plan_of, plannable_courses, save_plan
from lms.auth.services import require_role
from lms.cli import poke_worker
from lms.extensions import db
from lms.people.models import Person
from lms.web import current_period

bp = Blueprint("plans", __name__, template_folder="templates")


def _citizen() -> Person:
    user = require_role("citizen")
    if user.person is None:
        abort(403)
    return user.person


def _years(person: Person) -> tuple[list[int], set[int]]:
    """Return the years to show (with a plan, this one, the next) and those still editable."""
    editable = {current_period(), current_period() + 1}
    planned = set(db.session.scalars(sa.select(LearningPlan.period).where(LearningPlan.person_id == person.id)))
    return sorted(editable | planned, reverse=True), editable


@bp.route("/plan", methods=["GET", "POST"])
def plan() -> ResponseReturnValue:
    """Show and save the citizen's learning plan for a year."""
    person = _citizen()
    years, editable = _years(person)
    requested = request.args.get("period", type=int)
    period = requested if requested in years else current_period()
    existing = plan_of(person, period)
    courses = plannable_courses()
    form = PlanForm(
        goals=existing.goals if existing is not None else "",
        courses=[c.id for c in existing.courses] if existing is not None else [],
    )
    form.courses.choices = [(c.id, c.title) for c in courses]
    if request.method == "POST":
        if period not in editable or (requested is not None and requested != period):
            abort(403)  # a past year (or one never offered) cannot be planned any more
        if form.validate_on_submit():
            save_plan(person, period, form.courses.data or [], form.goals.data or "")
            db.session.commit()
            poke_worker()
            flash(_("Đã lưu kế hoạch học tập năm %(year)d.", year=period), "success")
            return redirect(url_for(".plan", period=period))
    status = 400 if form.errors else 200
    return render_template(
        "plans/plan.html",
        form=form,
        plan=existing,
        period=period,
        years=years,
        editable=period in editable,
        courses=courses,
        chosen=set(form.courses.data or []),
    ), status
