"""Access to the officer pages of the registry, imports, reports, recompute and group titles: every
role, and an officer of another commune (404 on anything inside commune A, as for an unknown id)."""

import pytest

from tests.web.conftest import sign_in
from tests.web.test_access import ACCESS, HIDDEN, OK, ROLES, _outcome, world  # noqa: F401  (fixture)

PREFIXES = ("registry.", "activation.", "imports.", "reports.", "recompute.", "titles.")


def test_every_officer_page_of_these_features_has_an_access_rule(app):
    mine = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith(PREFIXES)}
    assert mine and mine <= set(ACCESS)


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix_of_officer_pages(app, world, role):  # noqa: F811
    client = app.test_client()
    if role != "anonymous":
        assert sign_in(client, f"{role}@example.vn").status_code == 302
    app.config["WTF_CSRF_ENABLED"] = False
    failures = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(PREFIXES):
            continue
        template, expected = ACCESS[rule.endpoint]
        url = template.format(**world)
        response = client.get(url) if "GET" in rule.methods else client.post(url, data={})
        got = _outcome(response)
        if got != expected[role] and not (expected[role] == OK and got == HIDDEN):  # as in tests/web/test_access.py
            failures.append(f"{rule.endpoint} {url}: expected {expected[role]}, got {got} ({response.status_code})")
    assert not failures, "\n".join(failures)


def test_other_communes_officer_gets_404_on_commune_a_subjects(app, world):  # noqa: F811
    client = app.test_client()
    sign_in(client, "other_officer@example.vn")
    for path in (
        f"/officer/registry/people/{world['person']}/edit",
        f"/officer/registry/families/{world['family']}/edit",
        f"/officer/registry/villages/{world['village']}/edit",
        f"/officer/imports/{world['import_job']}",
        f"/officer/recompute/{world['recompute_job']}",
        f"/officer/groups/family/{world['family']}?period=2026",
        "/officer/registry/people?village=A1",
        "/officer/registry/families?village=A1",
        "/officer/eligible?area=A1",
        "/officer/groups?kind=family&area=A",
    ):
        assert client.get(path).status_code == 404, path
    assert HIDDEN == "404"
