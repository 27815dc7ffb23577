"""404 vs 403: a thing outside the viewer's scope answers exactly as one that does not exist."""

import re

import pytest

from tests.web.conftest import sign_in
from tests.web.test_access import ACCESS, HIDDEN, world  # noqa: F401  (the fixture)

MISSING = "2147480000"  # inside the integer range, no such row


def _same_page(html: str) -> str:
    return re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "", html)


def _missing(url: str) -> str:
    """The URL with every numeric id replaced by one that does not exist."""
    return re.sub(r"/\d+(?=/|\.|$|\?)", f"/{MISSING}", url)


@pytest.mark.parametrize("role", ["other_officer"])
def test_an_out_of_scope_id_answers_like_a_missing_one(app, world, role):  # noqa: F811
    client = app.test_client()
    assert sign_in(client, f"{role}@example.vn").status_code == 302
    client.get("/")  # shows (and takes) the welcome message
    app.config["WTF_CSRF_ENABLED"] = False
    checked, failures = 0, []
    for rule in app.url_map.iter_rules():
        template, expected = ACCESS[rule.endpoint]
        if expected[role] != HIDDEN or "GET" not in rule.methods:
            continue
        url = template.format(**world)
        if _missing(url) == url:
            continue  # an area code in the query string, no numeric id
        existing, missing = client.get(url), client.get(_missing(url))
        checked += 1
        if (existing.status_code, _same_page(existing.get_data(as_text=True))) != (
            missing.status_code,
            _same_page(missing.get_data(as_text=True)),
        ):
            failures.append(f"{url}: {existing.status_code} vs {missing.status_code} for a missing id")
        elif existing.status_code != 404:
            failures.append(f"{url}: {existing.status_code}")
    assert checked >= 10
    assert not failures, "\n".join(failures)


def test_another_trainers_session_and_someone_elses_file_are_not_found(app, world, make_user, tree, make_person):  # noqa: F811
    make_user("trainer", login="other.trainer@example.vn")
    stranger = make_person(tree["A1"], full_name="Người Khác")
    make_user("citizen", person=stranger, login="stranger@example.vn")
    trainer = app.test_client()
    sign_in(trainer, "other.trainer@example.vn")
    citizen = app.test_client()
    sign_in(citizen, "stranger@example.vn")
    trainer.get("/"), citizen.get("/")  # show (and take) the welcome messages
    for client, url in (
        (trainer, f"/sessions/{world['session']}/edit"),
        (trainer, f"/sessions/{world['session']}/attendance"),
        (citizen, f"/declarations/{world['declaration']}/file"),
    ):
        existing, missing = client.get(url), client.get(_missing(url))
        assert existing.status_code == missing.status_code == 404, url
        assert _same_page(existing.get_data(as_text=True)) == _same_page(missing.get_data(as_text=True))


def test_a_role_that_never_uses_a_page_still_gets_403_whatever_the_id(app, world):  # noqa: F811
    client = app.test_client()
    sign_in(client, "citizen@example.vn")
    assert client.get(f"/officer/people/{world['person']}").status_code == 403
    assert client.get(f"/officer/people/{MISSING}").status_code == 403
