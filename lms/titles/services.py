"""Award and revoke the citizen title: officers' decisions, always audited, never automatic."""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.sql import Select

from lms.areas.models import Area
from lms.areas.services import areas_under
from lms.audit.services import audit
from lms.criteria.models import PersonResult
from lms.extensions import db
from lms.people.models import Person
from lms.recompute.services import mark_dirty
from lms.titles.models import Award
from lms.util import utcnow


class TitleError(ValueError):
    """A decision cannot be made; the message is shown to the officer (already translated)."""


def active_award(person_id: int, period: int) -> Award | None:
    """Return the unrevoked award of the person for the year, if any."""
    return db.session.scalar(
        sa.select(Award).where(Award.person_id == person_id, Award.period == period, Award.revoked_at.is_(None))
    )


def eligible_people(area: Area, period: int, *, only_unawarded: bool = True) -> Select[tuple[Person]]:
    """Return the eligible people of an area for the year (ordered by name), optionally without a title."""
    query = (
        sa.select(Person)
        .join(PersonResult, sa.and_(PersonResult.person_id == Person.id, PersonResult.period == period))
        .where(PersonResult.eligible.is_(True), Person.village_id.in_(areas_under(area)))
        .order_by(Person.name_folded, Person.id)
    )
    if only_unawarded:
        held = sa.select(Award.person_id).where(Award.period == period, Award.revoked_at.is_(None))
        query = query.where(Person.id.not_in(held))
    return query


def award_titles(
    person_ids: Sequence[int], period: int, decision_no: str, decision_date: date, actor: str, area: Area
) -> list[Award]:
    """Award the title to eligible people of the area; refuse anyone outside it or not eligible."""
    decision_no = decision_no.strip()
    if not decision_no:
        raise TitleError(_("Cần số quyết định."))
    wanted = set(person_ids)
    allowed = set(
        db.session.scalars(
            eligible_people(area, period, only_unawarded=False)
            .with_only_columns(Person.id)
            .where(Person.id.in_(wanted))
        )
    )
    refused = wanted - allowed
    if refused:
        raise TitleError(_("Có %(n)d người không đủ điều kiện hoặc ngoài địa bàn.", n=len(refused)))
    awards = []
    for person_id in sorted(allowed):
        if active_award(person_id, period) is not None:
            continue
        award = Award(
            person_id=person_id, period=period, decision_no=decision_no, decision_date=decision_date, awarded_by=actor
        )
        db.session.add(award)
        awards.append(award)
    db.session.flush()
    for award in awards:
        audit(
            actor,
            "title.award",
            f"person {award.person_id} {period}",
            area_id=area.id,
            before=None,
            after={"award_id": award.id, "decision_no": decision_no, "decision_date": decision_date.isoformat()},
        )
    mark_dirty("person", [a.person_id for a in awards], period)
    return awards


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
