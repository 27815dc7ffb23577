"""Rate limits (Flask-Limiter): per client and per account, a translated 429 with Retry-After, and never a
lock-out that keeps the holder out for more than about a minute."""

import re

import sqlalchemy as sa

from lms.auth.models import User
from lms.extensions import db
from tests.conftest import PASSWORD, client_at, complete_sign_in, wrong_code
from tests.web.conftest import sign_in, submit

WRONG = "khong-phai-mat-khau"


def _try(client, login: str, password: str = WRONG):  # type: ignore[no-untyped-def]
    return submit(client, "/auth/login", "/auth/login", {"login": login, "password": password})


def test_one_client_guessing_is_refused_while_the_holder_signs_in_from_another(app, admin):
    attacker = client_at(app, "203.0.113.66")
    for _ in range(5):  # LOGIN_CLIENT_LIMIT: 5 failures a minute
        assert "Sai tên đăng nhập hoặc mật khẩu." in _try(attacker, admin.login).get_data(as_text=True)
    refused = _try(attacker, admin.login)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert _try(attacker, "someone.else@example.vn").status_code == 429  # the client, whatever the account
    holder = client_at(app, "198.51.100.7")
    response = complete_sign_in(holder, _try(holder, admin.login, PASSWORD), admin.login)
    assert response.status_code == 302 and holder.get("/admin/users").status_code == 200


def test_many_clients_throttle_the_account_for_a_minute_at_most(app, admin, clock):
    known = client_at(app, "198.51.100.7")
    assert sign_in(known, admin.login).status_code == 302  # the holder's usual browser: a device cookie
    submit(known, "/", "/auth/logout")
    for n in range(2):  # two clients, each under its own limit, exhaust the account's (10 a minute)
        attacker = client_at(app, f"203.0.113.{n + 1}")
        for _ in range(5):
            assert _try(attacker, admin.login).status_code == 200
    clean = client_at(app, "192.0.2.10")
    throttled = _try(clean, admin.login, PASSWORD)
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) <= 60
    assert _try(client_at(app, "192.0.2.11"), "nobody@example.vn").status_code == 200  # other accounts: untouched
    # the holder's own browser is exempt from the account's limit: in at once
    assert complete_sign_in(known, _try(known, admin.login, PASSWORD), admin.login).status_code == 302
    clock(61)  # a minute after the attack stopped, any clean client gets in
    response = complete_sign_in(clean, _try(clean, admin.login, PASSWORD), admin.login)
    assert response.status_code == 302 and clean.get("/admin/users").status_code == 200


def test_the_old_lockout_is_gone(app, tree, make_person, make_user):
    person = make_person(tree["A1"])
    make_user("citizen", person=person, login="0912345678")
    client = client_at(app, "203.0.113.5")
    for _ in range(5):
        _try(client, "0912345678")
    holder = client_at(app, "198.51.100.5")
    assert _try(holder, "0912345678", PASSWORD).status_code == 302
    assert "locked_until" not in User.__table__.c and "failed_logins" not in User.__table__.c


def test_the_429_page_is_translated_and_says_when_to_retry(app, admin):
    client = client_at(app, "203.0.113.9")
    for _ in range(5):
        _try(client, admin.login)
    vietnamese = _try(client, admin.login)
    html = vietnamese.get_data(as_text=True)
    seconds = int(vietnamese.headers["Retry-After"])
    assert vietnamese.status_code == 429 and "Quá nhiều yêu cầu" in html
    assert re.search(rf"thử lại sau {seconds} giây", html)
    client.get("/lang/en")
    english = _try(client, admin.login)
    assert english.status_code == 429 and "Too many requests" in english.get_data(as_text=True)
    assert "Retry-After" in english.headers


def test_registration_is_limited_per_client(app, tree):
    client = client_at(app, "203.0.113.20")
    data = {"login": "khong-hop-le", "full_name": "A", "birth_year": "1990", "gender": "nam"}
    for _ in range(10):  # REGISTER_CLIENT_LIMIT: every attempt counts, 10 a minute
        assert submit(client, "/auth/register", "/auth/register", data).status_code == 200
    assert submit(client, "/auth/register", "/auth/register", data).status_code == 429
    other = client_at(app, "198.51.100.20")
    assert submit(other, "/auth/register", "/auth/register", data).status_code == 200


def test_every_verify_route_is_limited_per_client(app, tree):
    """Certificate codes must not be guessed fast: every route under /verify, the form included."""
    rules = [r for r in app.url_map.iter_rules() if r.rule == "/verify" or r.rule.startswith("/verify/")]
    assert rules, "no /verify route"
    for n, rule in enumerate(rules):
        client = client_at(app, f"203.0.113.{100 + n}")
        url = re.sub(r"<[^>]+>", "ABCDEF123456", rule.rule)
        for _ in range(30):  # VERIFY_CLIENT_LIMIT: 30 a minute
            assert client.get(url).status_code in (200, 404)
        response = client.get(url)
        assert response.status_code == 429, rule.rule
        assert int(response.headers["Retry-After"]) <= 60


def test_wrong_second_factor_codes_are_limited_per_account(app, admin):
    client = client_at(app, "203.0.113.30")
    assert _try(client, admin.login, PASSWORD).headers["Location"].endswith("/auth/two-factor")
    wrong = wrong_code(admin.totp_secret)
    for _ in range(5):
        assert submit(client, "/auth/two-factor", "/auth/two-factor", {"code": wrong}).status_code == 200
    assert submit(client, "/auth/two-factor", "/auth/two-factor", {"code": wrong}).status_code == 429
    assert db.session.scalar(sa.select(User.totp_failures).where(User.id == admin.id)) == 5
