"""Public catalogue, course pages, enrolment, lessons, completion and certificate verification."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from courses.catalogue.forms import EnrolForm, LessonDoneForm, SearchForm, category_label, course_title
from courses.catalogue.markup import render_lesson
from courses.catalogue.models import Course, Enrolment, Lesson
from courses.catalogue.queries import install as install_queries
from courses.catalogue.services import (
    catalogue,
    certificate,
    done_lessons,
    enrol,
    enrolment_of,
    mark_lesson_done,
    progress,
)
from lms.auth.services import require_role
from lms.cli import poke_worker
from lms.extensions import db
from lms.people.models import Person
from lms.web import text_arg

bp = Blueprint("catalogue", __name__, template_folder="templates")
bp.add_app_template_global(category_label)
bp.add_app_template_global(course_title)
bp.add_app_template_filter(render_lesson, "lesson_html")
bp.record_once(lambda state: install_queries(state.app))

PER_PAGE = 20


def _course_or_404(code: str) -> Course:
    if "\x00" in code or len(code) > 64:
        abort(404)
    return db.first_or_404(sa.select(Course).where(Course.code == code, Course.published.is_(True)))


def _citizen() -> Person:
    """Return the logged-in citizen's person record (401 anonymous, 403 for other roles)."""
    user = require_role("citizen")
    if user.person is None:
        abort(403)
    return user.person


def _viewer_person() -> Person | None:
    """Return the person record of the viewer when they are a citizen."""
    if current_user.is_authenticated and current_user.role == "citizen":
        return current_user.person
    return None


@bp.get("/courses")
def index():  # type: ignore[no-untyped-def]
    """List the published courses: diacritics-insensitive search and a category filter."""
    query, category = text_arg("q"), text_arg("category", 32) or None
    form = SearchForm(formdata=None, q=query, category=category or "")
    page = db.paginate(catalogue(query, category), per_page=PER_PAGE, error_out=False)
    return render_template("catalogue/index.html", form=form, page=page, query=query, category=category)


@bp.get("/courses/<code>")
def course(code: str):  # type: ignore[no-untyped-def]
    """Show a course: description, lessons (ticked when done), progress and the enrol button."""
    found = _course_or_404(code)
    person = _viewer_person()
    enrolment = enrolment_of(person, found) if person is not None else None
    return render_template(
        "catalogue/course.html",
        course=found,
        enrolment=enrolment,
        done=done_lessons(enrolment) if enrolment else set(),
        progress=progress(enrolment) if enrolment else None,
        can_enrol=person is not None and enrolment is None,
        enrol_form=EnrolForm(),
    )


@bp.post("/courses/<code>/enrol")
def enrol_in(code: str):  # type: ignore[no-untyped-def]
    """Enrol the logged-in citizen in the course."""
    person = _citizen()
    found = _course_or_404(code)
    if EnrolForm().validate_on_submit():
        enrol(person, found)
        db.session.commit()
        flash(_("Bạn đã ghi danh khóa học."), "success")
        if found.lessons:
            return redirect(url_for(".lesson", code=found.code, lesson_id=found.lessons[0].id))
    return redirect(url_for(".course", code=found.code))


def _enrolled_lesson(code: str, lesson_id: int) -> tuple[Person, Course, Enrolment | None, Lesson]:
    person = _citizen()
    found = _course_or_404(code)
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None or lesson.course_id != found.id:
        abort(404)
    return person, found, enrolment_of(person, found), lesson


@bp.get("/courses/<code>/lessons/<int:lesson_id>")
def lesson(code: str, lesson_id: int):  # type: ignore[no-untyped-def]
    """Show one lesson to an enrolled citizen."""
    _person, found, enrolment, current = _enrolled_lesson(code, lesson_id)
    if enrolment is None:
        flash(_("Hãy ghi danh khóa học trước khi học."), "info")
        return redirect(url_for(".course", code=found.code))
    lessons = list(found.lessons)
    index_of = lessons.index(current)
    return render_template(
        "catalogue/lesson.html",
        course=found,
        lesson=current,
        enrolment=enrolment,
        done=done_lessons(enrolment),
        progress=progress(enrolment),
        previous=lessons[index_of - 1] if index_of > 0 else None,
        following=lessons[index_of + 1] if index_of + 1 < len(lessons) else None,
        position=index_of + 1,
        form=LessonDoneForm(),
    )


@bp.post("/courses/<code>/lessons/<int:lesson_id>/done")
def lesson_done(code: str, lesson_id: int):  # type: ignore[no-untyped-def]
    """Mark a lesson done; completing the last lesson completes the course and issues a certificate."""
    _person, found, enrolment, current = _enrolled_lesson(code, lesson_id)
    if enrolment is None:
        flash(_("Hãy ghi danh khóa học trước khi học."), "info")
        return redirect(url_for(".course", code=found.code))
    if not LessonDoneForm().validate_on_submit():
        return redirect(url_for(".lesson", code=found.code, lesson_id=current.id))
    completed = mark_lesson_done(enrolment, current)
    db.session.commit()
    if completed:
        poke_worker()
        flash(
            _(
                "Hoàn thành khóa học! Mã xác thực chứng nhận: %(code)s. "
                "Điểm trong sổ học tập sẽ được cập nhật sau vài giây.",
                code=enrolment.certificate_code,
            ),
            "success",
        )
        return redirect(url_for(".course", code=found.code))
    lessons = list(found.lessons)
    finished = done_lessons(enrolment)
    here = lessons.index(current)
    after = [item for item in lessons[here + 1 :] + lessons[:here] if item.id not in finished]
    flash(_("Đã đánh dấu bài học là đã học xong."), "success")
    if after:
        return redirect(url_for(".lesson", code=found.code, lesson_id=after[0].id))
    return redirect(url_for(".course", code=found.code))


@bp.get("/verify/<code>")
def verify(code: str):  # type: ignore[no-untyped-def]
    """Verify a certificate publicly: name, course, hours and completion date only."""
    found = certificate(code[:32]) if code.isalnum() else None
    if found is None:
        return render_template("catalogue/verify.html", enrolment=None, code=code[:32]), 404
    return render_template("catalogue/verify.html", enrolment=found, code=found.certificate_code)
