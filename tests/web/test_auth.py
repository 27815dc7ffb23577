"""Login, logout (old cookies die), self-registration, safe redirects (limits: tests/auth)."""

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.people.models import Person
from tests.conftest import PASSWORD
from tests.web.conftest import sign_in, submit


def test_login_with_phone_and_see_own_name(client, citizen):
    response = sign_in(client, "0912 345 678")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Trần Thị Bích Ngọc" in page
    assert "Đăng xuất" in page


def test_login_rotates_the_session_and_keeps_the_language(client, citizen):
    client.get("/lang/en")
    before = client.get_cookie("session").value
    sign_in(client, "0912345678")
    after = client.get_cookie("session").value
    assert before != after
    assert "Log out" in client.get("/").get_data(as_text=True)


def test_wrong_password_shows_the_service_message(client, citizen):
    response = sign_in(client, "0912345678", "sai-mat-khau")
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu." in response.get_data(as_text=True)


def test_logout_invalidates_a_cookie_captured_before(client, citizen):
    sign_in(client, "0912345678")
    assert client.get("/record?period=2026").status_code == 200
    captured = client.get_cookie("session").value
    response = submit(client, "/", "/auth/logout")
    assert response.status_code == 302
    assert client.get("/record").status_code == 302

    thief = client.application.test_client()
    thief.set_cookie("session", captured)
    response = thief.get("/record")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_next_is_honoured_only_for_local_paths(client, citizen):
    credentials = {"login": "0912345678", "password": PASSWORD}
    response = submit(client, "/auth/login?next=/record", "/auth/login?next=/record", credentials)
    assert response.headers["Location"].endswith("/record")

    for target in ("https://evil.example/x", "//evil.example/x", "/\\evil.example"):
        other = client.application.test_client()
        response = submit(other, "/auth/login", f"/auth/login?next={target}", credentials)
        assert response.status_code == 302
        assert "evil" not in response.headers["Location"], target


def test_anonymous_is_sent_to_login_with_next(client):
    response = client.get("/record")
    assert response.status_code == 302
    assert "/auth/login?next=" in response.headers["Location"]


def _register(client, tree, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "login": "0987654321",
        "full_name": "Lê Văn Tám",
        "birth_year": "1985",
        "gender": "nam",
        "village": str(tree["A2"].id),
        "password": "mat-khau-moi-1",
        "confirm": "mat-khau-moi-1",
    }
    data.update(overrides)
    return submit(client, "/auth/register", "/auth/register", data)


def test_register_creates_a_person_in_the_village_and_logs_in(client, tree):
    page = client.get("/auth/register").get_data(as_text=True)
    assert '<optgroup label="Xã Hòa Ân">' in page and "Thôn Bắc" in page
    response = _register(client, tree)
    assert response.status_code == 302
    person = db.session.scalar(sa.select(Person).where(Person.full_name == "Lê Văn Tám"))
    assert person is not None and person.village_id == tree["A2"].id and person.phone == "0987654321"
    assert client.get("/record?period=2026").status_code == 200


def test_register_twice_with_the_same_phone_is_refused(client, tree):
    _register(client, tree)
    other = client.application.test_client()
    response = _register(other, tree, full_name="Người Khác")
    assert response.status_code == 200
    assert "đã được đăng ký" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("login", "khong-hop-le", "Nhập số điện thoại hoặc địa chỉ email hợp lệ."),
        ("birth_year", "1800", "Năm sinh không hợp lệ."),
        ("confirm", "khac-nhau-1", "Hai mật khẩu không khớp."),
        ("password", "ngan", None),
        ("gender", "robot", "Lựa chọn không hợp lệ."),
        ("village", "", "Vui lòng điền mục này."),
        ("full_name", "", "Vui lòng điền mục này."),
    ],
)
def test_register_rejects_bad_input(client, tree, field, value, message):
    overrides = {field: value}
    if field == "password":
        overrides["confirm"] = value
    response = _register(client, tree, **overrides)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="error"' in html
    if message:
        assert message in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 0
