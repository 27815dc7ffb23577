"""The officer's tools in a real browser at 360 px: registry, import with preview and a background job's
progress bar, review of individual and group titles, reports. A screenshot of every page."""

import threading
import time
from datetime import date

import sqlalchemy as sa

from lms.extensions import db
from tests.browser.conftest import PHONE, browser_sign_in, fits_width
from tests.web.conftest import make_eligible, score

OFFICER = "canbo.a@example.vn"
PEOPLE_CSV = (
    "person_code,full_name,birth_year,gender,village_code,phone\n"
    "P-101,Nguyễn Thị Ánh Tuyết,1985,nữ,A1,0912000101\n"
    "P-102,Trần Văn Đức,1979,nam,A2,\n"
)


def _csp_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [e for e in page.errors if "Content Security Policy" in e or "Refused to" in e]


def _phone_shot(page, screenshot, name: str) -> None:  # type: ignore[no-untyped-def]
    assert fits_width(page), f"{name}: the page scrolls sideways at 360 px"
    screenshot(name)


def test_officer_registry_import_review_and_reports_on_a_phone(
    app, page, screenshot, tree, make_person, make_user, default_framework, tmp_path
):
    from lms.people.models import Family, Unit
    from lms.titles.services import award_titles

    make_user("officer", area=tree["A"], login=OFFICER)
    unit = Unit(code="U-A", name="Trường Tiểu học Hòa Ân", level="commune", area_id=tree["A"].id)
    family = Family(code="GD-1", name="Hộ Lê Văn Tám", village_id=tree["A1"].id)
    db.session.add_all([unit, family])
    db.session.flush()
    people = [
        make_person(tree["A1"], full_name="Lê Văn Tám", family_id=family.id, unit_id=unit.id, is_official=True),
        make_person(tree["A1"], full_name="Lê Thị Hồng Nhung", family_id=family.id, khuyen_hoc_member=True),
        make_person(tree["A2"], full_name="Phạm Quốc Bảo"),
    ]
    for person in people:
        make_eligible(person)
    score()
    award_titles([people[0].id], 2026, "15/QĐ-UBND", date(2026, 11, 20), "test", tree["A"])
    db.session.commit()
    score()

    page.set_viewport_size(PHONE)
    browser_sign_in(page, OFFICER)
    page.goto("/officer/registry/people")
    page.get_by_label("Tìm theo tên hoặc mã").fill("le van tam")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Lê Văn Tám").is_visible()
    _phone_shot(page, screenshot, "people-search")
    page.goto("/officer/registry/people")
    _phone_shot(page, screenshot, "people-list")

    page.get_by_role("link", name="Lê Thị Hồng Nhung").click()
    page.wait_for_load_state()
    _phone_shot(page, screenshot, "person-edit")
    page.goto("/officer/registry/families")
    _phone_shot(page, screenshot, "families")
    page.goto("/officer/registry/units")
    _phone_shot(page, screenshot, "units")
    page.goto("/officer/registry/activation")
    _phone_shot(page, screenshot, "activation-codes")

    # a small import: checked at once, preview, confirm
    csv_path = tmp_path / "nguoi-dan.csv"
    csv_path.write_text(PEOPLE_CSV, encoding="utf-8")
    page.goto("/officer/imports")
    _phone_shot(page, screenshot, "import-page")
    page.get_by_label("Loại dữ liệu").select_option("people")
    page.set_input_files('input[type="file"]', str(csv_path))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.wait_for_load_state()
    assert page.get_by_text("Sẽ thêm mới").is_visible()
    _phone_shot(page, screenshot, "import-preview")
    page.get_by_role("button", name="Nhập dữ liệu").click()
    page.wait_for_load_state()
    assert page.get_by_text("Đã nhập xong").first.is_visible()
    _phone_shot(page, screenshot, "import-done")

    # a "large" import: the worker (here a thread running the task) moves the bar; the page reloads itself
    from lms.imports.models import ImportJob

    app.config["IMPORT_INLINE_MAX_BYTES"] = 10
    sent: list[int] = []
    app.extensions["celery"].send_task = lambda name, args=None, **kw: sent.append(args[0])
    bad = tmp_path / "loi.csv"
    bad.write_text(PEOPLE_CSV + "P-103,,3000,x,B1,\n", encoding="utf-8")
    page.goto("/officer/imports")
    page.get_by_label("Loại dữ liệu").select_option("people")
    page.set_input_files('input[type="file"]', str(bad))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.wait_for_load_state()
    assert page.locator("progress").is_visible()
    _phone_shot(page, screenshot, "import-progress")

    def worker() -> None:
        from worker.tasks import run_import

        time.sleep(1.5)
        with app.app_context():
            run_import.run(sent[0])

    thread = threading.Thread(target=worker)
    thread.start()
    page.get_by_text("chưa dòng nào được ghi").wait_for(timeout=15_000)
    thread.join()
    _phone_shot(page, screenshot, "import-row-errors")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportJob)) == 2

    page.goto("/officer/eligible?period=2026")
    _phone_shot(page, screenshot, "eligible")
    page.goto("/officer/groups?kind=family&period=2026")
    _phone_shot(page, screenshot, "groups")
    page.goto(f"/officer/groups/family/{family.id}?period=2026")
    _phone_shot(page, screenshot, "group-explanation")
    page.goto("/officer/reports?period=2026")
    _phone_shot(page, screenshot, "reports")
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải Excel (XLSX)").click()
    assert download.value.suggested_filename == "bao-cao-cdht-A-2026.xlsx"
    page.goto("/officer/audit")
    _phone_shot(page, screenshot, "audit-log")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/officer/registry/people?official=1")
    screenshot("people-desktop")
    page.goto("/officer/eligible?period=2026&group=official")
    screenshot("eligible-desktop")
    assert _csp_violations(page) == []


def test_citizen_activates_an_account_on_a_phone(page, screenshot, tree, make_person, app, monkeypatch):
    from lms.activation import services
    from lms.activation.services import issue_codes

    person = make_person(tree["A1"], full_name="Võ Thị Mai", code="P-MAI")
    db.session.commit()
    monkeypatch.setattr(services, "new_code", lambda: "MAI2-CODE-XYZ9")
    issue_codes([person], actor="test", scope=tree["A"])
    db.session.commit()
    page.set_viewport_size(PHONE)
    page.goto("/auth/activate")
    page.get_by_label("Mã người dân").fill("P-MAI")
    page.get_by_label("Mã kích hoạt").fill("mai2 code xyz9")
    page.get_by_label("Số điện thoại hoặc email của bạn").fill("0905 123 456")
    page.get_by_label("Mật khẩu mới (ít nhất 8 ký tự)").fill("mat-khau-2026")
    page.get_by_label("Nhập lại mật khẩu").fill("mat-khau-2026")
    _phone_shot(page, screenshot, "activate-form")
    page.get_by_role("button", name="Kích hoạt tài khoản").click()
    page.wait_for_load_state()
    assert page.get_by_text("Đã kích hoạt tài khoản").is_visible()
    _phone_shot(page, screenshot, "activated")
