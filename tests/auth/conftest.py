"""Fixtures of the account tests: a fake clock, an admin, an officer and a citizen."""

import time

import pytest

from lms.extensions import db
from tests.web.conftest import renders  # noqa: F401  (the templates rendered: a cache hit renders none)


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    """Move time forward without waiting: clock(seconds) shifts time.time() (rate limits, sessions, TOTP)."""
    real = time.time
    offset = [0.0]
    monkeypatch.setattr(time, "time", lambda: real() + offset[0])

    def forward(seconds: float) -> None:
        offset[0] += seconds

    return forward


@pytest.fixture
def admin(tree, make_user):  # type: ignore[no-untyped-def]
    return make_user("admin", login="quantri@example.vn")


@pytest.fixture
def officer(tree, make_user):  # type: ignore[no-untyped-def]
    return make_user("officer", area=tree["A"], login="canbo@example.vn")


@pytest.fixture
def resident(tree, make_person, make_user):  # type: ignore[no-untyped-def]
    person = make_person(tree["A1"], full_name="Nguyễn Văn An", phone="0912345678", email="an.nguyen@example.vn")
    user = make_user("citizen", person=person, login="0912345678")
    db.session.commit()
    return user
