"""Quizzes: the question bank, shuffled attempts frozen per attempt, scoring, attempt limits, completion."""

import sqlalchemy as sa

from courses.catalogue.models import Enrolment
from courses.quizzes.models import Attempt
from courses.quizzes.services import grade
from lms.evidence.models import Evidence
from lms.extensions import db
from tests.course_factories import QUESTIONS, make_course, right_answers, wrong_answers
from tests.web.conftest import sign_in, submit

CITIZEN = "0912345678"


def _enrol_and_study(client, course) -> None:  # type: ignore[no-untyped-def]
    submit(client, f"/courses/{course.code}", f"/courses/{course.code}/enrol")
    for lesson in course.lessons:
        url = f"/courses/{course.code}/lessons/{lesson.id}"
        submit(client, url, f"{url}/done")


def _start(client, code: str) -> Attempt:  # type: ignore[no-untyped-def]
    response = submit(client, f"/courses/{code}/quiz", f"/courses/{code}/quiz/start")
    assert response.status_code == 302, response.get_data(as_text=True)
    number = int(response.headers["Location"].rsplit("/", 1)[1])
    return db.session.scalar(sa.select(Attempt).where(Attempt.number == number).order_by(Attempt.id.desc()))


def _answer(client, code: str, attempt: Attempt, data: dict, **kwargs):  # type: ignore[no-untyped-def]
    url = f"/courses/{code}/quiz/attempts/{attempt.number}"
    return submit(client, url, url, data, **kwargs)


def test_grading_counts_exact_answers_only():
    layout = [
        {"id": 1, "kind": "single", "choices": [{"id": 10, "correct": True}, {"id": 11, "correct": False}]},
        {"id": 2, "kind": "multiple", "choices": [{"id": 20, "correct": True}, {"id": 21, "correct": True}]},
    ]
    assert grade(layout, {1: {10}, 2: {20, 21}}) == 2
    assert grade(layout, {1: {10}, 2: {20}}) == 1  # half of a multiple choice is wrong
    assert grade(layout, {1: {10, 11}, 2: set()}) == 0
    assert grade(layout, {}) == 0


def test_lessons_alone_do_not_complete_a_course_with_a_quiz(client, citizen):
    course = make_course(questions=QUESTIONS)
    sign_in(client, CITIZEN)
    _enrol_and_study(client, course)
    enrolment = db.session.scalar(sa.select(Enrolment))
    assert enrolment.completed_at is None
    page = client.get(f"/courses/{course.code}").get_data(as_text=True)
    assert "Làm bài kiểm tra" in page and "2/3 bước (66%)" in page  # the quiz is the third step, and says so


def test_fail_then_pass_completes_and_shows_the_right_answers_once_passed(client, citizen):
    course = make_course(questions=QUESTIONS, max_attempts=3)
    sign_in(client, CITIZEN)
    _enrol_and_study(client, course)

    first = _start(client, course.code)
    html = client.get(f"/courses/{course.code}/quiz/attempts/{first.number}").get_data(as_text=True)
    assert "Mã OTP ngân hàng" in html and 'type="radio"' in html and 'type="checkbox"' in html
    assert "đáp án đúng" not in html  # nothing about the answers before submission
    response = _answer(client, course.code, first, wrong_answers(first.layout), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Chưa đạt" in html and "0/2" in html
    # a retake is left: only right or wrong per question, neither the right choices nor the explanations
    assert "✗ Sai" in html and "bạn chọn" in html
    assert "đáp án đúng</span>" not in html and "Ngân hàng không bao giờ hỏi mã OTP." not in html
    assert "Đáp án đúng được hiện khi bạn đạt bài kiểm tra" in html
    assert db.session.scalar(sa.select(Enrolment)).completed_at is None

    second = _start(client, course.code)
    assert second.number == 2
    response = _answer(client, course.code, second, right_answers(second.layout), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Đạt" in html and "2/2" in html and "Hoàn thành khóa học" in html
    enrolment = db.session.scalar(sa.select(Enrolment))
    assert enrolment.completed_at is not None and enrolment.quiz_passed_at is not None
    # passed: every attempt now shows the answers, the failed one included
    html = client.get(f"/courses/{course.code}/quiz/attempts/{first.number}").get_data(as_text=True)
    assert "đáp án đúng</span>" in html and "Ngân hàng không bao giờ hỏi mã OTP." in html
    evidence = db.session.scalars(sa.select(Evidence)).all()
    assert [(e.kind, e.ref) for e in evidence] == [("course", course.code)]
    # the quiz is closed once passed
    response = submit(
        client, f"/courses/{course.code}/quiz", f"/courses/{course.code}/quiz/start", follow_redirects=True
    )
    assert "Bạn đã đạt bài kiểm tra này." in response.get_data(as_text=True)


def test_passing_the_quiz_first_completes_on_the_last_lesson(client, citizen):
    course = make_course(questions=QUESTIONS)
    sign_in(client, CITIZEN)
    submit(client, f"/courses/{course.code}", f"/courses/{course.code}/enrol")
    attempt = _start(client, course.code)
    _answer(client, course.code, attempt, right_answers(attempt.layout))
    enrolment = db.session.scalar(sa.select(Enrolment))
    assert enrolment.quiz_passed_at is not None and enrolment.completed_at is None
    for lesson in course.lessons:
        url = f"/courses/{course.code}/lessons/{lesson.id}"
        submit(client, url, f"{url}/done")
    db.session.refresh(enrolment)
    assert enrolment.completed_at is not None


def test_attempts_limit(client, citizen):
    course = make_course(questions=QUESTIONS, max_attempts=2)
    sign_in(client, CITIZEN)
    _enrol_and_study(client, course)
    for _ in range(2):
        attempt = _start(client, course.code)
        _answer(client, course.code, attempt, wrong_answers(attempt.layout))
    response = submit(
        client, f"/courses/{course.code}/quiz", f"/courses/{course.code}/quiz/start", follow_redirects=True
    )
    assert "Bạn đã dùng hết số lần làm bài kiểm tra." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 2
    # leaving and enrolling again does not reset the attempts
    submit(client, f"/courses/{course.code}", f"/courses/{course.code}/leave")
    submit(client, f"/courses/{course.code}", f"/courses/{course.code}/enrol")
    response = submit(
        client, f"/courses/{course.code}/quiz", f"/courses/{course.code}/quiz/start", follow_redirects=True
    )
    assert "Bạn đã dùng hết số lần làm bài kiểm tra." in response.get_data(as_text=True)


def _failed_result(client, max_attempts: int, reveal: str) -> str:  # type: ignore[no-untyped-def]
    """Fail the first attempt of a quiz with this many attempts and reveal setting: the result page."""
    course = make_course(questions=QUESTIONS, max_attempts=max_attempts)
    from courses.quizzes.models import Quiz

    db.session.scalar(sa.select(Quiz)).reveal_answers = reveal
    db.session.commit()
    sign_in(client, CITIZEN)
    _enrol_and_study(client, course)
    attempt = _start(client, course.code)
    return _answer(client, course.code, attempt, wrong_answers(attempt.layout), follow_redirects=True).get_data(
        as_text=True
    )


def test_the_answers_show_once_no_attempt_is_left(client, citizen):
    html = _failed_result(client, max_attempts=1, reveal="done")
    assert "Chưa đạt" in html and "đáp án đúng</span>" in html and "Ngân hàng không bao giờ hỏi mã OTP." in html


def test_a_trainer_may_show_the_answers_after_each_attempt(client, citizen):
    html = _failed_result(client, max_attempts=3, reveal="each")
    assert "đáp án đúng</span>" in html and "Ngân hàng không bao giờ hỏi mã OTP." in html


def test_a_trainer_may_never_show_the_answers(client, citizen):
    html = _failed_result(client, max_attempts=1, reveal="never")
    assert "✗ Sai" in html and "đáp án đúng</span>" not in html and "Ngân hàng không bao giờ hỏi mã OTP." not in html
    assert "không cho hiện đáp án đúng" in html


def test_an_attempt_draws_its_questions_from_a_larger_bank(client, citizen):
    bank = [
        {"text": f"Câu số {n}?", "kind": "single", "choices": [("Đúng", True), ("Sai", False)]} for n in range(1, 9)
    ]
    course = make_course(questions=bank, max_attempts=0, per_attempt=3)
    sign_in(client, CITIZEN)
    _enrol_and_study(client, course)
    assert "3 câu hỏi" in client.get(f"/courses/{course.code}/quiz").get_data(as_text=True)
    drawn = set()
    for _ in range(6):
        attempt = _start(client, course.code)
        assert attempt.total == 3 and len({q["id"] for q in attempt.layout}) == 3
        drawn |= {q["text"] for q in attempt.layout}
        _answer(client, course.code, attempt, wrong_answers(attempt.layout))
    assert len(drawn) > 3  # six draws of 3 from 8 all alike: (1/56)^5


def test_order_is_shuffled_per_attempt_and_grading_follows_the_stored_order(client, citizen):
    bank = [
        {
            "text": f"Câu hỏi số {n}",
            "kind": "single",
            "choices": [(f"Đúng {n}", True)] + [(f"Sai {n}.{m}", False) for m in range(4)],
        }
        for n in range(8)
    ]
    course = make_course(questions=bank, max_attempts=0, per_attempt=5, pass_mark=100)
    sign_in(client, CITIZEN)
    _enrol_and_study(client, course)
    orders = set()
    for _ in range(6):
        attempt = _start(client, course.code)
        assert attempt.total == 5 and len({q["id"] for q in attempt.layout}) == 5
        html = client.get(f"/courses/{course.code}/quiz/attempts/{attempt.number}").get_data(as_text=True)
        shown = [q["text"] for q in attempt.layout]
        positions = [html.index(text + "<") for text in shown]
        assert positions == sorted(positions)  # the page shows the stored order
        orders.add((tuple(q["id"] for q in attempt.layout), tuple(c["id"] for c in attempt.layout[0]["choices"])))
        _answer(client, course.code, attempt, wrong_answers(attempt.layout))
        db.session.refresh(attempt)
        assert attempt.correct == 0 and attempt.passed is False
    assert len(orders) > 1


def test_an_unanswered_sheet_is_shown_again_and_the_attempt_stays_open(client, citizen):
    course = make_course(questions=QUESTIONS)
    sign_in(client, CITIZEN)
    _enrol_and_study(client, course)
    attempt = _start(client, course.code)
    response = _answer(client, course.code, attempt, {})
    assert response.status_code == 200
    assert "Hãy trả lời tất cả các câu hỏi" in response.get_data(as_text=True)
    db.session.refresh(attempt)
    assert attempt.submitted_at is None


def test_a_second_submission_changes_nothing(client, citizen):
    course = make_course(questions=QUESTIONS)
    sign_in(client, CITIZEN)
    _enrol_and_study(client, course)
    attempt = _start(client, course.code)
    _answer(client, course.code, attempt, wrong_answers(attempt.layout))
    response = _answer(client, course.code, attempt, right_answers(attempt.layout))
    assert response.status_code == 302
    db.session.refresh(attempt)
    assert attempt.correct == 0 and not attempt.passed


def test_answers_outside_the_attempt_are_refused(client, citizen):
    course = make_course(questions=QUESTIONS)
    sign_in(client, CITIZEN)
    _enrol_and_study(client, course)
    attempt = _start(client, course.code)
    data = right_answers(attempt.layout)
    single = next(q for q in attempt.layout if q["kind"] == "single")
    data[f"q{single['id']}"] = "999999"
    response = _answer(client, course.code, attempt, data)
    assert response.status_code == 200  # the sheet again, nothing graded
    db.session.refresh(attempt)
    assert attempt.submitted_at is None


def test_trainer_builds_the_question_bank(client, make_user):
    trainer = make_user("trainer", login="gv@example.vn")
    course = make_course(owner=trainer, published=False)
    sign_in(client, "gv@example.vn")
    base = f"/trainer/courses/{course.code}/quiz"
    settings = {"pass_mark": "80", "max_attempts": "2", "questions_per_attempt": "0", "reveal_answers": "never"}
    response = submit(client, base, base, settings)
    assert response.status_code == 302
    new = f"{base}/questions/new"
    bad = {"text": "Hai đáp án đúng?", "kind": "single", "choices-0-text": "A", "choices-0-correct": "y",
           "choices-1-text": "B", "choices-1-correct": "y"}  # fmt: skip
    response = submit(client, new, new, bad)
    assert response.status_code == 200
    assert "cần đúng một phương án đúng" in response.get_data(as_text=True)
    good = {"text": "Thủ đô của Việt Nam?", "kind": "single", "choices-0-text": "Hà Nội", "choices-0-correct": "y",
            "choices-1-text": "Huế", "choices-2-text": "", "explanation": "Hà Nội là thủ đô."}  # fmt: skip
    assert submit(client, new, new, good).status_code == 302
    page = client.get(base).get_data(as_text=True)
    assert "Thủ đô của Việt Nam?" in page and "Hà Nội" in page
    from courses.quizzes.models import Question, Quiz

    quiz = db.session.scalar(sa.select(Quiz))
    assert (quiz.pass_mark, quiz.max_attempts, quiz.reveal_answers) == (80, 2, "never")
    response = submit(client, base, base, {**settings, "reveal_answers": "always"})
    assert response.status_code == 200 and db.session.scalar(sa.select(Quiz)).reveal_answers == "never"
    question = db.session.scalar(sa.select(Question))
    assert [(c.text, c.correct) for c in question.choices] == [("Hà Nội", True), ("Huế", False)]
    edit = f"{base}/questions/{question.id}/edit"
    assert 'value="Hà Nội"' in client.get(edit).get_data(as_text=True)
    changed = {**good, "kind": "multiple", "choices-1-correct": "y"}
    assert submit(client, edit, edit, changed).status_code == 302
    db.session.expire_all()
    assert db.session.get(Question, question.id).kind == "multiple"
    assert submit(client, base, f"{base}/questions/{question.id}/delete").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0


def test_editing_the_bank_does_not_change_an_attempt_in_progress(client, citizen):
    from courses.quizzes.models import Choice

    course = make_course(questions=QUESTIONS)
    sign_in(client, CITIZEN)
    _enrol_and_study(client, course)
    attempt = _start(client, course.code)
    for choice in db.session.scalars(sa.select(Choice)):
        choice.correct = not choice.correct  # the trainer flips every answer meanwhile
    db.session.commit()
    _answer(client, course.code, attempt, right_answers(attempt.layout))
    db.session.refresh(attempt)
    assert attempt.passed  # graded against what the learner was shown
