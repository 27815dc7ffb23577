"""What the integration API reads and writes, as plain data: areas, figures, results, records, evidence.

Every function reuses the platform's own services (indicators.report, criteria.explain, the records
service, the evidence import) so the API cannot disagree with the pages. Services flush; the view
commits.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.sql import Select

from lms.api.models import ApiIdempotency, ApiToken
from lms.areas.history import exists_in
from lms.areas.models import Area, AreaSuccession
from lms.areas.services import areas_under
from lms.criteria.explain import PersonExplanation, explain_person
from lms.criteria.models import PersonResult
from lms.decisions.models import Decision
from lms.extensions import db
from lms.imports.services import COLUMNS, ImportReport, run_rows
from lms.indicators.models import AreaIndicator
from lms.indicators.public import min_cell, suppress_small_cells
from lms.indicators.services import report
from lms.people.models import Person
from lms.records.services import record_context
from lms.titles.models import Award
from lms.util import utcnow

EVIDENCE_COLUMNS = [c.name for c in COLUMNS["evidence"]]
MAX_YEARS = 10  # years one indicators?under= call may span
KEEP_ANSWERS = timedelta(days=30)  # how long an Idempotency-Key's answer is kept


def aware(value: datetime | None) -> datetime | None:
    """Return a stored timestamp with its time zone (SQLite hands them back naive, in UTC)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def money(value: Decimal | None) -> str | None:
    """Return a decimal as a string with two places (the API never sends points as floats)."""
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


# ---- areas --------------------------------------------------------------------------------------
def area_tree(root: Area | None) -> list[dict[str, Any]]:
    """Return the areas under `root` (None: all), and the closed areas whose territory it inherited, in
    tree order: level, parent, validity dates, successors and the national administrative-unit code."""
    query = sa.select(Area)
    if root is not None:
        query = query.where(Area.path.startswith(root.path))
    found = list(db.session.scalars(query.order_by(Area.path)))
    if root is not None:
        from lms.areas.history import inherited_by

        closed = db.session.scalars(
            sa.select(Area).where(Area.valid_to.is_not(None), sa.not_(Area.path.startswith(root.path)))
        )
        found += [a for a in closed if inherited_by(a, root)]
    codes = dict(db.session.execute(sa.select(Area.id, Area.code)).all())
    successors: dict[int, list[str]] = {}
    for pred, succ in db.session.execute(sa.select(AreaSuccession.predecessor_id, AreaSuccession.successor_id)):
        successors.setdefault(pred, []).append(codes[succ])
    return [
        {
            "code": a.code,
            "name": a.name,
            "level": a.level,
            "parent": codes.get(a.parent_id) if a.parent_id else None,
            "admin_code": a.admin_code,
            "disadvantaged": a.disadvantaged,
            "valid_from": a.valid_from,
            "valid_to": a.valid_to,
            "successors": sorted(successors.get(a.id, [])),
        }
        for a in found
    ]


# ---- indicators ---------------------------------------------------------------------------------
def public_figures(area: Area, period: int) -> dict[str, Any]:
    """Return the figures the public API shows for an area and year (SPEC §7 shape), small cells withheld.

    The one function public figures pass through (lms.indicators.public: no count below PUBLIC_MIN_CELL).
    """
    return suppress_small_cells(report(area.code, area.id, period), min_cell())


def figures_under(root: Area, first: int, last: int) -> list[dict[str, Any]]:
    """Return the figures of `root` and every area below it that exists in each year from `first` to `last`."""
    areas = list(db.session.scalars(sa.select(Area).where(Area.path.startswith(root.path)).order_by(Area.path)))
    ids = [a.id for a in areas]
    # one query for every stored row: report() then finds each in the session's identity map
    loaded = list(
        db.session.scalars(
            sa.select(AreaIndicator).where(AreaIndicator.area_id.in_(ids), AreaIndicator.period.between(first, last))
        )
    )
    out = [
        report(a.code, a.id, period) | {"level": a.level}
        for period in range(first, last + 1)
        for a in areas
        if exists_in(a, period)
    ]
    del loaded
    return out


# ---- title decisions ----------------------------------------------------------------------------
def title_decisions(period: int) -> Select[int, str, date]:
    """Return (person_id, decision_no, decision_date) of the citizen titles held for the year.

    The one place the API reads decisions: from the decision record (lms.decisions), so a corrected
    number or date shows at once; an award recorded without one keeps its own number and date.
    """
    query = (
        sa.select(
            Award.person_id.label("person_id"),
            sa.func.coalesce(Decision.number, Award.decision_no).label("decision_no"),
            sa.func.coalesce(Decision.decision_date, Award.decision_date).label("decision_date"),
        )
        .outerjoin(Decision, Decision.id == Award.decision_id)
        .where(Award.period == period, Award.revoked_at.is_(None))
    )
    return cast(Select[Any], query)


def titles_changed_since(period: int, since: datetime) -> Select[Any]:
    """Return the ids of people whose title for the year was awarded, revoked or its decision corrected
    after `since`."""
    corrected = sa.select(Decision.id).where(Decision.period == period, Decision.updated_at > since)
    return sa.select(Award.person_id).where(
        Award.period == period,
        sa.or_(Award.awarded_at > since, Award.revoked_at > since, Award.decision_id.in_(corrected)),
    )


def _title(decision_no: str | None, decision_date: date | None) -> dict[str, Any]:
    return {"awarded": decision_no is not None, "decision_no": decision_no, "decision_date": decision_date}


# ---- results ------------------------------------------------------------------------------------
def results_page(
    area: Area, period: int, *, since: datetime | None, after: int | None, limit: int
) -> tuple[list[dict[str, Any]], int | None]:
    """Return one page of the year's person results under `area` (keyset on the person id) and the key
    to continue after (None: last page). Never a name or a contact field."""
    pr = PersonResult
    decisions = title_decisions(period).subquery("decisions")
    query = (
        sa.select(
            Person.id,
            Person.code,
            pr.total,
            pr.threshold,
            pr.eligible,
            pr.audience,
            pr.updated_at,
            decisions.c.decision_no,
            decisions.c.decision_date,
        )
        .join(pr, sa.and_(pr.person_id == Person.id, pr.period == period))
        .outerjoin(decisions, decisions.c.person_id == Person.id)
        .where(Person.village_id.in_(areas_under(area)))
    )
    if since is not None:
        since = since.astimezone(UTC)
        query = query.where(sa.or_(pr.updated_at > since, Person.id.in_(titles_changed_since(period, since))))
    if after is not None:
        query = query.where(Person.id > after)
    rows = db.session.execute(query.order_by(Person.id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    items = [
        {
            "code": r.code,
            "total": money(r.total),
            "threshold": money(r.threshold),
            "eligible": bool(r.eligible),
            "audience": r.audience,
            "title": _title(r.decision_no, r.decision_date),
            "updated_at": aware(r.updated_at),
        }
        for r in rows
    ]
    return items, (rows[-1].id if more and rows else None)


# ---- a person's learning record -----------------------------------------------------------------
def person_in(area: Area | None, code: str) -> Person | None:
    """Return the person with this code if they live in `area` (None: anywhere), else None."""
    query = sa.select(Person).where(Person.code == code)
    if area is not None:
        query = query.where(Person.village_id.in_(areas_under(area)))
    return db.session.scalar(query)


def person_record(person: Person, period: int) -> dict[str, Any] | None:
    """Return the learning record of a person for the year with the explanation of the score (None: no
    framework that year): the same explanation and record context the citizen's page shows."""
    explanation: PersonExplanation | None = explain_person(person.id, period)
    if explanation is None:
        return None
    context = record_context(person.id, explanation)
    decision = db.session.execute(title_decisions(period).where(Award.person_id == person.id)).first()
    return {
        "person": person.code,
        "period": period,
        "framework": explanation.framework_code,
        "computed": explanation.computed,
        "audience": explanation.audience,
        "total": money(explanation.total),
        "threshold": money(explanation.threshold),
        "threshold_reason": explanation.threshold_reason,
        "each_item_min": money(explanation.each_item_min),
        "eligible": explanation.eligible,
        "missing_total": money(explanation.missing_total),
        "title": _title(decision.decision_no if decision else None, decision.decision_date if decision else None),
        "items": [
            {
                "code": item.code,
                "competency": item.competency,
                "name": {k: str(v) for k, v in (item.name or {}).items()},
                "max": money(item.max),
                "points": money(item.points),
                "missing": money(item.missing),
                "below_min": item.below_min,
                "evidence": [
                    {
                        "kind": e.kind,
                        "ref": e.ref,
                        "category": e.category,
                        "date": e.date,
                        "hours": money(e.hours),
                        "level": e.level,
                        "points": money(e.points),
                        "source": e.source,
                    }
                    for e in item.evidence
                ],
            }
            for item in explanation.items
        ],
        "recommended": [{"code": c.code, "title": c.title} for c in context["recommended"]],
        "enrolments": [
            {
                "course": e["course"].code,
                "completed_at": aware(e["completed_at"]),
                "percent": e["percent"],
            }
            for e in context["enrolments"]
        ],
    }


# ---- evidence push ------------------------------------------------------------------------------
def _cell(value: Any) -> str:
    """Return a pushed value as the text of a file's cell (what the import checks read)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value).strip()


def outside_rows(items: list[dict[str, Any]], root: Area) -> list[int]:
    """Return the indexes of pushed rows whose person exists but lives outside `root` (one query)."""
    codes = {str(i.get("person_code") or "") for i in items} - {""}
    if not codes:
        return []
    outside = set(
        db.session.scalars(
            sa.select(Person.code).where(Person.code.in_(codes), Person.village_id.not_in(areas_under(root)))
        )
    )
    return [n for n, item in enumerate(items) if str(item.get("person_code") or "") in outside]


def push_evidence(items: list[dict[str, Any]], actor: str, scope: Area | None) -> ImportReport:
    """Check the pushed rows whole with the evidence import's own checks; when all are good, upsert them
    by the evidence key and mark the people dirty (same transaction). Faults name the row's index."""

    def rows() -> Iterator[tuple[int, list[str]]]:
        for index, item in enumerate(items):
            yield index, [_cell(item.get(column)) for column in EVIDENCE_COLUMNS]

    return run_rows("evidence", EVIDENCE_COLUMNS, rows(), "api", actor=actor, scope=scope)


# ---- idempotency --------------------------------------------------------------------------------
def fingerprint(body: bytes) -> str:
    """Return the hash a kept answer is matched against (the same key with another body is refused)."""
    import hashlib

    return hashlib.sha256(body).hexdigest()


def kept_answer(token: ApiToken, key: str) -> ApiIdempotency | None:
    """Return the answer kept for this token's Idempotency-Key, if any."""
    return db.session.get(ApiIdempotency, (token.id, key))


def keep_answer(token: ApiToken, key: str, request_hash: str, status: int, body: dict[str, Any]) -> None:
    """Keep the answer to a write request for its Idempotency-Key (in the request's transaction); the
    token's keys older than KEEP_ANSWERS are dropped (a retry comes within minutes, not weeks)."""
    table = ApiIdempotency.__table__
    db.session.execute(table.delete().where(table.c.token_id == token.id, table.c.created_at < utcnow() - KEEP_ANSWERS))
    db.session.add(ApiIdempotency(token_id=token.id, key=key, request_hash=request_hash, status=status, body=body))
    db.session.flush()
