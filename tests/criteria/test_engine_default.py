"""The default framework, hand-computed: each rule kind, rounding, the year window, thresholds."""

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from lms.criteria.models import GroupResult, PersonResult
from lms.criteria.services import group_item_scores, item_scores
from lms.evidence.models import Evidence, GroupEntry
from lms.extensions import db
from lms.people.models import Family, Unit
from lms.recompute.services import drain_batch, mark_dirty
from lms.titles.models import Award


def ev(person, kind, ref="", d=date(2026, 5, 1), **fields):
    db.session.add(Evidence(person_id=person.id, kind=kind, ref=ref, date=d, **fields))


def recompute(*people):
    mark_dirty("person", [p.id for p in people], 2026)
    db.session.flush()
    while drain_batch(1000):
        pass
    db.session.commit()


def items(person):
    db.session.expire_all()
    return item_scores(person.id, 2026)


def result(person):
    return db.session.get(PersonResult, (person.id, 2026))


def test_courses_count_once_per_course_and_only_inside_the_year(default_framework, tree, make_person):
    p = make_person(tree["A1"])
    ev(p, "course", "C1", category="law")
    ev(p, "course", "C1", d=date(2026, 9, 1), category="law")  # same course again: counts once
    ev(p, "course", "C2", category="health")
    ev(p, "course", "C3", d=date(2025, 12, 31), category="law")  # previous year: not counted
    ev(p, "course", "C4", d=date(2027, 1, 1), category="law")  # next year: not counted
    recompute(p)
    got = items(p)
    assert got["T1.1"] == Decimal("10")  # any category, 5 each, capped at 10: C1, C2
    assert got["T2.4"] == Decimal("8")  # law/health 4 each: C1, C2


def test_item_is_capped_at_its_maximum_and_declarations_take_the_highest(default_framework, tree, make_person):
    p = make_person(tree["A1"])
    for n in range(4):
        ev(p, "course", f"L{n}", category="law")
    ev(p, "declaration", "T3.1", points=Decimal("4"))
    ev(p, "declaration", "T3.1", d=date(2026, 7, 1), points=Decimal("7"))
    recompute(p)
    got = items(p)
    assert got["T2.4"] == Decimal("10")  # 4 x 4 = 16, capped at 10
    assert got["T3.1"] == Decimal("7")


def test_learning_hours_sessions_and_plan(default_framework, tree, make_person):
    p = make_person(tree["A1"])
    ev(p, "session", "TH-1", hours=Decimal("2.5"))
    ev(p, "session", "TH-2", hours=Decimal("4"))
    ev(p, "plan")
    recompute(p)
    got = items(p)
    assert got["T1.3"] == Decimal("6.5")  # 1 point per hour of sessions
    assert got["T3.2"] == Decimal("6")  # 3 per distinct session
    assert got["T1.2"] == Decimal("10")


def test_digital_level_counts_earlier_years_and_officials_get_the_override(default_framework, tree, make_person):
    unit = Unit(code="U1", name="UBND xã", level="commune", area_id=tree["A"].id)
    db.session.add(unit)
    db.session.flush()
    resident = make_person(tree["A1"])
    official = make_person(tree["A1"], is_official=True, unit_id=unit.id)
    for p in (resident, official):
        ev(p, "course", "DS-1", d=date(2024, 3, 1), category="digital_skill", level="basic")
    recompute(resident, official)
    assert items(resident)["T2.1"] == Decimal("6")
    assert items(official)["T2.1"] == Decimal("5")
    assert result(official).audience == "official"


def test_family_members_learning_counts_other_adults_only(default_framework, tree, make_person):
    fam = Family(code="GD-1", name="Hộ Lê", village_id=tree["A1"].id)
    db.session.add(fam)
    db.session.flush()
    me = make_person(tree["A1"], family_id=fam.id)
    adult1 = make_person(tree["A1"], family_id=fam.id)
    child = make_person(tree["A1"], birth_year=2015, family_id=fam.id)
    for p in (me, adult1, child):
        ev(p, "course", "X", category="health")
    recompute(me)  # the family closure recomputes the other members too
    assert items(me)["T1.4"] == Decimal("5")  # adult1 only: not me, not the child
    assert items(child)["T1.4"] == Decimal("10")  # me and adult1


def full_marks(p, hours=10):
    for n in range(2):
        ev(p, "course", f"FL{n}", category="foreign_language")
        ev(p, "course", f"NU{n}", category="numeracy")
        ev(p, "course", f"LA{n}", category="law")
        ev(p, "course", f"HE{n}", category="health")
    ev(p, "course", "DS", category="digital_skill", level="proficient")
    ev(p, "plan")
    for n in range(4):
        ev(p, "session", f"S{n}", hours=Decimal(hours) / 4)
    for code in ("T1.4", "T3.1"):
        ev(p, "declaration", code, points=Decimal("10"))


def test_threshold_eligibility_and_the_disadvantaged_area(default_framework, make_area, tree, make_person):
    strong = make_person(tree["A1"])
    full_marks(strong)
    weak = make_person(tree["A1"])
    full_marks(weak, hours=0)  # T1.3 = 0 → below each_item_min
    remote_commune = make_area("R", "commune", tree["D"], disadvantaged=True)
    remote_village = make_area("R1", "village", remote_commune)
    remote = make_person(remote_village)
    ev(remote, "course", "FL0", category="foreign_language")  # T2.2 = 5, T1.1 = 5
    ev(remote, "course", "NU0", category="numeracy")
    ev(remote, "course", "LA0", category="law")
    ev(remote, "course", "DS", category="digital_skill", level="basic")
    ev(remote, "plan")
    for n in range(3):
        ev(remote, "session", f"S{n}", hours=Decimal(2))
    ev(remote, "declaration", "T1.4", points=Decimal("10"))
    ev(remote, "declaration", "T3.1", points=Decimal("10"))
    ev(remote, "declaration", "T2.3", points=Decimal("10"))
    ev(remote, "declaration", "T2.4", points=Decimal("10"))
    recompute(strong, weak, remote)
    assert result(strong).total == Decimal("100") and result(strong).eligible
    assert not result(weak).eligible and result(weak).total == Decimal("90")
    # remote: T1.1 10, T1.2 10, T1.3 6, T1.4 10, T2.1 6, T2.2 5, T2.3 10, T2.4 10, T3.1 10, T3.2 9 = 86
    r = result(remote)
    assert r.total == Decimal("86") and Decimal(str(r.threshold)) == Decimal("70") and r.eligible


def test_family_share_rounds_half_up_and_entered_points(default_framework, tree, make_person):
    fam = Family(code="GD-2", name="Hộ Trần", village_id=tree["A1"].id)
    db.session.add(fam)
    db.session.flush()
    members = [make_person(tree["A1"], family_id=fam.id) for _ in range(3)]
    ev(members[0], "course", "X", category="health")
    ev(members[1], "session", "S", hours=Decimal(1))
    db.session.add(
        GroupEntry(
            subject="family", subject_id=fam.id, item="F3", period=2026, date=date(2026, 11, 1), points=Decimal(30)
        )
    )
    db.session.add(
        Award(person_id=members[2].id, period=2026, decision_no="1/QĐ", decision_date=date(2026, 12, 1), awarded_by="t")
    )
    recompute(*members)
    db.session.expire_all()
    scores = group_item_scores("family", fam.id, 2026)
    assert Decimal(str(scores["F1"])) == Decimal("26.67")  # 40 x 2/3 = 26.666… → 26.67
    assert Decimal(str(scores["F2"])) == Decimal("10")  # 30 x 1/3
    assert Decimal(str(scores["F3"])) == Decimal("30")
    group = db.session.get(GroupResult, ("family", fam.id, 2026))
    assert Decimal(str(group.total)) == Decimal("66.67") and not group.attained


@pytest.mark.parametrize("birth_year,adult", [(2008, True), (2009, False)])
def test_adult_means_age_in_the_evaluation_year(default_framework, tree, make_person, birth_year, adult):
    fam = Family(code="GD-3", name="Hộ Võ", village_id=tree["A1"].id)
    db.session.add(fam)
    db.session.flush()
    p = make_person(tree["A1"], birth_year=birth_year, family_id=fam.id)
    ev(p, "course", "X", category="health")
    recompute(p)
    db.session.expire_all()
    f1 = group_item_scores("family", fam.id, 2026)["F1"]
    assert f1 == (Decimal("40") if adult else Decimal("0"))


def test_group_explanation_names_the_members_behind_each_share(default_framework, tree, make_person):
    from lms.criteria.explain import explain_group

    fam = Family(code="GD-9", name="Hộ Ngô", village_id=tree["A1"].id)
    db.session.add(fam)
    db.session.flush()
    learner = make_person(tree["A1"], family_id=fam.id)
    idle = make_person(tree["A1"], family_id=fam.id)
    make_person(tree["A1"], birth_year=2016, family_id=fam.id)  # a child: not a member of the share
    ev(learner, "course", "X", category="health")
    recompute(learner)
    explained = explain_group("family", fam.id, 2026)
    f1 = next(i for i in explained.items if i.code == "F1")
    assert explained.members == 2 and f1.points == Decimal("20.00")
    assert f1.satisfied == [learner.id] and f1.missing == [idle.id]
    assert next(i for i in explained.items if i.code == "F3").kind == "entered"
    assert explained.total == Decimal("20.00") and not explained.attained


def test_member_share_rounds_once_half_up_to_two_decimals(default_framework, tree):
    """10 x 96/101 = 9.50495…: rounded once to 2 decimals that is 9.50 (rounding to 4 first would give 9.51)."""
    unit = Unit(code="U-R", name="Trường học", level="commune", area_id=tree["A"].id)
    db.session.add(unit)
    db.session.flush()
    from lms.people.models import Person

    db.session.execute(
        sa.insert(Person),
        [
            {
                "code": f"R{i:03d}",
                "full_name": f"Cán bộ {i}",
                "name_folded": f"can bo {i}",
                "birth_year": 1980,
                "gender": "nam",
                "village_id": tree["A1"].id,
                "unit_id": unit.id,
                "is_official": True,
            }
            for i in range(101)
        ],
    )
    ids = list(db.session.scalars(sa.select(Person.id).where(Person.unit_id == unit.id).order_by(Person.id)))
    db.session.execute(
        sa.insert(Evidence),
        [
            {"person_id": pid, "kind": "session", "ref": "S", "date": date(2026, 4, 4), "hours": 1, "source": "import"}
            for pid in ids[:96]
        ],
    )
    mark_dirty("person", ids, 2026)
    while drain_batch(1000):
        pass
    db.session.commit()
    db.session.expire_all()
    assert group_item_scores("unit", unit.id, 2026)["U2.3"] == Decimal("9.50")
