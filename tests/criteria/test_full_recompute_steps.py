"""A full recompute works in steps of whole communes (their people, then their families and villages);
the step size never changes a result."""

import sqlalchemy as sa

from lms.criteria.engine import Listed
from lms.extensions import db
from lms.people.models import Family, Person
from lms.recompute.services import full_recompute_chunks, in_parts, run_full_recompute
from tests.criteria.test_incremental_equals_full import snapshot
from tests.population import populate


def test_steps_group_whole_communes_and_give_the_same_results(app, default_framework):
    populate(6, 80)
    # one family living across two communes: its members' T1.4 reads each other across steps
    first = db.session.scalars(sa.select(Family.id).order_by(Family.id)).first()
    stranger = db.session.scalars(sa.select(Person).where(Person.family_id != first).order_by(Person.id.desc())).first()
    stranger.family_id = first
    db.session.commit()

    app.config["RECOMPUTE_STEP_PEOPLE"] = 1
    # the people of a commune per step, then its families and villages; then clans, units and figures
    assert len(full_recompute_chunks(2026, None)) == 6 + 6 + 1
    run_full_recompute(2026, None)
    db.session.commit()
    by_commune = snapshot()

    app.config["RECOMPUTE_STEP_PEOPLE"] = 200  # 80 people per commune: three communes per step
    assert len(full_recompute_chunks(2026, None)) == 2 + 2 + 1
    run_full_recompute(2026, None)
    db.session.commit()
    assert snapshot() == by_commune

    app.config["RECOMPUTE_STEP_PEOPLE"] = 10**9  # the whole district in one step
    assert len(full_recompute_chunks(2026, None)) == 1 + 1 + 1
    run_full_recompute(2026, None)
    db.session.commit()
    assert snapshot() == by_commune

    app.config["RECOMPUTE_CONNECTIONS"] = 1  # each step on its own connection only (2 in tests: in slices)
    run_full_recompute(2026, None)
    db.session.commit()
    assert snapshot() == by_commune
    assert by_commune["person_result"], "the population must have been scored"


def test_every_step_is_planned_for_its_own_ids(app, default_framework):  # type: ignore[no-untyped-def]
    """Each step runs the same statement text with other ids; a generic plan (which PostgreSQL tries
    once psycopg has prepared a statement run five times) does not know them and, at 1,000,000 people,
    scanned the evidence per person. A step must plan its statements for its own ids."""
    import pytest

    if db.engine.dialect.name != "postgresql":
        pytest.skip("plan caching is PostgreSQL's")
    populate(3, 20)
    db.session.commit()
    app.config["RECOMPUTE_STEP_PEOPLE"] = 1
    seen = []
    for step in full_recompute_chunks(2026, None):
        step()
        seen.append(db.session.scalar(sa.text("SHOW plan_cache_mode")))
        db.session.commit()
    assert seen == ["force_custom_plan"] * (3 + 3 + 1)
    assert db.session.scalar(sa.text("SHOW plan_cache_mode")) == "auto", "only the recompute's own transactions"


def test_the_slices_of_a_step_are_disjoint_and_planned_for_their_own_ids(app):  # type: ignore[no-untyped-def]
    import pytest

    if db.engine.dialect.name != "postgresql":
        pytest.skip("a step runs in slices on PostgreSQL only")
    seen: list[tuple[int, str, tuple[int, int] | None]] = []

    def work(conn: sa.Connection, ids: Listed) -> None:
        setting = conn.scalar(sa.text("SHOW plan_cache_mode"))
        seen.append((conn.scalar(sa.text("SELECT pg_backend_pid()")), setting, ids.bounds))

    conn = db.session.connection()
    conn.execute(sa.text("SET LOCAL plan_cache_mode = force_custom_plan"))  # as the step's _lock does
    in_parts(conn, list(range(1, 102)), work, 3)
    db.session.rollback()
    assert sorted(bounds for _pid, _setting, bounds in seen) == [(1, 34), (35, 68), (69, 101)]
    assert len({pid for pid, _setting, _bounds in seen}) == 3, "each slice on a connection of its own"
    assert {setting for _pid, setting, _bounds in seen} == {"force_custom_plan"}
