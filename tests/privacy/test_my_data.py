"""A citizen's own data (JSON and XLSX: theirs and nobody else's), the notice and consent, correction
requests answered by the commune, and the log of officers' access to people's pages."""

import io
import json
from datetime import date

import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.extensions import db
from tests.web.conftest import make_eligible, score, sign_in, submit

MINE = {"name": "Phan Thị Của Tôi", "phone": "0903000111", "email": "cuatoi@example.vn"}
THEIRS = {"name": "Đỗ Văn Hàng Xóm", "phone": "0903999888", "email": "hangxom@example.vn"}


def _citizen(make_person, make_user, village, who, login):  # type: ignore[no-untyped-def]
    person = make_person(village, full_name=who["name"], phone=who["phone"], email=who["email"])
    make_user("citizen", person=person, login=login)
    return person


def test_the_download_holds_my_data_and_nobody_elses(app, tree, make_person, make_user, default_framework):
    from lms.declarations.services import declare
    from lms.privacy.services import log_access

    me = _citizen(make_person, make_user, tree["A1"], MINE, MINE["email"])
    neighbour = _citizen(make_person, make_user, tree["A1"], THEIRS, THEIRS["email"])
    make_eligible(me)
    make_eligible(neighbour)
    declare(me, 2026, "T3.1", "Tôi dạy chữ cho các cháu", None, date(2026, 5, 1))
    declare(neighbour, 2026, "T3.1", "Bí mật của hàng xóm", None, date(2026, 5, 1))
    officer = make_user("officer", area=tree["A"], login="canbo@example.vn")
    log_access(officer, me, "registry.person")
    log_access(officer, neighbour, "registry.person")
    db.session.commit()
    score()
    client = app.test_client()
    sign_in(client, MINE["email"])

    page = client.get("/my/data")
    assert page.status_code == 200 and MINE["name"] in page.get_data(as_text=True)
    response = client.get("/my/data.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    data = json.loads(text)
    assert data["person"]["full_name"] == MINE["name"] and data["person"]["code"] == me.code
    assert data["person"]["phone"] == MINE["phone"] and data["account"]["login"] == MINE["email"]
    assert [d["text"] for d in data["declarations"]] == ["Tôi dạy chữ cho các cháu"]
    assert len(data["evidence"]) == 10 and data["results"][0]["period"] == 2026
    assert data["consents"] and data["consents"][0]["version"] == data["notice_version"]
    assert any(e["action"] == "person.view" for e in data["audit"]), "who looked at my record"
    for secret in (THEIRS["name"], THEIRS["phone"], THEIRS["email"], neighbour.code, "Bí mật của hàng xóm"):
        assert secret not in text

    from openpyxl import load_workbook

    workbook = client.get("/my/data.xlsx")
    assert workbook.status_code == 200
    book = load_workbook(io.BytesIO(workbook.data), read_only=True)
    cells = " ".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row)
    assert MINE["name"] in cells and MINE["phone"] in cells and "Tôi dạy chữ cho các cháu" in cells
    for secret in (THEIRS["name"], THEIRS["phone"], THEIRS["email"], neighbour.code, "Bí mật của hàng xóm"):
        assert secret not in cells


def test_registration_records_consent_and_a_new_notice_asks_again(app, tree, make_person, make_user, monkeypatch):
    from lms.auth.models import User
    from lms.privacy import services
    from lms.privacy.models import Consent

    client = app.test_client()
    assert "Quyền của bạn" in client.get("/privacy").get_data(as_text=True), "the notice is public"
    form = client.get("/auth/register").get_data(as_text=True)
    assert "/privacy" in form and services.NOTICE_VERSION in form, "the notice is shown before registering"
    response = submit(
        client,
        "/auth/register",
        "/auth/register",
        {
            "login": "0904555666",
            "full_name": "Người Mới Đăng Ký",
            "birth_year": "1995",
            "gender": "nữ",
            "village": str(tree["A1"].id),
            "password": "Cay-lua-vang-2026!",
            "confirm": "Cay-lua-vang-2026!",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.login == "0904555666"))
    consent = db.session.scalar(sa.select(Consent).where(Consent.user_id == user.id))
    assert consent.version == services.NOTICE_VERSION and consent.way == "registration" and consent.given_at

    # the same version: the next login goes straight on
    fresh = app.test_client()
    assert "/privacy/consent" not in sign_in(fresh, "0904555666", "Cay-lua-vang-2026!").headers["Location"]

    monkeypatch.setattr(services, "NOTICE_VERSION", "2027-01-01")
    again = app.test_client()
    response = sign_in(again, "0904555666", "Cay-lua-vang-2026!")
    assert "/privacy/consent" in response.headers["Location"]
    page = again.get(response.headers["Location"]).get_data(as_text=True)
    assert "2027-01-01" in page
    agreed = submit(again, response.headers["Location"], "/privacy/consent")
    assert agreed.status_code == 302
    versions = db.session.scalars(sa.select(Consent.version).where(Consent.user_id == user.id).order_by(Consent.id))
    assert list(versions) == [consent.version, "2027-01-01"]
    assert db.session.get(User, user.id).last_login_at is not None


def test_a_correction_lands_in_the_communes_queue_and_the_answer_is_recorded(app, tree, make_person, make_user):
    from lms.people.models import Person
    from lms.privacy.models import CorrectionRequest

    me = _citizen(make_person, make_user, tree["A1"], MINE, MINE["email"])
    make_user("officer", area=tree["A"], login="canbo.a@example.vn")
    make_user("officer", area=tree["B"], login="canbo.b@example.vn")
    citizen = app.test_client()
    sign_in(citizen, MINE["email"])
    sent = submit(citizen, "/my/data", "/my/data/corrections", {"field": "full_name", "value": "Phan Thị Của Ta"})
    assert sent.status_code == 302
    empty = submit(citizen, "/my/data", "/my/data/corrections", {"field": "phone", "value": ""})
    assert empty.status_code == 302
    request = db.session.scalar(sa.select(CorrectionRequest))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CorrectionRequest)) == 1
    assert request.status == "pending"

    other = app.test_client()
    sign_in(other, "canbo.b@example.vn")
    assert "Phan Thị Của Tôi" not in other.get("/officer/corrections").get_data(as_text=True)
    assert other.post(f"/officer/corrections/{request.id}", data={"accept": "1"}).status_code in (400, 404)
    app.config["WTF_CSRF_ENABLED"] = False
    assert other.post(f"/officer/corrections/{request.id}", data={"accept": "1"}).status_code == 404
    app.config["WTF_CSRF_ENABLED"] = True

    officer = app.test_client()
    sign_in(officer, "canbo.a@example.vn")
    queue = officer.get("/officer/corrections").get_data(as_text=True)
    assert "Phan Thị Của Tôi" in queue and "Phan Thị Của Ta" in queue
    answered = submit(
        officer, "/officer/corrections", f"/officer/corrections/{request.id}", {"accept": "1", "answer": "Đã sửa"}
    )
    assert answered.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, me.id).full_name == "Phan Thị Của Ta"
    request = db.session.get(CorrectionRequest, request.id)
    assert request.status == "done" and request.answered_by == "canbo.a@example.vn" and request.answer == "Đã sửa"
    assert "Đã sửa" in citizen.get("/my/data").get_data(as_text=True)
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"correction.request", "correction.answer", "person.update"} <= actions


def test_a_refusal_needs_a_reason(app, tree, make_person, make_user):
    from lms.privacy.models import CorrectionRequest
    from lms.privacy.services import PrivacyError, answer_correction, request_correction

    me = make_person(tree["A1"], full_name=MINE["name"])
    request = request_correction(me, "birth_year", "19x5", "", actor="me")
    try:
        answer_correction(request, accept=True, answer="", actor="canbo", scope=tree["A"])
    except PrivacyError as exc:
        assert "Năm sinh" in str(exc)
    else:
        raise AssertionError("a birth year that is not a number is refused")
    try:
        answer_correction(request, accept=False, answer=" ", actor="canbo", scope=tree["A"])
    except PrivacyError:
        pass
    else:
        raise AssertionError("a refusal without a reason is refused")
    answer_correction(request, accept=False, answer="Giấy khai sinh ghi 1990", actor="canbo", scope=tree["A"])
    assert db.session.get(CorrectionRequest, request.id).status == "refused"


def test_officers_opening_a_persons_page_are_listed_for_the_admin(app, tree, make_person, make_user):
    person = make_person(tree["A1"], full_name=MINE["name"])
    db.session.commit()
    make_user("officer", area=tree["A"], login="canbo.a@example.vn")
    make_user("admin", login="admin@example.vn")
    officer = app.test_client()
    sign_in(officer, "canbo.a@example.vn")
    assert officer.get(f"/officer/registry/people/{person.id}/edit").status_code == 200
    assert officer.get(f"/officer/registry/people/{person.id}/edit").status_code == 200
    assert officer.get(f"/officer/people/{person.id}?period=2026").status_code == 200
    other = make_person(tree["A2"], full_name=THEIRS["name"])
    db.session.commit()
    assert officer.get(f"/officer/people/{other.id}?period=2026").status_code == 200
    assert db.session.scalar(sa.select(AuditEntry.after).where(AuditEntry.subject == f"person {other.code}")) == {
        "page": "titles.person"
    }
    views = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "person.view", AuditEntry.subject == f"person {person.code}")
    ).all()
    assert [v.after["page"] for v in views] == ["registry.person"], "once a person a day"
    assert {v.actor for v in views} == {"canbo.a@example.vn"}

    db.session.add(AuditEntry(actor="api:kho-tinh", action="api.person_record", subject=person.code))
    db.session.add(
        AuditEntry(actor="canbo.a@example.vn", action="export.holders_xlsx", subject="A", after={"contacts": True})
    )
    db.session.add(AuditEntry(actor="canbo.a@example.vn", action="export.report_xlsx", subject="A", after={"of": "A"}))
    db.session.commit()
    admin = app.test_client()
    sign_in(admin, "admin@example.vn")
    everything = admin.get("/admin/access-log").get_data(as_text=True)
    assert "api:kho-tinh" in everything and "Xuất danh sách có số điện thoại, email" in everything
    assert everything.count("<tr>") == 5, "header, two page views, the API read, the export with contacts"
    page = admin.get(f"/admin/access-log?person={person.code}").get_data(as_text=True)
    assert "canbo.a@example.vn" in page and person.code in page
    assert "canbo.a@example.vn" not in admin.get("/admin/access-log?actor=someone@else").get_data(as_text=True)


def test_activation_records_consent(app, tree, make_person, make_user, monkeypatch):
    from lms.activation import services as activation
    from lms.auth.models import User
    from lms.privacy.models import Consent
    from lms.privacy.services import NOTICE_VERSION

    person = make_person(tree["A1"], full_name="Hồ Văn Kích Hoạt", code="P-KH")
    db.session.commit()
    monkeypatch.setattr(activation, "new_code", lambda: "KHKH-CODE-2345")
    activation.issue_codes([person], actor="test", scope=tree["A"])
    db.session.commit()
    client = app.test_client()
    assert NOTICE_VERSION in client.get("/auth/activate").get_data(as_text=True)
    data = {"person_code": "P-KH", "code": "KHKH-CODE-2345", "login": "kh@example.vn", "password": "mat-khau-moi-1"}
    response = submit(client, "/auth/activate", "/auth/activate", {**data, "confirm": "mat-khau-moi-1"})
    assert response.status_code == 302 and "/privacy/consent" not in response.headers["Location"]
    user = db.session.scalar(sa.select(User).where(User.login == "kh@example.vn"))
    consent = db.session.scalar(sa.select(Consent).where(Consent.user_id == user.id))
    assert consent.way == "activation" and consent.version == NOTICE_VERSION


def test_accepted_corrections_are_checked_before_the_registry_changes(app, tree, make_person):
    import pytest

    from lms.people.models import Person
    from lms.privacy.services import PrivacyError, answer_correction, request_correction

    me = make_person(tree["A1"], full_name=MINE["name"], phone="0903000111")
    bad = [("birth_year", "1850"), ("gender", "không rõ"), ("phone", "12"), ("email", "khong-co-a-cong")]
    for field, value in bad:
        request = request_correction(me, field, value, "", actor="me")
        with pytest.raises(PrivacyError):
            answer_correction(request, accept=True, answer="", actor="canbo", scope=tree["A"])
    good = [("birth_year", " 1991 "), ("gender", "Nữ"), ("phone", "0903 222 333"), ("email", "moi@example.vn")]
    for field, value in good:
        answer_correction(request_correction(me, field, value, "", actor="me"), accept=True, answer="", actor="canbo",
                          scope=tree["A"])  # fmt: skip
    other = request_correction(me, "other", "Tôi đã chuyển sang hộ của con trai", "", actor="me")
    answer_correction(other, accept=True, answer="Đã chuyển hộ", actor="canbo", scope=tree["A"])
    with pytest.raises(PrivacyError):
        answer_correction(other, accept=False, answer="x", actor="canbo", scope=tree["A"])
    with pytest.raises(PrivacyError):
        request_correction(me, "nickname", "x", "", actor="me")
    with pytest.raises(PrivacyError):
        request_correction(me, "phone", "  ", "", actor="me")
    db.session.flush()
    person = db.session.get(Person, me.id)
    assert (person.birth_year, person.gender, person.phone, person.email) == (
        1991,
        "nữ",
        "0903222333",
        "moi@example.vn",
    )
