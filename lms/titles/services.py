"""Award and revoke the citizen title: officers' decisions, always audited, never automatic."""

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.sql import Select

from lms.areas.models import Area
from lms.areas.services import areas_under
from lms.audit.models import AuditEntry
from lms.audit.services import audit
from lms.bulk import any_id, code_values, id_values
from lms.criteria.models import PersonResult
from lms.extensions import db
from lms.people.models import Person, counted
from lms.recompute.services import mark_dirty
from lms.titles.models import GROUP_KINDS, Award, GroupConfirmation
from lms.util import utcnow


class TitleError(ValueError):
    """A decision cannot be made; the message is shown to the officer (already translated)."""


def active_award(person_id: int, period: int) -> Award | None:
    """Return the unrevoked award of the person for the year, if any."""
    return db.session.scalar(
        sa.select(Award).where(Award.person_id == person_id, Award.period == period, Award.revoked_at.is_(None))
    )


def eligible_people(area: Area, period: int, *, only_unawarded: bool = True) -> Select[Person]:
    """Return the eligible people of an area for the year (ordered by name), optionally without a title."""
    query = (
        sa.select(Person)
        .join(PersonResult, sa.and_(PersonResult.person_id == Person.id, PersonResult.period == period))
        .where(PersonResult.eligible.is_(True), Person.village_id.in_(areas_under(area)), counted())
        .order_by(Person.name_folded, Person.id)
    )
    if only_unawarded:
        # NOT EXISTS (an anti-join), not NOT IN: a province's awards do not fit a hashed subplan
        held = sa.exists().where(Award.person_id == Person.id, Award.period == period, Award.revoked_at.is_(None))
        query = query.where(~held)
    return query


def filter_eligible(
    query: Select[Person],
    *,
    unit_id: int | None = None,
    audience: str | None = None,
    disadvantaged: bool | None = None,
) -> Select[Person]:
    """Narrow an eligible_people query: members of a unit, an audience group (as the engine scored
    them: resident, worker, official, student), living in a disadvantaged area or not."""
    if unit_id is not None:
        query = query.where(Person.unit_id == unit_id)
    if audience is not None:
        query = query.where(PersonResult.audience == audience)
    if disadvantaged is not None:
        from lms.criteria.engine import disadvantaged_villages

        inside = Person.village_id.in_(disadvantaged_villages())
        query = query.where(inside if disadvantaged else sa.not_(inside))
    return query


def _json_object(*pairs: Any) -> Any:
    """A JSON object built by the database (audit rows written set-based)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.json_build_object(*pairs)
    return sa.func.json_object(*pairs)


def _wanted(ids: Sequence[int] | Select[Any]) -> Any:
    """The ids an officer asked for, as a subquery: a SELECT as is, a list as one parameter."""
    return (ids if isinstance(ids, Select) else id_values(ids)).subquery("wanted")


def award_titles(
    person_ids: Sequence[int] | None,
    period: int,
    decision_no: str,
    decision_date: date,
    actor: str,
    area: Area,
    *,
    allow_future: bool = False,
) -> int:
    """Award the title to eligible people of the area under one decision, approved at once (None: all the
    eligible people of the area who hold no title); refuse anyone outside it or not eligible. The one-step
    path of lms.decisions.services (the CLI, the demo, tests); set-based at any size. Return how many
    people were awarded (those holding the title already are skipped)."""
    from lms.decisions.services import NothingToDecide, approve, prepare

    try:
        outcome = prepare(
            "person", area, period, decision_no, decision_date, actor, person_ids, allow_future=allow_future
        )
    except NothingToDecide:
        return 0  # everyone chosen holds the title already
    return approve(outcome.decision, actor, own=True)


def revoke_title(award: Award, reason: str, actor: str, area: Area) -> Award:
    """Revoke an award with a reason (required); audited."""
    reason = reason.strip()
    if not reason:
        raise TitleError(_("Thu hồi danh hiệu cần nêu lý do."))
    if award.revoked_at is not None:
        raise TitleError(_("Danh hiệu này đã bị thu hồi."))
    award.revoked_at, award.revoked_by, award.revoke_reason = utcnow(), actor, reason
    audit(
        actor,
        "title.revoke",
        f"person {award.person_id} {award.period}",
        area_id=area.id,
        before={"award_id": award.id, "decision_no": award.decision_no},
        after={"revoked": True, "reason": reason},
    )
    mark_dirty("person", [award.person_id], award.period)
    db.session.flush()
    return award


def revoke_titles(person_ids: Sequence[int] | Select[Any], period: int, reason: str, actor: str, area: Area) -> int:
    """Revoke the year's titles of many people of the area at once, with one reason (an inspection found
    their evidence void, say). Refuses the whole list if anyone chosen holds no title of the year in the
    area. Set-based at any size: the ids travel as one parameter; one `title.revoke` audit row per award,
    as revoke_title writes, by INSERT … SELECT. Return how many were revoked."""
    reason = reason.strip()
    if not reason:
        raise TitleError(_("Thu hồi danh hiệu cần nêu lý do."))
    wanted = set(db.session.scalars(person_ids) if isinstance(person_ids, Select) else person_ids)
    if not wanted:
        raise TitleError(_("Hãy chọn ít nhất một người."))
    held = list(
        db.session.scalars(
            sa.select(Award.id)
            .join(Person, Person.id == Award.person_id)
            .where(
                any_id(Award.person_id, wanted),
                Award.period == period,
                Award.revoked_at.is_(None),
                Person.village_id.in_(areas_under(area)),
            )
        )
    )
    if len(held) != len(wanted):
        raise TitleError(
            _(
                "Có %(n)d người không có danh hiệu năm %(year)d hoặc ngoài địa bàn; không thu hồi ai.",
                n=len(wanted) - len(held),
                year=period,
            )
        )
    now = sa.literal(utcnow(), sa.DateTime(timezone=True))
    subject = sa.literal("person ") + sa.cast(Award.person_id, sa.String) + sa.literal(f" {period}")
    rows = sa.select(
        now,
        sa.literal(actor),
        sa.literal("title.revoke"),
        subject,
        sa.literal(area.id),
        _json_object(sa.literal("award_id"), Award.id, sa.literal("decision_no"), Award.decision_no),
        sa.literal({"revoked": True, "reason": reason}, sa.JSON),
    ).where(any_id(Award.id, held))
    columns = ["at", "actor", "action", "subject", "area_id", "before", "after"]
    db.session.execute(sa.insert(AuditEntry).from_select(columns, rows))
    db.session.execute(
        sa.update(Award)
        .where(any_id(Award.id, held))
        .values(revoked_at=now, revoked_by=actor, revoke_reason=reason)
        .execution_options(synchronize_session=False)
    )
    mark_dirty("person", wanted, period)
    db.session.flush()
    return len(held)


def people_by_code(codes: Sequence[str]) -> dict[str, int]:
    """Return the ids of the people with these codes (unknown codes are left out); the codes travel as
    one parameter whatever their number."""
    found = code_values(codes).subquery("codes")
    rows = db.session.execute(sa.select(Person.code, Person.id).where(Person.code.in_(sa.select(found.c[0]))))
    return {str(code): int(i) for code, i in rows}


# ---- group titles -------------------------------------------------------------------------------
def group_model(kind: str) -> tuple[Any, Any]:
    """Return the model of a group kind and its column naming the area the group belongs to."""
    from lms.people.models import Clan, Family, Unit

    models: dict[str, tuple[Any, Any]] = {
        "family": (Family, Family.village_id),
        "clan": (Clan, Clan.area_id),
        "village": (Area, Area.id),
        "unit": (Unit, Unit.area_id),
    }
    return models[kind]


def group_area(kind: str, group: Any) -> Area | None:
    """Return the area a group belongs to (a village is its own area)."""
    if kind == "village":
        return group
    return group.village if kind == "family" else group.area


def attaining_groups(kind: str, area: Area, period: int) -> Select[Any]:
    """Return (group, total) for the groups of the area that attain their title for the year."""
    from lms.criteria.models import GroupResult

    model, area_column = group_model(kind)
    query = (
        sa.select(model, GroupResult.total)
        .join(
            GroupResult,
            sa.and_(GroupResult.kind == kind, GroupResult.subject_id == model.id, GroupResult.period == period),
        )
        .where(GroupResult.attained.is_(True), area_column.in_(areas_under(area)))
    )
    if kind == "village":
        query = query.where(Area.level == "village")
    return query


def active_confirmations(kind: str, ids: Sequence[int], period: int) -> dict[int, GroupConfirmation]:
    """Return the unrevoked confirmations of the given groups for the year, by group id."""
    if not ids:
        return {}
    rows = db.session.scalars(
        sa.select(GroupConfirmation).where(
            GroupConfirmation.kind == kind,
            GroupConfirmation.subject_id.in_(id_values(ids)),
            GroupConfirmation.period == period,
            GroupConfirmation.revoked_at.is_(None),
        )
    )
    return {c.subject_id: c for c in rows}


def confirm_groups(
    kind: str, ids: Sequence[int], period: int, decision_no: str, decision_date: date, actor: str, area: Area
) -> int:
    """Recognise groups of the area that attain their title under one decision, approved at once; refuse
    any other. The one-step path of lms.decisions.services; return how many groups were recognised."""
    from lms.decisions.services import NothingToDecide, approve, prepare

    if kind not in GROUP_KINDS:
        raise TitleError(_("Loại danh hiệu không hợp lệ."))
    try:
        outcome = prepare(kind, area, period, decision_no, decision_date, actor, ids)
    except NothingToDecide:
        return 0
    return approve(outcome.decision, actor, own=True)


def revoke_group(confirmation: GroupConfirmation, reason: str, actor: str, area: Area) -> GroupConfirmation:
    """Revoke a group's recognition with a reason (required); audited."""
    reason = reason.strip()
    if not reason:
        raise TitleError(_("Thu hồi danh hiệu cần nêu lý do."))
    if confirmation.revoked_at is not None:
        raise TitleError(_("Danh hiệu này đã bị thu hồi."))
    model, _column = group_model(confirmation.kind)
    group = db.session.get(model, confirmation.subject_id)
    confirmation.revoked_at, confirmation.revoked_by, confirmation.revoke_reason = utcnow(), actor, reason
    audit(
        actor,
        "group.revoke",
        f"{confirmation.kind} {group.code if group else confirmation.subject_id} {confirmation.period}",
        area_id=area.id,
        before={"confirmation_id": confirmation.id, "decision_no": confirmation.decision_no},
        after={"revoked": True, "reason": reason},
    )
    db.session.flush()
    return confirmation
