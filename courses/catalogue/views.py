"""Public catalogue, course pages, enrolment, lessons and their files, my courses, certificate verification."""

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from courses.catalogue.forms import (
    EnrolForm,
    LeaveForm,
    LessonDoneForm,
    SearchForm,
    VerifyForm,
    category_label,
    course_description,
    course_summary,
    course_title,
)
from courses.catalogue.markup import render_lesson, video_site
from courses.catalogue.models import Course, Enrolment, Lesson, LessonFile
from courses.catalogue.queries import enrolments_of
from courses.catalogue.queries import install as install_queries
from courses.catalogue.services import (
    EnrolmentError,
    canonical_code,
    catalogue,
    certificate,
    done_lessons,
    enrol,
    enrolment_of,
    leave,
    mark_lesson_done,
    may_author,
    next_lesson,
    progress,
)
from courses.catalogue.versions import course_version_stmt
from courses.quizzes.services import quiz_status
from lms.auth.services import require_role
from lms.cli import poke_worker
from lms.extensions import db
from lms.pagecache import Binds, cached_page, fast_page, missed_version, version_of
from lms.people.models import Person
from lms.uploads.services import path_of, send_upload
from lms.web import text_arg

bp = Blueprint("catalogue", __name__, template_folder="templates")
bp.add_app_template_global(category_label)
bp.add_app_template_global(course_title)
bp.add_app_template_global(course_summary)
bp.add_app_template_global(course_description)
bp.add_app_template_global(video_site)
bp.add_app_template_global(may_author)
bp.add_app_template_filter(render_lesson, "lesson_html")
bp.record_once(lambda state: install_queries(state.app))

PER_PAGE = 20


def by_module(lessons: list[Lesson]) -> list[tuple[str, list[tuple[int, Lesson]]]]:
    """Group consecutive lessons by module name, keeping each lesson's number in the course."""
    groups: list[tuple[str, list[tuple[int, Lesson]]]] = []
    for n, lesson in enumerate(lessons, start=1):
        if not groups or groups[-1][0] != lesson.module:
            groups.append((lesson.module, []))
        groups[-1][1].append((n, lesson))
    return groups


bp.add_app_template_global(by_module)


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


def enrolled_citizen(code: str) -> tuple[Course, Enrolment | None]:
    """Return a published course and the logged-in citizen's active enrolment in it (flash if none)."""
    person = _citizen()
    found = _course_or_404(code)
    enrolment = enrolment_of(person, found)
    if enrolment is None:
        flash(_("Hãy ghi danh khóa học trước khi học."), "info")
    return found, enrolment


def _viewer_person() -> Person | None:
    """Return the person record of the viewer when they are a citizen."""
    if current_user.is_authenticated and current_user.role == "citizen":
        return current_user.person
    return None


@bp.get("/courses")
def index() -> ResponseReturnValue:
    """List the published courses: diacritics-insensitive search and a category filter."""
    query, category = text_arg("q"), text_arg("category", 32) or None
    form = SearchForm(formdata=None, q=query, category=category or "")
    page = db.paginate(catalogue(query, category), per_page=PER_PAGE, error_out=False)
    person = _viewer_person()
    mine: dict[int, Enrolment] = {}
    if person is not None and page.items:
        mine = {
            e.course_id: e
            for e in db.session.scalars(
                sa.select(Enrolment).where(
                    Enrolment.person_id == person.id,
                    Enrolment.course_id.in_([c.id for c in page.items]),
                    Enrolment.left_at.is_(None),
                )
            )
        }
    return render_template(
        "catalogue/index.html",
        form=form,
        page=page,
        query=query,
        category=category,
        mine=mine,
        learner=person is not None,
    )


def _course_learner(user: Any) -> Any:
    """The person whose progress the course page shows: a citizen's own, else nobody (0)."""
    return sa.case((user.role == "citizen", sa.func.coalesce(user.person_id, 0)), else_=0)


COURSE_BINDS: Binds = {"person_id": _course_learner}


def _course_accept(viewer: tuple[Any, ...] | None, row: tuple[Any, ...]) -> tuple[Any, ...] | None:
    return None if row[0] is None else row  # no published course with this code: the normal path's 404


def _course_hit(code: str) -> bytes | None:
    """The cached course page for the session's viewer (lms.pagecache.fast_page), checked as below."""
    stmt = course_version_stmt()
    return fast_page(
        "course", stmt, {"code": code}, binds=COURSE_BINDS, accept=_course_accept, anonymous={"person_id": 0}
    )


@bp.get("/courses/<code>")
def course(code: str) -> ResponseReturnValue:
    """Show a course: description, lessons by module (ticked when done), progress, quiz and next step."""
    if "\x00" in code or len(code) > 64:
        abort(404)
    hit = _course_hit(code)
    if hit is not None:
        return hit
    version = missed_version("course")  # the fast path read it and found no page: not read again
    if version is None:
        viewer = current_user.person_id if current_user.is_authenticated and current_user.role == "citizen" else None
        version = version_of(course_version_stmt(), code=code, person_id=viewer or 0)
    if version[0] is None:  # no published course with this code
        abort(404)

    def render() -> str:
        found = _course_or_404(code)
        person = _viewer_person()
        enrolment = enrolment_of(person, found) if person is not None else None
        done = done_lessons(enrolment) if enrolment else set()  # read once for the ticks, progress and resume
        # the quiz's status is None exactly when passing a quiz is no part of the course (no quiz, or
        # one without questions: requires_quiz): progress() is told, not asked again
        quiz = quiz_status(found, enrolment)
        return render_template(
            "catalogue/course.html",
            course=found,
            enrolment=enrolment,
            done=done,
            progress=progress(enrolment, done, quiz is not None) if enrolment else None,
            resume=next_lesson(enrolment, done) if enrolment else None,
            quiz=quiz,
            can_enrol=person is not None and enrolment is None,
            enrol_form=EnrolForm(),
            leave_form=LeaveForm(),
        )

    return cached_page("course", version, render)


@bp.get("/courses/<code>/cover")
def cover(code: str) -> ResponseReturnValue:
    """Send a course's cover picture (a JPEG the platform re-encoded), inline and cacheable."""
    if "\x00" in code or len(code) > 64:
        abort(404)
    found = db.first_or_404(sa.select(Course).where(Course.code == code))
    if not found.published and not (current_user.is_authenticated and may_author(current_user, found)):
        abort(404)
    if not found.cover_sha256:
        abort(404)
    try:
        path = path_of(found.cover_sha256)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    response: Response = send_file(path, mimetype="image/jpeg", conditional=True, etag=found.cover_sha256)
    response.headers["Cache-Control"] = "public, max-age=86400" if found.published else "private, no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/courses/<code>/enrol")
def enrol_in(code: str) -> ResponseReturnValue:
    """Enrol the logged-in citizen in the course and take them to where they stopped (the first lesson)."""
    person = _citizen()
    found = _course_or_404(code)
    if EnrolForm().validate_on_submit():
        enrolment = enrol(person, found)
        db.session.commit()
        flash(_("Bạn đã ghi danh khóa học."), "success")
        resume = next_lesson(enrolment)
        if resume is not None:
            return redirect(url_for(".lesson", code=found.code, lesson_id=resume.id))
    return redirect(url_for(".course", code=found.code))


@bp.post("/courses/<code>/leave")
def leave_course(code: str) -> ResponseReturnValue:
    """Leave a course not yet completed (coming back later resumes where the learner stopped)."""
    found, enrolment = enrolled_citizen(code)
    if enrolment is not None and LeaveForm().validate_on_submit():
        try:
            leave(enrolment)
        except EnrolmentError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Bạn đã rời khóa học. Tiến độ học được giữ lại nếu bạn ghi danh lại."), "success")
    return redirect(url_for(".course", code=found.code))


@bp.get("/my/courses")
def my_courses() -> ResponseReturnValue:
    """The citizen's courses: progress, where to continue, certificates."""
    person = _citizen()
    rows = enrolments_of(person.id)
    for row in rows:
        row["resume"] = None if row["completed_at"] else next_lesson(row["enrolment"])
    return render_template("catalogue/my_courses.html", rows=rows)


def _enrolled_lesson(code: str, lesson_id: int) -> tuple[Course, Enrolment | None, Lesson]:
    found, enrolment = enrolled_citizen(code)
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None or lesson.course_id != found.id:
        abort(404)
    return found, enrolment, lesson


@bp.get("/courses/<code>/lessons/<int:lesson_id>")
def lesson(code: str, lesson_id: int) -> ResponseReturnValue:
    """Show one lesson to an enrolled citizen: text, video link, files."""
    found, enrolment, current = _enrolled_lesson(code, lesson_id)
    if enrolment is None:
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


@bp.get("/courses/<code>/lessons/<int:lesson_id>/files/<int:file_id>")
def lesson_file(code: str, lesson_id: int, file_id: int) -> ResponseReturnValue:
    """Download a lesson's file: its enrolled learners, the course's trainer and admins (as an attachment)."""
    user = require_role("citizen", "trainer", "admin")
    if "\x00" in code or len(code) > 64:
        abort(404)
    found = db.first_or_404(sa.select(Course).where(Course.code == code))
    if user.role == "citizen":
        if user.person is None or not found.published or enrolment_of(user.person, found) is None:
            abort(404)  # outside the viewer's scope: as if it did not exist (lms.auth.services)
    elif not may_author(user, found):
        abort(404)
    attached = db.session.get(LessonFile, file_id)
    if attached is None or attached.lesson_id != lesson_id or attached.lesson.course_id != found.id:
        abort(404)
    return send_upload(attached.sha256, attached.kind, attached.name)


@bp.post("/courses/<code>/lessons/<int:lesson_id>/done")
def lesson_done(code: str, lesson_id: int) -> ResponseReturnValue:
    """Mark a lesson done and go to the next step; the last step completes the course."""
    found, enrolment, current = _enrolled_lesson(code, lesson_id)
    if enrolment is None:
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
    if enrolment.completed_at is None and quiz_status(found, enrolment) is not None:
        flash(_("Bạn đã học xong các bài học. Hãy làm bài kiểm tra để hoàn thành khóa học."), "info")
        return redirect(url_for("quizzes.overview", code=found.code))
    return redirect(url_for(".course", code=found.code))


@bp.get("/verify")
def verify_form() -> ResponseReturnValue:
    """Show the form to type a printed verification code; a typed code (any case, spaces) opens its page."""
    typed = text_arg("code", 80)
    wanted = canonical_code(typed)
    if wanted:
        return redirect(url_for(".verify", code=wanted))
    form = VerifyForm(formdata=None, code=typed)
    if typed:
        form.code.errors = [_("Mã xác thực gồm chữ và số, như in trên giấy chứng nhận.")]
    return render_template("catalogue/verify.html", enrolment=None, code=None, form=form), 400 if typed else 200


@bp.get("/verify/<code>")
def verify(code: str) -> ResponseReturnValue:
    """Verify a certificate publicly: name, course, hours and completion date only."""
    found = certificate(code)
    form = VerifyForm(formdata=None)
    if found is None:
        shown = canonical_code(code) or code[:32]
        return render_template("catalogue/verify.html", enrolment=None, code=shown, form=form), 404
    return render_template("catalogue/verify.html", enrolment=found, code=found.certificate_code, form=form)
