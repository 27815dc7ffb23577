"""The citizen's learning record (sổ học tập): points per criterion, evidence, what is missing."""

from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue

from lms.auth.services import require_role
from lms.criteria.explain import explain_person
from lms.criteria.models import PersonResult
from lms.evidence.models import Evidence
from lms.extensions import db
from lms.pagecache import (
    cached_page,
    fast_page,
    missed_version,
    packed,
    published_periods,
    site_parts,
    site_version,
    version_of,
)
from lms.people.models import Person
from lms.records.services import learning, record_context
from lms.titles.models import Award
from lms.web import period_arg, period_choices

bp = Blueprint("records", __name__)


@cache
def _record_version_stmt(learning_parts: Any) -> sa.Select[Any]:
    pid: sa.BindParameter[int] = sa.bindparam("person_id")
    period: sa.BindParameter[int] = sa.bindparam("period")
    person = Person.id == pid
    result = sa.and_(PersonResult.person_id == pid, PersonResult.period == period)
    award = sa.and_(Award.person_id == pid, Award.period == period)
    evidence = Evidence.person_id == pid
    parts = [  # one read of each row or scan (lms.pagecache.packed)
        sa.select(packed(Person.full_name, Person.village_id, Person.group, Person.is_official, Person.unit_id))
        .where(person)
        .scalar_subquery(),
        sa.select(
            packed(
                PersonResult.total,
                PersonResult.threshold,
                PersonResult.eligible,
                PersonResult.audience,
                PersonResult.items,  # the points of each item
            )
        )
        .where(result)
        .scalar_subquery(),
        sa.select(
            packed(
                sa.func.count(Evidence.id),
                sa.func.max(Evidence.id),
                sa.func.sum(Evidence.hours),
                sa.func.sum(Evidence.points),
            )
        )
        .where(evidence)
        .scalar_subquery(),
        sa.select(packed(sa.func.count(Award.id), sa.func.max(Award.id), sa.func.max(Award.revoked_at)))
        .where(award)
        .scalar_subquery(),
        *(learning_parts(pid) if learning_parts else ()),
        *site_parts(),
    ]
    return sa.select(*parts)


def record_version(person_id: int, period: int) -> tuple[Any, ...]:
    """Return what the record page shows, as a version: the person, their result and item scores for the
    year, their evidence, the award decisions, their enrolments and progress (from the learning side)
    and the catalogue, the frameworks and the area flags — one statement of indexed lookups."""
    stmt = _record_version_stmt(learning().get("version_parts"))
    return version_of(stmt, person_id=person_id, period=period) + site_version()


RECORD_BINDS = {"person_id": lambda user: user.person_id}


def _record_hit(period: int) -> bytes | None:
    """The cached record of the session's citizen (lms.pagecache.fast_page), checked as below."""

    def accept(viewer: tuple[Any, ...] | None, row: tuple[Any, ...]) -> tuple[Any, ...] | None:
        if viewer is None or viewer[2] != "citizen" or viewer[6] is None:  # role, person_id
            return None
        return (viewer[6], period, *row, *site_version())

    stmt = _record_version_stmt(learning().get("version_parts"))
    return fast_page("record", stmt, {"period": period}, binds=RECORD_BINDS, accept=accept)


@bp.get("/record")
def record() -> ResponseReturnValue:
    """Show the logged-in citizen's learning record for a year."""
    hit = _record_hit(period_arg())
    if hit is not None:
        return hit
    user = require_role("citizen")
    if user.person_id is None:
        abort(403)
    person_id = user.person_id
    period = period_arg()

    def render() -> str:
        person = db.session.get(Person, person_id)
        explanation = explain_person(person_id, period)
        return render_template(
            "records/record.html",
            person=person,
            period=period,
            periods=period_choices(period, published_periods(version)),
            explanation=explanation,
            **record_context(person_id, explanation),
        )

    version = missed_version("record") or (person_id, period, *record_version(person_id, period))
    return cached_page("record", version, render)
