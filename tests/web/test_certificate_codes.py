"""Certificate codes: 80 random bits, printed in groups; a /verify form that forgives case, spaces and misreadings."""

import math

import sqlalchemy as sa

from courses.catalogue.models import Enrolment
from courses.catalogue.services import CODE_ALPHABET, canonical_code, new_certificate_code
from lms.extensions import db
from tests.course_factories import make_course
from tests.web.conftest import sign_in, submit


def _complete(client, code: str = "CERT-1") -> Enrolment:  # type: ignore[no-untyped-def]
    course = make_course(code, title="Kỹ năng số", lessons=1, hours="2")
    submit(client, f"/courses/{code}", f"/courses/{code}/enrol")
    url = f"/courses/{code}/lessons/{course.lessons[0].id}"
    submit(client, url, f"{url}/done")
    return db.session.scalar(sa.select(Enrolment).where(Enrolment.course_id == course.id))


def test_new_codes_carry_at_least_80_random_bits():
    codes = {new_certificate_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        raw = code.replace("-", "")
        assert set(raw) <= set(CODE_ALPHABET)
        assert len(raw) * math.log2(len(CODE_ALPHABET)) >= 80
        assert code == canonical_code(code)


def test_a_completion_gets_a_long_code_that_verifies(client, citizen):
    sign_in(client, "0912345678")
    code = _complete(client).certificate_code
    assert len(code.replace("-", "")) * math.log2(len(CODE_ALPHABET)) >= 80
    html = client.application.test_client().get(f"/verify/{code}").get_data(as_text=True)
    assert "Chứng nhận hợp lệ." in html


def test_the_verify_form_forgives_case_spaces_and_misread_letters(client, citizen):
    sign_in(client, "0912345678")
    code = _complete(client).certificate_code
    anonymous = client.application.test_client()
    page = anonymous.get("/verify")
    assert page.status_code == 200 and 'name="code"' in page.get_data(as_text=True)
    raw = code.replace("-", "")
    typed = " ".join(raw[i : i + 4] for i in range(0, 16, 4)).lower().replace("0", "o").replace("1", "l")
    response = anonymous.get("/verify", query_string={"code": f"  {typed} "}, follow_redirects=True)
    assert response.status_code == 200
    assert "Chứng nhận hợp lệ." in response.get_data(as_text=True)
    assert anonymous.get(f"/verify/{raw.lower()}").status_code == 200


def test_old_codes_keep_verifying(client, citizen, course):
    from datetime import date

    db.session.add(
        Enrolment(
            person_id=citizen.person_id,
            course_id=course.id,
            certificate_code="CAFE00112233",
            completed_at=date(2025, 5, 1),
        )
    )
    db.session.commit()
    anonymous = client.application.test_client()
    assert "Chứng nhận hợp lệ." in anonymous.get("/verify/CAFE00112233").get_data(as_text=True)
    found = anonymous.get("/verify", query_string={"code": "cafe 0011 2233"}, follow_redirects=True)
    assert "Chứng nhận hợp lệ." in found.get_data(as_text=True)


def test_unknown_or_empty_codes_change_nothing_and_say_so(client):
    assert client.get("/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ").status_code == 404
    bad = client.get("/verify", query_string={"code": "!!!"})
    assert bad.status_code == 400
    assert "Mã xác thực gồm chữ và số" in bad.get_data(as_text=True)
