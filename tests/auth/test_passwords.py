"""NIST SP 800-63B passwords: at least 8 characters, no composition rules, common and derived ones refused,
with the reason in Vietnamese — at registration, activation, password change and create-admin."""

import pytest
import sqlalchemy as sa

from lms.auth.errors import PasswordError
from lms.auth.models import User
from lms.auth.passwords import check_password, common_passwords
from lms.extensions import db
from lms.people.models import Person
from tests.web.conftest import submit

PERSON = {"login": "0912345678", "email": "an.nguyen@example.vn", "phone": "+84 912 345 678", "name": "Nguyễn Văn An"}


def test_the_common_list_is_large():
    words = common_passwords()
    assert len(words) >= 10_000
    assert {"12345678", "password1", "iloveyou", "matkhau123"} <= words


@pytest.mark.parametrize(
    "password, reason",
    [
        ("1234567", "ít nhất 8 ký tự"),
        ("12345678", "quá phổ biến"),
        ("password1", "quá phổ biến"),
        ("PassWord1", "quá phổ biến"),
        ("mậtkhẩu123", "quá phổ biến"),
        ("qqqqqqqqqqqq", "lặp lại hoặc liên tiếp"),
        ("ưưưưưưưưưư", "lặp lại hoặc liên tiếp"),
        ("ababababab", "lặp lại hoặc liên tiếp"),
        ("lmnopqrstu", "lặp lại hoặc liên tiếp"),
        ("7654321098", "lặp lại hoặc liên tiếp"),
        ("0912345678", "dựa trên"),  # the phone (and the login)
        ("84912345678!", "dựa trên"),
        ("an.nguyen.2026", "dựa trên"),  # the email's name
        ("Nguyễn Văn An", "dựa trên"),
        ("nguyenvanan1990", "dựa trên"),  # diacritics do not matter
        ("VanAn@2026", "dựa trên"),  # words of the name and digits
        ("hoctapsuotdoi1", "dựa trên"),  # the service's name
    ],
)
def test_weak_passwords_are_refused_with_the_reason(app, password, reason):
    with pytest.raises(PasswordError) as refused:
        check_password(password, **PERSON)
    assert reason in str(refused.value)


@pytest.mark.parametrize(
    "password", ["con mèo ngủ trên mái nhà", "hoa-sen-nở-sớm", "Tr0ng-cây-gây-rừng", "ĐồngLúaChín!"]
)
def test_long_uncommon_passwords_need_no_digits_or_capitals(app, password):
    check_password(password, **PERSON)


def _register(client, tree, password):  # type: ignore[no-untyped-def]
    data = {"login": "0987654321", "full_name": "Lê Văn Tám", "birth_year": "1985", "gender": "nam"}
    data |= {"village": str(tree["A2"].id), "password": password, "confirm": password}
    return submit(client, "/auth/register", "/auth/register", data)


@pytest.mark.parametrize("password", ["12345678", "password1", "0987654321", "levantam85"])
def test_registration_refuses_weak_passwords_and_says_why(client, tree, password):
    response = _register(client, tree, password)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Mật khẩu" in html and 'class="error"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 0


def test_activation_refuses_a_password_derived_from_the_person(client, app, tree, make_person, make_user, monkeypatch):
    from lms.activation import services

    monkeypatch.setattr(services, "new_code", lambda: "TEST-CODE-0001")
    make_person(tree["A1"], full_name="Đặng Thị Ánh", code="P-ANH")
    db.session.commit()
    officer = make_user("officer", area=tree["A"], login="canbo.a@example.vn")
    from tests.web.conftest import sign_in

    sign_in(client, officer.login)
    submit(client, "/officer/registry/activation", "/officer/registry/activation", {"village": "A1"})
    data = {"person_code": "P-ANH", "code": "TEST-CODE-0001", "login": "0911222333"}
    citizen = app.test_client()
    html = submit(
        citizen, "/auth/activate", "/auth/activate", {**data, "password": "dangthianh", "confirm": "dangthianh"}
    )
    assert "dựa trên" in html.get_data(as_text=True)
    user = db.session.scalar(sa.select(User).where(User.login == "P-ANH"))
    assert user.password_hash is None and user.activation_code_hash is not None  # nothing changed, code still valid
    good = {**data, "password": "hoa-sen-nở-sớm", "confirm": "hoa-sen-nở-sớm"}
    assert submit(citizen, "/auth/activate", "/auth/activate", good).status_code == 302


def test_create_admin_refuses_a_common_password(runner):
    result = runner.invoke(args=["create-admin", "--login", "root@example.vn", "--password", "password123"])
    assert result.exit_code == 1 and "phổ biến" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    result = runner.invoke(args=["create-admin", "--login", "root@example.vn", "--password", "cây-cao-bóng-cả"])
    assert result.exit_code == 0, result.output
