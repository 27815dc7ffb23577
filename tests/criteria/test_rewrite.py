"""Writing results over earlier ones: a changed framework leaves no stale rows, an unchanged year writes nothing."""

import copy

import pytest
import sqlalchemy as sa

from lms.criteria.models import GroupResult, PersonResult
from lms.criteria.schema import load_document
from lms.criteria.services import item_rows, publish_framework
from lms.extensions import db
from lms.recompute.services import run_full_recompute
from tests.conftest import DEFAULT_FRAMEWORK
from tests.criteria.test_incremental_equals_full import snapshot
from tests.population import populate


def group_codes(kind: str) -> set[str]:
    rows = db.session.scalars(sa.select(GroupResult.items).where(GroupResult.kind == kind, GroupResult.period == 2026))
    return {code for items in rows for code in (items or {})}


def person_codes() -> set[str]:
    return {code for _pid, code, _points in item_rows(2026)}


def test_a_framework_with_fewer_items_leaves_no_rows_of_the_dropped_items(app, default_framework):
    populate(2, 40)
    run_full_recompute(2026, None)
    db.session.commit()
    assert "T3.2" in person_codes() and "F3" in group_codes("family")

    document = copy.deepcopy(load_document(DEFAULT_FRAMEWORK))
    citizen, family = document["titles"]["citizen"], document["titles"]["family"]
    citizen["items"] = [i for i in citizen["items"] if i["code"] != "T3.2"]
    family["items"] = [i for i in family["items"] if i["code"] != "F3"]
    publish_framework(document, "test")
    db.session.commit()
    run_full_recompute(2026, None)
    db.session.commit()
    assert "T3.2" not in person_codes() and len(person_codes()) == 9
    assert group_codes("family") == {"F1", "F2"}

    # the same as computing the year from nothing
    rewritten = snapshot()
    for model in (PersonResult, GroupResult):
        db.session.execute(sa.delete(model))
    db.session.commit()
    run_full_recompute(2026, None)
    db.session.commit()
    assert snapshot() == rewritten


def test_recomputing_an_unchanged_year_rewrites_no_row(app, default_framework):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row versions (xmin) are a PostgreSQL notion; SQLite rewrites the scope")
    populate(2, 40)
    run_full_recompute(2026, None)
    db.session.commit()

    def versions() -> dict:
        return {
            table: dict(db.session.execute(sa.text(f"SELECT {key}, xmin::text FROM {table}")).all())  # noqa: S608
            for table, key in (
                ("person_result", "person_id"),
                ("group_result", "kind || subject_id"),
            )
        }

    before = versions()
    assert all(before.values())
    run_full_recompute(2026, None)
    db.session.commit()
    assert versions() == before

    # a real change is written: one person's new evidence changes their row (and only rows it affects)
    from datetime import date

    from lms.evidence.services import add_evidence
    from lms.people.models import Person
    from lms.recompute.services import drain_batch

    someone = db.session.scalars(sa.select(Person).order_by(Person.id)).first()
    add_evidence(someone, kind="declaration", ref="T3.2", points=10, when=date(2026, 5, 1))
    db.session.commit()
    while drain_batch():
        db.session.commit()
    after = versions()
    assert after["person_result"][someone.id] != before["person_result"][someone.id]
    unchanged = sum(1 for pid, v in after["person_result"].items() if v == before["person_result"][pid])
    assert unchanged >= len(before["person_result"]) - 4  # the person and, at most, their family
