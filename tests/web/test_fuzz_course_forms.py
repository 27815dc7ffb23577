"""Property-based fuzzing of the course, lesson, cover, quiz and answer forms: a clear 4xx or success, never 500."""

import io

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.quizzes.models import Attempt
from lms.extensions import db
from tests.course_factories import QUESTIONS, make_course
from tests.web.conftest import sign_in, submit

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=300)
FIELD = st.one_of(
    TEXT,
    st.sampled_from(["", "0", "-1", "1e9", "NaN", "Infinity", "digital_skill", "basic", "single", "multiple", "y"]),
)
FUZZ = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
QUESTION_FIELDS = ["text", "kind", "explanation"] + [f"choices-{n}-{f}" for n in range(7) for f in ("text", "correct")]
COURSE_FIELDS = ("code", "title", "title_en", "description", "description_en", "category", "hours", "digital_level")


def signed_in(app, login: str):  # type: ignore[no-untyped-def]
    """Log in through the form, then turn CSRF off to reach the validation (tests/web/test_access.py checks CSRF)."""
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    sign_in(client, login)
    app.config["WTF_CSRF_ENABLED"] = False
    return client


@pytest.fixture
def authored(app, make_user):  # type: ignore[no-untyped-def]
    trainer = make_user("trainer", login="gv.fuzz@example.vn")
    return make_course("FUZZ-1", owner=trainer, questions=QUESTIONS)


@FUZZ
@given(data=st.fixed_dictionaries({k: FIELD for k in COURSE_FIELDS}), cover=st.binary(max_size=2048), name=TEXT)
def test_course_form_and_cover_never_fail(app, authored, data, cover, name):
    client = signed_in(app, "gv.fuzz@example.vn")
    assert client.post("/trainer/courses/new", data=data).status_code < 500
    response = client.post(
        "/trainer/courses/FUZZ-1/edit",
        data={**data, "cover": (io.BytesIO(cover), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code < 500


@FUZZ
@given(
    lesson=st.fixed_dictionaries({k: FIELD for k in ("module", "title", "body", "video_url")}),
    direction=FIELD,
    action=FIELD,
    body=st.binary(max_size=2048),
    name=TEXT,
)
def test_lesson_forms_never_fail(app, authored, lesson, direction, action, body, name):
    client = signed_in(app, "gv.fuzz@example.vn")
    lesson_id = authored.lessons[0].id
    base = f"/trainer/courses/FUZZ-1/lessons/{lesson_id}"
    assert client.post("/trainer/courses/FUZZ-1/lessons/new", data=lesson).status_code < 500
    assert client.post(f"{base}/edit", data=lesson).status_code < 500
    assert client.post(f"{base}/move", data={"direction": direction}).status_code < 500
    assert client.post("/trainer/courses/FUZZ-1/publish", data={"action": action}).status_code < 500
    response = client.post(f"{base}/files", data={"file": (io.BytesIO(body), name)}, content_type="multipart/form-data")
    assert response.status_code < 500


@FUZZ
@given(
    quiz=st.fixed_dictionaries({k: FIELD for k in ("pass_mark", "max_attempts", "questions_per_attempt")}),
    question=st.dictionaries(
        st.sampled_from(
            ["text", "kind", "explanation"] + [f"choices-{n}-{f}" for n in range(7) for f in ("text", "correct")]
        ),
        FIELD,
    ),
)
def test_quiz_settings_and_question_forms_never_fail(app, authored, quiz, question):
    client = signed_in(app, "gv.fuzz@example.vn")
    assert client.post("/trainer/courses/FUZZ-1/quiz", data=quiz).status_code < 500
    assert client.post("/trainer/courses/FUZZ-1/quiz/questions/new", data=question).status_code < 500


@FUZZ
@given(answers=st.dictionaries(st.one_of(TEXT, st.sampled_from(["q1", "q2"])), st.lists(FIELD, max_size=3), max_size=4))
def test_answer_sheet_never_fails(app, authored, citizen, answers):
    learner = app.test_client()
    sign_in(learner, "0912345678")
    submit(learner, "/courses/FUZZ-1", "/courses/FUZZ-1/enrol")
    submit(learner, "/courses/FUZZ-1/quiz", "/courses/FUZZ-1/quiz/start")
    attempt = db.session.scalar(sa.select(Attempt).order_by(Attempt.id.desc()))
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        assert learner.post(f"/courses/FUZZ-1/quiz/attempts/{attempt.number}", data=answers).status_code < 500
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
