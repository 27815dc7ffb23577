"""The API's docs page in a real browser: Swagger UI from the app's own files, under the app's CSP."""


def test_api_docs_render_every_operation_without_a_csp_violation(page, screenshot, tree):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto("/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert {"/api/v1/evidence", "/api/v1/results", "/api/v1/people/{code}/record"} <= {p.strip() for p in paths}
    screenshot("docs")
    assert page.errors == []  # no console error, and so no Content-Security-Policy violation
    base = page.url.split("/api/")[0]
    assert all(url.startswith(base) or url.startswith("data:") for url in requests), requests  # nothing from a CDN
