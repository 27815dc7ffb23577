"""Fixtures for the page tests: a course with lessons, citizens and officers, form posting, scoring."""

import re
from datetime import date

import pytest
from flask import template_rendered
from flask.testing import FlaskClient

from lms.extensions import db
from tests.conftest import PASSWORD, complete_sign_in

PERIOD = 2026  # the year of the shipped default framework


def token_of(html: str) -> str:
    """Return the CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def hidden_fields(html: str, action: str) -> dict[str, str]:
    """Return the hidden inputs of the page's form that posts to `action` (empty if there is none)."""
    import html as htmllib

    path = action.split("?")[0]
    for form in re.finditer(r"<form\b([^>]*)>(.*?)</form>", html, flags=re.S):
        target = re.search(r'action="([^"]*)"', form.group(1))
        if target and htmllib.unescape(target.group(1)).split("?")[0] == path:
            fields = {}
            for tag in re.findall(r"<input\b[^>]*>", form.group(2)):
                if 'type="hidden"' in tag:
                    name = re.search(r'name="([^"]*)"', tag)
                    value = re.search(r'value="([^"]*)"', tag)
                    if name:
                        fields[name.group(1)] = htmllib.unescape(value.group(1)) if value else ""
            return fields
    return {}


def submit(client: FlaskClient, page: str, action: str, data: dict | None = None, **kwargs):  # type: ignore[no-untyped-def]
    """Open `page` and POST to `action` like a browser: the form's hidden fields (CSRF token included)
    when the page has that form, else just the page's CSRF token, plus `data`."""
    html = client.get(page).get_data(as_text=True)
    fields = hidden_fields(html, action) or {"csrf_token": token_of(html)}
    return client.post(action, data={**fields, **(data or {})}, **kwargs)


def sign_in(client: FlaskClient, login: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    """Log a client in through the login form, and its second factor when the account has one."""
    response = submit(client, "/auth/login", "/auth/login", {"login": login, "password": password})
    return complete_sign_in(client, response, login)


def score() -> None:
    """Do what the worker does: drain the recompute outbox and commit."""
    from lms.recompute.services import drain_batch

    while drain_batch(1000):
        db.session.commit()
    db.session.commit()


def make_eligible(person, when: date = date(PERIOD, 3, 1)) -> None:  # type: ignore[no-untyped-def]
    """Give a person 100 points in the default framework: a plan and a verified declaration per item."""
    from lms.evidence.services import add_evidence

    add_evidence(person, kind="plan", ref="", when=when, source="import")
    for item in ("T1.1", "T1.3", "T1.4", "T2.1", "T2.2", "T2.3", "T2.4", "T3.1", "T3.2"):
        add_evidence(person, kind="declaration", ref=item, when=when, points=10, source="import")
    db.session.commit()


@pytest.fixture
def course(app):  # type: ignore[no-untyped-def]
    """A published digital-skills course with two lessons."""
    from courses.catalogue.models import Course, Lesson
    from lms.util import fold

    found = Course(
        code="KNS-01",
        title="Kỹ năng số cơ bản",
        title_en="Basic digital skills",
        title_folded=fold("Kỹ năng số cơ bản"),
        description="Học cách dùng **điện thoại** an toàn.",
        category="digital_skill",
        digital_level="basic",
        hours=4,
    )
    found.lessons = [
        Lesson(position=1, title="Bài 1: Mật khẩu", body="# Mật khẩu\nĐặt mã PIN.\n\n<script>alert(1)</script>"),
        Lesson(position=2, title="Bài 2: Tin nhắn lừa đảo", body="- Không bấm đường link lạ\n- Không đọc mã OTP"),
    ]
    db.session.add(found)
    db.session.commit()
    return found


@pytest.fixture
def citizen(tree, make_person, make_user):  # type: ignore[no-untyped-def]
    """A citizen of village A1 with an account."""
    person = make_person(tree["A1"], full_name="Trần Thị Bích Ngọc", gender="nữ")
    user = make_user("citizen", person=person, login="0912345678")
    return user


@pytest.fixture
def officer_a(tree, make_user):  # type: ignore[no-untyped-def]
    return make_user("officer", area=tree["A"], login="canbo.a@example.vn")


@pytest.fixture
def officer_b(tree, make_user):  # type: ignore[no-untyped-def]
    return make_user("officer", area=tree["B"], login="canbo.b@example.vn")


@pytest.fixture
def renders(app):  # type: ignore[no-untyped-def]
    """The names of the templates rendered so far (a page served from the cache renders none)."""
    seen: list[str] = []

    def record(_app, template, context, **_extra):  # type: ignore[no-untyped-def]
        seen.append(template.name)

    template_rendered.connect(record, app)
    yield seen
    template_rendered.disconnect(record, app)
