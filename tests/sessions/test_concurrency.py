"""R4: 100 concurrent QR check-ins of the same person to the same session → one attendance, one evidence, no 500."""

import threading
from collections import Counter

import pytest
import sqlalchemy as sa

from lms.extensions import db
from tests.web.conftest import sign_in, token_of

N = 100


@pytest.fixture
def postgres(database_url):  # type: ignore[no-untyped-def]
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrency needs PostgreSQL (SQLite serialises writers); always run in CI")
    return database_url


def _run_concurrently(app, path: str, cookie: str, token: str) -> Counter:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(N)
    statuses: Counter = Counter()
    lock = threading.Lock()

    def hit() -> None:
        client = app.test_client()
        client.set_cookie("session", cookie)
        barrier.wait()
        status = client.post(path, data={"csrf_token": token}).status_code
        with lock:
            statuses[status] += 1

    threads = [threading.Thread(target=hit) for _ in range(N)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def test_100_concurrent_qr_check_ins_make_one_attendance_and_one_evidence(postgres, app, citizen, training):
    from courses.sessions.models import Attendance
    from courses.sessions.services import checkin_token
    from lms.evidence.models import Evidence

    client = app.test_client()
    sign_in(client, "0912345678")
    with app.test_request_context():
        path = f"/sessions/checkin/{checkin_token(training)}"
    token = token_of(client.get(path).get_data(as_text=True))  # the confirmation page's form
    cookie = client.get_cookie("session").value
    db.session.commit()  # release this thread's connection state before the burst

    statuses = _run_concurrently(app, path, cookie, token)

    assert statuses == Counter({200: N})
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 1
    evidence = list(db.session.scalars(sa.select(Evidence).where(Evidence.person_id == citizen.person.id)))
    assert [(e.kind, e.ref) for e in evidence] == [("session", training.code)]


def test_concurrent_check_ins_of_many_people_count_exactly(postgres, app, training, tree, make_person):
    """The service under a thread burst: 20 people × 5 attempts each → 20 attendances, 20 evidence rows."""
    from courses.sessions.models import Attendance, TrainingSession
    from courses.sessions.services import check_in
    from lms.evidence.models import Evidence
    from lms.people.models import Person

    ids = [make_person(tree["A1"], full_name=f"Người {i}").id for i in range(20)]
    session_id = training.id
    db.session.commit()
    barrier = threading.Barrier(len(ids) * 5)
    errors: list[BaseException] = []

    def attempt(person_id: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                ts = db.session.get(TrainingSession, session_id)
                check_in(ts, db.session.get(Person, person_id), "qr")
                db.session.commit()
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(pid,)) for pid in ids for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 20
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Evidence).where(Evidence.kind == "session")) == 20
