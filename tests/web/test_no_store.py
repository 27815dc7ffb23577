"""Cache-Control: no-store on every page a signed-in session sees (personal data), cached pages included,
and on the public pages that name a person (certificate verification)."""

import pytest

from tests.web import test_access
from tests.web.conftest import sign_in
from tests.web.test_access import ACCESS

world = test_access.world  # the fixture: one of everything a route can point at

PERSONAL_SAMPLES = (  # pages whose personal data the finding named: each must be among those checked
    "records.record",
    "registry.people",
    "registry.edit_person_page",
    "titles.person",
    "titles.eligible",
    "users.index",
    "auth.account",
    "declarations.pending",
    "imports.template",
    "admin.export_framework",
)
EXPORTS = {  # files made on a POST (a form with the export's options)
    "/officer/reports/indicators.xlsx": {"area": "A", "period": "2026"},
    "/officer/reports/indicators.pdf": {"area": "A", "period": "2026"},
    "/officer/reports/holders.xlsx": {"area": "A", "period": "2026"},
    "/officer/registry/activation": {"village": "A1"},
}


def _get_routes(app):  # type: ignore[no-untyped-def]
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "GET" in rule.methods and rule.endpoint != "static"),
        key=lambda r: r.endpoint,
    )


@pytest.mark.parametrize("role", ["citizen", "trainer", "officer", "admin"])
def test_every_page_of_a_signed_in_session_is_no_store(app, world, role):
    client = app.test_client()
    assert sign_in(client, f"{role}@example.vn").status_code == 302
    checked, failures = set(), []
    for rule in _get_routes(app):
        response = client.get(ACCESS[rule.endpoint][0].format(**world))
        if response.status_code in (301, 302, 303, 401, 403, 404):
            continue
        checked.add(rule.endpoint)
        cache = response.headers.get("Cache-Control", "")
        if "no-store" not in cache and "public" not in cache:
            failures.append(f"{rule.endpoint}: {response.status_code} Cache-Control={cache!r}")
    assert not failures, "\n".join(failures)
    assert set(PERSONAL_SAMPLES) & checked, checked


def test_the_personal_pages_named_by_the_review_were_all_checked(app, world):
    """Together the roles above open every page of PERSONAL_SAMPLES (so none escapes the check)."""
    seen = set()
    for role in ("citizen", "officer", "admin"):
        client = app.test_client()
        sign_in(client, f"{role}@example.vn")
        for endpoint in PERSONAL_SAMPLES:
            response = client.get(ACCESS[endpoint][0].format(**world))
            if response.status_code == 200:
                seen.add(endpoint)
                assert response.headers["Cache-Control"] == "no-store", (role, endpoint)
    assert seen == set(PERSONAL_SAMPLES)


def test_a_page_served_from_the_cache_is_no_store_too(app, world, renders):
    client = app.test_client()
    sign_in(client, "citizen@example.vn")
    client.get("/record?period=2026")
    client.get("/record?period=2026")
    renders.clear()
    response = client.get("/record?period=2026")
    assert response.status_code == 200 and renders == []  # from the page cache
    assert response.headers["Cache-Control"] == "no-store"


def test_the_public_certificate_page_is_no_store_and_the_catalogue_is_not(client, world):
    response = client.get(f"/verify/{world['certificate']}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/courses").headers.get("Cache-Control", "")
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")


def test_every_export_is_no_store(app, world):
    client = app.test_client()
    sign_in(client, "officer@example.vn")
    app.config["WTF_CSRF_ENABLED"] = False  # tests/web/test_access.py checks the tokens
    for url, data in EXPORTS.items():
        response = client.post(url, data=data)
        assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"], url
        assert response.headers["Cache-Control"] == "no-store", url
