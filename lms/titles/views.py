"""Officers' pages: eligible people, bulk award, one person's record, revoke, audit log."""

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from lms.areas.models import Area
from lms.areas.services import area_by_code, areas_under
from lms.audit.models import AuditEntry
from lms.auth.services import officer_area, require_area, require_person
from lms.cli import poke_worker
from lms.criteria.explain import explain_person
from lms.criteria.models import PersonResult
from lms.extensions import db
from lms.people.models import Person
from lms.titles.forms import AwardForm, RevokeForm
from lms.titles.models import Award
from lms.titles.services import TitleError, award_titles, eligible_people, revoke_title
from lms.web import period_arg, period_choices, text_arg

bp = Blueprint("titles", __name__, url_prefix="/officer")

PER_PAGE = 50


def _actor() -> str:
    """Name the officer in awards and the audit log by their login."""
    return str(current_user.login)


def _target_area(scope: Area, code: str | None) -> Area:
    """Return the area chosen in a filter (the officer's own scope by default); 403 outside it."""
    if not code:
        return scope
    found = area_by_code(code)
    if found is None:
        abort(404)
    require_area(found)
    return found


def scope_options(scope: Area) -> list[dict[str, Any]]:
    """Return the communes and villages inside the scope as option groups for a filter."""
    rows = list(
        db.session.scalars(
            sa.select(Area)
            .where(Area.path.startswith(scope.path), Area.level.in_(("commune", "village")), Area.id != scope.id)
            .order_by(Area.path)
        )
    )
    groups: dict[int, dict[str, Any]] = {}
    loose: list[Area] = []
    for found in rows:
        if found.level == "commune":
            groups[found.id] = {"commune": found, "villages": []}
    for found in rows:
        if found.level == "village":
            if found.parent_id in groups:
                groups[found.parent_id]["villages"].append(found)
            else:
                loose.append(found)
    ordered = sorted(groups.values(), key=lambda g: g["commune"].name)
    for group in ordered:
        group["villages"].sort(key=lambda v: v.name)
    if loose:
        ordered.insert(0, {"commune": None, "villages": sorted(loose, key=lambda v: v.name)})
    return ordered


@bp.get("/eligible")
def eligible():  # type: ignore[no-untyped-def]
    """List the eligible people of the officer's area for a year, with the bulk award form."""
    scope = officer_area()
    period = period_arg()
    target = _target_area(scope, text_arg("area", 64))
    query = eligible_people(target, period, only_unawarded=False).options(selectinload(Person.village))
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    ids = [p.id for p in page.items]
    totals = dict(
        db.session.execute(
            sa.select(PersonResult.person_id, PersonResult.total).where(
                PersonResult.person_id.in_(ids), PersonResult.period == period
            )
        ).all()
    )
    awards = {
        a.person_id: a
        for a in db.session.scalars(
            sa.select(Award).where(Award.person_id.in_(ids), Award.period == period, Award.revoked_at.is_(None))
        )
    }
    form = AwardForm(formdata=None, period=period, area=target.code if target.id != scope.id else "")
    return render_template(
        "titles/eligible.html",
        scope=scope,
        target=target,
        period=period,
        periods=period_choices(period),
        options=scope_options(scope),
        page=page,
        totals=totals,
        awards=awards,
        form=form,
    )


@bp.post("/award")
def award():  # type: ignore[no-untyped-def]
    """Award the title to the people ticked in the list under one decision (number and date)."""
    scope = officer_area()
    form = AwardForm()
    back_area = (request.form.get("area") or "")[:64]
    period = form.period.data if form.period.data else None
    if form.validate_on_submit():
        period = form.period.data
        ids = request.form.getlist("person_ids", type=int)
        if not ids:
            flash(_("Hãy chọn ít nhất một người."), "error")
        else:
            try:
                awarded = award_titles(ids, period, form.decision_no.data, form.decision_date.data, _actor(), scope)
            except TitleError as exc:
                db.session.rollback()
                flash(str(exc), "error")
            else:
                db.session.commit()
                poke_worker()
                flash(
                    _(
                        "Đã công nhận danh hiệu Công dân học tập cho %(n)d người (quyết định số %(no)s).",
                        n=len(awarded),
                        no=form.decision_no.data.strip(),
                    ),
                    "success",
                )
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    args: dict[str, Any] = {}
    if isinstance(period, int):
        args["period"] = period
    if back_area:
        args["area"] = back_area
    return redirect(url_for(".eligible", **args))


@bp.get("/people/<int:person_id>")
def person(person_id: int):  # type: ignore[no-untyped-def]
    """Show one person of the officer's area: score explanation, title and the revoke form."""
    officer_area()
    found = db.get_or_404(Person, person_id)
    require_person(found)
    period = period_arg()
    history = list(
        db.session.scalars(sa.select(Award).where(Award.person_id == found.id).order_by(Award.awarded_at.desc()))
    )
    return render_template(
        "titles/person.html",
        person=found,
        period=period,
        periods=period_choices(period),
        explanation=explain_person(found.id, period),
        history=history,
        revoke_form=RevokeForm(),
    )


@bp.post("/awards/<int:award_id>/revoke")
def revoke(award_id: int):  # type: ignore[no-untyped-def]
    """Revoke an award of a person of the officer's area; a reason is required."""
    officer_area()
    found = db.get_or_404(Award, award_id)
    scope = require_person(found.person)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            revoke_title(found, form.reason.data, _actor(), scope)
        except TitleError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            poke_worker()
            flash(_("Đã thu hồi danh hiệu."), "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return redirect(url_for(".person", person_id=found.person_id, period=found.period))


@bp.get("/audit")
def audit_log():  # type: ignore[no-untyped-def]
    """Show the audit log of the officer's area (everything for an admin), newest first."""
    scope = officer_area()
    query = sa.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if current_user.role != "admin":
        query = query.where(AuditEntry.area_id.in_(areas_under(scope)))
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    area_ids = {e.area_id for e in page.items if e.area_id is not None}
    names = (
        dict(db.session.execute(sa.select(Area.id, Area.name).where(Area.id.in_(area_ids))).all()) if area_ids else {}
    )
    return render_template("titles/audit.html", scope=scope, page=page, area_names=names)
