"""The officer's decisions in a real browser: the confirmation step before an award, correcting a
decision's number and date, revoking a whole decision with one reason, and two-step approval by the
commune leader (an approver). A screenshot of every step in test-artifacts/screenshots/."""

from typing import Any

import sqlalchemy as sa

from lms.decisions.models import Decision
from lms.extensions import db
from lms.titles.models import Award
from tests.browser.conftest import PHONE, browser_sign_in, fits_width
from tests.web.conftest import make_eligible, score

OFFICER = "canbo.a@example.vn"
APPROVER = "chutich.a@example.vn"


def _eligible(tree: Any, make_person: Any, n: int = 3) -> list[Any]:
    people = [make_person(tree["A1"], full_name=name) for name in ("Lê Văn Tám", "Phạm Thị Hoa", "Trần Quốc Bảo")[:n]]
    for p in people:
        make_eligible(p)
    score()
    return people


def _decide(page: Any, number: str, date_value: str, *, everyone: bool = False) -> None:
    page.goto("/officer/eligible?period=2026")
    page.fill('input[name="decision_no"]', number)
    page.fill('input[name="decision_date"]', date_value)
    if everyone:
        page.get_by_role("button", name="Công nhận tất cả người đủ điều kiện").click()
    else:
        page.check("#select-all")
        page.get_by_role("button", name="Công nhận danh hiệu cho những người đã chọn").click()
    page.wait_for_load_state()


def test_confirm_correct_and_revoke_a_whole_decision(
    app: Any, page: Any, screenshot: Any, tree: Any, make_person: Any, make_user: Any, default_framework: Any
) -> None:
    make_user("officer", area=tree["A"], login=OFFICER)
    _eligible(tree, make_person)
    db.session.commit()
    browser_sign_in(page, OFFICER)

    # a future date is refused on the spot, nothing written
    _decide(page, "15/QĐ-UBDN", "2031-01-10")
    assert "Ngày quyết định không được sau ngày hôm nay." in page.content()
    screenshot("future-date-refused")

    # the confirmation step says what will happen; nothing is written before it is confirmed
    _decide(page, "15/QĐ-UBDN", "2026-11-20", everyone=True)
    page.get_by_text("Công nhận 3 người theo quyết định số 15/QĐ-UBDN ngày 20/11/2026?").wait_for()
    screenshot("confirmation-step")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Award)) == 0
    page.get_by_role("button", name="Xác nhận công nhận").click()
    page.get_by_text("Đã công nhận danh hiệu Công dân học tập cho 3 người").wait_for()
    screenshot("awarded")

    # the number was mistyped: correct it on the decision's page, the titles stay
    page.get_by_role("link", name="15/QĐ-UBDN").first.click()
    page.get_by_role("heading", name="Quyết định số 15/QĐ-UBDN").wait_for()
    page.fill("#decision_no", "15/QĐ-UBND")
    page.get_by_role("button", name="Lưu số, ngày đã sửa").click()
    page.get_by_text("Đã sửa số, ngày quyết định.").wait_for()
    screenshot("corrected")
    db.session.expire_all()
    assert set(db.session.scalars(sa.select(Award.decision_no))) == {"15/QĐ-UBND"}
    assert db.session.scalar(sa.select(sa.func.count()).where(Award.revoked_at.is_not(None))) == 0

    # revoke the whole decision with one reason
    page.fill("#reason", "Quyết định ban hành nhầm kỳ")
    page.get_by_role("button", name="Thu hồi cả quyết định").click()
    page.get_by_text("Đã thu hồi quyết định số 15/QĐ-UBND (3 danh hiệu).").wait_for()
    screenshot("revoked")
    db.session.expire_all()
    assert set(db.session.scalars(sa.select(Award.revoke_reason))) == {"Quyết định ban hành nhầm kỳ"}

    # the decisions list at 360 px
    page.set_viewport_size(PHONE)
    page.goto("/officer/decisions")
    assert fits_width(page), "the decisions list scrolls sideways at 360 px"
    screenshot("decisions-list-phone")
    assert page.errors == []


def test_two_step_approval_by_the_commune_leader(
    app: Any,
    browser: Any,
    live_server: str,
    page: Any,
    screenshot: Any,
    tree: Any,
    make_person: Any,
    make_user: Any,
    default_framework: Any,
) -> None:
    app.config["DECISION_APPROVAL"] = "two_step"
    make_user("officer", area=tree["A"], login=OFFICER)
    make_user("approver", area=tree["A"], login=APPROVER)
    _eligible(tree, make_person, n=2)
    db.session.commit()

    browser_sign_in(page, OFFICER)
    _decide(page, "21/QĐ-UBND", "2026-11-25")
    page.get_by_text("Đề nghị công nhận 2 người theo quyết định số 21/QĐ-UBND ngày 25/11/2026?").wait_for()
    screenshot("proposal-confirmation")
    page.get_by_role("button", name="Gửi danh sách đề nghị").click()
    page.get_by_text("chờ lãnh đạo phê duyệt").first.wait_for()
    assert page.get_by_role("button", name="Phê duyệt, công nhận danh hiệu").count() == 0  # not their own
    folder = screenshot("proposal-sent").parent
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Award)) == 0

    leader_context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900}, locale="vi-VN")
    leader = leader_context.new_page()
    try:
        browser_sign_in(leader, APPROVER)
        leader.goto("/officer/decisions")
        leader.get_by_role("link", name="1 danh sách đề nghị chờ phê duyệt").click()
        leader.get_by_role("link", name="21/QĐ-UBND").click()
        leader.get_by_role("heading", name="Quyết định số 21/QĐ-UBND").wait_for()
        leader.screenshot(path=str(folder / "03-leader-sees-the-proposal.png"), full_page=True)
        leader.get_by_role("button", name="Phê duyệt, công nhận danh hiệu").click()
        leader.get_by_text("Đã phê duyệt quyết định số 21/QĐ-UBND: công nhận 2.").wait_for()
        leader.screenshot(path=str(folder / "04-approved.png"), full_page=True)
    finally:
        leader_context.close()
    db.session.expire_all()
    decision = db.session.scalar(sa.select(Decision))
    assert (decision.status, decision.created_by, decision.approved_by) == ("approved", OFFICER, APPROVER)
    assert db.session.scalar(sa.select(sa.func.count()).where(Award.decision_id == decision.id)) == 2
