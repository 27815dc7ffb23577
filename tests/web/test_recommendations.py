"""The learning record recommends up to three catalogue courses for the largest gaps."""

from courses.catalogue.models import Course
from lms.extensions import db
from lms.util import fold
from tests.web.conftest import score, sign_in


def test_record_recommends_courses_for_the_weakest_items(app, default_framework, citizen):
    for code, title, category in [
        ("NN-1", "Tiếng Anh giao tiếp", "foreign_language"),
        ("TT-1", "Tính toán trong gia đình", "numeracy"),
        ("PL-1", "Luật Giao thông", "law"),
        ("NN-2", "Tiếng Trung cơ bản", "foreign_language"),
    ]:
        db.session.add(Course(code=code, title=title, title_folded=fold(title), category=category, hours=2))
    db.session.commit()
    score()
    client = app.test_client()
    sign_in(client, citizen.login)
    page = client.get("/record?period=2026").get_data(as_text=True)
    section = page.split("Khóa học gợi ý để bù phần còn thiếu")[1].split("</section>")[0]
    assert section.count("<li>") == 3
    assert "Tiếng Anh giao tiếp" in section and "Tính toán trong gia đình" in section
