"""Fixtures for the API tests: tokens, a district with scored people and a title, bearer headers."""

from datetime import date

import pytest

from lms.extensions import db
from tests.web.conftest import make_eligible, score


@pytest.fixture
def make_token(app):  # type: ignore[no-untyped-def]
    """make_token(scope="read", area=None, name=None) -> the secret of a new token."""
    from lms.api.tokens import create_token

    counter = iter(range(1, 1000))

    def make(scope: str = "read", area=None, name: str | None = None) -> str:  # type: ignore[no-untyped-def]
        _token, secret = create_token(name or f"system-{next(counter)}", scope, area, "test")
        db.session.commit()
        return secret

    return make


def bearer(secret: str) -> dict[str, str]:
    """Return the Authorization header of a token."""
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def district(tree, make_person, default_framework):  # type: ignore[no-untyped-def]
    """The test tree with admin codes, three people of commune A (one awarded), one of commune B."""
    from lms.titles.services import award_titles

    for code, admin in (("P", "60"), ("D", "593"), ("A", "22960"), ("B", "22963")):
        tree[code].admin_code = admin
    holder = make_person(tree["A1"], full_name="Nguyễn Văn An", code="PA1", phone="0912345678", email="an@example.vn")
    eligible = make_person(tree["A2"], full_name="Trần Thị Bình", code="PA2")
    learner = make_person(tree["A1"], full_name="Lê Văn Cường", code="PA3")
    other = make_person(tree["B1"], full_name="Phạm Thị Dung", code="PB1")
    make_eligible(holder)
    make_eligible(eligible)
    score()
    award_titles([holder.id], 2026, "15/QĐ-UBND", date(2026, 11, 20), "test", tree["A"])
    db.session.commit()
    score()
    return {**tree, "holder": holder, "eligible": eligible, "learner": learner, "other": other}
