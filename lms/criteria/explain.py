"""Explain a person's score: points per item (as stored by the engine), the evidence behind each item
(selected with the engine's own rule conditions), the threshold that applies and what is missing."""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from lms.criteria.engine import Window, ev, rule_condition
from lms.criteria.models import PersonResult
from lms.criteria.services import points_by_item, published_framework
from lms.evidence.models import Evidence
from lms.extensions import db
from lms.people.models import Person
from lms.titles.models import Award
from lms.titles.services import active_award

ZERO = Decimal("0.00")


@dataclass
class ItemExplanation:
    """One criterion item of a person: points, the evidence behind them, what is missing."""

    code: str
    competency: str
    name: dict[str, str]
    max: Decimal
    points: Decimal
    below_min: bool
    missing: Decimal
    rules: list[dict[str, Any]]
    evidence: list[Evidence] = field(default_factory=list)
    reads_family: bool = False


@dataclass
class PersonExplanation:
    """Why a person has the total they have for a year, and what they still need."""

    period: int
    framework_code: str
    audience: str
    threshold: Decimal
    threshold_reason: str
    each_item_min: Decimal | None
    total: Decimal
    eligible: bool
    computed: bool
    holds_title: Award | None
    missing_total: Decimal
    items: list[ItemExplanation]

    @property
    def weakest(self) -> list[ItemExplanation]:
        """Return the items furthest below their maximum, largest gap first."""
        return sorted((i for i in self.items if i.missing > 0), key=lambda i: i.missing, reverse=True)


def _rules_for(title: dict[str, Any], item: dict[str, Any], audience: str) -> list[dict[str, Any]]:
    overrides = (title.get("overrides") or {}).get(audience) or {}
    return overrides.get(item["code"], item["rules"])


def _disadvantaged(person: Person) -> bool:
    """True when the person's village or an area above it is flagged disadvantaged (the engine's
    disadvantaged_villages(), asked of one village: its path lists exactly those areas)."""
    if person.village_id is None:
        return False
    return bool(db.session.scalar(_disadvantaged_stmt(), {"village_id": person.village_id}))


@cache
def _disadvantaged_stmt() -> sa.Select[Any]:
    """One statement (the village is not loaded first): is the village, or an area on its path, flagged?"""
    from lms.areas.models import Area

    village = aliased(Area)
    return sa.select(
        sa.exists().where(
            village.id == sa.bindparam("village_id"),
            Area.disadvantaged.is_(True),
            village.path.contains("/" + sa.cast(Area.id, sa.String) + "/"),
        )
    )


def _evidence_statement(conditions: list[Any]) -> tuple[list[int], Any]:
    """The one statement that reads a person's evidence for every item (bound parameter `person_id`),
    with a flag column per item whose rules read evidence; and those items' positions."""
    used = [(i, c) for i, c in enumerate(conditions) if c is not None]
    if not used:
        return [], None
    stmt = (
        sa.select(Evidence, *(c.label(f"item_{i}") for i, c in used))
        .where(ev.c.person_id == sa.bindparam("person_id"), sa.or_(*(c for _, c in used)))
        .order_by(Evidence.date.desc(), Evidence.id.desc())
    )
    return [i for i, _ in used], stmt


@dataclass(frozen=True)
class _Plan:
    """What explaining a person needs of a framework, audience and year: built once per process (a
    stored framework's document never changes: a new version is a new row)."""

    title: dict[str, Any]
    rules: list[list[dict[str, Any]]]  # per item
    used: list[int]  # the items whose rules read evidence
    stmt: Any


_PLANS: dict[tuple[Any, ...], _Plan] = {}


def _plan(fw: Any, audience: str, period: int) -> _Plan:
    key = (fw.id, fw.version, fw.created_at, audience, period)
    plan = _PLANS.get(key)
    if plan is None:
        title = next(t for t in fw.document["titles"].values() if t["subject"] == "person")
        window = Window(period)
        rules, conditions = [], []
        for item in title["items"]:
            item_rules = _rules_for(title, item, audience)
            found = [c for r in item_rules if (c := rule_condition(r, item["code"], window)) is not None]
            rules.append(item_rules)
            conditions.append(sa.or_(*found) if found else None)
        used, stmt = _evidence_statement(conditions)
        plan = _Plan(title, rules, used, stmt)
        if len(_PLANS) > 256:
            _PLANS.clear()
        _PLANS[key] = plan
    return plan


def _evidence_by_item(person_id: int, plan: _Plan) -> list[list[Evidence]]:
    """Return, per item, the person's evidence matching its rules, newest first (one query for all items)."""
    found: list[list[Evidence]] = [[] for _ in plan.rules]
    if plan.stmt is None:
        return found
    for row in db.session.execute(plan.stmt, {"person_id": person_id}):
        for k, i in enumerate(plan.used, start=1):
            if row[k]:
                found[i].append(row[0])
    return found


def explain_person(person_id: int, period: int) -> PersonExplanation | None:
    """Return the explanation of a person's score for the year, or None without a framework."""
    fw = published_framework(period)
    person = db.session.get(Person, person_id)
    if fw is None or person is None:
        return None
    title = next(t for t in fw.document["titles"].values() if t["subject"] == "person")
    result = db.session.get(PersonResult, (person_id, period))
    # the points per item as the engine stored them (person_result.items, {code: points})
    scores = points_by_item(result.items if result else None)
    threshold = title["threshold"]
    disadvantaged = _disadvantaged(person)
    applies = Decimal(
        str(threshold.get("total_disadvantaged", threshold["total"]) if disadvantaged else threshold["total"])
    )
    each_min = Decimal(str(threshold["each_item_min"])) if "each_item_min" in threshold else None
    audience = (
        result.audience
        if result
        else (person.group or ("official" if person.is_official and person.unit_id else "resident"))
    )
    plan = _plan(fw, audience, period)
    items = []
    found = _evidence_by_item(person_id, plan)
    for item, rules, rows in zip(title["items"], plan.rules, found, strict=True):
        points = Decimal(str(scores.get(item["code"], ZERO))).quantize(ZERO)
        maximum = Decimal(str(item["max"]))
        items.append(
            ItemExplanation(
                code=item["code"],
                competency=item.get("competency", ""),
                name=item["name"],
                max=maximum,
                points=points,
                below_min=each_min is not None and points < each_min,
                missing=max(maximum - points, ZERO),
                rules=rules,
                evidence=rows,
                reads_family=any(r["kind"] == "family_members_learning" for r in rules),
            )
        )
    total = Decimal(str(result.total)).quantize(ZERO) if result else ZERO
    return PersonExplanation(
        period=period,
        framework_code=fw.code,
        audience=audience,
        threshold=applies,
        threshold_reason="disadvantaged" if disadvantaged else "normal",
        each_item_min=each_min,
        total=total,
        eligible=bool(result and result.eligible),
        computed=result is not None,
        holds_title=active_award(person_id, period),
        missing_total=max(applies - total, ZERO),
        items=items,
    )


@dataclass
class GroupItemExplanation:
    """One item of a group title: its points, and for a member share the members behind it."""

    code: str
    name: dict[str, str]
    max: Decimal
    points: Decimal
    kind: str  # member_share or entered
    predicate: str | None = None
    satisfied: list[int] = field(default_factory=list)  # member ids (persons, or families for clans/villages)
    missing: list[int] = field(default_factory=list)


@dataclass
class GroupExplanation:
    """Why a family, clan, village or unit has the total it has, and which members are missing."""

    kind: str
    subject_id: int
    period: int
    total: Decimal
    threshold: Decimal
    attained: bool
    computed: bool
    members: int
    items: list[GroupItemExplanation]


def explain_group(kind: str, subject_id: int, period: int) -> GroupExplanation | None:
    """Return the explanation of a group's title for the year, or None without a framework or title."""
    from lms.criteria.engine import CompiledFramework, members_of
    from lms.criteria.models import GroupResult

    fw = published_framework(period)
    if fw is None:
        return None
    compiled = CompiledFramework(fw.document)
    title = compiled.titles.get(kind)
    if title is None:
        return None
    rows = db.session.execute(members_of(compiled, kind, period, sa.select(sa.literal(subject_id)))).mappings().all()
    result = db.session.get(GroupResult, (kind, subject_id, period))
    scores = points_by_item(result.items if result else None)  # as the engine stored them
    items = []
    for item in title["items"]:
        rule = item["rules"][0]
        explanation = GroupItemExplanation(
            code=item["code"],
            name=item["name"],
            max=Decimal(str(item["max"])),
            points=Decimal(str(scores.get(item["code"], ZERO))).quantize(ZERO),
            kind=rule["kind"],
            predicate=rule.get("predicate"),
        )
        if rule["kind"] == "member_share":
            for row in rows:
                (explanation.satisfied if row[rule["predicate"]] else explanation.missing).append(row["member"])
        items.append(explanation)
    return GroupExplanation(
        kind=kind,
        subject_id=subject_id,
        period=period,
        total=Decimal(str(result.total)).quantize(ZERO) if result else ZERO,
        threshold=Decimal(str(title["threshold"]["total"])),
        attained=bool(result and result.attained),
        computed=result is not None,
        members=len(rows),
        items=items,
    )
