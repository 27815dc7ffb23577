"""The demo catalogue: every course has a real quiz, and the demo trainer authors the courses."""

import sqlalchemy as sa

from courses.catalogue.demo import COURSES, load_demo_catalogue
from courses.catalogue.models import Course
from courses.quizzes.demo import QUIZZES, load_demo_quizzes
from courses.quizzes.models import Question, Quiz
from lms.auth.models import User
from lms.demo.services import LOGINS
from lms.extensions import db


def _load() -> None:
    load_demo_catalogue()
    load_demo_quizzes()
    db.session.commit()


def test_every_demo_course_has_a_quiz_with_valid_answers(app):
    _load()
    assert set(QUIZZES) == {c["code"] for c in COURSES}
    for course in db.session.scalars(sa.select(Course)):
        quiz = db.session.scalar(sa.select(Quiz).where(Quiz.course_id == course.id))
        assert quiz is not None and 4 <= len(quiz.questions) <= 6, course.code
        for question in quiz.questions:
            right = [c for c in question.choices if c.correct]
            assert len(question.choices) >= 2, question.text
            assert len(right) == 1 if question.kind == "single" else len(right) >= 1, question.text
        assert any(q.kind == "multiple" for q in quiz.questions), course.code


def test_the_demo_trainer_authors_the_demo_courses_and_loading_twice_adds_nothing(app):
    _load()
    trainer = db.session.scalar(sa.select(User).where(User.login == LOGINS["trainer"]))
    assert trainer is not None and trainer.role == "trainer"
    owners = set(db.session.scalars(sa.select(Course.created_by_id)))
    assert owners == {trainer.id}
    questions = db.session.scalar(sa.select(sa.func.count()).select_from(Question))
    _load()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == questions
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
