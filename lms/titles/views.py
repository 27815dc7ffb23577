"""Officers' pages: eligible people, bulk award, one person's record, revoke, audit log."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload

from lms.areas.models import Area
from lms.areas.services import area_by_code, areas_under
from lms.audit.models import AuditEntry
from lms.auth.services import officer_area, require_area, require_person
from lms.cli import poke_worker
from lms.criteria.explain import explain_group, explain_person
from lms.criteria.models import PersonResult
from lms.extensions import db
from lms.indicators.services import figures
from lms.paging import install as install_paging
from lms.paging import keyset_page
from lms.people.models import Person, Unit
from lms.registry.queries import village_groups, visible_groups
from lms.titles.forms import AwardForm, GroupConfirmForm, RevokeForm
from lms.titles.models import GROUP_KINDS, Award, GroupConfirmation
from lms.titles.services import (
    TitleError,
    active_confirmations,
    attaining_groups,
    award_titles,
    confirm_groups,
    eligible_people,
    filter_eligible,
    group_area,
    group_model,
    revoke_group,
    revoke_title,
)
from lms.web import flash_form_errors, period_arg, period_choices, text_arg

T = TypeVar("T")

bp = Blueprint("titles", __name__, url_prefix="/officer")
bp.record_once(install_paging)


def _actor() -> str:
    """Name the officer in awards and the audit log by their login."""
    return str(current_user.login)


def _decide(form: FlaskForm, action: Callable[[], T], done: Callable[[T], str], *, poke: bool = False) -> None:
    """Carry out an officer's decision posted with `form`: commit and flash `done(result)`, or roll
    back and flash the reason a TitleError gives; a form that does not validate flashes its errors.
    `poke`: the decision changes scores, so wake the worker after the commit."""
    if not form.validate_on_submit():
        flash_form_errors(form)
        return
    try:
        result = action()
    except TitleError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return
    db.session.commit()
    if poke:
        poke_worker()
    flash(done(result), "success")


def _target_area(scope: Area, code: str | None) -> Area:
    """Return the area chosen in a filter (the officer's own scope by default); 404 outside it."""
    if not code:
        return scope
    found = area_by_code(code)
    if found is None:
        abort(404)
    require_area(found)
    return found


def scope_options(scope: Area) -> list[dict[str, Any]]:
    """Return the communes and villages inside the scope as option groups for a filter."""
    return village_groups(scope)


AUDIENCES = ("resident", "worker", "official", "student")


@dataclass
class EligibleFilter:
    """The review list's filters besides the area: unit, audience group, disadvantaged area."""

    unit: Unit | None = None
    audience: str | None = None
    disadvantaged: bool | None = None

    @property
    def any(self) -> bool:
        """True when a filter narrows the list below the area."""
        return self.unit is not None or self.audience is not None or self.disadvantaged is not None


def _eligible_filter(scope: Area) -> EligibleFilter:
    wanted = EligibleFilter()
    if code := text_arg("unit", 64):
        wanted.unit = db.session.scalar(sa.select(Unit).where(Unit.code == code))
        if wanted.unit is None:
            abort(404)
    if (audience := text_arg("group", 16)) in AUDIENCES:
        wanted.audience = audience
    wanted.disadvantaged = {"1": True, "0": False}.get(text_arg("disadvantaged", 1))
    return wanted


@bp.get("/eligible")
def eligible():  # type: ignore[no-untyped-def]
    """List the eligible people of the officer's area for a year (filters: village, unit, group,
    disadvantaged area), with the bulk award form."""
    scope = officer_area()
    period = period_arg()
    target = _target_area(scope, text_arg("area", 64))
    wanted = _eligible_filter(scope)
    query = filter_eligible(
        eligible_people(target, period, only_unawarded=False),
        unit_id=wanted.unit.id if wanted.unit else None,
        audience=wanted.audience,
        disadvantaged=wanted.disadvantaged,
    ).options(selectinload(Person.village), selectinload(Person.unit))
    page = keyset_page(query, [Person.name_folded, Person.id], lambda p: (p.name_folded, p.id))
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
    stored = figures(target.id, period)
    form = AwardForm(formdata=None, period=period, area=target.code if target.id != scope.id else "")
    return render_template(
        "titles/eligible.html",
        scope=scope,
        target=target,
        period=period,
        periods=period_choices(period),
        options=scope_options(scope),
        units=visible_groups(Unit, scope),
        audiences=AUDIENCES,
        wanted=wanted,
        count=None if wanted.any or stored is None else stored.eligible,
        page=page,
        totals=totals,
        awards=awards,
        form=form,
        pending_declarations="declarations.pending" in current_app.view_functions,
    )


@bp.post("/award")
def award():  # type: ignore[no-untyped-def]
    """Award the title to the people ticked in the list under one decision (number and date)."""
    scope = officer_area()
    form = AwardForm()
    back_area = (request.form.get("area") or "")[:64]
    period = form.period.data if form.period.data else None
    ids = request.form.getlist("person_ids", type=int)
    valid = form.validate_on_submit()
    if valid:
        period = form.period.data
    if valid and not ids:
        flash(_("Hãy chọn ít nhất một người."), "error")
    else:
        _decide(
            form,
            lambda: award_titles(
                ids, form.period.data, form.decision_no.data, form.decision_date.data, _actor(), scope
            ),
            lambda awarded: _(
                "Đã công nhận danh hiệu Công dân học tập cho %(n)d người (quyết định số %(no)s).",
                n=awarded,
                no=form.decision_no.data.strip(),
            ),
            poke=True,
        )
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
    _decide(
        form,
        lambda: revoke_title(found, form.reason.data, _actor(), scope),
        lambda _result: _("Đã thu hồi danh hiệu."),
        poke=True,
    )
    return redirect(url_for(".person", person_id=found.person_id, period=found.period))


@bp.get("/audit")
def audit_log():  # type: ignore[no-untyped-def]
    """Show the audit log of the officer's area (everything for an admin), newest first, filtered by
    kind of action and actor."""
    scope = officer_area()
    query = sa.select(AuditEntry)
    if current_user.role != "admin":
        query = query.where(AuditEntry.area_id.in_(areas_under(scope)))
    action = text_arg("action", 64)
    if action:
        query = query.where(sa.or_(AuditEntry.action == action, AuditEntry.action.startswith(f"{action}.")))
    actor = text_arg("actor", 200)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    page = keyset_page(query, [AuditEntry.id], lambda e: (e.id,), descending=True)
    area_ids = {e.area_id for e in page.items if e.area_id is not None}
    names = (
        dict(db.session.execute(sa.select(Area.id, Area.name).where(Area.id.in_(area_ids))).all()) if area_ids else {}
    )
    return render_template("titles/audit.html", scope=scope, page=page, area_names=names, action=action, actor=actor)


# ---- group titles -------------------------------------------------------------------------------
GROUP_LABELS = {
    "family": _l("Gia đình học tập"),
    "clan": _l("Dòng họ học tập"),
    "village": _l("Cộng đồng học tập (thôn, khu phố)"),
    "unit": _l("Đơn vị học tập"),
}


def _kind_arg() -> str:
    kind = text_arg("kind", 16)
    return kind if kind in GROUP_KINDS else "family"


@bp.get("/groups")
def groups():  # type: ignore[no-untyped-def]
    """List the families, clans, villages or units of the officer's area that attain their title for a
    year, with the form recognising them under one decision."""
    scope = officer_area()
    period = period_arg()
    kind = _kind_arg()
    target = _target_area(scope, text_arg("area", 64))
    model, _column = group_model(kind)
    query = attaining_groups(kind, target, period)
    page = keyset_page(query, [model.code], lambda row: (row[0].code,), scalars=False)
    confirmations = active_confirmations(kind, [row[0].id for row in page.items], period)
    form = GroupConfirmForm(formdata=None, period=period, kind=kind, area=target.code if target.id != scope.id else "")
    return render_template(
        "titles/groups.html",
        scope=scope,
        target=target,
        period=period,
        periods=period_choices(period),
        options=scope_options(scope),
        kind=kind,
        labels=GROUP_LABELS,
        page=page,
        confirmations=confirmations,
        form=form,
    )


def _group_or_404(kind: str, subject_id: int) -> tuple[Any, Area]:
    """Return a group of the officer's area and that scope; 404 for an unknown one or one outside."""
    officer_area()
    if kind not in GROUP_KINDS:
        abort(404)
    model, _column = group_model(kind)
    group = db.get_or_404(model, subject_id)
    if kind == "village" and group.level != "village":
        abort(404)
    home = group_area(kind, group)
    if home is None:
        abort(404)
    return group, require_area(home)


@bp.post("/groups/confirm")
def confirm_groups_view():  # type: ignore[no-untyped-def]
    """Recognise the ticked groups (attaining their title) under one decision number and date."""
    scope = officer_area()
    form = GroupConfirmForm()
    kind = (request.form.get("kind") or "")[:16]
    back: dict[str, Any] = {"kind": kind if kind in GROUP_KINDS else "family"}
    if area_code := (request.form.get("area") or "")[:64]:
        back["area"] = area_code
    ids = request.form.getlist("subject_ids", type=int)
    valid = form.validate_on_submit()
    if valid:
        back["period"] = form.period.data
    if valid and not ids:
        flash(_("Hãy chọn ít nhất một đơn vị."), "error")
    else:
        _decide(
            form,
            lambda: confirm_groups(
                form.kind.data, ids, form.period.data, form.decision_no.data, form.decision_date.data, _actor(), scope
            ),
            lambda made: _(
                "Đã công nhận danh hiệu cho %(n)d đơn vị (quyết định số %(no)s).",
                n=made,
                no=form.decision_no.data.strip(),
            ),
        )
    return redirect(url_for(".groups", **back))


@bp.get("/groups/<kind>/<int:subject_id>")
def group(kind: str, subject_id: int):  # type: ignore[no-untyped-def]
    """Show one group of the officer's area: its title's explanation, decisions, and the revoke form."""
    found, _scope = _group_or_404(kind, subject_id)
    period = period_arg()
    explanation = explain_group(kind, subject_id, period)
    missing_names: dict[str, list[str]] = {}
    if explanation is not None:
        member_model = Person if kind in ("family", "unit") else group_model("family")[0]
        name_of = Person.full_name if member_model is Person else member_model.name
        for item in explanation.items:
            if item.missing:
                missing_names[item.code] = list(
                    db.session.scalars(
                        sa.select(name_of).where(member_model.id.in_(item.missing[:30])).order_by(name_of)
                    )
                )
    history = list(
        db.session.scalars(
            sa.select(GroupConfirmation)
            .where(GroupConfirmation.kind == kind, GroupConfirmation.subject_id == subject_id)
            .order_by(GroupConfirmation.confirmed_at.desc())
        )
    )
    return render_template(
        "titles/group.html",
        group=found,
        kind=kind,
        labels=GROUP_LABELS,
        period=period,
        periods=period_choices(period),
        explanation=explanation,
        missing_names=missing_names,
        history=history,
        revoke_form=RevokeForm(),
    )


@bp.post("/groups/confirmations/<int:confirmation_id>/revoke")
def revoke_group_view(confirmation_id: int):  # type: ignore[no-untyped-def]
    """Revoke a group's recognition (officer of its area); a reason is required."""
    officer_area()
    confirmation = db.get_or_404(GroupConfirmation, confirmation_id)
    _found, scope = _group_or_404(confirmation.kind, confirmation.subject_id)
    form = RevokeForm()
    _decide(
        form,
        lambda: revoke_group(confirmation, form.reason.data, _actor(), scope),
        lambda _result: _("Đã thu hồi danh hiệu."),
    )
    return redirect(
        url_for(".group", kind=confirmation.kind, subject_id=confirmation.subject_id, period=confirmation.period)
    )
