"""Changing one's password: the current one first, the policy applies, and the account's other sessions end."""

import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.extensions import db
from tests.conftest import PASSWORD
from tests.web.conftest import sign_in, submit

NEW = "cây-ngay-không-sợ-chết-đứng"


def _change(client, current: str, new: str, confirm: str | None = None):  # type: ignore[no-untyped-def]
    data = {"current": current, "password": new, "confirm": confirm or new}
    return submit(client, "/auth/password", "/auth/password", data)


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, resident):
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, resident.login)
    sign_in(elsewhere, resident.login)
    response = _change(here, PASSWORD, NEW)
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/account")
    assert here.get("/record?period=2026").status_code == 200
    assert elsewhere.get("/record?period=2026").status_code == 302
    assert sign_in(app.test_client(), resident.login, PASSWORD).status_code == 200
    assert sign_in(app.test_client(), resident.login, NEW).status_code == 302
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.password"))
    assert entry.actor == resident.login


def test_a_wrong_current_password_or_a_weak_new_one_changes_nothing(app, resident):
    client = app.test_client()
    sign_in(client, resident.login)
    wrong = _change(client, "khong-dung-dau", NEW).get_data(as_text=True)
    assert "Mật khẩu hiện tại không đúng." in wrong
    weak = _change(client, PASSWORD, "0912345678").get_data(as_text=True)
    assert "dựa trên" in weak
    common = _change(client, PASSWORD, "iloveyou123").get_data(as_text=True)
    assert "quá phổ biến" in common
    assert sign_in(app.test_client(), resident.login, PASSWORD).status_code == 302


def test_the_account_page_links_to_the_password_change(app, resident):
    client = app.test_client()
    sign_in(client, resident.login)
    page = client.get("/auth/account").get_data(as_text=True)
    assert 'href="/auth/password"' in page and resident.login in page
    assert 'href="/auth/account"' in client.get("/").get_data(as_text=True)


def test_the_login_page_explains_a_forgotten_password_and_links_to_activation(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'href="/auth/forgot"' in page and "Quên mật khẩu?" in page and 'href="/auth/activate"' in page
    forgot = client.get("/auth/forgot").get_data(as_text=True)
    assert "mã kích hoạt mới" in forgot and 'href="/auth/activate"' in forgot
    client.get("/lang/en")
    assert "Forgot your password?" in client.get("/auth/login").get_data(as_text=True)
