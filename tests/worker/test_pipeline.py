"""The recompute pipeline with a real worker process on PostgreSQL and Redis."""

import time
from datetime import date
from decimal import Decimal

from lms.criteria.models import PersonResult
from lms.evidence.services import add_evidence
from lms.extensions import db
from lms.indicators.models import AreaIndicator


def wait_for(predicate, timeout=60.0, what="condition", log=None, detail=None):
    """Poll until `predicate` is true; on a timeout the failure shows `detail()` and the end of the worker's `log`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()  # see the worker's commits
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    tail = f" ({detail()})" if detail is not None else ""
    tail += f"\nworker log:\n{log.read_text(errors='replace')[-6000:]}" if log is not None else ""
    raise AssertionError(f"timed out waiting for {what}{tail}")


def test_beat_drains_the_outbox_without_any_poke(live_app, default_framework, tree, make_person, worker):
    person = make_person(tree["A1"])
    add_evidence(person, kind="plan", ref="", when=date(2026, 3, 1), source="import")
    db.session.commit()  # no send_task: only the beat schedule can pick it up
    result = wait_for(lambda: db.session.get(PersonResult, (person.id, 2026)), what="the beat drain")
    assert Decimal(str(result.total)) == Decimal("10")
    district = wait_for(lambda: db.session.get(AreaIndicator, (tree["D"].id, 2026)), what="district figures")
    assert district.people == 1


def test_a_poke_makes_the_worker_recompute_and_cascade_to_the_district(
    live_app, default_framework, tree, make_person, worker
):
    from lms.cli import poke_worker

    people = [make_person(tree["A1"]), make_person(tree["B1"])]
    for p in people:
        add_evidence(p, kind="course", ref="K1", when=date(2026, 4, 1), category="law", source="import")
    db.session.commit()
    poke_worker()
    wait_for(lambda: all(db.session.get(PersonResult, (p.id, 2026)) for p in people), what="both people scored")
    district = wait_for(
        lambda: (row := db.session.get(AreaIndicator, (tree["D"].id, 2026))) and row.people == 2 and row,
        what="district",
    )
    commune_a = db.session.get(AreaIndicator, (tree["A"].id, 2026))
    assert district.people == 2 and commune_a.people == 1
