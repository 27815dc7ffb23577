"""Trainer authoring: own courses only, draft → published, lessons in order, video links, files, covers."""

import io

import sqlalchemy as sa

from courses.catalogue.models import Course, Enrolment, Lesson, LessonFile
from lms.evidence.models import Evidence
from lms.extensions import db
from tests.course_factories import make_course
from tests.web.conftest import sign_in, submit

TRAINER = "gv@example.vn"
COURSE_FORM = {
    "code": "kns-zalo",
    "title": "Dùng Zalo an toàn",
    "title_en": "Using Zalo safely",
    "description": "Cài đặt **bảo mật** cho Zalo.",
    "description_en": "",
    "category": "digital_skill",
    "digital_level": "basic",
    "hours": "2.5",
}


def _png(width: int = 40, height: int = 30) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", (width, height), (11, 107, 79, 200)).save(out, "PNG")
    return out.getvalue()


def _trainer(client, make_user, login: str = TRAINER):  # type: ignore[no-untyped-def]
    user = make_user("trainer", login=login)
    sign_in(client, login)
    return user


def test_trainer_creates_a_draft_adds_lessons_and_publishes(client, make_user):
    _trainer(client, make_user)
    response = submit(client, "/trainer/courses/new", "/trainer/courses/new", COURSE_FORM)
    assert response.status_code == 302 and response.headers["Location"].endswith("/trainer/courses/KNS-ZALO")
    course = db.session.scalar(sa.select(Course))
    assert (course.code, course.published, course.digital_level, str(course.hours)) == (
        "KNS-ZALO",
        False,
        "basic",
        "2.50",
    )
    assert "Dùng Zalo an toàn" not in client.get("/courses").get_data(as_text=True)  # drafts are hidden
    assert client.get("/courses/KNS-ZALO").status_code == 404

    response = submit(client, "/trainer/courses/KNS-ZALO", "/trainer/courses/KNS-ZALO/publish", {"action": "publish"},
                      follow_redirects=True)  # fmt: skip
    assert "cần ít nhất một bài học" in response.get_data(as_text=True)

    new = "/trainer/courses/KNS-ZALO/lessons/new"
    lesson = {"module": "Phần 1: Cài đặt", "title": "Bật xác thực hai lớp", "body": "# Các bước\n- Mở *Cài đặt*",
              "video_url": "https://youtu.be/dQw4w9WgXcQ"}  # fmt: skip
    assert submit(client, new, new, lesson).status_code == 302
    assert submit(client, new, new, {**lesson, "title": "Chặn người lạ", "video_url": ""}).status_code == 302
    bad_video = submit(client, new, new, {**lesson, "title": "X", "video_url": "https://evil.example/v.mp4"})
    assert bad_video.status_code == 200 and "YouTube hoặc Vimeo" in bad_video.get_data(as_text=True)
    assert (
        submit(
            client, "/trainer/courses/KNS-ZALO", "/trainer/courses/KNS-ZALO/publish", {"action": "publish"}
        ).status_code
        == 302
    )

    db.session.expire_all()
    course = db.session.scalar(sa.select(Course))
    assert course.published and [x.title for x in course.lessons] == ["Bật xác thực hai lớp", "Chặn người lạ"]
    assert course.lessons[0].video_url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert "Dùng Zalo an toàn" in client.get("/courses?q=zalo").get_data(as_text=True)
    page = client.get("/courses/KNS-ZALO").get_data(as_text=True)
    assert "Phần 1: Cài đặt" in page and "<strong>bảo mật</strong>" in page


def test_digital_level_is_required_for_digital_skills_only(client, make_user):
    _trainer(client, make_user)
    response = submit(client, "/trainer/courses/new", "/trainer/courses/new", {**COURSE_FORM, "digital_level": ""})
    assert response.status_code == 200 and "cần chọn mức độ" in response.get_data(as_text=True)
    law = {**COURSE_FORM, "category": "law", "digital_level": "proficient"}
    assert submit(client, "/trainer/courses/new", "/trainer/courses/new", law).status_code == 302
    assert db.session.scalar(sa.select(Course.digital_level)) is None


def test_a_trainer_edits_only_their_own_courses_and_admins_all(client, app, make_user):
    mine = _trainer(client, make_user)
    other = make_user("trainer", login="gv2@example.vn")
    own = make_course("OWN-1", owner=mine)
    theirs = make_course("THEIRS-1", owner=other)
    assert client.get(f"/trainer/courses/{own.code}/edit").status_code == 200
    assert client.get(f"/trainer/courses/{theirs.code}/edit").status_code == 404
    assert client.get(f"/trainer/courses/{theirs.code}/quiz").status_code == 404
    listing = client.get("/trainer/courses").get_data(as_text=True)
    assert "/trainer/courses/OWN-1" in listing and "THEIRS-1" not in listing
    make_user("admin", login="qt@example.vn")
    admin = app.test_client()
    sign_in(admin, "qt@example.vn")
    assert admin.get(f"/trainer/courses/{theirs.code}/edit").status_code == 200
    assert "THEIRS-1" in admin.get("/trainer/courses").get_data(as_text=True)


def test_lessons_move_and_delete(client, make_user):
    mine = _trainer(client, make_user)
    course = make_course("ORD-1", owner=mine, lessons=3)
    first, second, third = (x.id for x in course.lessons)
    page = "/trainer/courses/ORD-1"
    submit(client, page, f"{page}/lessons/{third}/move", {"direction": "up"})
    db.session.expire_all()
    assert [x.id for x in db.session.get(Course, course.id).lessons] == [first, third, second]
    submit(client, page, f"{page}/lessons/{first}/move", {"direction": "up"})  # already first: nothing
    submit(client, f"{page}/lessons/{second}/edit", f"{page}/lessons/{second}/delete")
    db.session.expire_all()
    assert [(x.id, x.position) for x in db.session.get(Course, course.id).lessons] == [(first, 1), (third, 2)]


def test_editing_a_published_course_keeps_completions(client, make_user, citizen):
    mine = make_user("trainer", login=TRAINER)
    course = make_course("KEEP-1", owner=mine, lessons=1, hours="4")
    learner = client.application.test_client()
    sign_in(learner, "0912345678")
    submit(learner, "/courses/KEEP-1", "/courses/KEEP-1/enrol")
    url = f"/courses/KEEP-1/lessons/{course.lessons[0].id}"
    submit(learner, url, f"{url}/done")
    enrolment = db.session.scalar(sa.select(Enrolment))
    code, completed = enrolment.certificate_code, enrolment.completed_at
    assert code and completed

    sign_in(client, TRAINER)
    edit = "/trainer/courses/KEEP-1/edit"
    changed = {**COURSE_FORM, "code": "KEEP-1", "hours": "10", "title": "Tên mới của khóa học"}
    assert submit(client, edit, edit, changed).status_code == 302
    new = "/trainer/courses/KEEP-1/lessons/new"
    assert submit(client, new, new, {"title": "Bài bổ sung", "body": "Mới"}).status_code == 302
    renamed = submit(client, edit, edit, {**changed, "code": "KEEP-2"})
    assert renamed.status_code == 200 and "Không thể đổi mã" in renamed.get_data(as_text=True)

    db.session.expire_all()
    enrolment = db.session.scalar(sa.select(Enrolment))
    assert (enrolment.certificate_code, enrolment.completed_at) == (code, completed)
    assert str(enrolment.completed_hours) == "4.00"
    evidence = db.session.scalars(sa.select(Evidence)).all()
    assert [(e.ref, str(e.hours)) for e in evidence] == [("KEEP-1", "4.00")]
    verify = learner.get(f"/verify/{code}").get_data(as_text=True)
    assert "Chứng nhận hợp lệ." in verify and ">4<" in verify


def test_cover_is_checked_by_content_reencoded_and_served_with_nosniff(client, make_user):
    mine = _trainer(client, make_user)
    make_course("COV-1", owner=mine)
    edit = "/trainer/courses/COV-1/edit"
    form = {**COURSE_FORM, "code": "COV-1"}
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
    response = submit(client, edit, edit, {**form, "cover": (io.BytesIO(svg), "anh.png")},
                      content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 200 and "PNG, JPEG hoặc WebP" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Course.cover_sha256)) is None

    response = submit(client, edit, edit, {**form, "cover": (io.BytesIO(_png(2000, 1500)), "bia.png")},
                      content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 302
    cover = client.get("/courses/COV-1/cover")
    assert cover.status_code == 200 and cover.mimetype == "image/jpeg"
    assert cover.headers["X-Content-Type-Options"] == "nosniff"
    from PIL import Image

    assert Image.open(io.BytesIO(cover.data)).size == (720, 540)  # fits 960×540
    anonymous = client.application.test_client()
    assert anonymous.get("/courses/COV-1/cover").status_code == 200  # published course: public picture


def test_lesson_files_checked_by_content_and_served_as_attachments(client, make_user, citizen):
    mine = _trainer(client, make_user)
    course = make_course("FILE-1", owner=mine)
    lesson = course.lessons[0]
    edit = f"/trainer/courses/FILE-1/lessons/{lesson.id}/edit"
    upload = f"/trainer/courses/FILE-1/lessons/{lesson.id}/files"
    html_file = (io.BytesIO(b"<html><script>alert(1)</script></html>"), "bai-giang.pdf")
    response = submit(client, edit, upload, {"file": html_file}, content_type="multipart/form-data")
    assert response.status_code == 400 and "HTML" in response.get_data(as_text=True)
    empty = submit(client, edit, upload, {"file": (io.BytesIO(b""), "rong.pdf")}, content_type="multipart/form-data")
    assert empty.status_code == 400
    pdf = (io.BytesIO(b"%PDF-1.4\n% bai giang\n"), "../../Bài giảng\x01 số 1.pdf")
    assert submit(client, edit, upload, {"file": pdf}, content_type="multipart/form-data").status_code == 302
    attached = db.session.scalar(sa.select(LessonFile))
    assert attached.name == "Bài giảng số 1.pdf" and attached.kind == "pdf"

    url = f"/courses/FILE-1/lessons/{lesson.id}/files/{attached.id}"
    learner = client.application.test_client()
    sign_in(learner, "0912345678")
    assert learner.get(url).status_code == 404  # not enrolled
    submit(learner, "/courses/FILE-1", "/courses/FILE-1/enrol")
    assert "Bài giảng số 1.pdf" in learner.get(f"/courses/FILE-1/lessons/{lesson.id}").get_data(as_text=True)
    response = learner.get(url)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(url).status_code == 200  # the course's trainer

    submit(client, edit, f"{upload}/{attached.id}/delete")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LessonFile)) == 0
    assert db.session.get(Lesson, lesson.id) is not None


def test_learners_page_shows_progress_without_contact_data(client, make_user, citizen):
    mine = _trainer(client, make_user)
    course = make_course("LRN-1", owner=mine, lessons=2)
    learner = client.application.test_client()
    sign_in(learner, "0912345678")
    submit(learner, "/courses/LRN-1", "/courses/LRN-1/enrol")
    url = f"/courses/LRN-1/lessons/{course.lessons[0].id}"
    submit(learner, url, f"{url}/done")
    page = client.get("/trainer/courses/LRN-1/learners").get_data(as_text=True)
    assert "Trần Thị Bích Ngọc" in page and "1/2 bài học" in page
    assert "0912345678" not in page
