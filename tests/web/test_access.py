"""Access matrix over every route of the app, and CSRF on every state-changing form.

Each rule of app.url_map must have an entry in ACCESS: a route added without one fails here.
"""

from datetime import date

import pytest
import sqlalchemy as sa

from lms.criteria.models import Framework
from lms.extensions import db
from tests.web.conftest import make_eligible, score, sign_in

OK, LOGIN, DENY = "ok", "login", "403"
ROLES = ("anonymous", "citizen", "trainer", "officer", "other_officer", "admin")
PUBLIC = dict.fromkeys(ROLES, OK)
CITIZEN_ONLY = {
    "anonymous": LOGIN,
    "citizen": OK,
    "trainer": DENY,
    "officer": DENY,
    "other_officer": DENY,
    "admin": DENY,
}
OFFICERS = {"anonymous": LOGIN, "citizen": DENY, "trainer": DENY, "officer": OK, "other_officer": OK, "admin": OK}
ADMIN_ONLY = {**dict.fromkeys(ROLES, DENY), "anonymous": LOGIN, "admin": OK}
# officers of commune A (and admins) only: the subject lies in commune A
OFFICERS_OF_A = {**OFFICERS, "other_officer": DENY}

# endpoint -> (URL template, expected outcome per role)
ACCESS: dict[str, tuple[str, dict[str, str]]] = {
    "static": ("/static/css/app.css", PUBLIC),
    "main.index": ("/", PUBLIC),
    "main.set_language": ("/lang/en", PUBLIC),
    "main.healthz": ("/healthz", PUBLIC),
    "auth.login": ("/auth/login", PUBLIC),
    "auth.logout": ("/auth/logout", PUBLIC),
    "auth.register": ("/auth/register", PUBLIC),
    "catalogue.index": ("/courses", PUBLIC),
    "catalogue.course": ("/courses/{course}", PUBLIC),
    "catalogue.enrol_in": ("/courses/{course}/enrol", CITIZEN_ONLY),
    "catalogue.lesson": ("/courses/{course}/lessons/{lesson}", CITIZEN_ONLY),
    "catalogue.lesson_done": ("/courses/{course}/lessons/{lesson}/done", CITIZEN_ONLY),
    "catalogue.verify": ("/verify/{certificate}", PUBLIC),
    "records.record": ("/record?period=2026", CITIZEN_ONLY),
    "titles.eligible": ("/officer/eligible?period=2026", OFFICERS),
    "titles.award": ("/officer/award", OFFICERS),
    "titles.person": ("/officer/people/{person}?period=2026", OFFICERS_OF_A),
    "titles.revoke": ("/officer/awards/{award}/revoke", OFFICERS_OF_A),
    "titles.audit_log": ("/officer/audit", OFFICERS),
    "indicators.dashboard": ("/dashboard?area=A&period=2026", OFFICERS_OF_A),
    "indicators.stats": ("/stats?period=2026", PUBLIC),
    "admin.frameworks": ("/admin/frameworks", ADMIN_ONLY),
    "admin.check_framework": ("/admin/frameworks", ADMIN_ONLY),
    "admin.publish_framework": ("/admin/frameworks/{framework}/publish", ADMIN_ONLY),
    "admin.export_framework": ("/admin/frameworks/{framework}.yaml", ADMIN_ONLY),
    "admin.recompute_health": ("/admin/recompute", ADMIN_ONLY),
    "admin.rerun": ("/admin/recompute/failed/999/rerun", ADMIN_ONLY),
    "api.courses": ("/api/v1/courses", PUBLIC),
    "api.indicators": ("/api/v1/indicators?area=D&period=2026", PUBLIC),
}


@pytest.fixture
def world(app, tree, make_person, make_user, course, default_framework):  # type: ignore[no-untyped-def]
    """One of everything a route can point at, and a user of every role."""
    from courses.catalogue.models import Enrolment
    from lms.titles.services import award_titles

    citizen = make_person(tree["A1"], full_name="Công Dân A")
    make_user("citizen", person=citizen, login="citizen@example.vn")
    make_user("trainer", login="trainer@example.vn")
    make_user("officer", area=tree["A"], login="officer@example.vn")
    make_user("officer", area=tree["B"], login="other_officer@example.vn")
    make_user("admin", login="admin@example.vn")
    db.session.add(
        Enrolment(person_id=citizen.id, course_id=course.id, certificate_code="ABC123DEF456", completed_at=None)
    )
    subject = make_person(tree["A2"], full_name="Người Được Xét")
    make_eligible(subject)
    score()
    award = award_titles([subject.id], 2026, "9/QĐ-UBND", date(2026, 11, 1), "test", tree["A"])[0]
    graduate = make_person(tree["A1"], full_name="Người Đã Học")
    db.session.add(
        Enrolment(
            person_id=graduate.id, course_id=course.id, certificate_code="CAFE00112233", completed_at=date(2026, 5, 1)
        )
    )
    db.session.commit()
    return {
        "course": course.code,
        "lesson": course.lessons[0].id,
        "certificate": "CAFE00112233",
        "person": subject.id,
        "award": award.id,
        "framework": db.session.scalar(sa.select(Framework.id)),
    }


def _outcome(response) -> str:  # type: ignore[no-untyped-def]
    if response.status_code == 403:
        return DENY
    if response.status_code in (301, 302, 303) and "/auth/login" in response.headers.get("Location", ""):
        return LOGIN
    assert response.status_code < 500, response.status_code
    return OK


def test_every_route_has_an_access_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(ACCESS) == set(), "add the new routes to ACCESS"
    assert set(ACCESS) - endpoints == set(), "remove routes that no longer exist from ACCESS"


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, world, role):
    client = app.test_client()
    if role != "anonymous":
        response = sign_in(client, f"{role}@example.vn")
        assert response.status_code == 302, f"{role} could not log in"
    app.config["WTF_CSRF_ENABLED"] = False  # the CSRF test below covers the tokens; here only access counts
    failures = []
    # logging out ends the session: check it last
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint == "auth.logout"):
        template, expected = ACCESS[rule.endpoint]
        url = template.format(**world)
        if "GET" in rule.methods:
            response = client.get(url)
        else:
            response = client.post(url, data={})
        got = _outcome(response)
        if got != expected[role]:
            failures.append(f"{rule.endpoint} {url}: expected {expected[role]}, got {got} ({response.status_code})")
    assert not failures, "\n".join(failures)


def test_every_post_form_needs_a_csrf_token(app, world):
    """Post to every state-changing route without a token, anonymous and logged in: always 400."""
    posts = [r for r in app.url_map.iter_rules() if "POST" in r.methods and not r.endpoint.startswith("api.")]
    assert {r.endpoint for r in posts} >= {"auth.login", "auth.logout", "auth.register", "titles.award"}
    for role in ("anonymous", "citizen", "officer"):
        client = app.test_client()
        if role != "anonymous":
            sign_in(client, f"{role}@example.vn")
        for rule in posts:
            url = ACCESS[rule.endpoint][0].format(**world)
            response = client.post(url, data={"reason": "x", "login": "citizen@example.vn", "password": "x"})
            assert response.status_code == 400, f"{role} {rule.endpoint}: {response.status_code}"
