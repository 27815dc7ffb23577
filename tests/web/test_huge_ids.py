"""Out-of-range numbers in URLs and query strings: every route answers 400 or 404, never a 500."""

import re

import pytest
from werkzeug.routing import IntegerConverter

from tests.web.conftest import sign_in
from tests.web.test_access import ACCESS, world  # noqa: F401  (the fixture)

HUGE = "9" * 20  # past PostgreSQL's integer and bigint
QUERY_NUMBERS = ("period", "page", "per_page", "area", "after", "year", "id", "person", "since")


def huge_path(app, rule, values: dict) -> str:  # type: ignore[no-untyped-def]
    """The rule's URL with every integer part 20 digits long, the other parts as in the access matrix
    ("" for a rule without an integer part)."""
    ints = {name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)}  # noqa: SLF001
    if not ints:
        return ""
    path = ACCESS[rule.endpoint][0].format(**values).split("?")[0]
    _endpoint, values = app.url_map.bind("localhost").match(path, method=sorted(rule.methods - {"HEAD", "OPTIONS"})[0])
    url = rule.rule
    for name, value in values.items():
        url = re.sub(rf"<(?:[^:<>]+:)?{name}>", HUGE if name in ints else str(value), url)
    return url


@pytest.mark.parametrize("role", ["anonymous", "citizen", "officer", "admin"])
def test_huge_ids_in_paths_are_not_found(app, world, role):  # noqa: F811
    client = app.test_client()
    if role != "anonymous":
        assert sign_in(client, f"{role}@example.vn").status_code == 302
    app.config["WTF_CSRF_ENABLED"] = False
    failures = []
    for rule in app.url_map.iter_rules():
        url = huge_path(app, rule, world)
        if not url:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data={})
            if response.status_code not in (400, 404):
                failures.append(f"{method} {url}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ["anonymous", "citizen", "trainer", "officer", "admin"])
def test_huge_numbers_in_query_strings_never_fail(app, world, role):  # noqa: F811
    client = app.test_client()
    if role != "anonymous":
        assert sign_in(client, f"{role}@example.vn").status_code == 302
    app.config["WTF_CSRF_ENABLED"] = False
    failures = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "auth.logout" or "GET" not in rule.methods:
            continue
        url = ACCESS[rule.endpoint][0].format(**world).split("?")[0]
        for name in QUERY_NUMBERS:
            response = client.get(url, query_string={name: HUGE})
            if response.status_code >= 500:
                failures.append(f"GET {url}?{name}={HUGE}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_the_api_answers_400_for_a_20_digit_period(client, tree):
    response = client.get(f"/api/v1/indicators?area=D&period={HUGE}")
    assert response.status_code == 400
    assert response.get_json()["ok"] is False


@pytest.mark.parametrize("role", ["citizen", "trainer", "officer", "admin"])
def test_huge_numbers_in_posted_forms_are_refused(app, world, role):  # noqa: F811
    """Every state-changing route, with every usual number field 20 digits long: 400 (or the route's
    own refusal), never a 500, and nothing written."""
    client = app.test_client()
    assert sign_in(client, f"{role}@example.vn").status_code == 302
    app.config["WTF_CSRF_ENABLED"] = False
    fields = ("person_ids", "subject_ids", "shown", "present", "period", "birth_year", "village", "points")
    failures = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint in ("auth.logout", "auth.login"):
            continue
        url = ACCESS[rule.endpoint][0].format(**world).split("?")[0]
        response = client.post(url, data={name: HUGE for name in fields})
        if response.status_code >= 500:
            failures.append(f"POST {url}: {response.status_code}")
    assert not failures, "\n".join(failures)
