"""Session cookies verified once are remembered (lms.sessioncookie): never a cookie the signature or the
age limit would refuse."""

import time
from datetime import timedelta

from lms.sessioncookie import RememberingSessionInterface
from tests.web.conftest import sign_in


def session_cookie(client) -> str:  # type: ignore[no-untyped-def]
    return client.get_cookie("session").value


def test_the_app_uses_it_and_a_remembered_cookie_keeps_its_session(app, client, citizen, default_framework):
    assert isinstance(app.session_interface, RememberingSessionInterface)
    sign_in(client, citizen.login)
    client.get("/record?period=2026")  # takes the welcome message: a new cookie
    client.get("/record?period=2026")  # presents it: remembered
    cookie = session_cookie(client)
    assert cookie in app.session_interface.seen
    page = client.get("/record?period=2026")
    assert page.status_code == 200 and "Trần Thị Bích Ngọc" in page.get_data(as_text=True)


def test_a_tampered_cookie_is_refused_even_after_the_genuine_one_was_remembered(
    app, client, citizen, default_framework
):
    sign_in(client, citizen.login)
    client.get("/record?period=2026")  # takes the welcome message: a new cookie
    client.get("/record?period=2026")  # presents it: remembered
    cookie = session_cookie(client)
    assert cookie in app.session_interface.seen
    payload, signature = cookie.rsplit(".", 1)
    forged = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    other = app.test_client()
    other.set_cookie("session", forged)
    response = other.get("/record?period=2026")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_an_expired_cookie_is_refused_even_when_remembered(app, client, citizen, default_framework, monkeypatch):
    sign_in(client, citizen.login)
    client.get("/record?period=2026")  # takes the welcome message: a new cookie
    client.get("/record?period=2026")  # presents it: remembered
    assert session_cookie(client) in app.session_interface.seen
    app.permanent_session_lifetime = timedelta(seconds=60)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 120)
    response = client.get("/record?period=2026")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_sessions_holding_more_than_plain_values_are_not_remembered(app):
    interface = app.session_interface
    with app.test_request_context():
        serializer = interface.get_signing_serializer(app)
        plain = serializer.dumps({"lang": "en"})
        flashed = serializer.dumps({"_flashes": [("info", "Xin chào")]})
    for cookie in (plain, flashed):
        with app.test_request_context(headers={"Cookie": f"session={cookie}"}):
            from flask import request

            opened = interface.open_session(app, request)
            assert opened is not None
    assert plain in interface.seen and flashed not in interface.seen
    with app.test_request_context(headers={"Cookie": f"session={flashed}"}):
        from flask import request

        assert interface.open_session(app, request)["_flashes"] == [("info", "Xin chào")]
