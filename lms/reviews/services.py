"""Gather what a review report states: I1–I5 against the targets (the area and each area below it),
titles by kind, training held vs planned, communication and its reach, resources mobilised, and an
assessment drafted from those figures. The indicator figures are `lms.indicators.services.report`,
the same function behind `flask --app lms indicators --format json`, so they cannot disagree.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from lms.areas.models import Area
from lms.areas.services import areas_under, children
from lms.audit.services import audit
from lms.extensions import db
from lms.indicators.definitions import definitions
from lms.indicators.services import report
from lms.people.models import Clan, Family, Unit
from lms.titles.models import GroupConfirmation

MILESTONES = (2025, 2030)


@dataclass
class ReviewData:
    """Everything the review report of an area and year states, gathered once."""

    area: Area
    period: int
    since: int
    issued_on: date
    own: dict[str, Any]  # the CLI/API JSON of the area (lms.indicators.services.report)
    below: list[tuple[Area, dict[str, Any]]]
    earlier: dict[str, Any]  # the same JSON for `since`
    confirmed: dict[str, int]  # group titles recognised by decision, by kind
    training: Any  # (total PlanRow, rows by commune) of lms.training_plans.services.plan_vs_done
    communication: dict[str, int]
    contributions: list[Any]  # KindTotal of lms.contributions.services.totals
    assessment: dict[str, list[str]] = field(default_factory=dict)


def milestone(period: int) -> int:
    """Return the target year a year is judged against: 2025 until then, 2030 after."""
    return 2025 if period <= 2025 else 2030


def met(figure: dict[str, Any], year: int) -> bool | None:
    """True when an indicator reaches its target of that year (None when it has no value)."""
    value = figure["value"]
    if value is None:
        return None
    return float(value) >= float(figure[f"target_{year}"])


def confirmed_groups(root: Area, period: int) -> dict[str, int]:
    """Return how many families, clans, villages and units of the area were recognised by decision in the year."""
    under = areas_under(root)
    gc = GroupConfirmation
    active = sa.and_(gc.period == period, gc.revoked_at.is_(None))
    queries = {
        "family": sa.select(sa.func.count()).select_from(gc).join(Family, Family.id == gc.subject_id)
        .where(active, gc.kind == "family", Family.village_id.in_(under)),
        "clan": sa.select(sa.func.count()).select_from(gc).join(Clan, Clan.id == gc.subject_id)
        .where(active, gc.kind == "clan", Clan.area_id.in_(under)),
        "village": sa.select(sa.func.count()).select_from(gc)
        .where(active, gc.kind == "village", gc.subject_id.in_(under)),
        "unit": sa.select(sa.func.count()).select_from(gc).join(Unit, Unit.id == gc.subject_id)
        .where(active, gc.kind == "unit", Unit.area_id.in_(under)),
    }  # fmt: skip
    return {kind: int(db.session.scalar(q) or 0) for kind, q in queries.items()}


def gather(root: Area, period: int, since: int | None = None, issued_on: date | None = None) -> ReviewData:
    """Collect the figures of the review report of an area for a year (compared with `since`: the year before)."""
    from lms.communication.services import year_summary
    from lms.contributions.services import totals
    from lms.training_plans.services import plan_vs_done
    from lms.util import today_local

    since = since if since is not None else period - 1
    below = [(child, report(child.code, child.id, period)) for child in children(root) if child.valid_to is None]
    data = ReviewData(
        area=root,
        period=period,
        since=since,
        issued_on=issued_on or today_local(),
        own=report(root.code, root.id, period),
        below=below,
        earlier=report(root.code, root.id, since),
        confirmed=confirmed_groups(root, period),
        training=plan_vs_done(root, period),
        communication=year_summary(root, period),
        contributions=totals(root, period),
    )
    data.assessment = assess(data)
    return data


def assess(data: ReviewData) -> dict[str, list[str]]:
    """Draft the assessment from the figures: targets not met, lagging areas, the indicators that moved most.

    Returns codes and names for the document to phrase; the officer edits the text before signing.
    """
    year = milestone(data.period)
    names = {d["code"]: d["name"]["vi"] for d in definitions()}
    unmet = [code for code, f in data.own["indicators"].items() if met(f, year) is False]
    lagging: list[tuple[int, str, list[str]]] = []
    for child, figures in data.below:
        missed = [code for code, f in figures["indicators"].items() if met(f, year) is False]
        if missed:
            lagging.append((len(missed), child.name, missed))
    lagging.sort(key=lambda item: (-item[0], item[1]))
    moved: list[tuple[float, str]] = []
    for code, f in data.own["indicators"].items():
        before = data.earlier["indicators"][code]["value"]
        if f["value"] is not None and before is not None:
            moved.append((float(f["value"]) - float(before), code))
    moved.sort(key=lambda item: (-abs(item[0]), item[1]))
    return {
        "unmet": unmet,
        "lagging": [f"{name}: {', '.join(missed)}" for _n, name, missed in lagging[:5]],
        "moved": [f"{code} ({delta:+.1f})" for delta, code in moved[:3] if delta],
        "names": [f"{code}: {names[code]}" for code in unmet],
    }


def audit_report(actor: str, area: Area, period: int, since: int | None) -> None:
    """Record the export of a review report in the audit log."""
    audit(actor, "export.review_docx", area.code, area_id=area.id, after={"period": period, "since": since})
    db.session.flush()
