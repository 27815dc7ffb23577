"""axe-core over every page of every role, at 360 and 1280 px: no violation of any impact.

The pages are those of the access matrix (tests/web/test_access.py): every GET route a role may open,
with the ids of the matrix's own world, so a page added later (with its row in ACCESS) is scanned
without touching this file. A route that answers with something other than an HTML page (a PDF, a
spreadsheet, JSON, an image) or that sends the role elsewhere is scanned where it lands, once.

One browser, one context per role with axe-core (vendored by axe-playwright-python) added to every page it
loads; each page is loaded once and scanned at both widths (the viewport is resized in place: the style
sheet's media queries apply without a reload).
"""

from typing import Any

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Error as PlaywrightError

from lms.extensions import db
from tests.browser.conftest import browser_sign_in
from tests.web.conftest import course  # noqa: F401 (the matrix world's fixtures)
from tests.web.test_access import ACCESS, OK, world  # noqa: F401

WIDTHS = (360, 1280)
# the matrix's role whose column a role of this test follows (a district officer sees commune A too)
ROLES = {
    "anonymous": "anonymous",
    "citizen": "citizen",
    "trainer": "trainer",
    "officer": "officer",
    "district_officer": "officer",
    "approver": "approver",
    "admin": "admin",
}
# routes that are no page to read: leaving, switching language, probes, the API and its documentation
# (Swagger UI's own markup is a vendored third-party page)
NOT_PAGES = ("static", "auth.logout", "main.set_language", "main.healthz", "main.readyz")
NOT_PAGE_PREFIXES = ("api.", "api_docs.")
EXTRA = {"anonymous": ["/no-such-page"]}  # the error page
# every rule axe runs by default, and the tap-target size of WCAG 2.2 (24 px; off by default in axe 4.12)
OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}


def pages_of(app: Any, role: str, ids: dict[str, Any]) -> list[str]:
    """The URLs of the GET routes `role` may open, from the app's url_map and the access matrix."""
    urls: list[str] = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES or rule.endpoint.startswith(NOT_PAGE_PREFIXES):
            continue
        template, expected = ACCESS[rule.endpoint]
        if expected[ROLES[role]] != OK:
            continue
        url = template.format(**ids)
        if url not in urls:
            urls.append(url)
    return urls + EXTRA.get(role, [])


def _violations(page: Any) -> list[str]:
    result = page.evaluate("options => axe.run(document, options)", OPTIONS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(" ".join(n["target"]) for n in v["nodes"][:4])
        for v in result["violations"]
    ]


def test_every_page_of_every_role_passes_axe(app, browser, live_server, world, make_user, tree):  # noqa: F811
    from courses.quizzes.models import Attempt

    make_user("officer", area=tree["D"], login="district_officer@example.vn")
    # a failed attempt of the citizen, so the quiz's result page is scanned too
    from courses.catalogue.models import Enrolment
    from lms.auth.services import find_login

    citizen = find_login("citizen@example.vn")
    enrolment = db.session.query(Enrolment).filter_by(person_id=citizen.person_id).first()
    layout = [
        {
            "id": 1,
            "kind": "single",
            "text": "Câu hỏi?",
            "explanation": "",
            "choices": [{"id": 1, "text": "Có", "correct": True}, {"id": 2, "text": "Không", "correct": False}],
        }
    ]
    from lms.util import utcnow

    db.session.add(
        Attempt(
            enrolment_id=enrolment.id,
            number=1,
            pass_mark=70,
            layout=layout,
            total=1,
            answers={"1": [2]},
            submitted_at=utcnow(),
            correct=0,
            passed=False,
        )
    )
    db.session.commit()

    failures: list[str] = []
    scanned = 0
    for role in ROLES:
        context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900}, locale="vi-VN")
        context.set_default_timeout(15_000)
        context.add_init_script(AXE_SCRIPT)
        page = context.new_page()
        if role != "anonymous":
            browser_sign_in(page, f"{role}@example.vn")
        seen: set[str] = set()
        for url in pages_of(app, role, world):
            page.set_viewport_size({"width": 1280, "height": 900})
            try:
                response = page.goto(url)
            except PlaywrightError as exc:  # a PDF or a workbook: the browser downloads it
                assert "Download is starting" in str(exc), exc
                continue
            if response is not None and response.status >= 500:
                failures.append(f"{role} {url}: {response.status}")
            if response is None or "text/html" not in response.headers.get("content-type", "") or page.url in seen:
                continue
            seen.add(page.url)
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                failures += [f"{role} {url} @{width}px: {v}" for v in _violations(page)]
            scanned += 1
        context.close()
    print(f"axe: {scanned} pages scanned at {len(WIDTHS)} widths")  # noqa: T201
    assert scanned >= 60, f"only {scanned} pages scanned: is the access matrix's world intact?"
    assert not failures, f"{len(failures)} violations:\n" + "\n".join(failures)
