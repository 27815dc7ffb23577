"""Everyday polish seen on screen: one date format, locale numbers in PDFs, addresses people type, a
citizen's home page, catalogue cards."""

from datetime import date, datetime
from decimal import Decimal

from flask_babel import force_locale, format_date, format_datetime

from lms.extensions import db
from tests.web.conftest import sign_in, submit


def test_dates_are_dd_mm_yyyy_in_every_language(app):
    with app.test_request_context():
        for locale in ("vi", "en"):
            with force_locale(locale):
                assert format_date(date(2026, 1, 5), "short") == "05/01/2026"
                assert format_date(date(2026, 1, 5)) == "05/01/2026"
                assert format_datetime(datetime(2026, 1, 5, 3, 4), "short").endswith("05/01/2026")


def test_pdf_cells_and_xlsx_dates_follow_the_platform_format(app):
    from openpyxl import Workbook

    from lms.exports import xlsx_cell
    from lms.reports.pdf import _cell_text

    with app.test_request_context():
        with force_locale("vi"):
            assert (_cell_text(Decimal("1234.5")), _cell_text(72), _cell_text(None)) == ("1.234,5", "72", "")
        with force_locale("en"):
            assert _cell_text(Decimal("1234.5")) == "1,234.5" and _cell_text("T1.2") == "T1.2"
    sheet = Workbook(write_only=True).create_sheet()
    assert xlsx_cell(sheet, date(2026, 12, 1)).number_format == "DD/MM/YYYY"
    assert xlsx_cell(sheet, "=1+1").data_type == "s" and xlsx_cell(sheet, 5) == 5


def test_login_and_admin_lead_somewhere(client):
    assert client.get("/login").headers["Location"] == "/auth/login"
    assert client.get("/admin").headers["Location"] == "/admin/users"


def test_a_citizen_home_shows_points_next_step_and_the_course_in_progress(client, citizen, course):
    sign_in(client, "0912345678")
    page = client.get("/").get_data(as_text=True)
    assert "Bước tiếp theo" in page and "Lập kế hoạch học tập năm nay" in page  # nothing yet: a plan first
    from lms.criteria.models import PersonResult
    from lms.web import current_period

    db.session.add(
        PersonResult(
            person_id=citizen.person_id,
            period=current_period(),
            audience="general",
            total=Decimal("42.5"),
            threshold=Decimal("80"),
            eligible=False,
            has_plan=True,
        )
    )
    db.session.commit()
    submit(client, f"/courses/{course.code}", f"/courses/{course.code}/enrol")
    page = client.get("/").get_data(as_text=True)
    assert "42,5" in page and "/ 80" in page
    assert "Học tiếp khóa Kỹ năng số cơ bản" in page and "Khóa học đang học" in page


def test_catalogue_cards_show_a_description_line_and_the_citizens_status(client, citizen, course):
    page = client.get("/courses").get_data(as_text=True)
    assert "Học cách dùng điện thoại an toàn." in page and "Chưa ghi danh" not in page  # anonymous: no status
    sign_in(client, "0912345678")
    assert "Chưa ghi danh" in client.get("/courses").get_data(as_text=True)
    submit(client, f"/courses/{course.code}", f"/courses/{course.code}/enrol")
    page = client.get("/courses").get_data(as_text=True)
    assert "Đang học" in page and "Chưa ghi danh" not in page


def test_the_audit_log_speaks_to_people(app):
    from flask_babel import force_locale

    from lms.web import details

    with app.test_request_context():
        shown = details({"of": "BB-HOAAN", "period": 2026, "contacts": False, "role": "trainer"})
        assert shown == "Của: BB-HOAAN; Năm: 2026; Kèm số điện thoại, email: Không; Vai trò: Báo cáo viên"
        assert details({"decision_date": "2026-12-01", "people": [f"P{n}" for n in range(12)]}) == (
            "Ngày quyết định: 01/12/2026; Người dân: P0, P1, P2, P3, P4, P5, P6, P7, P8, P9 … (+2)"
        )
        with force_locale("en"):
            assert details({"contacts": True, "unknown_key": None}) == "With phone and email: Yes; unknown_key: —"


def test_trend_labels_stay_clear_of_the_target_lines():
    from lms.indicators.charts import LABEL_HEIGHT, label_baseline, y_of

    targets = (y_of(70), y_of(80))
    for percent in range(0, 101):
        top = y_of(percent)
        baseline = label_baseline(top, targets)
        assert not any(baseline - LABEL_HEIGHT - 1 <= t <= baseline + 1 for t in targets) or baseline > top, percent
    assert label_baseline(y_of(50), targets) == y_of(50) - 3  # far from the lines: just above the bar


def test_the_citizen_next_step_follows_their_year(app, citizen):
    from lms.criteria.models import PersonResult
    from lms.records.services import citizen_summary

    result = PersonResult(
        person_id=citizen.person_id, period=2026, audience="general", total=Decimal("90"), threshold=Decimal("80"),
        eligible=False, has_plan=True,
    )  # fmt: skip
    db.session.add(result)
    db.session.flush()
    assert citizen_summary(citizen.person_id, 2026)["step"] == "record"  # a plan, no course under way
    result.eligible = True
    assert citizen_summary(citizen.person_id, 2026)["step"] == "wait"  # eligible: the officers decide
    assert citizen_summary(citizen.person_id, 2025)["step"] == "plan"  # nothing that year
