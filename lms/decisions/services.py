"""Decisions recognising the titles: prepare, approve, correct, revoke. Views, the CLI and the demo call
these; every step is audited, and every step is set-based (an award of a whole district's eligible
people is a few INSERT … SELECT statements, never one statement per person).

One step (DECISION_APPROVAL = "one_step", the default): an officer's decision is approved as it is made.
Two steps ("two_step"): the officer's list is a proposal (danh sách đề nghị); an approver of the area (the
commune leader who signs) approves it, and only then do the titles exist. Nobody approves their own.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.sql import Select

from lms.areas.models import Area
from lms.areas.services import areas_under
from lms.audit.services import audit
from lms.bulk import id_values
from lms.decisions.models import APPROVED, DECISION_KINDS, PROPOSED, REVOKED, Decision, DecisionItem
from lms.extensions import db
from lms.people.models import Person
from lms.titles.models import GROUP_KINDS, Award, GroupConfirmation
from lms.titles.services import TitleError, attaining_groups, eligible_people, group_model
from lms.util import today_local, utcnow

APPROVAL_MODES = ("one_step", "two_step")


def two_step() -> bool:
    """True when officers' lists wait for an approver (DECISION_APPROVAL = "two_step")."""
    return bool(current_app.config.get("DECISION_APPROVAL") == "two_step")


# ---- the date rule ------------------------------------------------------------------------------
def date_window(period: int) -> tuple[date, date]:
    """Return the first and last date a decision on the year's titles may carry: 1 January of the year
    to the end of the DECISION_MONTHS_AFTER_PERIOD-th month after it (30 June of the next year by default)."""
    months = int(current_app.config.get("DECISION_MONTHS_AFTER_PERIOD", 6))
    end = 12 + months  # the months counted from January of the year, the last one included
    after = date(period + end // 12, end % 12 + 1, 1)  # the first day after the window
    return date(period, 1, 1), date.fromordinal(after.toordinal() - 1)


def check_decision_date(period: int, when: date | None, *, allow_future: bool = False) -> None:
    """Refuse a decision date after today (in Vietnam) or outside the year's window (date_window)."""
    if when is None:
        raise TitleError(_("Cần ngày quyết định."))
    first, last = date_window(period)
    if not allow_future and when > today_local():
        raise TitleError(_("Ngày quyết định không được sau ngày hôm nay."))
    if not first <= when <= last:
        raise TitleError(
            _(
                "Ngày quyết định cho kỳ đánh giá %(year)d phải từ %(first)s đến %(last)s.",
                year=period,
                first=first.strftime("%d/%m/%Y"),
                last=last.strftime("%d/%m/%Y"),
            )
        )


def _check_number(number: str) -> str:
    number = (number or "").strip()
    if not number:
        raise TitleError(_("Cần số quyết định."))
    if len(number) > 64:
        raise TitleError(_("Số quyết định dài quá 64 ký tự."))
    return number


# ---- who is in a decision -----------------------------------------------------------------------
def candidates(kind: str, area: Area, period: int) -> Select[Any]:
    """Return the ids of the people (or groups) of the area who meet the standard for the year and hold
    no title yet: those a new decision may recognise."""
    if kind == "person":
        return eligible_people(area, period).with_only_columns(Person.id).order_by(None)
    model, _column = group_model(kind)
    held = sa.select(GroupConfirmation.subject_id).where(
        GroupConfirmation.kind == kind, GroupConfirmation.period == period, GroupConfirmation.revoked_at.is_(None)
    )
    return attaining_groups(kind, area, period).with_only_columns(model.id).where(model.id.not_in(held))


def _meeting(kind: str, area: Area, period: int) -> Select[Any]:
    """The ids of the people (or groups) of the area who meet the standard, held title or not."""
    if kind == "person":
        return eligible_people(area, period, only_unawarded=False).with_only_columns(Person.id).order_by(None)
    model, _column = group_model(kind)
    return attaining_groups(kind, area, period).with_only_columns(model.id)


def _check_kind(kind: str) -> None:
    if kind not in DECISION_KINDS:
        raise TitleError(_("Loại danh hiệu không hợp lệ."))


def _audit_prefix(kind: str) -> str:
    return "title" if kind == "person" else "group"


def _state(decision: Decision) -> dict[str, Any]:
    return {
        "decision_id": decision.id,
        "decision_no": decision.number,
        "decision_date": decision.decision_date.isoformat(),
        "status": decision.status,
    }


@dataclass
class Outcome:
    """What a submitted decision did: the decision, and how many people or groups it recognised (or
    proposed, when it waits for approval)."""

    decision: Decision
    count: int

    @property
    def proposed(self) -> bool:
        """True when the decision waits for an approver."""
        return self.decision.status == PROPOSED


def _selection(kind: str, area: Area, period: int, subject_ids: Sequence[int] | None) -> Select[Any]:
    """The ids a new decision would list (see prepare); refuses chosen ids outside the area or not
    meeting the standard."""
    source = candidates(kind, area, period)
    if subject_ids is None:
        return source
    wanted = set(subject_ids)
    meeting = _meeting(kind, area, period).subquery()
    allowed = set(db.session.scalars(sa.select(meeting.c[0]).where(meeting.c[0].in_(id_values(wanted)))))
    refused = wanted - allowed
    if refused:
        if kind == "person":
            raise TitleError(_("Có %(n)d người không đủ điều kiện hoặc ngoài địa bàn.", n=len(refused)))
        raise TitleError(_("Có %(n)d đơn vị không đạt danh hiệu hoặc ngoài địa bàn.", n=len(refused)))
    inner = source.subquery()
    return sa.select(inner.c[0]).where(inner.c[0].in_(id_values(wanted)))


class NothingToDecide(TitleError):
    """Everyone chosen already holds the title (or nobody meets the standard): a decision would be empty."""


def _nobody(kind: str) -> TitleError:
    return NothingToDecide(
        _("Không còn ai chưa được công nhận trong danh sách này.")
        if kind == "person"
        else _("Không còn đơn vị nào chưa được công nhận trong danh sách này.")
    )


def preview(
    kind: str,
    area: Area,
    period: int,
    number: str,
    when: date | None,
    subject_ids: Sequence[int] | None,
    *,
    allow_future: bool = False,
) -> int:
    """Check a decision as prepare would, writing nothing; return how many it would list (the
    confirmation step: "Công nhận 35 người theo quyết định số … ngày …?")."""
    _check_kind(kind)
    _check_number(number)
    check_decision_date(period, when, allow_future=allow_future)
    source = _selection(kind, area, period, subject_ids).subquery()
    count = int(db.session.scalar(sa.select(sa.func.count()).select_from(source)) or 0)
    if count == 0:
        raise _nobody(kind)
    return count


def prepare(
    kind: str,
    area: Area,
    period: int,
    number: str,
    when: date | None,
    actor: str,
    subject_ids: Sequence[int] | None,
    *,
    signer: str = "",
    allow_future: bool = False,
) -> Outcome:
    """Write a proposed decision listing the chosen people or groups (None: all who meet the standard in
    the area and hold no title). Refuses anyone outside the area or not meeting the standard, a bad date
    or number, and an empty list. Not audited here (submit and approve are)."""
    _check_kind(kind)
    number = _check_number(number)
    check_decision_date(period, when, allow_future=allow_future)
    assert when is not None
    source = _selection(kind, area, period, subject_ids)
    if not db.session.scalar(sa.select(sa.exists(source.subquery().select()))):
        raise _nobody(kind)
    decision = Decision(
        number=number,
        decision_date=when,
        signer=(signer or "").strip()[:200],
        area_id=area.id,
        period=period,
        kind=kind,
        status=PROPOSED,
        created_by=actor,
    )
    db.session.add(decision)
    db.session.flush()
    inner = source.subquery()
    rows = sa.select(sa.literal(decision.id), inner.c[0])
    db.session.execute(sa.insert(DecisionItem).from_select(["decision_id", "subject_id"], rows))
    count = int(db.session.scalar(sa.select(sa.func.count()).where(DecisionItem.decision_id == decision.id)) or 0)
    return Outcome(decision, count)


def submit(
    kind: str,
    area: Area,
    period: int,
    number: str,
    when: date | None,
    actor: str,
    subject_ids: Sequence[int] | None,
    *,
    signer: str = "",
    allow_future: bool = False,
) -> Outcome:
    """An officer's decision: approved at once with one-step approval, else a proposal for an approver."""
    outcome = prepare(kind, area, period, number, when, actor, subject_ids, signer=signer, allow_future=allow_future)
    if not two_step():
        return Outcome(outcome.decision, approve(outcome.decision, actor, own=True))
    decision = outcome.decision
    audit(
        actor,
        f"{_audit_prefix(kind)}.propose",
        f"decision {decision.number}",
        area_id=area.id,
        after={**_state(decision), "count": outcome.count},
    )
    db.session.flush()
    return outcome


def approve(decision: Decision, actor: str, *, own: bool = False) -> int:
    """Approve a proposed decision: the titles of those listed who still meet the standard and hold none
    come into being (set-based). `own`: the one-step path, where the officer who decides approves.
    Return how many were recognised. Audited."""
    if decision.status != PROPOSED:
        raise TitleError(_("Quyết định này không còn chờ phê duyệt."))
    if not own and decision.created_by == actor:
        raise TitleError(_("Không thể tự phê duyệt danh sách do chính mình đề nghị."))
    area = db.session.get(Area, decision.area_id)
    assert area is not None
    now = utcnow()
    eligible_now = candidates(decision.kind, area, decision.period).subquery()
    listed = (
        sa.select(DecisionItem.subject_id)
        .where(DecisionItem.decision_id == decision.id, DecisionItem.subject_id.in_(sa.select(eligible_now.c[0])))
        .subquery()
    )
    constants = (
        sa.literal(decision.period),
        sa.literal(decision.number),
        sa.literal(decision.decision_date, sa.Date),
        sa.literal(actor),
        sa.literal(now, sa.DateTime(timezone=True)),
        sa.literal(decision.id),
    )
    if decision.kind == "person":
        columns = ["person_id", "period", "decision_no", "decision_date", "awarded_by", "awarded_at", "decision_id"]
        db.session.execute(sa.insert(Award).from_select(columns, sa.select(listed.c.subject_id, *constants)))
    else:
        columns = ["kind", "subject_id", *("period", "decision_no", "decision_date")]
        columns += ["confirmed_by", "confirmed_at", "decision_id"]
        db.session.execute(
            sa.insert(GroupConfirmation).from_select(
                columns, sa.select(sa.literal(decision.kind), listed.c.subject_id, *constants)
            )
        )
    count = held_count(decision)  # rowcount of INSERT … SELECT is not reliable across drivers
    if count == 0:
        raise TitleError(_("Không còn ai trong danh sách đủ điều kiện và chưa được công nhận."))
    decision.status, decision.approved_by, decision.approved_at, decision.updated_at = APPROVED, actor, now, now
    _mark_dirty(decision)
    audit(
        actor,
        "title.award" if decision.kind == "person" else "group.confirm",
        f"decision {decision.number}",
        area_id=decision.area_id,
        after={**_state(decision), "count": count, "proposed_by": decision.created_by},
    )
    db.session.flush()
    return count


def _mark_dirty(decision: Decision) -> None:
    """Recompute those whose title the decision changed (set-based): a person's title counts in their
    family's; a group's recognition refreshes the figures the dashboards show."""
    from lms.recompute.services import mark_dirty

    if decision.kind == "person":
        mark_dirty("person", sa.select(Award.person_id).where(Award.decision_id == decision.id), decision.period)
    else:
        ids = sa.select(GroupConfirmation.subject_id).where(GroupConfirmation.decision_id == decision.id)
        mark_dirty(decision.kind, ids, decision.period)


def correct_decision(decision: Decision, number: str, when: date | None, actor: str) -> bool:
    """Correct a decision's number or date (a typing mistake): its titles stay, the number and date they
    show change with it. Return whether anything changed. Audited with before and after."""
    if decision.status == REVOKED:
        raise TitleError(_("Quyết định đã bị thu hồi, không sửa được."))
    number = _check_number(number)
    check_decision_date(decision.period, when)
    assert when is not None
    if (number, when) == (decision.number, decision.decision_date):
        return False
    before = _state(decision)
    decision.number, decision.decision_date, decision.updated_at = number, when, utcnow()
    table = Award if decision.kind == "person" else GroupConfirmation
    db.session.execute(
        sa.update(table).where(table.decision_id == decision.id).values(decision_no=number, decision_date=when)
    )
    audit(
        actor,
        f"{_audit_prefix(decision.kind)}.correct",
        f"decision {number}",
        area_id=decision.area_id,
        before=before,
        after=_state(decision),
    )
    db.session.flush()
    return True


def revoke_decision(decision: Decision, reason: str, actor: str) -> int:
    """Revoke a whole decision with one reason: every title it made that is still held is revoked (a
    proposal is withdrawn or refused). Return how many titles were revoked. Audited."""
    reason = (reason or "").strip()
    if not reason:
        raise TitleError(_("Thu hồi quyết định cần nêu lý do."))
    if decision.status == REVOKED:
        raise TitleError(_("Quyết định này đã bị thu hồi."))
    now = utcnow()
    count = 0
    if decision.status == APPROVED:
        table: Any = Award if decision.kind == "person" else GroupConfirmation
        count = held_count(decision)
        db.session.execute(
            sa.update(table)
            .where(table.decision_id == decision.id, table.revoked_at.is_(None))
            .values(revoked_at=now, revoked_by=actor, revoke_reason=reason)
        )
        _mark_dirty(decision)
    before = _state(decision)
    decision.status, decision.revoked_at, decision.revoked_by, decision.revoke_reason = REVOKED, now, actor, reason
    decision.updated_at = now
    audit(
        actor,
        f"{_audit_prefix(decision.kind)}.revoke_decision",
        f"decision {decision.number}",
        area_id=decision.area_id,
        before=before,
        after={"status": REVOKED, "reason": reason, "count": count},
    )
    db.session.flush()
    return count


# ---- reading ------------------------------------------------------------------------------------
def decisions_in(scope: Area) -> Select[Decision]:
    """The decisions of the areas inside the scope (newest first)."""
    return sa.select(Decision).where(Decision.area_id.in_(areas_under(scope)))


def listed_count(decision: Decision) -> int:
    """How many people or groups the decision lists."""
    return int(db.session.scalar(sa.select(sa.func.count()).where(DecisionItem.decision_id == decision.id)) or 0)


def held_count(decision: Decision) -> int:
    """How many titles of the decision are held (not revoked)."""
    table: Any = Award if decision.kind == "person" else GroupConfirmation
    return int(
        db.session.scalar(
            sa.select(sa.func.count()).where(table.decision_id == decision.id, table.revoked_at.is_(None))
        )
        or 0
    )


def members(decision: Decision, limit: int = 500) -> list[tuple[int, str, str]]:
    """(id, name, code or village) of the people or groups listed in the decision, by name, at most `limit`."""
    if decision.kind == "person":
        village = sa.orm.aliased(Area)
        query = (
            sa.select(Person.id, Person.full_name, village.name)
            .join(village, village.id == Person.village_id)
            .join(DecisionItem, DecisionItem.subject_id == Person.id)
            .order_by(Person.name_folded, Person.id)
        )
    else:
        model, _column = group_model(decision.kind)
        query = (
            sa.select(model.id, model.name, model.code)
            .join(DecisionItem, DecisionItem.subject_id == model.id)
            .order_by(model.name, model.id)
        )
    query = query.where(DecisionItem.decision_id == decision.id).limit(limit)
    return [(int(i), str(n), str(c or "")) for i, n, c in db.session.execute(query).all()]


# ---- counts: meeting the standard and recognised --------------------------------------------------
TITLE_KINDS = ("person", *GROUP_KINDS)


@dataclass
class TitleCount:
    """People or groups of one title: how many meet the standard (đạt chuẩn) and how many a decision
    recognised (đã công nhận)."""

    meets: int | None
    recognised: int | None


def title_counts(area: Area, period: int, stored: Any = None) -> dict[str, TitleCount]:
    """Both numbers for every title in the area and year. `stored`: the area's figures row (its eligible,
    holders and *_attained counts) when the caller has it; recognised groups are counted live."""
    if stored is None:
        from lms.indicators.services import figures

        stored = figures(area.id, period)
    meets: dict[str, int | None] = dict.fromkeys(TITLE_KINDS)
    recognised: dict[str, int | None] = dict.fromkeys(TITLE_KINDS)
    if stored is not None:
        meets["person"] = stored.eligible
        recognised["person"] = stored.holders
        for kind, name in (("family", "families"), ("clan", "clans"), ("village", "villages"), ("unit", "units")):
            meets[kind] = getattr(stored, f"{name}_attained")
    row = db.session.execute(_recognised_groups_stmt(), {"under_path": area.path, "period": period}).one()
    for kind, count in zip(GROUP_KINDS, row, strict=True):
        recognised[kind] = int(count or 0)
    return {k: TitleCount(meets[k], recognised[k]) for k in TITLE_KINDS}


@cache
def _recognised_groups_stmt() -> sa.Select[Any]:
    """The groups of each kind a decision recognised (not revoked) in an area and year, one statement for
    every kind (built once; parameters `under_path`, the area's path, and `period`)."""
    under = sa.select(Area.id).where(Area.path.startswith(sa.bindparam("under_path", type_=sa.String)))
    counts = []
    for kind in GROUP_KINDS:
        model, column = group_model(kind)
        counts.append(
            sa.select(sa.func.count(sa.distinct(GroupConfirmation.subject_id)))
            .join(model, model.id == GroupConfirmation.subject_id)
            .where(
                GroupConfirmation.kind == kind,
                GroupConfirmation.period == sa.bindparam("period", type_=sa.Integer),
                GroupConfirmation.revoked_at.is_(None),
                column.in_(under),
            )
            .scalar_subquery()
        )
    return sa.select(*counts)


def members_preview(kind: str, ids: Sequence[int], limit: int = 50) -> list[str]:
    """The names of the chosen people or groups (at most `limit`, by name), for the confirmation step."""
    if kind == "person":
        query = sa.select(Person.full_name).where(Person.id.in_(id_values(ids))).order_by(Person.name_folded)
    else:
        model, _column = group_model(kind)
        query = sa.select(model.name).where(model.id.in_(id_values(ids))).order_by(model.name)
    return [str(name) for name in db.session.scalars(query.limit(limit))]


def title_rows(area: Area, period: int, stored: Any = None) -> list[tuple[str, int | None, int | None]]:
    """(title, meets the standard, recognised) for every title of the area and year, labelled: what the
    dashboard, the PDF and the XLSX sent upward show side by side."""
    from lms.web import TITLE_LABELS

    counts = title_counts(area, period, stored)
    return [(str(TITLE_LABELS[k]), counts[k].meets, counts[k].recognised) for k in TITLE_KINDS]
