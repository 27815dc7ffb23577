"""Sessions end: idle timeout (officers 30 minutes, citizens longer), an absolute lifetime, the page cache's
fast path included; a session halfway through its second factor gets no officer page, cached or not."""

import pytest

from lms.extensions import db
from tests.conftest import PASSWORD, client_at
from tests.web.conftest import sign_in, submit

MINUTE = 60


def _out(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.fixture
def cached_dashboard(app, tree, default_framework):  # type: ignore[no-untyped-def]
    """The officer dashboard, cached by the page cache (its fast path serves it without loading the user)."""
    app.config["PAGE_CACHE"] = True
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the fast path's autocommit reader is PostgreSQL only (always run in CI)")
    return "/dashboard?period=2026"


def test_an_idle_officer_session_ends_after_thirty_minutes_cached_pages_included(
    app, officer, cached_dashboard, renders, clock
):
    client = app.test_client()
    sign_in(client, officer.login)
    client.get(cached_dashboard)  # the welcome message: rendered fresh
    assert client.get(cached_dashboard).status_code == 200  # now in the cache
    renders.clear()
    clock(29 * MINUTE)
    assert client.get(cached_dashboard).status_code == 200 and renders == []  # a cache hit, and "last used" moves on
    clock(29 * MINUTE)
    assert client.get(cached_dashboard).status_code == 200  # 29 idle minutes again: still in
    clock(31 * MINUTE)
    response = client.get(cached_dashboard)
    assert _out(response) and renders == []  # ended before the cache could answer
    assert _out(client.get("/officer/registry/people"))


def test_the_idle_timeout_is_configurable(app, officer, clock):
    app.config["SESSION_IDLE_MINUTES"] = {**app.config["SESSION_IDLE_MINUTES"], "officer": 5}
    client = app.test_client()
    sign_in(client, officer.login)
    clock(6 * MINUTE)
    assert _out(client.get("/officer/registry/people"))


def test_citizen_sessions_stay_idle_longer(app, resident, clock):
    client = app.test_client()
    sign_in(client, resident.login)
    clock(3 * 60 * MINUTE)  # three idle hours: an officer would be out
    assert client.get("/record?period=2026").status_code == 200
    clock(25 * 60 * MINUTE)
    assert _out(client.get("/record?period=2026"))


def test_an_active_session_still_ends_after_its_lifetime(app, officer, clock):
    client = app.test_client()
    sign_in(client, officer.login)
    for _ in range(35):  # a request every 20 minutes for 11 hours 40
        clock(20 * MINUTE)
        assert client.get("/officer/registry/people").status_code == 200
    clock(21 * MINUTE)  # 12 hours and a minute after the sign-in
    assert _out(client.get("/officer/registry/people"))


def test_a_session_before_its_second_factor_gets_no_cached_officer_page(app, officer, cached_dashboard, renders):
    signed_in = app.test_client()
    sign_in(signed_in, officer.login)
    signed_in.get(cached_dashboard)
    assert signed_in.get(cached_dashboard).status_code == 200  # now in the cache
    halfway = client_at(app, "198.51.100.9")
    step = submit(halfway, "/auth/login", "/auth/login", {"login": officer.login, "password": PASSWORD})
    assert step.headers["Location"].endswith("/auth/two-factor")
    renders.clear()
    response = halfway.get(cached_dashboard)
    assert _out(response) and renders == []
    assert "Bảng chỉ số" not in halfway.get("/").get_data(as_text=True)
