"""Login answers say nothing about which accounts exist: same message, same page, same password check."""

import re

import pytest

from lms.auth import services
from lms.extensions import db
from lms.util import utcnow
from tests.conftest import client_at
from tests.web.conftest import submit


def _page(app, n: int, login: str, password: str) -> str:  # type: ignore[no-untyped-def]
    response = submit(
        client_at(app, f"198.51.100.{n}"), "/auth/login", "/auth/login", {"login": login, "password": password}
    )
    assert response.status_code == 200
    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", response.get_data(as_text=True))


@pytest.fixture
def accounts(tree, make_person, make_user):  # type: ignore[no-untyped-def]
    """An active citizen, one not activated yet (no password), one disabled."""
    from lms.auth.models import User

    active = make_user("citizen", person=make_person(tree["A1"]), login="0912000001")
    waiting = User(login="P-WAIT", role="citizen", display_name="Chưa kích hoạt", activation_code_hash="x")
    db.session.add(waiting)
    disabled = make_user("citizen", person=make_person(tree["A1"]), login="0912000003")
    disabled.disabled_at = utcnow()
    db.session.commit()
    return active, waiting, disabled


def test_unknown_wrong_not_activated_and_disabled_get_the_same_page(app, accounts):
    from tests.conftest import PASSWORD

    pages = {
        "unknown": _page(app, 1, "0912999999", "mat-khau-gi-do"),
        "wrong password": _page(app, 2, "0912000001", "mat-khau-gi-do"),
        "not activated": _page(app, 3, "P-WAIT", "mat-khau-gi-do"),
        "disabled, right password": _page(app, 4, "0912000003", PASSWORD),
    }
    normal = pages["unknown"].replace("0912999999", "LOGIN")
    for case, html in pages.items():
        assert "Sai tên đăng nhập hoặc mật khẩu." in html, case
        login = re.search(r'name="login"[^>]*value="([^"]*)"', html) or re.search(
            r'value="([^"]*)"[^>]*name="login"', html
        )
        assert html.replace(login.group(1), "LOGIN") == normal, case


def test_the_password_check_runs_for_unknown_logins_too(app, accounts, monkeypatch):
    """Unknown logins cost a password check against a dummy hash (the same time as a real one)."""
    checked: list[str] = []
    real = services.check_password_hash

    def spy(stored: str, password: str) -> bool:
        checked.append(stored)
        return real(stored, password)

    monkeypatch.setattr(services, "check_password_hash", spy)
    for n, login in enumerate(("0912999999", "P-WAIT", "0912000003", "0912000001")):
        _page(app, 10 + n, login, "mat-khau-gi-do")
    assert len(checked) == 4
    dummy, real_hash = checked[0], accounts[0].password_hash
    assert checked[:3] == [dummy] * 3 and checked[3] == real_hash
    assert dummy.split("$")[0] == real_hash.split("$")[0]  # the same scrypt parameters: the same work
