"""Activation codes: the officer prints a PDF sheet, the citizen activates with a code and sets a password."""

import itertools

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.auth.models import User
from lms.extensions import db
from tests.conftest import client_at
from tests.web.conftest import sign_in, submit


@pytest.fixture
def codes(monkeypatch):  # type: ignore[no-untyped-def]
    """Make the codes predictable (the real ones come from `secrets`): returns the issued ones in order."""
    from lms.activation import services

    issued: list[str] = []
    counter = itertools.count(1)
    real = services.new_code

    def fake() -> str:
        code = f"TEST-CODE-{next(counter):04d}"
        issued.append(code)
        return code

    assert len(real()) == 14
    monkeypatch.setattr(services, "new_code", fake)
    return issued


@pytest.fixture
def villagers(tree, make_person):  # type: ignore[no-untyped-def]
    people = [
        make_person(tree["A1"], full_name="Đặng Thị Ánh", code="P-ANH", phone="0911 222 333"),
        make_person(tree["A1"], full_name="Hồ Văn Bảo", code="P-BAO"),
        make_person(tree["A2"], full_name="Lý Thị Cúc", code="P-CUC"),
    ]
    db.session.commit()
    return people


def _print(client, **data):  # type: ignore[no-untyped-def]
    return submit(client, "/officer/registry/activation", "/officer/registry/activation", data)


def test_officer_prints_a_sheet_for_a_village_and_the_citizen_activates(client, app, tree, officer_a, villagers, codes):
    sign_in(client, "canbo.a@example.vn")
    response = _print(client, village="A1")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF") and len(codes) == 2
    import io

    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "Cắt theo đường nét đứt" in text  # cut-out cards, one per person
    assert text.count("mã kích hoạt tài khoản") == 2 and "Mã người dân: P-ANH" in text
    users = {u.person.code: u for u in db.session.scalars(sa.select(User).where(User.person_id.is_not(None)))}
    assert set(users) == {"P-ANH", "P-BAO"}
    assert users["P-ANH"].login == "0911222333" and users["P-BAO"].login == "P-BAO"
    for user in users.values():
        assert user.password_hash is None and user.role == "citizen"
        assert user.activation_code_hash and "TEST" not in user.activation_code_hash
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "activation.codes"))
    assert entry.actor == "canbo.a@example.vn" and entry.area_id == tree["A"].id
    assert entry.after["count"] == 2 and sorted(entry.after["people"]) == ["P-ANH", "P-BAO"]
    assert not any(code in str(entry.after) for code in codes)

    citizen = app.test_client()
    page = citizen.get("/auth/activate").get_data(as_text=True)
    assert "Mã kích hoạt" in page
    bao_code = codes[1]  # the sheet is ordered by name: Đặng Thị Ánh, then Hồ Văn Bảo
    data = {
        "person_code": "P-BAO",
        "code": bao_code.lower().replace("-", " "),
        "login": "bao@example.vn",
        "password": "mat-khau-moi-1",
        "confirm": "mat-khau-moi-1",
    }
    response = submit(citizen, "/auth/activate", "/auth/activate", data)
    assert response.status_code == 302
    user = db.session.get(User, users["P-BAO"].id)
    db.session.refresh(user)
    assert user.login == "bao@example.vn" and user.password_hash and user.activation_code_hash is None
    assert user.person.email == "bao@example.vn"
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.activate")).area_id == tree["A1"].id
    assert "Sổ học tập" in citizen.get("/").get_data(as_text=True)
    fresh = app.test_client()
    assert sign_in(fresh, "bao@example.vn", "mat-khau-moi-1").status_code == 302
    again = submit(app.test_client(), "/auth/activate", "/auth/activate", data)
    assert "không đúng" in again.get_data(as_text=True)


def test_regenerating_invalidates_the_old_code_and_skips_activated_accounts(
    client, app, tree, officer_a, villagers, codes
):
    sign_in(client, "canbo.a@example.vn")
    anh = villagers[0]
    _print(client, person_ids=[anh.id])
    first = codes[-1]
    _print(client, person_ids=[anh.id])
    second = codes[-1]
    assert first != second
    citizen = app.test_client()
    data = {"person_code": "P-ANH", "login": "0911222333", "password": "mat-khau-moi-1", "confirm": "mat-khau-moi-1"}
    assert "không đúng" in submit(citizen, "/auth/activate", "/auth/activate", {**data, "code": first}).get_data(
        as_text=True
    )
    assert submit(citizen, "/auth/activate", "/auth/activate", {**data, "code": second}).status_code == 302
    response = _print(client, person_ids=[anh.id])
    assert response.status_code == 302 and len(codes) == 2  # already activated: no new code
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "activation.codes")) == 2


def test_wrong_codes_are_throttled_per_client_and_never_keep_the_holder_out(
    client, app, tree, officer_a, villagers, codes
):
    sign_in(client, "canbo.a@example.vn")
    _print(client, person_ids=[villagers[1].id])
    good = codes[-1]
    guesser = client_at(app, "10.9.9.9")
    data = {"person_code": "P-BAO", "login": "0988777666", "password": "mat-khau-moi-1", "confirm": "mat-khau-moi-1"}
    for _attempt in range(5):  # ACTIVATION_CLIENT_LIMIT: 5 per minute
        html = submit(guesser, "/auth/activate", "/auth/activate", {**data, "code": "AAAA-BBBB-CCCC"}).get_data(
            as_text=True
        )
        assert "không đúng" in html
    refused = submit(guesser, "/auth/activate", "/auth/activate", {**data, "code": good})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) <= 60
    unknown = submit(guesser, "/auth/activate", "/auth/activate", {**data, "person_code": "NOBODY", "code": good})
    assert unknown.status_code == 429  # the same answer whether the person code exists or not
    holder = client_at(app, "10.1.1.1")
    response = submit(holder, "/auth/activate", "/auth/activate", {**data, "code": good})
    assert response.status_code == 302  # the holder's own client is not held up by the guesser


def test_person_codes_are_case_insensitive_at_activation(client, app, tree, officer_a, make_person, codes):
    make_person(tree["A1"], full_name="Phan Văn Lực", code="BB000544")
    db.session.commit()
    sign_in(client, "canbo.a@example.vn")
    _print(client, village="A1")
    data = {"person_code": " bb000544 ", "code": codes[-1].lower(), "login": "0933444555"}
    data |= {"password": "mat-khau-moi-1", "confirm": "mat-khau-moi-1"}
    response = submit(app.test_client(), "/auth/activate", "/auth/activate", data)
    assert response.status_code == 302
    assert db.session.scalar(sa.select(User).where(User.login == "0933444555")).password_hash is not None


def test_officer_issues_a_new_code_to_one_person_who_forgot_the_password(
    client, app, tree, officer_a, villagers, codes
):
    sign_in(client, "canbo.a@example.vn")
    anh = villagers[0]
    _print(client, person_ids=[anh.id])
    first = {"person_code": "P-ANH", "code": codes[-1], "login": "0911222333"}
    first |= {"password": "mat-khau-moi-1", "confirm": "mat-khau-moi-1"}
    assert submit(app.test_client(), "/auth/activate", "/auth/activate", first).status_code == 302
    page = f"/officer/registry/people/{anh.id}/edit"
    response = submit(client, page, f"/officer/registry/people/{anh.id}/activation")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert codes[-1] in html and "P-ANH" in html and len(codes) == 2
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "activation.codes").order_by(AuditEntry.id.desc())
    ).first()
    assert entry.actor == "canbo.a@example.vn" and entry.after["people"] == ["P-ANH"] and entry.after["activated"]
    citizen = app.test_client()
    assert sign_in(citizen, "0911222333", "mat-khau-moi-1").status_code == 302  # the old password still works
    again = {**first, "code": codes[-1], "password": "cau-mat-khau-moi", "confirm": "cau-mat-khau-moi"}
    assert submit(app.test_client(), "/auth/activate", "/auth/activate", again).status_code == 302
    assert citizen.get("/record?period=2026").status_code == 302  # the new password ended the old sessions
    assert sign_in(app.test_client(), "0911222333", "mat-khau-moi-1").status_code == 200
    assert sign_in(app.test_client(), "0911222333", "cau-mat-khau-moi").status_code == 302


def test_officer_of_another_commune_cannot_issue_a_code_to_one_person(client, tree, officer_b, villagers, codes):
    sign_in(client, "canbo.b@example.vn")
    response = submit(client, "/", f"/officer/registry/people/{villagers[0].id}/activation")
    assert response.status_code == 404 and codes == []  # out of scope: as if missing


def test_officer_cannot_print_codes_for_another_commune(client, tree, officer_b, villagers, codes):
    sign_in(client, "canbo.b@example.vn")
    assert _print(client, village="A1").status_code == 404
    response = _print(client, person_ids=[p.id for p in villagers])
    assert response.status_code == 302 and codes == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.person_id.is_not(None))) == 0


def test_activation_form_rejects_a_login_already_taken(client, app, tree, officer_a, villagers, codes, make_user):
    make_user("citizen", login="0977000000")
    sign_in(client, "canbo.a@example.vn")
    _print(client, person_ids=[villagers[2].id])
    data = {
        "person_code": "P-CUC",
        "code": codes[-1],
        "login": "0977 000 000",
        "password": "mat-khau-moi-1",
        "confirm": "mat-khau-moi-1",
    }
    html = submit(app.test_client(), "/auth/activate", "/auth/activate", data).get_data(as_text=True)
    assert "đã được đăng ký" in html
