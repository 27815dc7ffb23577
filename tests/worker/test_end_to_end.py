"""The whole journey on real components: the web app (test client), a real Celery worker process,
PostgreSQL and Redis. A citizen completes a course → the worker recomputes → the record shows the
points and eligibility → an officer awards the title → the district figures change."""

from datetime import date
from decimal import Decimal

from courses.catalogue.models import Course, Lesson
from lms.criteria.models import PersonResult
from lms.criteria.services import item_scores
from lms.evidence.services import add_evidence
from lms.extensions import db
from lms.indicators.models import AreaIndicator
from lms.util import fold
from tests.web.conftest import sign_in, submit
from tests.worker.test_pipeline import wait_for


def item(person_id: int, code: str) -> Decimal | None:
    db.session.expire_all()
    return item_scores(person_id, 2026).get(code)


def test_completion_to_award_to_district_figures(app, default_framework, tree, make_person, make_user, worker):
    course = Course(
        code="KNS-AT",
        title="Sử dụng điện thoại thông minh an toàn",
        title_folded=fold("Sử dụng điện thoại"),
        category="digital_skill",
        digital_level="basic",
        hours=Decimal(4),
    )
    course.lessons = [
        Lesson(position=1, title="Mật khẩu", body="Đặt mã PIN."),
        Lesson(position=2, title="OTP", body="Không đọc mã OTP."),
    ]
    db.session.add(course)
    person = make_person(tree["A1"], full_name="Phạm Thị Ánh")
    # 73 points without T1.1 and T2.1: a plan (10) and verified declarations of 9 on seven items
    add_evidence(person, kind="plan", ref="", when=date(2026, 2, 1), source="import")
    for code in ("T1.3", "T1.4", "T2.2", "T2.3", "T2.4", "T3.1", "T3.2"):
        add_evidence(person, kind="declaration", ref=code, when=date(2026, 2, 1), points=9, source="import")
    db.session.commit()
    citizen = make_user("citizen", person=person, login="anh@example.vn")
    officer = make_user("officer", area=tree["A"], login="canbo.xa@example.vn")
    lessons = [lesson.id for lesson in course.lessons]

    first = wait_for(lambda: db.session.get(PersonResult, (person.id, 2026)), what="the first score")
    assert Decimal(str(first.total)) == Decimal("73") and not first.eligible

    # the citizen studies: enrol, read both lessons, mark them done
    web = app.test_client()
    assert sign_in(web, citizen.login).status_code == 302
    submit(web, "/courses/KNS-AT", "/courses/KNS-AT/enrol")
    for lesson_id in lessons:
        page = f"/courses/KNS-AT/lessons/{lesson_id}"
        response = submit(web, page, f"{page}/done", follow_redirects=True)
        assert response.status_code == 200

    # the worker picks it up: T1.1 (+5) and T2.1 basic (+6) → 84, eligible
    wait_for(lambda: item(person.id, "T2.1") == Decimal("6"), what="the completion to be scored")
    result = db.session.get(PersonResult, (person.id, 2026))
    assert item(person.id, "T1.1") == Decimal("5") and Decimal(str(result.total)) == Decimal("84") and result.eligible
    record = web.get("/record?period=2026").get_data(as_text=True)
    assert "84" in record and "Sử dụng điện thoại thông minh an toàn" in record

    district = wait_for(
        lambda: (r := db.session.get(AreaIndicator, (tree["D"].id, 2026))) and r.eligible == 1 and r,
        what="the district to count the eligible citizen",
    )
    assert district.holders == 0

    # the commune officer awards the title with a decision number and date
    desk = app.test_client()
    assert sign_in(desk, officer.login).status_code == 302
    listing = desk.get("/officer/eligible?period=2026").get_data(as_text=True)
    assert "Phạm Thị Ánh" in listing
    done = submit(
        desk,
        "/officer/eligible?period=2026",
        "/officer/award",
        {
            "person_ids": str(person.id),
            "decision_no": "15/QĐ-UBND",
            "decision_date": "2026-11-20",
            "period": "2026",
            "confirmed": "1",
        },
        follow_redirects=True,
    )
    assert "15/QĐ-UBND" in done.get_data(as_text=True)

    # … and the worker cascades the decision to the district's figures
    district = wait_for(
        lambda: (r := db.session.get(AreaIndicator, (tree["D"].id, 2026))) and r.holders == 1 and r,
        what="the district to count the holder",
    )
    assert district.i4_den == 1 and district.i4_num == 1  # the holder has basic digital skills
    dashboard = desk.get(f"/dashboard?area={tree['A'].code}&period=2026").get_data(as_text=True)
    assert "I4" in dashboard
