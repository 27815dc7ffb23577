"""The citizen's learning record in Vietnamese and English, before and after the worker scores it."""

from tests.web.conftest import make_eligible, score, sign_in


def test_record_shows_computing_until_the_worker_scores(client, citizen, default_framework):
    make_eligible(citizen.person)
    sign_in(client, "0912345678")
    html = client.get("/record?period=2026").get_data(as_text=True)
    assert "Đang tính toán…" in html and 'href="/record?period=2026"' in html
    score()
    html = client.get("/record?period=2026").get_data(as_text=True)
    assert "Đang tính toán…" not in html
    assert "Đủ điều kiện" in html
    assert "<strong>100</strong>" in html
    assert "Sử dụng công nghệ thông tin, kỹ năng số" in html


def test_record_lists_what_is_missing(client, citizen, default_framework):
    from datetime import date

    from lms.evidence.services import add_evidence
    from lms.extensions import db

    add_evidence(citizen.person, kind="plan", ref="", when=date(2026, 2, 1), source="import")
    db.session.commit()
    score()
    sign_in(client, "0912345678")
    html = client.get("/record?period=2026").get_data(as_text=True)
    assert "Chưa đủ điều kiện." in html
    assert "Còn thiếu 70 điểm." in html
    assert "Kế hoạch học tập" in html


def test_record_in_english(client, citizen, default_framework):
    make_eligible(citizen.person)
    score()
    sign_in(client, "0912345678")
    html = client.get("/record?period=2026&lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Learning record" in html and "Digital skills" in html and "Eligible" in html
    assert "Sổ học tập" not in html and "Tổng điểm" not in html


def test_record_without_a_framework_says_so(client, citizen):
    sign_in(client, "0912345678")
    html = client.get("/record?period=2030").get_data(as_text=True)
    assert "Chưa có bộ tiêu chí cho kỳ đánh giá 2030." in html


def test_record_lists_enrolments_with_progress(client, citizen, course, default_framework):
    from tests.web.conftest import submit

    sign_in(client, "0912345678")
    submit(client, "/courses/KNS-01", "/courses/KNS-01/enrol")
    html = client.get("/record?period=2026").get_data(as_text=True)
    assert "Kỹ năng số cơ bản" in html and "0/2" in html
