"""Declarations: a citizen declares, an officer of the area verifies with points (→ `declaration` evidence and the
record) or rejects with a reason; both decisions are audited; both sides see the status."""

import io
from decimal import Decimal

import pytest
import sqlalchemy as sa

from lms.extensions import db
from tests.sessions import files
from tests.sessions.conftest import stored_files
from tests.web.conftest import score, sign_in, submit

TEXT = "Đã hướng dẫn con cài ứng dụng VNeID và kích hoạt tài khoản mức 2."


def _declarations():  # type: ignore[no-untyped-def]
    from lms.declarations.models import Declaration

    return list(db.session.scalars(sa.select(Declaration).order_by(Declaration.id)))


def _declare(client, item="T3.2", text=TEXT, file=None, **kwargs):  # type: ignore[no-untyped-def]
    data = {"item": item, "text": text}
    if file is not None:
        data["file"] = (io.BytesIO(file[1]), file[0])
    return submit(
        client, "/declarations", "/declarations?period=2026", data, content_type="multipart/form-data", **kwargs
    )


@pytest.fixture
def declared(client, citizen, default_framework):  # type: ignore[no-untyped-def]
    sign_in(client, "0912345678")
    assert _declare(client, file=("anh-vneid.jpg", files.JPEG)).status_code == 302
    (declaration,) = _declarations()
    return declaration


def test_citizen_declares_with_a_file_and_sees_it_pending(client, declared, app):
    assert declared.status == "pending" and declared.item == "T3.2" and declared.period == 2026
    assert declared.file_kind == "jpeg" and declared.file_name == "anh-vneid.jpg"
    page = client.get("/declarations").get_data(as_text=True)
    assert "Đã gửi kê khai." in page and TEXT in page and "Chờ xác nhận" in page
    download = client.get(f"/declarations/{declared.id}/file")
    assert download.status_code == 200 and download.data == files.JPEG
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_a_pending_declaration_can_be_edited_then_withdrawn(client, declared):
    page = client.get("/declarations").get_data(as_text=True)
    assert f"/declarations/{declared.id}/edit" in page
    edit = f"/declarations/{declared.id}/edit"
    assert 'value="T3.2" selected' in client.get(edit).get_data(as_text=True)
    response = submit(client, edit, edit, {"item": "T3.1", "text": "  Hòa giải mâu thuẫn hàng xóm  "})
    assert response.status_code == 302
    db.session.refresh(declared)
    assert (declared.item, declared.text, declared.status) == ("T3.1", "Hòa giải mâu thuẫn hàng xóm", "pending")
    assert submit(client, edit, edit, {"item": "T1.2", "text": "x"}).status_code == 200  # not declarable
    assert submit(client, edit, edit, {"item": "T3.1", "text": ""}).status_code == 200
    db.session.refresh(declared)
    assert declared.item == "T3.1"  # nothing written
    response = submit(client, edit, f"/declarations/{declared.id}/withdraw", follow_redirects=True)
    assert "Đã rút lại kê khai." in response.get_data(as_text=True) and _declarations() == []


def test_a_decided_declaration_can_no_longer_change(client, declared, tree, make_user, make_person):
    from lms.declarations.services import AlreadyDecided, amend, reject, withdraw

    edit = f"/declarations/{declared.id}/edit"
    token_page = client.get(edit).get_data(as_text=True)
    reject(declared, "Không rõ", "canbo")
    db.session.commit()
    assert "Sửa hoặc rút lại" not in client.get("/declarations").get_data(as_text=True)
    response = client.get(edit, follow_redirects=True)
    assert "không sửa được nữa" in response.get_data(as_text=True)
    from tests.web.conftest import token_of

    response = client.post(f"/declarations/{declared.id}/withdraw", data={"csrf_token": token_of(token_page)})
    assert response.status_code == 302 and len(_declarations()) == 1
    with pytest.raises(AlreadyDecided):
        amend(declared, "T3.2", "khác")
    with pytest.raises(AlreadyDecided):
        withdraw(declared)
    # someone else's declaration: as if it did not exist
    other = make_person(tree["A1"], full_name="Người Khác")
    make_user("citizen", person=other, login="0900000009")
    other_client = client.application.test_client()
    sign_in(other_client, "0900000009")
    assert other_client.get(edit).status_code == 404


def test_the_award_page_mentions_pending_declarations_only_when_there_are_some(client, declared, officer_a):
    officer = client.application.test_client()
    sign_in(officer, "canbo.a@example.vn")
    assert "1 kê khai đang chờ xác nhận" in officer.get("/officer/eligible?period=2026").get_data(as_text=True)
    from lms.declarations.services import reject

    reject(declared, "Không rõ", "canbo")
    db.session.commit()
    assert "kê khai đang chờ xác nhận" not in officer.get("/officer/eligible?period=2026").get_data(as_text=True)


def test_only_items_with_a_declaration_rule_are_offered(client, citizen, default_framework):
    sign_in(client, "0912345678")
    page = client.get("/declarations").get_data(as_text=True)
    assert 'value="T3.1"' in page and 'value="T1.2"' not in page  # T1.2 is scored by the plan only
    assert "tối đa 10 điểm" in page
    response = _declare(client, item="T1.2")
    assert response.status_code == 400 and _declarations() == []


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("anh.svg", files.SVG, "Không nhận tệp HTML, SVG hay XML"),
        ("trang.html", files.HTML, "Không nhận tệp HTML, SVG hay XML"),
        ("anh.jpg", files.PDF, "nhưng nội dung là tệp PDF"),
        ("rong.pdf", b"", "Tệp rỗng (0 byte)"),
        ("setup.exe", files.EXE, "Loại tệp không được hỗ trợ"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(app, client, citizen, default_framework, name, data, message):
    sign_in(client, "0912345678")
    response = _declare(client, file=(name, data))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _declarations() == [] and stored_files(app) == []


def test_oversized_file_gets_the_friendly_413_page(app, client, citizen, default_framework):
    app.config["MAX_CONTENT_LENGTH"] = 32 * 1024
    sign_in(client, "0912345678")
    response = _declare(client, file=("video.mp4", files.MP4 + b"\x00" * 65536))
    assert response.status_code == 413
    assert "Tệp quá lớn so với giới hạn cho phép." in response.get_data(as_text=True)
    assert _declarations() == [] and stored_files(app) == []


def test_empty_text_is_refused(client, citizen, default_framework):
    sign_in(client, "0912345678")
    response = _declare(client, text="   ")
    assert response.status_code == 400
    assert "Hãy mô tả minh chứng." in response.get_data(as_text=True)


def test_officer_verifies_and_the_points_reach_the_record(client, app, declared, officer_a):
    from lms.audit.models import AuditEntry
    from lms.criteria.services import item_scores
    from lms.evidence.models import Evidence

    officer = app.test_client()
    sign_in(officer, "canbo.a@example.vn")
    listing = officer.get("/officer/declarations").get_data(as_text=True)
    assert "Trần Thị Bích Ngọc" in listing and "T3.2" in listing
    page = f"/officer/declarations/{declared.id}"
    assert TEXT in officer.get(page).get_data(as_text=True)
    response = submit(officer, page, f"{page}/verify", {"points": "7.5"})
    assert response.status_code == 302
    db.session.expire_all()
    (declaration,) = _declarations()
    assert declaration.status == "verified" and declaration.points == Decimal("7.5")
    assert declaration.decided_by == "canbo.a@example.vn"
    (evidence,) = db.session.scalars(sa.select(Evidence).where(Evidence.kind == "declaration"))
    assert (evidence.ref, evidence.points, evidence.person_id) == ("T3.2", Decimal("7.5"), declaration.person_id)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "declaration.verify"))
    assert entry.actor == "canbo.a@example.vn"
    assert entry.before == {"status": "pending"} and entry.after["points"] == 7.5
    score()
    points = item_scores(declaration.person_id, 2026)["T3.2"]
    assert points == Decimal("7.5")
    mine = client.get("/declarations").get_data(as_text=True)
    assert "Đã xác nhận" in mine and "7,5 điểm" in mine


def test_officer_rejects_with_a_reason_the_citizen_sees(client, app, declared, officer_a):
    from lms.audit.models import AuditEntry
    from lms.evidence.models import Evidence

    officer = app.test_client()
    sign_in(officer, "canbo.a@example.vn")
    page = f"/officer/declarations/{declared.id}"
    response = submit(officer, page, f"{page}/reject", {"reason": ""})
    assert response.status_code == 400
    assert "Từ chối minh chứng cần nêu lý do." in response.get_data(as_text=True)
    response = submit(officer, page, f"{page}/reject", {"reason": "Chưa có xác nhận của trưởng thôn."})
    assert response.status_code == 302
    db.session.expire_all()
    assert _declarations()[0].status == "rejected"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Evidence)) == 0
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "declaration.reject"))
    assert entry.after["reason"] == "Chưa có xác nhận của trưởng thôn."
    mine = client.get("/declarations").get_data(as_text=True)
    assert "Bị từ chối" in mine and "Chưa có xác nhận của trưởng thôn." in mine


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("11", "Điểm phải từ 0 đến 10."),
        ("-1", ""),
        ("abc", "Hãy nhập một số"),
        ("NaN", "Hãy nhập một số"),
        ("sNaN", "Hãy nhập một số"),
    ],
)
def test_points_outside_zero_to_the_item_max_are_refused(app, declared, officer_a, points, message):
    officer = app.test_client()
    sign_in(officer, "canbo.a@example.vn")
    page = f"/officer/declarations/{declared.id}"
    response = submit(officer, page, f"{page}/verify", {"points": points})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert _declarations()[0].status == "pending"


def test_a_decision_is_made_once(app, declared, officer_a):
    officer = app.test_client()
    sign_in(officer, "canbo.a@example.vn")
    page = f"/officer/declarations/{declared.id}"
    submit(officer, page, f"{page}/verify", {"points": "5"})
    response = submit(officer, "/officer/declarations", f"{page}/reject", {"reason": "x"})
    assert response.status_code == 400
    assert "Minh chứng này đã được xử lý." in response.get_data(as_text=True)
    db.session.expire_all()
    assert _declarations()[0].status == "verified"


def test_two_verified_declarations_of_an_item_on_a_day_count_the_higher(declared, officer_a, citizen):
    from lms.declarations.services import declare, verify
    from lms.evidence.models import Evidence
    from lms.util import today_local

    second = declare(citizen.person, 2026, "T3.2", "Tham gia dọn vệ sinh đường làng", None, today_local())
    second.declared_on = declared.declared_on
    verify(second, Decimal(8), "canbo.a@example.vn")
    verify(declared, Decimal(4), "canbo.a@example.vn")
    db.session.commit()
    (evidence,) = db.session.scalars(sa.select(Evidence).where(Evidence.kind == "declaration"))
    assert evidence.points == Decimal(8)


def test_officer_of_another_commune_is_refused(app, declared, officer_b):
    officer = app.test_client()
    sign_in(officer, "canbo.b@example.vn")
    assert declared.person.full_name not in officer.get("/officer/declarations").get_data(as_text=True)
    page = f"/officer/declarations/{declared.id}"
    assert officer.get(page).status_code == 404
    assert officer.get(f"/declarations/{declared.id}/file").status_code == 404
    app.config["WTF_CSRF_ENABLED"] = False
    assert officer.post(f"{page}/verify", data={"points": "5"}).status_code == 404
    assert officer.post(f"{page}/reject", data={"reason": "x"}).status_code == 404
    db.session.expire_all()
    assert _declarations()[0].status == "pending"


def test_other_citizens_cannot_download_the_file(app, declared, tree, make_person, make_user):
    neighbour = make_person(tree["A1"], full_name="Hàng Xóm")
    make_user("citizen", person=neighbour, login="hangxom@example.vn")
    other = app.test_client()
    sign_in(other, "hangxom@example.vn")
    assert other.get(f"/declarations/{declared.id}/file").status_code == 404
    assert declared.text not in other.get("/declarations").get_data(as_text=True)
