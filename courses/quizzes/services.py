"""The question bank, attempts in a shuffled order frozen per attempt, grading and the pass that completes."""

import random
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from courses.catalogue.models import Course, Enrolment
from courses.catalogue.services import complete_if_ready, lock
from courses.quizzes.models import REVEAL_CHOICES, Attempt, Choice, Question, Quiz
from lms.extensions import db
from lms.util import utcnow

_random = random.SystemRandom()


class QuizError(ValueError):
    """A quiz action refused; the message is shown to the user (already translated)."""


@dataclass(frozen=True)
class ChoiceInput:
    """One answer typed into the question form."""

    text: str
    correct: bool


# ---- the trainer's side ---------------------------------------------------------------------------
def quiz_of(course: Course) -> Quiz | None:
    """Return the course's quiz settings, if any were saved."""
    return db.session.scalar(sa.select(Quiz).where(Quiz.course_id == course.id))


def ensure_quiz(course: Course) -> Quiz:
    """Return the course's quiz settings, creating the defaults on first use."""
    quiz = quiz_of(course)
    if quiz is None:
        quiz = Quiz(course_id=course.id)
        db.session.add(quiz)
        db.session.flush()
    return quiz


def update_settings(
    quiz: Quiz, pass_mark: int, max_attempts: int, questions_per_attempt: int, reveal_answers: str = "done"
) -> None:
    """Set the pass mark (%), the attempts limit (0: none), how many bank questions an attempt draws and
    when the learner sees the right answers (REVEAL_CHOICES)."""
    if (
        not 1 <= pass_mark <= 100
        or max_attempts < 0
        or questions_per_attempt < 0
        or reveal_answers not in REVEAL_CHOICES
    ):
        raise QuizError(_("Giá trị không hợp lệ."))
    quiz.pass_mark, quiz.max_attempts, quiz.questions_per_attempt = pass_mark, max_attempts, questions_per_attempt
    quiz.reveal_answers = reveal_answers
    db.session.flush()


def save_question(
    quiz: Quiz, question: Question | None, text: str, kind: str, explanation: str, choices: list[ChoiceInput]
) -> Question:
    """Create or replace a question of the bank (attempts already made keep their own copy)."""
    choices = [c for c in choices if c.text.strip()]
    right = sum(1 for c in choices if c.correct)
    if kind not in ("single", "multiple") or not text.strip() or len(choices) < 2:
        raise QuizError(_("Câu hỏi cần nội dung và ít nhất hai phương án trả lời."))
    if (kind == "single" and right != 1) or (kind == "multiple" and right < 1):
        raise QuizError(_("Câu hỏi một đáp án cần đúng một phương án đúng; câu nhiều đáp án cần ít nhất một."))
    if question is None:
        last = db.session.scalar(sa.select(sa.func.max(Question.position)).where(Question.quiz_id == quiz.id))
        question = Question(quiz_id=quiz.id, position=(last or 0) + 1)
        db.session.add(question)
    question.text, question.kind, question.explanation = text.strip(), kind, explanation.strip()
    question.choices = [
        Choice(position=n, text=c.text.strip(), correct=c.correct) for n, c in enumerate(choices, start=1)
    ]
    db.session.flush()
    return question


def delete_question(question: Question) -> None:
    """Remove a question from the bank."""
    db.session.delete(question)
    db.session.flush()


# ---- the learner's side ---------------------------------------------------------------------------
def attempts_of(enrolment: Enrolment) -> list[Attempt]:
    """Return the learner's attempts, first to last."""
    stmt = sa.select(Attempt).where(Attempt.enrolment_id == enrolment.id).order_by(Attempt.number)
    return list(db.session.scalars(stmt))


def open_attempt(enrolment: Enrolment) -> Attempt | None:
    """Return the attempt started and not yet submitted, if any."""
    return db.session.scalar(
        sa.select(Attempt).where(Attempt.enrolment_id == enrolment.id, Attempt.submitted_at.is_(None)).limit(1)
    )


def attempts_left(quiz: Quiz, enrolment: Enrolment) -> int | None:
    """Return how many attempts remain (None: no limit)."""
    if not quiz.max_attempts:
        return None
    used = db.session.scalar(sa.select(sa.func.count()).where(Attempt.enrolment_id == enrolment.id)) or 0
    return max(0, quiz.max_attempts - used)


def _layout(quiz: Quiz) -> list[dict[str, Any]]:
    """Draw the attempt's questions from the bank and shuffle them and their choices."""
    bank = [q for q in quiz.questions if len(q.choices) >= 2]
    size = quiz.questions_per_attempt
    drawn = _random.sample(bank, size) if 0 < size < len(bank) else list(bank)
    _random.shuffle(drawn)
    layout = []
    for question in drawn:
        choices = [{"id": c.id, "text": c.text, "correct": c.correct} for c in question.choices]
        _random.shuffle(choices)
        layout.append(
            {
                "id": question.id,
                "kind": question.kind,
                "text": question.text,
                "explanation": question.explanation,
                "choices": choices,
            }
        )
    return layout


def start_attempt(enrolment: Enrolment, quiz: Quiz) -> Attempt:
    """Start an attempt (or return the open one); refuse after a pass or when no attempt is left."""
    lock(enrolment)
    if enrolment.quiz_passed_at is not None:
        raise QuizError(_("Bạn đã đạt bài kiểm tra này."))
    current = open_attempt(enrolment)
    if current is not None:
        return current
    left = attempts_left(quiz, enrolment)
    if left == 0:
        raise QuizError(_("Bạn đã dùng hết số lần làm bài kiểm tra."))
    layout = _layout(quiz)
    if not layout:
        raise QuizError(_("Bài kiểm tra chưa có câu hỏi."))
    used = db.session.scalar(sa.select(sa.func.max(Attempt.number)).where(Attempt.enrolment_id == enrolment.id))
    attempt = Attempt(
        enrolment_id=enrolment.id, number=(used or 0) + 1, pass_mark=quiz.pass_mark, layout=layout, total=len(layout)
    )
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        # a concurrent request started this attempt first: use that one
        winner = open_attempt(enrolment)
        if winner is None:
            raise QuizError(_("Vui lòng thử lại.")) from None
        return winner
    return attempt


def grade(layout: list[dict[str, Any]], answers: dict[int, set[int]]) -> int:
    """Return how many questions are answered exactly right (every right choice, no wrong one)."""
    return sum(1 for q in layout if answers.get(q["id"], set()) == {c["id"] for c in q["choices"] if c["correct"]})


def submit_attempt(attempt: Attempt, answers: dict[int, set[int]]) -> bool:
    """Grade an open attempt once (a second submission changes nothing); a pass may complete the course.

    Return True when this submission completed the course.
    """
    lock(attempt.enrolment)
    claimed = db.session.execute(  # type: ignore[attr-defined]
        sa.update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(submitted_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(attempt)
    if claimed != 1:
        return False
    offered = {q["id"]: {c["id"] for c in q["choices"]} for q in attempt.layout}
    kept = {qid: set(ids) & offered[qid] for qid, ids in answers.items() if qid in offered}
    attempt.answers = {str(qid): sorted(ids) for qid, ids in kept.items()}
    attempt.correct = grade(attempt.layout, kept)
    attempt.passed = attempt.correct * 100 >= attempt.pass_mark * attempt.total
    db.session.flush()
    if not attempt.passed:
        return False
    enrolment = attempt.enrolment
    if enrolment.quiz_passed_at is None:
        enrolment.quiz_passed_at = attempt.submitted_at
    return complete_if_ready(enrolment)


def answers_revealed(quiz: Quiz | None, enrolment: Enrolment) -> bool:
    """Whether the learner may see the right answers (and explanations) of their submitted attempts.

    "each": always; "never": never; "done" (the default): once the quiz is passed or no attempt is left,
    so a failed attempt with a retake to come shows only which questions were right.
    """
    setting = quiz.reveal_answers if quiz is not None else "done"
    if setting == "each":
        return True
    if setting == "never":
        return False
    if enrolment.quiz_passed_at is not None or quiz is None:
        return True
    return attempts_left(quiz, enrolment) == 0 and open_attempt(enrolment) is None


def review(attempt: Attempt, reveal: bool = True) -> list[dict[str, Any]]:
    """Return the submitted attempt question by question: the choices, which were chosen, and, when
    `reveal`, which are right and the explanation (else only whether each question was answered right)."""
    chosen = {int(qid): set(ids) for qid, ids in (attempt.answers or {}).items()}
    out = []
    for n, question in enumerate(attempt.layout, start=1):
        picked = chosen.get(question["id"], set())
        right = {c["id"] for c in question["choices"] if c["correct"]}
        out.append(
            {
                "number": n,
                "text": question["text"],
                "kind": question["kind"],
                "explanation": (question.get("explanation") or "") if reveal else "",
                "right": picked == right,
                "choices": [
                    {
                        "id": c["id"],
                        "text": c["text"],
                        "correct": bool(c["correct"]) and reveal,
                        "chosen": c["id"] in picked,
                    }
                    for c in question["choices"]
                ],
            }
        )
    return out


def best_scores(enrolment_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """Return {enrolment id: (attempts, best correct, total of that attempt)} for the trainer's list."""
    if not enrolment_ids:
        return {}
    rows = db.session.execute(
        sa.select(Attempt.enrolment_id, Attempt.correct, Attempt.total)
        .where(Attempt.enrolment_id.in_(enrolment_ids))
        .order_by(Attempt.enrolment_id, Attempt.number)
    )
    out: dict[int, tuple[int, int, int]] = {}
    for enrolment_id, correct, total in rows:
        count, best, best_total = out.get(enrolment_id, (0, -1, 0))
        if correct is not None and (best < 0 or correct * best_total > best * total):
            best, best_total = correct, total
        out[enrolment_id] = (count + 1, best, best_total)
    return out


def quiz_status(course: Course, enrolment: Enrolment | None) -> dict[str, Any] | None:
    """Return what the course page says about the quiz (None when the course has none)."""
    quiz = quiz_of(course)
    if quiz is None:
        return None
    bank = db.session.scalar(sa.select(sa.func.count(Question.id)).where(Question.quiz_id == quiz.id)) or 0
    if not bank:
        return None
    size = quiz.questions_per_attempt if 0 < quiz.questions_per_attempt < bank else bank
    status: dict[str, Any] = {"quiz": quiz, "size": size, "passed": False, "left": None, "open": None, "last": None}
    if enrolment is not None:
        attempts = attempts_of(enrolment)
        status.update(
            passed=enrolment.quiz_passed_at is not None,
            left=attempts_left(quiz, enrolment),
            open=next((a for a in attempts if a.submitted_at is None), None),
            last=next((a for a in reversed(attempts) if a.submitted_at is not None), None),
            attempts=attempts,
        )
    return status
