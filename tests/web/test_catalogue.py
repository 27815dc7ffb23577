"""Catalogue search, enrolment, lessons, completion as evidence, certificate verification."""

import sqlalchemy as sa

from courses.catalogue.models import Enrolment
from lms.evidence.models import Evidence
from lms.extensions import db
from lms.recompute.models import DirtySubject
from tests.web.conftest import sign_in, submit


def test_catalogue_is_public_and_search_ignores_diacritics(client, course):
    page = client.get("/courses?q=ky+nang+so").get_data(as_text=True)
    assert "Kỹ năng số cơ bản" in page
    page = client.get("/courses?q=tieng+anh").get_data(as_text=True)
    assert "Kỹ năng số cơ bản" not in page
    assert "Không tìm thấy khóa học phù hợp." in page


def test_category_filter_uses_vietnamese_names(client, course):
    page = client.get("/courses").get_data(as_text=True)
    assert ">Kỹ năng số</option>" in page and ">Ngoại ngữ</option>" in page
    assert "Kỹ năng số cơ bản" in client.get("/courses?category=digital_skill").get_data(as_text=True)
    assert "Kỹ năng số cơ bản" not in client.get("/courses?category=law").get_data(as_text=True)


def test_course_page_offers_enrolment_to_citizens_only(client, course, citizen, officer_a):
    assert "Đăng nhập" in client.get("/courses/KNS-01").get_data(as_text=True)
    sign_in(client, "0912345678")
    assert 'action="/courses/KNS-01/enrol"' in client.get("/courses/KNS-01").get_data(as_text=True)
    assert client.get("/courses/NOPE").status_code == 404


def test_lessons_need_enrolment(client, course, citizen):
    sign_in(client, "0912345678")
    response = client.get(f"/courses/KNS-01/lessons/{course.lessons[0].id}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/courses/KNS-01")


def test_lesson_body_is_rendered_safely(client, course, citizen):
    sign_in(client, "0912345678")
    submit(client, "/courses/KNS-01", "/courses/KNS-01/enrol")
    html = client.get(f"/courses/KNS-01/lessons/{course.lessons[0].id}").get_data(as_text=True)
    assert "<h2>Mật khẩu</h2>" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    html = client.get(f"/courses/KNS-01/lessons/{course.lessons[1].id}").get_data(as_text=True)
    assert "<li>Không bấm đường link lạ</li>" in html


def test_completing_every_lesson_records_course_evidence_and_marks_the_person_dirty(client, course, citizen):
    sign_in(client, "0912345678")
    response = submit(client, "/courses/KNS-01", "/courses/KNS-01/enrol")
    first, second = course.lessons
    assert response.headers["Location"].endswith(f"/lessons/{first.id}")
    lesson_url = f"/courses/KNS-01/lessons/{first.id}"
    response = submit(client, lesson_url, f"{lesson_url}/done", follow_redirects=True)
    assert "Hoàn thành khóa học" not in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Evidence)) == 0

    lesson_url = f"/courses/KNS-01/lessons/{second.id}"
    response = submit(client, lesson_url, f"{lesson_url}/done", follow_redirects=True)
    html = response.get_data(as_text=True)
    enrolment = db.session.scalar(sa.select(Enrolment))
    assert enrolment.completed_at is not None and enrolment.certificate_code
    assert "Hoàn thành khóa học" in html and enrolment.certificate_code in html
    assert "vài giây" in html

    person_id = citizen.person_id
    evidence = db.session.scalars(sa.select(Evidence).where(Evidence.person_id == person_id)).all()
    assert [(e.kind, e.ref, e.category, e.level) for e in evidence] == [("course", "KNS-01", "digital_skill", "basic")]
    dirty = db.session.scalars(
        sa.select(DirtySubject).where(DirtySubject.subject_kind == "person", DirtySubject.subject_id == person_id)
    ).all()
    assert len(dirty) == 1

    course_page = client.get("/courses/KNS-01").get_data(as_text=True)
    assert "2/2" in course_page and "100%" in course_page


def test_marking_a_lesson_twice_is_harmless(client, course, citizen):
    sign_in(client, "0912345678")
    submit(client, "/courses/KNS-01", "/courses/KNS-01/enrol")
    url = f"/courses/KNS-01/lessons/{course.lessons[0].id}"
    submit(client, url, f"{url}/done")
    assert submit(client, url, f"{url}/done").status_code == 302


def test_verify_page_is_public_and_shows_only_the_certificate_facts(client, course, citizen):
    sign_in(client, "0912345678")
    submit(client, "/courses/KNS-01", "/courses/KNS-01/enrol")
    for lesson in course.lessons:
        url = f"/courses/KNS-01/lessons/{lesson.id}"
        submit(client, url, f"{url}/done")
    code = db.session.scalar(sa.select(Enrolment.certificate_code))

    anonymous = client.application.test_client()
    html = anonymous.get(f"/verify/{code}").get_data(as_text=True)
    assert "Chứng nhận hợp lệ." in html
    assert "Trần Thị Bích Ngọc" in html and "Kỹ năng số cơ bản" in html
    assert "0912345678" not in html and "1990" not in html
    assert anonymous.get("/verify/KHONGCO123").status_code == 404
    assert anonymous.get("/verify/../../etc").status_code == 404
