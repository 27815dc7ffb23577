"""Certificates: a PDF with the learner's name (diacritics intact), course, hours, date, code and QR link."""

import io

import sqlalchemy as sa

from courses.catalogue.models import Enrolment
from lms.extensions import db
from tests.course_factories import make_course
from tests.web.conftest import sign_in, submit


def _complete(client, code: str = "CERT-1"):  # type: ignore[no-untyped-def]
    course = make_course(code, title="Kỹ năng số: dùng ví điện tử an toàn", lessons=1, hours="4.5")
    submit(client, f"/courses/{code}", f"/courses/{code}/enrol")
    url = f"/courses/{code}/lessons/{course.lessons[0].id}"
    submit(client, url, f"{url}/done")
    return db.session.scalar(sa.select(Enrolment).where(Enrolment.course_id == course.id))


def test_owner_downloads_a_pdf_whose_text_keeps_the_diacritics(client, tree, make_person, make_user):
    person = make_person(tree["A1"], full_name="Đặng Thị Ngọc Hường")
    make_user("citizen", person=person, login="huong@example.vn")
    sign_in(client, "huong@example.vn")
    enrolment = _complete(client)
    response = client.get(f"/my/certificates/{enrolment.certificate_code}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(response.data))
    text = reader.pages[0].extract_text()
    for expected in ("Đặng Thị Ngọc Hường", "Kỹ năng số: dùng ví điện tử an toàn", "4,5", enrolment.certificate_code,
                     "CHỨNG NHẬN"):  # fmt: skip
        assert expected in text, (expected, text)
    address = f"http://localhost/verify/{enrolment.certificate_code}"
    assert address in text
    # who issues it, and a signature block (CERTIFICATE_ISSUER, CERTIFICATE_SIGNER_TITLE); the date dd/mm/yyyy
    assert "TRUNG TÂM HỌC TẬP CỘNG ĐỒNG" in text and "GIÁM ĐỐC" in text and "(ký, ghi rõ họ tên)" in text
    from datetime import timedelta

    local_day = (enrolment.completed_at + timedelta(hours=7)).strftime("%d/%m/%Y")  # Vietnam's date
    assert local_day in text
    links = [a.get_object()["/A"]["/URI"] for a in reader.pages[0].get("/Annots", [])]
    assert address in links


def test_only_the_owner_downloads_it(client, app, citizen, tree, make_person, make_user):
    sign_in(client, "0912345678")
    enrolment = _complete(client)
    url = f"/my/certificates/{enrolment.certificate_code}.pdf"
    other = make_person(tree["A1"], full_name="Lê Văn Khác")
    make_user("citizen", person=other, login="khac@example.vn")
    stranger = app.test_client()
    sign_in(stranger, "khac@example.vn")
    assert stranger.get(url).status_code == 404
    assert app.test_client().get(url).status_code == 302  # anonymous: to the login page
    assert client.get("/my/certificates/..%2F..%2Fetc.pdf").status_code == 404


def test_public_base_url_is_printed_when_configured(client, app, citizen):
    app.config["PUBLIC_BASE_URL"] = "https://hoctap.example.vn/"
    sign_in(client, "0912345678")
    enrolment = _complete(client)
    from pypdf import PdfReader

    data = client.get(f"/my/certificates/{enrolment.certificate_code}.pdf").data
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert f"https://hoctap.example.vn/verify/{enrolment.certificate_code}" in text


def test_my_courses_lists_progress_resume_and_certificate(client, citizen):
    done = make_course("MY-1", lessons=1)
    going = make_course("MY-2", title="Ngoại ngữ: tiếng Anh", category="foreign_language", level=None, lessons=3)
    sign_in(client, "0912345678")
    submit(client, "/courses/MY-1", "/courses/MY-1/enrol")
    url = f"/courses/MY-1/lessons/{done.lessons[0].id}"
    submit(client, url, f"{url}/done")
    submit(client, "/courses/MY-2", "/courses/MY-2/enrol")
    url = f"/courses/MY-2/lessons/{going.lessons[0].id}"
    submit(client, url, f"{url}/done")
    page = client.get("/my/courses").get_data(as_text=True)
    assert f'href="/courses/MY-2/lessons/{going.lessons[1].id}"' in page  # continue where they stopped
    assert "Học tiếp: Bài 2" in page and "1/3 bài học" in page
    code = db.session.scalar(sa.select(Enrolment.certificate_code).where(Enrolment.course_id == done.id))
    assert f"/my/certificates/{code}.pdf" in page
    course_page = client.get("/courses/MY-2").get_data(as_text=True)
    assert "Học tiếp: Bài 2" in course_page and "33%" in course_page


def test_leave_then_enrol_again_resumes(client, citizen):
    course = make_course("LEAVE-1", lessons=2)
    sign_in(client, "0912345678")
    submit(client, "/courses/LEAVE-1", "/courses/LEAVE-1/enrol")
    url = f"/courses/LEAVE-1/lessons/{course.lessons[0].id}"
    submit(client, url, f"{url}/done")
    submit(client, "/courses/LEAVE-1", "/courses/LEAVE-1/leave")
    assert "LEAVE-1" not in client.get("/my/courses").get_data(as_text=True)
    assert client.get(url).status_code == 302  # no longer enrolled
    response = submit(client, "/courses/LEAVE-1", "/courses/LEAVE-1/enrol")
    assert response.headers["Location"].endswith(f"/lessons/{course.lessons[1].id}")


def test_a_completed_course_cannot_be_left(client, citizen):
    sign_in(client, "0912345678")
    enrolment = _complete(client, "DONE-1")
    page = client.get("/courses/DONE-1").get_data(as_text=True)
    assert "/courses/DONE-1/leave" not in page
    response = submit(client, "/courses/DONE-1", "/courses/DONE-1/leave", follow_redirects=True)
    assert "không thể rời khóa học" in response.get_data(as_text=True)
    db.session.refresh(enrolment)
    assert enrolment.left_at is None and enrolment.completed_at is not None


def test_search_finds_a_digital_course_by_its_category_without_diacritics(client):
    make_course("KNS-DT", title="Sử dụng điện thoại thông minh an toàn")
    make_course("LAW-1", title="Luật hôn nhân", category="law", level=None)
    page = client.get("/courses?q=ky+nang+so").get_data(as_text=True)
    assert "Sử dụng điện thoại thông minh an toàn" in page and "Luật hôn nhân" not in page
    page = client.get("/courses?q=DIEN+THOAI").get_data(as_text=True)
    assert "Sử dụng điện thoại thông minh an toàn" in page
    assert "Luật hôn nhân" in client.get("/courses?q=ph%C3%A1p+lu%E1%BA%ADt").get_data(as_text=True)
    assert "Không tìm thấy" in client.get("/courses?q=100%25_").get_data(as_text=True)
