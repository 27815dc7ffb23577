"""Trainer pages: my courses, course details and cover, lessons (order, video, files), publishing, learners."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from courses.authoring.forms import ConfirmForm, CourseForm, FileForm, LessonForm, MoveForm, PublishForm
from courses.authoring.services import (
    CourseError,
    CourseInput,
    LessonInput,
    add_lesson,
    attach_file,
    course_summary,
    courses_of,
    create_course,
    delete_lesson,
    detach_file,
    has_learners,
    learner_rows,
    learners,
    module_names,
    move_lesson,
    publish,
    set_cover,
    update_course,
    update_lesson,
)
from courses.catalogue.models import Course, Enrolment, Lesson, LessonFile
from courses.catalogue.services import may_author
from lms.auth.models import User
from lms.auth.services import require_role
from lms.extensions import db
from lms.uploads.services import UploadError, accept_attribute, accepted_types, file_size
from lms.uploads.web import add_upload_error, upload_done, upload_failed

bp = Blueprint("authoring", __name__, template_folder="templates", url_prefix="/trainer")
bp.add_app_template_global(file_size)

PER_PAGE = 50


def _author() -> User:
    return require_role("trainer", "admin")


def get_course_or_404(code: str) -> Course:
    """Return a course the current trainer owns (any course for an admin); 404 unknown or someone else's."""
    user = _author()
    if "\x00" in code or len(code) > 64:
        abort(404)
    course = db.first_or_404(sa.select(Course).where(Course.code == code))
    if not may_author(user, course):
        abort(404)
    return course


def _lesson_of(course: Course, lesson_id: int) -> Lesson:
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None or lesson.course_id != course.id:
        abort(404)
    return lesson


def _course_input(form: CourseForm) -> CourseInput:
    return CourseInput(
        code=form.code.data or "",
        title=form.title.data or "",
        title_en=form.title_en.data or "",
        description=form.description.data or "",
        description_en=form.description_en.data or "",
        category=form.category.data or "",
        hours=form.hours.data,
        digital_level=form.digital_level.data or None,
    )


def _lesson_input(form: LessonForm) -> LessonInput:
    return LessonInput(
        module=form.module.data or "",
        title=form.title.data or "",
        body=(form.body.data or "").replace("\r\n", "\n"),
        video_url=form.video_url.data or "",
    )


def _save_cover(course: Course, form: CourseForm) -> None:
    upload = form.cover.data
    if upload and getattr(upload, "filename", ""):
        set_cover(course, upload)
    elif form.remove_cover.data:
        set_cover(course, None)


@bp.get("/courses")
def index() -> ResponseReturnValue:
    """List the courses the trainer authors (every course for an admin)."""
    user = _author()
    page = db.paginate(courses_of(user), per_page=PER_PAGE, error_out=False)
    ids = [course.id for course in page.items]
    counts = dict(
        db.session.execute(
            sa.select(Enrolment.course_id, sa.func.count())
            .where(Enrolment.course_id.in_(ids), Enrolment.left_at.is_(None))
            .group_by(Enrolment.course_id)
        ).all()
    )
    return render_template("authoring/index.html", page=page, learner_counts=counts)


@bp.route("/courses/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    """Create a draft course."""
    user = _author()
    form = CourseForm()
    if form.validate_on_submit():
        try:
            course = create_course(user, _course_input(form))
            _save_cover(course, form)
        except (CourseError, UploadError) as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Đã tạo khóa học (bản nháp). Hãy thêm bài học rồi xuất bản."), "success")
            return redirect(url_for(".course", code=course.code))
    return render_template("authoring/course_form.html", form=form, course=None, code_locked=False)


@bp.get("/courses/<code>")
def course(code: str) -> ResponseReturnValue:
    """The trainer's view of a course: details, lessons in order, quiz, learners, publishing."""
    found = get_course_or_404(code)
    return render_template(
        "authoring/course.html",
        course=found,
        summary=course_summary(found),
        publish_form=PublishForm(),
        move_form=MoveForm(),
    )


@bp.route("/courses/<code>/edit", methods=["GET", "POST"])
def edit(code: str) -> ResponseReturnValue:
    """Edit a course's details and cover (completions already earned are kept)."""
    found = get_course_or_404(code)
    form = CourseForm(obj=found)
    locked = has_learners(found)
    if form.validate_on_submit():
        try:
            update_course(found, _course_input(form))
            _save_cover(found, form)
        except (CourseError, UploadError) as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Đã lưu khóa học."), "success")
            return redirect(url_for(".course", code=found.code))
    return render_template("authoring/course_form.html", form=form, course=found, code_locked=locked)


@bp.post("/courses/<code>/publish")
def publish_course(code: str) -> ResponseReturnValue:
    """Publish the course, or take it back to draft."""
    found = get_course_or_404(code)
    form = PublishForm()
    if form.validate_on_submit():
        try:
            publish(found, form.action.data == "publish")
        except CourseError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(
                _("Khóa học đã được xuất bản.") if found.published else _("Khóa học đã chuyển về bản nháp."),
                "success",
            )
    return redirect(url_for(".course", code=found.code))


@bp.route("/courses/<code>/lessons/new", methods=["GET", "POST"])
def new_lesson(code: str) -> ResponseReturnValue:
    """Add a lesson at the end of the course."""
    found = get_course_or_404(code)
    form = LessonForm()
    if request.method == "GET" and found.lessons:
        form.module.data = found.lessons[-1].module
    if form.validate_on_submit():
        try:
            lesson = add_lesson(found, _lesson_input(form))
        except CourseError as exc:
            db.session.rollback()
            form.video_url.errors = [str(exc)]
        else:
            db.session.commit()
            flash(_("Đã thêm bài học."), "success")
            return redirect(url_for(".edit_lesson", code=found.code, lesson_id=lesson.id))
    return render_template(
        "authoring/lesson_form.html", form=form, course=found, lesson=None, modules=module_names(found)
    )


def _render_lesson_page(course: Course, lesson: Lesson, form: LessonForm, file_form: FileForm) -> str:
    return render_template(
        "authoring/lesson_form.html",
        form=form,
        course=course,
        lesson=lesson,
        modules=module_names(course),
        file_form=file_form,
        confirm_form=ConfirmForm(),
        accepted=accepted_types(),
        accept=accept_attribute(),
    )


@bp.route("/courses/<code>/lessons/<int:lesson_id>/edit", methods=["GET", "POST"])
def edit_lesson(code: str, lesson_id: int) -> ResponseReturnValue:
    """Edit a lesson; attach or remove its files; preview it as learners see it."""
    found = get_course_or_404(code)
    lesson = _lesson_of(found, lesson_id)
    form = LessonForm(obj=lesson)
    if form.validate_on_submit():
        try:
            update_lesson(lesson, _lesson_input(form))
        except CourseError as exc:
            db.session.rollback()
            form.video_url.errors = [str(exc)]
        else:
            db.session.commit()
            flash(_("Đã lưu bài học."), "success")
            return redirect(url_for(".edit_lesson", code=found.code, lesson_id=lesson.id))
    return _render_lesson_page(found, lesson, form, FileForm(formdata=None))


@bp.post("/courses/<code>/lessons/<int:lesson_id>/move")
def move(code: str, lesson_id: int) -> ResponseReturnValue:
    """Move a lesson one place up or down."""
    found = get_course_or_404(code)
    lesson = _lesson_of(found, lesson_id)
    form = MoveForm()
    if form.validate_on_submit():
        move_lesson(lesson, form.direction.data)
        db.session.commit()
    return redirect(url_for(".course", code=found.code, _anchor=f"lesson-{lesson.id}"))


@bp.post("/courses/<code>/lessons/<int:lesson_id>/delete")
def remove_lesson(code: str, lesson_id: int) -> ResponseReturnValue:
    """Delete a lesson."""
    found = get_course_or_404(code)
    lesson = _lesson_of(found, lesson_id)
    if ConfirmForm().validate_on_submit():
        try:
            delete_lesson(lesson)
        except CourseError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for(".edit_lesson", code=found.code, lesson_id=lesson.id))
        db.session.commit()
        flash(_("Đã xóa bài học."), "success")
    return redirect(url_for(".course", code=found.code))


@bp.post("/courses/<code>/lessons/<int:lesson_id>/files")
def upload_file(code: str, lesson_id: int) -> ResponseReturnValue:
    """Attach a file to a lesson (PDF, Office, pictures, MP4: checked by content, stored once by hash)."""
    found = get_course_or_404(code)
    lesson = _lesson_of(found, lesson_id)
    form = FileForm()
    if form.validate_on_submit():
        try:
            attached = attach_file(lesson, form.file.data)
        except UploadError as exc:
            db.session.rollback()
            add_upload_error(form, "file", exc)
        else:
            db.session.commit()
            flash(_("Đã đính kèm tệp: %(name)s", name=attached.name), "success")
            return upload_done(url_for(".edit_lesson", code=found.code, lesson_id=lesson.id))
    return upload_failed(form, lambda: _render_lesson_page(found, lesson, LessonForm(formdata=None, obj=lesson), form))


@bp.post("/courses/<code>/lessons/<int:lesson_id>/files/<int:file_id>/delete")
def delete_file(code: str, lesson_id: int, file_id: int) -> ResponseReturnValue:
    """Remove a file from a lesson."""
    found = get_course_or_404(code)
    lesson = _lesson_of(found, lesson_id)
    attached = db.session.get(LessonFile, file_id)
    if attached is None or attached.lesson_id != lesson.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        detach_file(attached)
        db.session.commit()
        flash(_("Đã gỡ tệp đính kèm."), "success")
    return redirect(url_for(".edit_lesson", code=found.code, lesson_id=lesson.id, _anchor="files"))


@bp.get("/courses/<code>/learners")
def learners_of(code: str) -> ResponseReturnValue:
    """The course's learners: lessons done, quiz attempts, completion (names only: no contact data)."""
    found = get_course_or_404(code)
    page = db.paginate(learners(found), per_page=PER_PAGE, error_out=False)
    summary = course_summary(found)
    rows = learner_rows(found, list(page.items), summary["has_quiz"])
    return render_template("authoring/learners.html", course=found, page=page, rows=rows, summary=summary)
