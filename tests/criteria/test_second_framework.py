"""The same engine, a different province's framework: nothing in the code is specific to the default."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from lms.criteria.models import GroupResult, PersonResult
from lms.criteria.schema import FrameworkError, load_document, validate
from lms.criteria.services import group_item_scores, publish_framework
from lms.evidence.models import Evidence
from lms.extensions import db
from lms.people.models import Family
from lms.recompute.services import drain_batch, mark_dirty
from tests.conftest import DEFAULT_FRAMEWORK

SECOND = Path(__file__).with_name("second-framework.yaml")


@pytest.fixture
def second(app):
    publish_framework(load_document(SECOND), "test")
    db.session.commit()


def add(person, kind, ref="", **fields):
    db.session.add(Evidence(person_id=person.id, kind=kind, ref=ref, date=fields.pop("d", date(2027, 3, 3)), **fields))


def run(*people):
    mark_dirty("person", [p.id for p in people], 2027)
    while drain_batch():
        db.session.commit()


def points(kind, subject_id, code):
    db.session.expire_all()
    return group_item_scores(kind, subject_id, 2027)[code]


def test_hours_levels_sessions_and_the_worker_override(second, tree, make_person):
    fam = Family(code="G", name="Hộ Phan", village_id=tree["A1"].id)
    db.session.add(fam)
    db.session.flush()
    resident = make_person(tree["A1"], birth_year=2010, family_id=fam.id)  # 17 in 2027: adult here (16+)
    worker = make_person(tree["A1"], group="worker", family_id=fam.id)
    for p in (resident, worker):
        add(p, "course", "EN", category="foreign_language", hours=Decimal(3))
        add(p, "course", "DS", category="digital_skill", level="proficient", hours=Decimal(5), d=date(2026, 1, 1))
        add(p, "session", "S1", hours=Decimal("1.5"))
    add(worker, "plan")
    run(resident, worker)
    r = db.session.get(PersonResult, (resident.id, 2027))
    w = db.session.get(PersonResult, (worker.id, 2027))
    # A: (3 + 1.5) h x 0.5 = 2.25 (the 2026 course is outside the year); B: 8 + 2.5 = 10.5; C: 4.5
    assert Decimal(str(r.total)) == Decimal("17.25") and not r.eligible
    assert Decimal(str(w.total)) == Decimal("21.75") and w.audience == "worker"  # C: 9
    # family: both adults learned → G1 all = 50; one of two has a plan → G2 = 10
    assert points("family", fam.id, "G1") == Decimal("50")
    assert points("family", fam.id, "G2") == Decimal("10")
    assert db.session.get(GroupResult, ("family", fam.id, 2027)).attained


def test_mode_all_gives_nothing_unless_every_member_qualifies(second, tree, make_person):
    fam = Family(code="H", name="Hộ Đỗ", village_id=tree["A1"].id)
    db.session.add(fam)
    db.session.flush()
    learner = make_person(tree["A1"], family_id=fam.id)
    make_person(tree["A1"], family_id=fam.id)
    add(learner, "session", "S1", hours=Decimal(1))
    run(learner)
    assert points("family", fam.id, "G1") == Decimal("0")


@pytest.mark.parametrize(
    "mutate,path",
    [
        (
            lambda d: d["titles"]["citizen"]["items"][0]["rules"][0].update(kind="magic"),
            "titles.citizen.items[0].rules[0].kind",
        ),
        (lambda d: d["titles"]["citizen"].pop("threshold"), "titles.citizen.threshold.total"),
        (lambda d: d["titles"]["citizen"]["items"][1].pop("max"), "titles.citizen.items[1].max"),
        (
            lambda d: d["titles"]["citizen"]["items"][1]["rules"][0].update(proficient=11),
            "titles.citizen.items[1].rules[0].proficient",
        ),
        (
            lambda d: d["titles"]["family"]["items"][0]["rules"][0].update(predicate="rich"),
            "titles.family.items[0].rules[0].predicate",
        ),
        (
            lambda d: d["titles"]["citizen"]["overrides"].update(worker={"Z9": [{"kind": "declaration"}]}),
            "titles.citizen.overrides.worker.Z9",
        ),
    ],
)
def test_bad_frameworks_are_rejected_with_the_path_of_the_fault(app, mutate, path):
    doc = load_document(DEFAULT_FRAMEWORK)
    mutate(doc)
    with pytest.raises(FrameworkError) as err:
        validate(doc)
    assert path in [p for p, _ in err.value.faults]


def test_a_rejected_framework_publishes_nothing(runner, tmp_path):
    from lms.criteria.models import Framework

    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"code": "x", "period": 2026, "titles": {"citizen": {"subject": "person", "items": []}}}', encoding="utf-8"
    )
    result = runner.invoke(args=["framework", "load", str(bad)])
    assert result.exit_code == 1
    assert "titles.citizen.threshold.total" in result.output
    assert db.session.query(Framework).count() == 0
