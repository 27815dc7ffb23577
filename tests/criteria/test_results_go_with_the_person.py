"""person_result has no foreign key to person (its check on every inserted row was a quarter of a year's
first recompute): a trigger on person keeps ON DELETE CASCADE, without leaving behind the rows of a
writer that was still at work when the person went."""

import threading
import time
from decimal import Decimal

import pytest
import sqlalchemy as sa

from lms.extensions import db


def _result(person_id: int, period: int = 2026) -> dict:
    return {
        "person_id": person_id,
        "period": period,
        "audience": "adult",
        "total": Decimal("80.00"),
        "threshold": Decimal("70.00"),
        "eligible": True,
    }


def _results_of(person_id: int) -> int:
    from lms.criteria.models import PersonResult

    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).where(PersonResult.person_id == person_id))


def test_deleting_a_person_deletes_their_results_of_every_year_and_no_one_elses(app, tree, make_person):
    from lms.criteria.models import PersonResult
    from lms.people.models import Person

    gone = make_person(tree["A1"], full_name="Trần Thị Bé")
    kept = make_person(tree["A1"], full_name="Lê Văn Còn")
    db.session.execute(
        sa.insert(PersonResult), [_result(gone.id, 2025), _result(gone.id, 2026), _result(kept.id, 2026)]
    )
    db.session.commit()

    db.session.execute(sa.delete(Person).where(Person.id == gone.id))
    db.session.commit()

    assert _results_of(gone.id) == 0
    assert _results_of(kept.id) == 1


@pytest.fixture
def postgres(database_url):  # type: ignore[no-untyped-def]
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises writers); always run in CI")
    return database_url


def test_a_person_deleted_while_a_recompute_writes_their_result_leaves_no_result_behind(
    postgres, app, tree, make_person
):
    """The recompute's statement read the person before the delete; its row, not yet committed, is
    invisible to the delete. The delete waits for that writer, then removes its row too."""
    from lms.criteria.models import PersonResult
    from lms.people.models import Person

    person = make_person(tree["A1"], full_name="Phạm Thị Đào")
    pid = person.id
    db.session.commit()
    row = _result(pid)
    writer = db.engine.connect()
    writer_tx = writer.begin()
    # as the engine writes: the result of a person read from `person` in the same statement
    writer.execute(
        sa.insert(PersonResult).from_select(
            list(row),
            sa.select(*(sa.literal(v) if k != "person_id" else Person.id for k, v in row.items())).where(
                Person.id == pid
            ),
        )
    )

    deleted = threading.Event()

    def delete_person() -> None:
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(sa.delete(Person).where(Person.id == pid))
        deleted.set()

    deleter = threading.Thread(target=delete_person)
    deleter.start()
    waited = _wait_until_blocked(writer)
    assert waited, "the delete of the person did not wait for the writer of results in progress"
    assert not deleted.is_set()
    writer_tx.commit()
    writer.close()
    deleter.join(timeout=30)

    assert deleted.is_set()
    assert _results_of(pid) == 0


def _wait_until_blocked(conn: sa.Connection, seconds: float = 10.0) -> bool:
    """True once another backend waits for a lock held by `conn`'s backend."""
    mine = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        with db.engine.connect() as probe:
            blocked = probe.execute(
                sa.text("SELECT count(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))"),
                {"pid": mine},
            ).scalar_one()
        if blocked:
            return True
        time.sleep(0.05)
    return False
