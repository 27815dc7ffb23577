"""Quiz pages: the trainer's settings and question bank; the learner's attempts and results."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from courses.authoring.forms import ConfirmForm
from courses.authoring.views import get_course_or_404
from courses.catalogue.models import Course
from courses.catalogue.services import progress
from courses.catalogue.views import enrolled_citizen
from courses.quizzes.forms import CHOICE_SLOTS, QuestionForm, QuizSettingsForm, StartForm, answer_form, answers_of
from courses.quizzes.models import Attempt, Question
from courses.quizzes.services import (
    ChoiceInput,
    QuizError,
    answers_revealed,
    delete_question,
    ensure_quiz,
    quiz_of,
    quiz_status,
    review,
    save_question,
    start_attempt,
    submit_attempt,
    update_settings,
)
from lms.cli import poke_worker
from lms.extensions import db

bp = Blueprint("quizzes", __name__, template_folder="templates")


# ---- the trainer's side ---------------------------------------------------------------------------
@bp.route("/trainer/courses/<code>/quiz", methods=["GET", "POST"])
def settings(code: str) -> ResponseReturnValue:
    """The course's quiz: pass mark, attempts limit, questions per attempt, and the question bank."""
    course = get_course_or_404(code)
    quiz = quiz_of(course)
    form = QuizSettingsForm(obj=quiz)
    if form.validate_on_submit():
        update_settings(
            ensure_quiz(course),
            form.pass_mark.data,
            form.max_attempts.data,
            form.questions_per_attempt.data,
            form.reveal_answers.data or "done",
        )
        db.session.commit()
        flash(_("Đã lưu cài đặt bài kiểm tra."), "success")
        return redirect(url_for(".settings", code=course.code))
    return render_template("quizzes/settings.html", course=course, quiz=quiz, form=form, confirm_form=ConfirmForm())


def _question_of(course: Course, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.quiz.course_id != course.id:
        abort(404)
    return question


def _question_form(question: Question | None) -> QuestionForm:
    if request.method != "GET" or question is None:
        return QuestionForm()
    slots = [{"text": c.text, "correct": c.correct} for c in question.choices][:CHOICE_SLOTS]
    slots += [{"text": "", "correct": False}] * (CHOICE_SLOTS - len(slots))
    return QuestionForm(
        data={"text": question.text, "kind": question.kind, "explanation": question.explanation, "choices": slots}
    )


def _edit_question(course: Course, question: Question | None) -> ResponseReturnValue:
    form = _question_form(question)
    if form.validate_on_submit():
        choices = [ChoiceInput(e.form.text.data or "", bool(e.form.correct.data)) for e in form.choices.entries]
        try:
            save_question(
                ensure_quiz(course), question, form.text.data, form.kind.data, form.explanation.data or "", choices
            )
        except QuizError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Đã lưu câu hỏi."), "success")
            if request.form.get("next") == "another":
                return redirect(url_for(".new_question", code=course.code))
            return redirect(url_for(".settings", code=course.code, _anchor="questions"))
    return render_template("quizzes/question_form.html", course=course, question=question, form=form)


@bp.route("/trainer/courses/<code>/quiz/questions/new", methods=["GET", "POST"])
def new_question(code: str) -> ResponseReturnValue:
    """Add a question to the course's bank."""
    return _edit_question(get_course_or_404(code), None)


@bp.route("/trainer/courses/<code>/quiz/questions/<int:question_id>/edit", methods=["GET", "POST"])
def edit_question(code: str, question_id: int) -> ResponseReturnValue:
    """Change a question (attempts already made keep the version they were shown)."""
    course = get_course_or_404(code)
    return _edit_question(course, _question_of(course, question_id))


@bp.post("/trainer/courses/<code>/quiz/questions/<int:question_id>/delete")
def remove_question(code: str, question_id: int) -> ResponseReturnValue:
    """Remove a question from the bank."""
    course = get_course_or_404(code)
    question = _question_of(course, question_id)
    if ConfirmForm().validate_on_submit():
        delete_question(question)
        db.session.commit()
        flash(_("Đã xóa câu hỏi."), "success")
    return redirect(url_for(".settings", code=course.code, _anchor="questions"))


# ---- the learner's side ---------------------------------------------------------------------------
@bp.get("/courses/<code>/quiz")
def overview(code: str) -> ResponseReturnValue:
    """The quiz of a course: its rules, the learner's attempts so far, and the start button."""
    course, enrolment = enrolled_citizen(code)
    if enrolment is None:
        return redirect(url_for("catalogue.course", code=course.code))
    status = quiz_status(course, enrolment)
    if status is None:
        abort(404)
    return render_template(
        "quizzes/overview.html",
        course=course,
        enrolment=enrolment,
        status=status,
        progress=progress(enrolment),
        form=StartForm(),
    )


@bp.post("/courses/<code>/quiz/start")
def start(code: str) -> ResponseReturnValue:
    """Start an attempt (or go back to the one in progress)."""
    course, enrolment = enrolled_citizen(code)
    if enrolment is None:
        return redirect(url_for("catalogue.course", code=course.code))
    quiz = quiz_of(course)
    if quiz is None or not StartForm().validate_on_submit():
        return redirect(url_for(".overview", code=course.code))
    try:
        attempt = start_attempt(enrolment, quiz)
    except QuizError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".overview", code=course.code))
    db.session.commit()
    return redirect(url_for(".attempt", code=course.code, number=attempt.number))


@bp.route("/courses/<code>/quiz/attempts/<int:number>", methods=["GET", "POST"])
def attempt(code: str, number: int) -> ResponseReturnValue:
    """An attempt: the answer sheet while open, the result with the right answers once submitted."""
    course, enrolment = enrolled_citizen(code)
    if enrolment is None:
        return redirect(url_for("catalogue.course", code=course.code))
    found = db.session.scalar(sa.select(Attempt).where(Attempt.enrolment_id == enrolment.id, Attempt.number == number))
    if found is None:
        abort(404)
    if found.submitted_at is not None:
        if request.method == "POST":  # submitted twice (a double click): show the one result
            return redirect(url_for(".attempt", code=course.code, number=number))
        reveal = answers_revealed(quiz_of(course), enrolment)
        return render_template(
            "quizzes/result.html",
            course=course,
            enrolment=enrolment,
            attempt=found,
            reveal=reveal,
            questions=review(found, reveal),
            status=quiz_status(course, enrolment),
            form=StartForm(),
        )
    form = answer_form(found.layout)
    if form.validate_on_submit():
        completed = submit_attempt(found, answers_of(form, found.layout))
        db.session.commit()
        if completed:
            poke_worker()
            flash(_("Hoàn thành khóa học! Điểm trong sổ học tập sẽ được cập nhật sau vài giây."), "success")
        return redirect(url_for(".attempt", code=course.code, number=number))
    return render_template("quizzes/attempt.html", course=course, attempt=found, form=form)
