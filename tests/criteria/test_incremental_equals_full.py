"""Property: after any sequence of changes, the incrementally maintained state equals a full recompute."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.criteria.models import GroupResult, PersonResult
from lms.evidence.services import add_evidence, set_group_entry
from lms.extensions import db
from lms.indicators.models import FIGURE_COLUMNS, AreaIndicator
from lms.people.models import Clan, Family, Unit
from lms.people.services import update_person
from lms.recompute.services import drain_batch, run_full_recompute
from lms.titles.models import Award
from lms.titles.services import award_titles, revoke_title
from tests.conftest import _empty_tables

CATEGORIES = ["digital_skill", "foreign_language", "numeracy", "law", "health", "criteria_study", "culture_society"]
DATES = [date(2025, 12, 31), date(2026, 1, 1), date(2026, 6, 15), date(2026, 12, 31), date(2027, 1, 1)]

evidence = st.fixed_dictionaries(
    {
        "op": st.just("evidence"),
        "who": st.integers(0, 9),
        "kind": st.sampled_from(["course", "session", "declaration", "plan"]),
        "ref": st.sampled_from(["R1", "R2", "T1.1", "T3.1", "T2.1"]),
        "category": st.sampled_from(CATEGORIES),
        "level": st.sampled_from([None, "basic", "proficient"]),
        "when": st.sampled_from(DATES),
        "amount": st.integers(0, 10),
    }
)
move = st.fixed_dictionaries(
    {
        "op": st.just("move"),
        "who": st.integers(0, 9),
        "family": st.integers(0, 3),
        "village": st.integers(0, 2),
        "clan": st.integers(0, 2),
        "unit": st.integers(0, 2),
        "official": st.booleans(),
    }
)
award = st.fixed_dictionaries({"op": st.just("award"), "who": st.integers(0, 9)})
revoke = st.fixed_dictionaries({"op": st.just("revoke"), "who": st.integers(0, 9)})
entry = st.fixed_dictionaries(
    {
        "op": st.just("entry"),
        "subject": st.sampled_from(["family", "clan", "village", "unit"]),
        "n": st.integers(0, 2),
        "points": st.integers(0, 40),
    }
)
changes = st.lists(st.one_of(evidence, evidence, move, award, revoke, entry), min_size=1, max_size=25)
ENTERED = {"family": "F3", "clan": "D2", "village": "C2", "unit": "U1"}


def snapshot() -> dict:
    def rows(model, *cols):
        return sorted(
            tuple(str(v) for v in r) for r in db.session.execute(sa.select(*(getattr(model, c) for c in cols)))
        )

    return {
        "person_result": rows(
            PersonResult,
            "person_id",
            "period",
            "audience",
            "total",
            "threshold",
            "eligible",
            "learned",
            "has_plan",
            "digital_level",
            "studied_criteria",
            "items",
        ),
        "group_result": rows(GroupResult, "kind", "subject_id", "period", "total", "attained", "items"),
        "areas": rows(AreaIndicator, "area_id", "period", *FIGURE_COLUMNS),
    }


def apply(op: dict, world: dict) -> None:
    people = world["people"]
    p = people[op.get("who", 0) % len(people)]
    if op["op"] == "evidence":
        amount = Decimal(op["amount"])
        add_evidence(
            p,
            kind=op["kind"],
            ref="" if op["kind"] == "plan" else op["ref"],
            when=op["when"],
            category=op["category"] if op["kind"] == "course" else None,
            level=op["level"] if op["kind"] == "course" else None,
            hours=amount if op["kind"] in ("course", "session") else None,
            points=amount if op["kind"] == "declaration" else None,
            source="import",
        )
    elif op["op"] == "move":
        update_person(
            p,
            family_id=world["families"][op["family"]].id if op["family"] < 3 else None,
            village_id=world["villages"][op["village"]].id,
            clan_id=world["clans"][op["clan"]].id,
            unit_id=world["units"][op["unit"]].id,
            is_official=op["official"],
        )
    elif op["op"] == "award":
        result = db.session.get(PersonResult, (p.id, 2026))
        if result is not None and result.eligible:
            award_titles([p.id], 2026, "1/QĐ-UBND", date(2026, 12, 1), "test", world["root"])
    elif op["op"] == "revoke":
        active = db.session.scalar(sa.select(Award).where(Award.person_id == p.id, Award.revoked_at.is_(None)))
        if active is not None:
            revoke_title(active, "sai sót hồ sơ", "test", world["root"])
    elif op["op"] == "entry":
        subject = op["subject"]
        group = world[{"family": "families", "clan": "clans", "village": "villages", "unit": "units"}[subject]][op["n"]]
        set_group_entry(subject, group.id, ENTERED[subject], date(2026, 11, 1), min(op["points"], 30))


def drain_all() -> None:
    while drain_batch(7):  # small batches: several transactions, like a burst
        db.session.commit()
    db.session.commit()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(ops=changes, seeds=st.lists(st.integers(0, 1000), min_size=10, max_size=10))
def test_incremental_state_equals_a_full_recompute(app, make_area, make_person, ops, seeds):
    from lms.criteria.schema import load_document
    from lms.criteria.services import publish_framework
    from tests.conftest import DEFAULT_FRAMEWORK

    _empty_tables()
    publish_framework(load_document(DEFAULT_FRAMEWORK), "test")
    root = make_area("P", "province")
    district = make_area("D", "district", root)
    ca, cb = make_area("A", "commune", district), make_area("B", "commune", district, disadvantaged=True)
    villages = [make_area("A1", "village", ca), make_area("A2", "village", ca), make_area("B1", "village", cb)]
    families = [Family(code=f"F{i}", name=f"Hộ {i}", village_id=villages[i % 3].id) for i in range(3)]
    clans = [Clan(code=f"C{i}", name=f"Họ {i}", area_id=[district, ca, cb][i].id) for i in range(3)]
    units = [
        Unit(code=f"U{i}", name=f"Đơn vị {i}", level="commune" if i else "district", area_id=[district, ca, cb][i].id)
        for i in range(3)
    ]
    db.session.add_all(families + clans + units)
    db.session.flush()
    people = [
        make_person(
            villages[s % 3],
            birth_year=1950 + s % 70,
            family_id=families[s % 3].id if s % 4 else None,
            clan_id=clans[s % 3].id if s % 2 else None,
            unit_id=units[s % 3].id if s % 5 == 0 else None,
            is_official=s % 5 == 0,
            khuyen_hoc_member=s % 3 == 0,
        )
        for s in seeds
    ]
    db.session.commit()
    world = {"root": root, "people": people, "families": families, "clans": clans, "units": units, "villages": villages}
    run_full_recompute(2026, None)  # a starting state, as after the nightly job
    for op in ops:
        apply(op, world)
        db.session.commit()
        if op["op"] in ("award", "move"):
            drain_all()  # decisions are made on computed eligibility
    drain_all()
    incremental = snapshot()
    run_full_recompute(2026, None)
    assert snapshot() == incremental
