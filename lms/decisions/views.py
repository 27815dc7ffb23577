"""The decisions pages: the decisions of an area, one decision (its people or groups), and the steps
on it: approve a proposed list (approvers, two-step approval), correct its number or date, revoke it
whole with one reason. Officers and approvers see the decisions of their area; admins all."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.services import officer_area, require_area
from lms.decisions.models import DECISION_STATUSES, PROPOSED, REVOKED, Decision
from lms.decisions.services import (
    approve,
    correct_decision,
    decisions_in,
    held_count,
    listed_count,
    members,
    revoke_decision,
    two_step,
)
from lms.extensions import db
from lms.paging import install as install_paging
from lms.paging import keyset_page
from lms.titles.forms import ApproveForm, CorrectDecisionForm, RevokeDecisionForm
from lms.titles.services import TitleError
from lms.web import flash_form_errors, text_arg

bp = Blueprint("decisions", __name__, url_prefix="/officer/decisions")
bp.record_once(install_paging)

DECISION_ROLES = ("officer", "approver", "admin")


def _decision_or_404(decision_id: int) -> Decision:
    """Return a decision of the viewer's area; 404 for an unknown one or one outside it."""
    officer_area(DECISION_ROLES)
    decision = db.get_or_404(Decision, decision_id)
    require_area(decision.area, DECISION_ROLES)
    return decision


def _actor() -> str:
    return str(current_user.login)


@bp.get("")
def index() -> ResponseReturnValue:
    """The decisions of the viewer's area, newest first; filter by status (proposed ones first for approvers)."""
    scope = officer_area(DECISION_ROLES)
    status = text_arg("status", 16)
    query = decisions_in(scope)
    if status in DECISION_STATUSES:
        query = query.where(Decision.status == status)
    else:
        status = ""
    page = keyset_page(query, [Decision.id.expression], lambda d: (d.id,), descending=True)
    pending = int(
        db.session.scalar(
            sa.select(sa.func.count()).select_from(decisions_in(scope).where(Decision.status == PROPOSED).subquery())
        )
        or 0
    )
    return render_template(
        "decisions/index.html",
        scope=scope,
        page=page,
        status=status,
        pending=pending,
        counts={d.id: listed_count(d) for d in page.items},
        two_step=two_step(),
    )


@bp.get("/<int:decision_id>")
def show(decision_id: int) -> ResponseReturnValue:
    """One decision: number, date, signer, area, status, its people or groups, and the steps on it."""
    decision = _decision_or_404(decision_id)
    role = current_user.role
    can_approve = decision.status == PROPOSED and role == "approver" and decision.created_by != current_user.login
    return render_template(
        "decisions/show.html",
        decision=decision,
        listed=listed_count(decision),
        held=held_count(decision),
        people=members(decision),
        can_approve=can_approve,
        own_proposal=decision.status == PROPOSED and decision.created_by == current_user.login,
        approve_form=ApproveForm(),
        correct_form=CorrectDecisionForm(
            formdata=None, decision_no=decision.number, decision_date=decision.decision_date
        ),
        revoke_form=RevokeDecisionForm(),
        revoked=decision.status == REVOKED,
    )


@bp.post("/<int:decision_id>/approve")
def approve_view(decision_id: int) -> ResponseReturnValue:
    """Approve a proposed list (an approver of its area, never the one who proposed it): the titles exist."""
    officer_area(("approver",))  # officers and admins never approve: 403
    decision = _decision_or_404(decision_id)
    form = ApproveForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
    else:
        try:
            count = approve(decision, _actor())
        except TitleError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            if decision.kind == "person":
                from lms.cli import poke_worker

                poke_worker()
            flash(_("Đã phê duyệt quyết định số %(no)s: công nhận %(n)d.", no=decision.number, n=count), "success")
    return redirect(url_for(".show", decision_id=decision_id))


@bp.post("/<int:decision_id>/correct")
def correct(decision_id: int) -> ResponseReturnValue:
    """Correct a decision's number or date; its titles stay (audited, no revocation)."""
    decision = _decision_or_404(decision_id)
    form = CorrectDecisionForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for(".show", decision_id=decision_id))
    try:
        changed = correct_decision(decision, form.decision_no.data, form.decision_date.data, _actor())
    except TitleError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Đã sửa số, ngày quyết định.") if changed else _("Không có gì thay đổi."), "success")
    return redirect(url_for(".show", decision_id=decision_id))


@bp.post("/<int:decision_id>/revoke")
def revoke(decision_id: int) -> ResponseReturnValue:
    """Revoke a whole decision with one reason (or withdraw, refuse a proposed list)."""
    decision = _decision_or_404(decision_id)
    form = RevokeDecisionForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for(".show", decision_id=decision_id))
    try:
        count = revoke_decision(decision, form.reason.data, _actor())
    except TitleError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        if count and decision.kind == "person":
            from lms.cli import poke_worker

            poke_worker()
        flash(_("Đã thu hồi quyết định số %(no)s (%(n)d danh hiệu).", no=decision.number, n=count), "success")
    return redirect(url_for(".show", decision_id=decision_id))
