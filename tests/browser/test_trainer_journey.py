"""The trainer journey in a real browser: schedule a session, upload a PDF (progress bar), show the QR code,
a citizen opens the QR URL on a phone, logs in and is checked in. A screenshot of every step."""

from datetime import timedelta

import sqlalchemy as sa

from lms.extensions import db
from lms.util import LOCAL_TZ, utcnow
from tests.browser.conftest import PHONE, SCREENSHOTS, _slug, browser_sign_in, fits_width
from tests.sessions import files

TRAINER_LOGIN = "baocaovien@example.vn"
CITIZEN_LOGIN = "0977111222"


def _csp_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [e for e in page.errors if "Content Security Policy" in e or "Refused to" in e]


def test_trainer_schedules_uploads_a_pdf_and_a_citizen_checks_in_by_qr(
    page, screenshot, browser, live_server, request, tree, make_person, make_user
):
    from playwright.sync_api import expect

    from courses.sessions.models import Attendance, Material, TrainingSession
    from lms.evidence.models import Evidence

    make_user("trainer", area=tree["D"], login=TRAINER_LOGIN)
    person = make_person(tree["A1"], full_name="Đặng Thị Thu Hà", gender="nữ")
    make_user("citizen", person=person, login=CITIZEN_LOGIN)
    db.session.commit()

    # 1. schedule a session for commune A that starts now
    browser_sign_in(page, TRAINER_LOGIN)
    page.goto("/sessions")
    screenshot("trainer-sessions-empty")
    page.get_by_role("link", name="Lên lịch lớp mới").click()
    start = (utcnow() - timedelta(minutes=5)).astimezone(LOCAL_TZ)
    page.get_by_label("Tên lớp tập huấn").fill("Tập huấn cài đặt VNeID mức 2")
    page.get_by_label("Đối tượng").select_option("area:A")
    page.get_by_label("Bắt đầu").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Kết thúc").fill((start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Số giờ được tính").fill("2")
    page.get_by_label("Mã lớp").fill("TH-VNEID-01")
    page.get_by_label("Địa điểm").fill("Nhà văn hóa thôn 1")
    screenshot("schedule-form-filled")
    page.get_by_role("button", name="Lưu lớp tập huấn").click()
    page.wait_for_url("**/sessions/*")
    assert page.get_by_text("Đã lên lịch lớp tập huấn TH-VNEID-01.").is_visible()
    screenshot("session-scheduled")

    # 2. upload a PDF (the script sends it with a progress bar, then follows the redirect)
    page.get_by_label("Tệp tài liệu").set_input_files(
        {"name": "Bài giảng VNeID.pdf", "mimeType": "application/pdf", "buffer": files.PDF}
    )
    page.get_by_role("button", name="Tải lên").click()
    page.get_by_text("Đã tải lên tài liệu: Bài giảng VNeID.pdf").wait_for()
    assert page.get_by_role("link", name="Bài giảng VNeID.pdf").is_visible()
    screenshot("pdf-uploaded")

    # an SVG is refused in place, with the reason under the progress bar
    page.get_by_label("Tệp tài liệu").set_input_files(
        {"name": "logo.svg", "mimeType": "image/svg+xml", "buffer": files.SVG}
    )
    page.get_by_role("button", name="Tải lên").click()
    page.get_by_text("Không nhận tệp HTML, SVG hay XML").first.wait_for()
    file_input = page.get_by_label("Tệp tài liệu")
    assert file_input.get_attribute("aria-invalid") == "true"  # the failing field is marked...
    assert page.locator("[data-upload-field-error]").inner_text().startswith("Không nhận tệp HTML, SVG hay XML")
    assert page.locator("[data-upload-progress] progress").evaluate("bar => bar.value") == 0  # ...the bar reset
    screenshot("svg-refused")

    # the same PDF again under another name: said so, not added twice
    file_input.set_input_files({"name": "copy.pdf", "mimeType": "application/pdf", "buffer": files.PDF})
    page.get_by_role("button", name="Tải lên").click()
    page.get_by_text("trùng nội dung với tài liệu đã có của lớp (Bài giảng VNeID.pdf)").wait_for()
    assert page.get_by_role("link", name="copy.pdf").count() == 0
    # deleting a material asks first
    page.locator(".confirm-inline summary").first.click()
    assert page.get_by_text('Xóa tài liệu "Bài giảng VNeID.pdf"?').is_visible()
    screenshot("delete-material-asks-first")
    page.locator(".confirm-inline summary").first.click()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Bài giảng VNeID.pdf").click()
    assert open(download_info.value.path(), "rb").read() == files.PDF  # noqa: SIM115

    # 3. the QR code for the projector
    page.get_by_role("link", name="Mã QR điểm danh").first.click()
    page.wait_for_url("**/checkin-code")
    qr = page.get_by_role("img", name="Mã QR điểm danh lớp TH-VNEID-01")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    checkin_url = page.locator(".checkin-url a").get_attribute("href")
    assert checkin_url and "/sessions/checkin/" in checkin_url
    screenshot("qr-code-on-the-projector")

    # 4. the citizen scans it on a phone: asked to log in first, comes back, confirms, checked in
    live = page.locator(".live-count [data-count]")
    assert live.inner_text() == "0"
    phone = browser.new_context(base_url=live_server, viewport=PHONE, locale="vi-VN", is_mobile=True)
    citizen_page = phone.new_page()
    folder = SCREENSHOTS / _slug(request.node.name)
    citizen_page.goto(checkin_url)
    citizen_page.get_by_role("heading", name="Đăng nhập để điểm danh").wait_for()
    citizen_page.screenshot(path=str(folder / "06a-citizen-asked-to-log-in.png"), full_page=True)
    citizen_page.fill('input[name="login"]', CITIZEN_LOGIN)
    citizen_page.fill('input[name="password"]', "mat-khau-2026")
    citizen_page.get_by_role("button", name="Đăng nhập").click()
    citizen_page.wait_for_url("**/sessions/checkin/**")
    citizen_page.get_by_role("heading", name="Xác nhận điểm danh").wait_for()
    citizen_page.screenshot(path=str(folder / "06b-citizen-confirms.png"), full_page=True)
    citizen_page.get_by_role("button", name="Xác nhận tôi có mặt").click()
    citizen_page.get_by_role("heading", name="Đã điểm danh").wait_for()
    assert fits_width(citizen_page)
    citizen_page.screenshot(path=str(folder / "06c-citizen-checked-in.png"), full_page=True)
    citizen_page.goto(checkin_url)  # scanning twice is harmless
    assert citizen_page.get_by_role("heading", name="Bạn đã điểm danh lớp này rồi").is_visible()
    citizen_page.goto("/sessions")
    assert citizen_page.get_by_text("Tập huấn cài đặt VNeID mức 2").first.is_visible()
    citizen_page.screenshot(path=str(folder / "06d-citizen-sessions.png"), full_page=True)
    phone.close()

    # 5. the projector's count went up by itself (polling), then the trainer sees the attendance
    expect(live).to_have_text("1", timeout=20_000)
    screenshot("live-count-after-a-check-in")
    page.set_viewport_size(PHONE)
    page.reload()
    page.get_by_role("link", name="Danh sách điểm danh").click()
    assert page.get_by_label("Đặng Thị Thu Hà").is_checked()
    assert fits_width(page)
    screenshot("attendance-list-phone")

    db.session.expire_all()
    ts = db.session.scalar(sa.select(TrainingSession).where(TrainingSession.code == "TH-VNEID-01"))
    assert ts is not None and ts.area_id == tree["A"].id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Material)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 1
    evidence = db.session.scalar(sa.select(Evidence).where(Evidence.person_id == person.id))
    assert (evidence.kind, evidence.ref, evidence.hours) == ("session", "TH-VNEID-01", 2)
    assert _csp_violations(page) == []
