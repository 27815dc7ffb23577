"""Dry run of a changed framework: counts by commune, nothing written, holders losing eligibility listed."""

import copy
from datetime import date

from lms.criteria.dry_run import dry_run
from lms.criteria.models import Framework, PersonResult
from lms.criteria.schema import load_document
from lms.extensions import db
from lms.recompute.services import run_full_recompute
from lms.titles.models import Award
from tests.conftest import DEFAULT_FRAMEWORK
from tests.criteria.test_engine_default import full_marks


def test_a_stricter_threshold_shows_losses_by_commune_and_writes_nothing(default_framework, tree, make_person):
    strong = make_person(tree["A1"])
    full_marks(strong)  # 100 points
    other = make_person(tree["B1"])
    full_marks(other, hours=6)  # T1.3 = 6 → 96 points
    db.session.commit()
    run_full_recompute(2026, None)
    db.session.add(
        Award(person_id=other.id, period=2026, decision_no="2/QĐ", decision_date=date(2026, 12, 1), awarded_by="t")
    )
    db.session.commit()

    doc = copy.deepcopy(load_document(DEFAULT_FRAMEWORK))
    doc["titles"]["citizen"]["threshold"]["total"] = 98
    report = dry_run(doc)

    assert report["communes"] == {"B": {"people_gain": 0, "people_loss": 1, "groups_gain": 0, "groups_loss": 0}}
    assert report["holders_losing"] == [other.id]
    assert db.session.get(PersonResult, (other.id, 2026)).eligible  # nothing written
    assert db.session.query(Framework).count() == 1
