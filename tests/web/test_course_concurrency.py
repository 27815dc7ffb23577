"""R4: 100 concurrent enrolments, completions, quiz starts and submissions by one person on one course.

Many app test clients share one login and fire at once from threads (each request has its own app
context, session and database connection). PostgreSQL only: SQLite serialises every writer anyway.
"""

import threading
from collections import Counter

import pytest
import sqlalchemy as sa

from courses.catalogue.models import Enrolment, LessonProgress
from courses.quizzes.models import Attempt
from lms.evidence.models import Evidence
from lms.extensions import db
from tests.course_factories import QUESTIONS, make_course, right_answers
from tests.web.conftest import hidden_fields, sign_in, submit, token_of

N = 100


@pytest.fixture
def postgres(app):  # type: ignore[no-untyped-def]
    if db.engine.dialect.name != "postgresql":
        pytest.skip("R4 needs PostgreSQL's row locks (SQLite runs one writer at a time); CI runs it on PostgreSQL")
    return app


def _burst(app, signed_in, method: str, url: str, data: dict | None = None) -> Counter:  # type: ignore[no-untyped-def]
    """Send the same request N times at once with the session of `signed_in`; return the status codes."""
    cookie = _cookie(signed_in)
    start = threading.Barrier(N)
    codes: list[int] = []
    lock = threading.Lock()

    def one() -> None:
        client = app.test_client()
        client.set_cookie("session", cookie, domain="localhost")
        start.wait()
        response = client.open(url, method=method, data=data)
        with lock:
            codes.append(response.status_code)

    threads = [threading.Thread(target=one) for _ in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(codes) == N, "some requests never finished"
    return Counter(codes)


def _signed_in(app):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert sign_in(client, "0912345678").status_code == 302
    return client


def _cookie(client) -> str:  # type: ignore[no-untyped-def]
    """Return the client's session cookie as it is now (after the pages that put a CSRF token in it)."""
    return client.get_cookie("session", domain="localhost").value


def _count(model) -> int:  # type: ignore[no-untyped-def]
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_concurrent_enrolments_make_one(postgres, citizen):
    course = make_course("R4-EN", lessons=1)
    client = _signed_in(postgres)
    token = token_of(client.get(f"/courses/{course.code}").get_data(as_text=True))
    codes = _burst(postgres, client, "POST", f"/courses/{course.code}/enrol", {"csrf_token": token})
    assert set(codes) == {302}, codes
    assert _count(Enrolment) == 1


def test_concurrent_completions_record_one_evidence(postgres, citizen):
    course = make_course("R4-DONE", lessons=2)
    client = _signed_in(postgres)
    submit(client, f"/courses/{course.code}", f"/courses/{course.code}/enrol")
    first, last = course.lessons
    url = f"/courses/{course.code}/lessons/{first.id}"
    submit(client, url, f"{url}/done")
    url = f"/courses/{course.code}/lessons/{last.id}"
    fields = hidden_fields(client.get(url).get_data(as_text=True), f"{url}/done")
    codes = _burst(postgres, client, "POST", f"{url}/done", fields)
    assert set(codes) == {302}, codes
    assert _count(Evidence) == 1 and _count(LessonProgress) == 2
    enrolment = db.session.scalar(sa.select(Enrolment))
    assert enrolment.completed_at is not None and enrolment.certificate_code


def test_concurrent_lessons_and_quiz_never_miss_the_completion(postgres, citizen):
    """The last two steps done at the same moment by different requests still complete the course once."""
    course = make_course("R4-MIX", lessons=2, questions=QUESTIONS, pass_mark=100)
    client = _signed_in(postgres)
    submit(client, f"/courses/{course.code}", f"/courses/{course.code}/enrol")
    response = submit(client, f"/courses/{course.code}/quiz", f"/courses/{course.code}/quiz/start")
    number = response.headers["Location"].rsplit("/", 1)[1]
    attempt = db.session.scalar(sa.select(Attempt))
    sheet = f"/courses/{course.code}/quiz/attempts/{number}"
    token = token_of(client.get(sheet).get_data(as_text=True))
    requests = [("POST", sheet, {"csrf_token": token, **right_answers(attempt.layout)})] + [
        ("POST", f"/courses/{course.code}/lessons/{lesson.id}/done", {"csrf_token": token}) for lesson in course.lessons
    ]
    start = threading.Barrier(len(requests))
    codes: list[int] = []
    cookie = _cookie(client)

    def one(method: str, url: str, data: dict) -> None:
        other = postgres.test_client()
        other.set_cookie("session", cookie, domain="localhost")
        start.wait()
        codes.append(other.open(url, method=method, data=data).status_code)

    threads = [threading.Thread(target=one, args=r) for r in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert codes == [302] * len(requests)
    db.session.expire_all()
    enrolment = db.session.scalar(sa.select(Enrolment))
    assert enrolment.completed_at is not None and _count(Evidence) == 1


def test_concurrent_quiz_starts_and_submissions(postgres, citizen):
    course = make_course("R4-QUIZ", lessons=1, questions=QUESTIONS, max_attempts=0)
    client = _signed_in(postgres)
    submit(client, f"/courses/{course.code}", f"/courses/{course.code}/enrol")
    url = f"/courses/{course.code}/lessons/{course.lessons[0].id}"
    submit(client, url, f"{url}/done")
    token = token_of(client.get(f"/courses/{course.code}/quiz").get_data(as_text=True))
    codes = _burst(postgres, client, "POST", f"/courses/{course.code}/quiz/start", {"csrf_token": token})
    assert set(codes) == {302}, codes
    assert _count(Attempt) == 1

    attempt = db.session.scalar(sa.select(Attempt))
    sheet = f"/courses/{course.code}/quiz/attempts/{attempt.number}"
    codes = _burst(postgres, client, "POST", sheet, {"csrf_token": token, **right_answers(attempt.layout)})
    assert set(codes) == {302}, codes
    assert _count(Attempt) == 1 and _count(Evidence) == 1
    db.session.refresh(attempt)
    assert attempt.passed and attempt.correct == attempt.total
