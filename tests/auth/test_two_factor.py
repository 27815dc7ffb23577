"""Two-factor sign-in (TOTP): enrolment with a QR code, recovery codes, required for officers and admins."""

import re

import pyotp
import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.auth.models import RecoveryCode, User
from lms.extensions import db
from tests.conftest import PASSWORD, csrf_token, totp_code, wrong_code
from tests.web.conftest import sign_in, submit


def _password_step(client, login: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return submit(client, "/auth/login", "/auth/login", {"login": login, "password": password})


def _enrol(client) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    """Set up the app from the set-up page (the key shown for typing) and return it with the recovery codes."""
    page = client.get("/auth/two-factor/setup").get_data(as_text=True)
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code, drawn by the platform
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")
    token = csrf_token(client, "/auth/two-factor/setup")
    response = client.post("/auth/two-factor/setup", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert response.status_code == 200
    codes = re.findall(r"<code>([A-Z2-9]{4}(?:-[A-Z2-9]{4}){3})</code>", response.get_data(as_text=True))
    return secret, codes


def test_an_officer_must_set_up_two_factor_before_any_officer_page(client, tree, make_user):
    officer = make_user("officer", area=tree["A"], login="canbo.moi@example.vn", two_factor=False)
    response = _password_step(client, officer.login)
    assert response.headers["Location"].endswith("/auth/two-factor/setup")
    for page in ("/officer/registry/people", "/dashboard", "/officer/eligible?period=2026"):
        blocked = client.get(page)
        assert blocked.status_code == 302 and "/auth/login" in blocked.headers["Location"], page
    secret, codes = _enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/officer/registry/people").status_code == 200
    db.session.refresh(officer)
    assert officer.two_factor_enabled and officer.totp_secret == secret
    stored = db.session.scalars(sa.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == officer.id)).all()
    assert len(stored) == 10 and not set(stored) & ({c.replace("-", "") for c in codes} | set(codes))  # hashed
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.2fa_enable")).actor == officer.login


def test_a_wrong_code_does_not_turn_two_factor_on(client, tree, make_user):
    officer = make_user("officer", area=tree["A"], two_factor=False)
    _password_step(client, officer.login)
    client.get("/auth/two-factor/setup")
    db.session.refresh(officer)
    response = submit(
        client, "/auth/two-factor/setup", "/auth/two-factor/setup", {"code": wrong_code(officer.totp_secret)}
    )
    assert response.status_code == 200 and "không đúng" in response.get_data(as_text=True)
    db.session.refresh(officer)
    assert not officer.two_factor_enabled
    assert client.get("/officer/registry/people").status_code == 302


def test_sign_in_needs_a_fresh_code_and_a_code_works_once(app, tree, make_user):
    officer = make_user("officer", area=tree["A"], login="canbo@example.vn")
    first = app.test_client()
    assert _password_step(first, officer.login).headers["Location"].endswith("/auth/two-factor")
    assert first.get("/officer/registry/people").status_code == 302  # the password alone is not enough
    code = totp_code(officer.login)
    assert submit(first, "/auth/two-factor", "/auth/two-factor", {"code": code}).status_code == 302
    assert first.get("/officer/registry/people").status_code == 200
    second = app.test_client()
    _password_step(second, officer.login)
    replay = submit(second, "/auth/two-factor", "/auth/two-factor", {"code": code})
    assert replay.status_code == 200 and "đã được dùng" in replay.get_data(as_text=True)
    assert second.get("/officer/registry/people").status_code == 302


def test_a_recovery_code_replaces_the_app_once(app, client, tree, make_user):
    officer = make_user("officer", area=tree["A"], login="canbo@example.vn", two_factor=False)
    _password_step(client, officer.login)
    _secret, codes = _enrol(client)
    for attempt in range(2):
        other = app.test_client()
        _password_step(other, officer.login)
        response = submit(other, "/auth/two-factor", "/auth/two-factor", {"code": codes[0].lower()})
        if attempt == 0:
            assert response.status_code == 302 and other.get("/officer/registry/people").status_code == 200
        else:
            assert response.status_code == 200 and "đã được dùng" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.2fa_recovery")) is not None


def test_after_too_many_wrong_codes_only_a_recovery_code_gets_in(app, tree, make_user):
    app.config["TOTP_MAX_FAILURES"] = 3
    officer = make_user("officer", area=tree["A"], login="canbo@example.vn", two_factor=False)
    setup = app.test_client()
    _password_step(setup, officer.login)
    secret, codes = _enrol(setup)
    client = app.test_client()
    _password_step(client, officer.login)
    for _ in range(3):
        submit(client, "/auth/two-factor", "/auth/two-factor", {"code": wrong_code(secret)})
    refused = submit(client, "/auth/two-factor", "/auth/two-factor", {"code": totp_code(officer.login)})
    assert refused.status_code == 200 and "mã khôi phục" in refused.get_data(as_text=True)
    assert submit(client, "/auth/two-factor", "/auth/two-factor", {"code": codes[1]}).status_code == 302


def test_two_factor_is_optional_for_citizens(app, client, tree, make_person, make_user):
    citizen = make_user("citizen", person=make_person(tree["A1"]), login="0912345678")
    assert sign_in(client, citizen.login).headers["Location"].endswith("/")  # no second step
    assert "Bật xác thực hai bước" in client.get("/auth/account").get_data(as_text=True)
    _enrol(client)
    other = app.test_client()
    assert _password_step(other, citizen.login).headers["Location"].endswith("/auth/two-factor")
    page = client.get("/auth/account").get_data(as_text=True)
    assert "Tắt xác thực hai bước" in page
    response = submit(client, "/auth/account", "/auth/two-factor/off", {"code": totp_code(citizen.login)})
    assert response.status_code == 302
    db.session.refresh(citizen)
    assert not citizen.two_factor_enabled
    assert client.get("/record?period=2026").status_code == 200  # this session goes on
    assert _password_step(app.test_client(), citizen.login).status_code == 302


def test_officers_cannot_turn_two_factor_off(client, tree, make_user):
    officer = make_user("officer", area=tree["A"], login="canbo@example.vn")
    sign_in(client, officer.login)
    assert "Tắt xác thực hai bước" not in client.get("/auth/account").get_data(as_text=True)
    response = submit(client, "/auth/account", "/auth/two-factor/off", {"code": totp_code(officer.login)})
    assert response.status_code == 302
    db.session.refresh(officer)
    assert officer.two_factor_enabled


def test_new_recovery_codes_replace_the_old_ones(client, tree, make_user):
    officer = make_user("officer", area=tree["A"], login="canbo@example.vn", two_factor=False)
    _password_step(client, officer.login)
    _secret, old = _enrol(client)
    response = submit(client, "/auth/account", "/auth/two-factor/recovery-codes")
    new = re.findall(r"<code>([A-Z2-9]{4}(?:-[A-Z2-9]{4}){3})</code>", response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 10
    assert db.session.scalar(sa.select(User).where(User.id == officer.id)).two_factor_enabled


def test_the_demo_key_is_in_the_development_configuration_only():
    """`flask demo` gives the demo officers a published key only where DEMO_TOTP_SECRET is set."""
    from config import DevelopmentConfig, ProductionConfig, TestingConfig

    assert DevelopmentConfig.DEMO_TOTP_SECRET
    assert not hasattr(ProductionConfig, "DEMO_TOTP_SECRET") and not hasattr(TestingConfig, "DEMO_TOTP_SECRET")
