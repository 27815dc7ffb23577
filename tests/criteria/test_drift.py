"""The drift check reports zero after normal incremental work, and names the rows when state drifted."""

from datetime import date

import sqlalchemy as sa

from lms.criteria.models import PersonResult
from lms.evidence.services import add_evidence
from lms.extensions import db
from lms.recompute.drift import drift_check
from lms.recompute.services import drain_batch, run_full_recompute


def test_no_drift_after_incremental_work_and_drift_found_when_a_row_is_tampered(default_framework, tree, make_person):
    people = [make_person(tree["A1"]), make_person(tree["B1"])]
    db.session.commit()
    run_full_recompute(2026, None)  # last night's state
    for p in people:
        add_evidence(p, kind="course", ref="K", when=date(2026, 2, 2), category="law", source="import")
    db.session.commit()
    while drain_batch():
        db.session.commit()
    first = drift_check(2026)
    assert first.differences == 0, first.details

    db.session.execute(sa.update(PersonResult).where(PersonResult.person_id == people[0].id).values(total=99))
    db.session.commit()
    report = drift_check(2026)
    assert report.differences == 1
    assert report.details["person_result"]["sample"] == [str(people[0].id)]
    assert drift_check(2026).differences == 0  # the full recompute repaired it
