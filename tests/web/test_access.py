"""Access matrix over every route of the app, and CSRF on every state-changing form.

Each rule of app.url_map must have an entry in ACCESS: a route added without one fails here.
The rule for refusals (lms.auth.services): 403 when the role may never use the page, 404 ("hidden") for
a thing outside the viewer's scope, the same answer as for an id that does not exist.
"""

from datetime import date

import pytest
import sqlalchemy as sa

from lms.criteria.models import Framework
from lms.extensions import db
from tests.course_factories import course_world
from tests.registry.helpers import officer_world
from tests.reviews.helpers import plan_world
from tests.sessions.helpers import learning_world
from tests.web.conftest import make_eligible, score, sign_in

OK, LOGIN, DENY, HIDDEN, TOKEN = "ok", "login", "403", "404", "token"
ROLES = ("anonymous", "citizen", "trainer", "officer", "other_officer", "approver", "admin")
PUBLIC = dict.fromkeys(ROLES, OK)
CITIZEN_ONLY = {
    "anonymous": LOGIN,
    "citizen": OK,
    "trainer": DENY,
    "officer": DENY,
    "other_officer": DENY,
    "approver": DENY,
    "admin": DENY,
}
OFFICERS = {
    "anonymous": LOGIN,
    "citizen": DENY,
    "trainer": DENY,
    "officer": OK,
    "other_officer": OK,
    "approver": DENY,  # the commune leader approves decisions (DECISION_READERS) and uses no other officer page
    "admin": OK,
}
# the decisions pages: officers and the approver of commune A (the decision's area), admins
DECISION_READERS = {**OFFICERS, "approver": OK}
DECISION_OF_A = {**DECISION_READERS, "other_officer": HIDDEN}
APPROVER_ONLY = {**dict.fromkeys(ROLES, DENY), "anonymous": LOGIN, "approver": OK}
ADMIN_ONLY = {**dict.fromkeys(ROLES, DENY), "anonymous": LOGIN, "admin": OK}
# officers of commune A (and admins) only: the subject lies in commune A (hidden from commune B's)
OFFICERS_OF_A = {**OFFICERS, "other_officer": HIDDEN}
TRAINER_ONLY = {**dict.fromkeys(ROLES, DENY), "anonymous": LOGIN, "trainer": OK}  # the session's own trainer
SIGNED_IN = {**dict.fromkeys(ROLES, OK), "anonymous": LOGIN}
# trainer, audience (commune A), officers of A
SESSION_VIEWERS = {**SIGNED_IN, "other_officer": HIDDEN, "approver": DENY}
DECLARATION_FILE = {**SESSION_VIEWERS, "trainer": DENY}  # the citizen who declared, officers of A
COURSE_AUTHORS = {**dict.fromkeys(ROLES, DENY), "anonymous": LOGIN, "trainer": OK, "admin": OK}  # its trainer, admins
LESSON_FILE = {**COURSE_AUTHORS, "citizen": OK}  # and its enrolled learners
# the JSON API reads no session cookie: whatever the role, a route that needs a token answers 401
# (problem+json); which token may do what is the API_ACCESS matrix below
API_TOKEN = dict.fromkeys(ROLES, TOKEN)

# endpoint -> (URL template, expected outcome per role)
ACCESS: dict[str, tuple[str, dict[str, str]]] = {
    "static": ("/static/css/app.css", PUBLIC),
    "main.index": ("/", PUBLIC),
    "main.set_language": ("/lang/en", PUBLIC),
    "main.healthz": ("/healthz", PUBLIC),
    "main.readyz": ("/readyz", PUBLIC),
    "main.login_alias": ("/login", dict.fromkeys(ROLES, LOGIN)),  # a redirect to /auth/login, for anyone
    "main.admin_alias": ("/admin", PUBLIC),  # a redirect to /admin/users, which then decides
    "auth.login": ("/auth/login", PUBLIC),
    "auth.logout": ("/auth/logout", PUBLIC),
    "auth.register": ("/auth/register", PUBLIC),
    "auth.forgot": ("/auth/forgot", PUBLIC),
    "auth.two_factor": ("/auth/two-factor", SIGNED_IN),  # anonymous without a password step: to the login
    "auth.two_factor_setup": ("/auth/two-factor/setup", SIGNED_IN),
    "auth.account": ("/auth/account", SIGNED_IN),
    "auth.password": ("/auth/password", SIGNED_IN),
    "auth.new_recovery_codes": ("/auth/two-factor/recovery-codes", SIGNED_IN),
    "auth.two_factor_off": ("/auth/two-factor/off", SIGNED_IN),
    "users.index": ("/admin/users", ADMIN_ONLY),
    "users.create": ("/admin/users", ADMIN_ONLY),
    "users.edit": ("/admin/users/{account}", ADMIN_ONLY),
    "users.disable": ("/admin/users/{account}/disable", ADMIN_ONLY),
    "users.enable": ("/admin/users/{account}/enable", ADMIN_ONLY),
    "users.unlock": ("/admin/users/{account}/unlock", ADMIN_ONLY),
    "users.reset_password": ("/admin/users/{account}/reset-password", ADMIN_ONLY),
    "users.reset_two_factor": ("/admin/users/{account}/reset-two-factor", ADMIN_ONLY),
    "catalogue.index": ("/courses", PUBLIC),
    "catalogue.course": ("/courses/{course}", PUBLIC),
    "catalogue.enrol_in": ("/courses/{course}/enrol", CITIZEN_ONLY),
    "catalogue.lesson": ("/courses/{course}/lessons/{lesson}", CITIZEN_ONLY),
    "catalogue.lesson_done": ("/courses/{course}/lessons/{lesson}/done", CITIZEN_ONLY),
    "catalogue.verify": ("/verify/{certificate}", PUBLIC),
    "catalogue.verify_form": ("/verify", PUBLIC),
    "catalogue.cover": ("/courses/{course}/cover", PUBLIC),
    "catalogue.leave_course": ("/courses/{course}/leave", CITIZEN_ONLY),
    "catalogue.my_courses": ("/my/courses", CITIZEN_ONLY),
    "catalogue.lesson_file": ("/courses/{course}/lessons/{lesson}/files/{lesson_file}", LESSON_FILE),
    "authoring.index": ("/trainer/courses", COURSE_AUTHORS),
    "authoring.new": ("/trainer/courses/new", COURSE_AUTHORS),
    "authoring.course": ("/trainer/courses/{course}", COURSE_AUTHORS),
    "authoring.edit": ("/trainer/courses/{course}/edit", COURSE_AUTHORS),
    "authoring.publish_course": ("/trainer/courses/{course}/publish", COURSE_AUTHORS),
    "authoring.new_lesson": ("/trainer/courses/{course}/lessons/new", COURSE_AUTHORS),
    "authoring.edit_lesson": ("/trainer/courses/{course}/lessons/{lesson}/edit", COURSE_AUTHORS),
    "authoring.move": ("/trainer/courses/{course}/lessons/{lesson}/move", COURSE_AUTHORS),
    "authoring.remove_lesson": ("/trainer/courses/{course}/lessons/{lesson}/delete", COURSE_AUTHORS),
    "authoring.upload_file": ("/trainer/courses/{course}/lessons/{lesson}/files", COURSE_AUTHORS),
    "authoring.delete_file": ("/trainer/courses/{course}/lessons/{lesson}/files/{lesson_file}/delete", COURSE_AUTHORS),
    "authoring.learners_of": ("/trainer/courses/{course}/learners", COURSE_AUTHORS),
    "quizzes.settings": ("/trainer/courses/{course}/quiz", COURSE_AUTHORS),
    "quizzes.new_question": ("/trainer/courses/{course}/quiz/questions/new", COURSE_AUTHORS),
    "quizzes.edit_question": ("/trainer/courses/{course}/quiz/questions/{question}/edit", COURSE_AUTHORS),
    "quizzes.remove_question": ("/trainer/courses/{course}/quiz/questions/{question}/delete", COURSE_AUTHORS),
    "quizzes.overview": ("/courses/{course}/quiz", CITIZEN_ONLY),
    "quizzes.start": ("/courses/{course}/quiz/start", CITIZEN_ONLY),
    "quizzes.attempt": ("/courses/{course}/quiz/attempts/1", CITIZEN_ONLY),
    "certificates.download": ("/my/certificates/{certificate}.pdf", CITIZEN_ONLY),
    "records.record": ("/record?period=2026", CITIZEN_ONLY),
    "titles.eligible": ("/officer/eligible?period=2026", OFFICERS),
    "titles.award": ("/officer/award", OFFICERS),
    "titles.person": ("/officer/people/{person}?period=2026", OFFICERS_OF_A),
    "titles.revoke": ("/officer/awards/{award}/revoke", OFFICERS_OF_A),
    "titles.audit_log": ("/officer/audit", OFFICERS),
    "titles.groups": ("/officer/groups?kind=family&period=2026", OFFICERS),
    "titles.group": ("/officer/groups/family/{family}?period=2026", OFFICERS_OF_A),
    "titles.confirm_groups_view": ("/officer/groups/confirm", OFFICERS),
    "titles.revoke_group_view": ("/officer/groups/confirmations/{confirmation}/revoke", OFFICERS_OF_A),
    "decisions.index": ("/officer/decisions", DECISION_READERS),
    "decisions.show": ("/officer/decisions/{decision}", DECISION_OF_A),
    "decisions.approve_view": ("/officer/decisions/{decision}/approve", APPROVER_ONLY),
    "decisions.correct": ("/officer/decisions/{decision}/correct", DECISION_OF_A),
    "decisions.revoke": ("/officer/decisions/{decision}/revoke", DECISION_OF_A),
    "registry.people": ("/officer/registry/people", OFFICERS),
    "registry.mark_people": ("/officer/registry/people/mark", OFFICERS),
    "registry.unconfirmed": ("/officer/registry/unconfirmed", OFFICERS),
    "registry.confirm_unconfirmed": ("/officer/registry/unconfirmed/confirm", OFFICERS),
    "registry.merge_page": ("/officer/registry/people/{unconfirmed}/merge", OFFICERS_OF_A),
    "registry.new_person": ("/officer/registry/people/new", OFFICERS),
    "registry.edit_person_page": ("/officer/registry/people/{person}/edit", OFFICERS_OF_A),
    "registry.families": ("/officer/registry/families", OFFICERS),
    "registry.new_family": ("/officer/registry/families/new", OFFICERS),
    "registry.edit_family": ("/officer/registry/families/{family}/edit", OFFICERS_OF_A),
    "registry.clans": ("/officer/registry/clans", OFFICERS),
    "registry.new_clan": ("/officer/registry/clans/new", OFFICERS),
    "registry.edit_clan": ("/officer/registry/clans/{clan}/edit", OFFICERS_OF_A),
    "registry.units": ("/officer/registry/units", OFFICERS),
    "registry.new_unit": ("/officer/registry/units/new", OFFICERS),
    "registry.edit_unit": ("/officer/registry/units/{unit}/edit", OFFICERS_OF_A),
    "registry.villages": ("/officer/registry/villages", OFFICERS),
    "registry.new_village": ("/officer/registry/villages/new", OFFICERS),
    "registry.edit_village": ("/officer/registry/villages/{village}/edit", OFFICERS_OF_A),
    "activation.activate": ("/auth/activate", PUBLIC),
    "activation.codes": ("/officer/registry/activation", OFFICERS),
    "activation.print_codes": ("/officer/registry/activation", OFFICERS),
    "activation.issue_one": ("/officer/registry/people/{person}/activation", OFFICERS_OF_A),
    "imports.index": ("/officer/imports", OFFICERS),
    "imports.upload": ("/officer/imports", OFFICERS),
    "imports.job": ("/officer/imports/{import_job}", OFFICERS_OF_A),
    "imports.status": ("/officer/imports/{import_job}/status", OFFICERS_OF_A),
    "imports.confirm": ("/officer/imports/{import_job}/confirm", OFFICERS_OF_A),
    "imports.cancel": ("/officer/imports/{import_job}/cancel", OFFICERS_OF_A),
    "imports.template": ("/officer/imports/templates/people.xlsx", OFFICERS),
    "reports.index": ("/officer/reports?period=2026", OFFICERS),
    "reports.report_xlsx": ("/officer/reports/indicators.xlsx", OFFICERS),
    "reports.report_pdf": ("/officer/reports/indicators.pdf", OFFICERS),
    "reports.holders_xlsx": ("/officer/reports/holders.xlsx", OFFICERS),
    "recompute.start": ("/officer/recompute", OFFICERS),
    "recompute.job": ("/officer/recompute/{recompute_job}", OFFICERS_OF_A),
    "recompute.status": ("/officer/recompute/{recompute_job}/status", OFFICERS_OF_A),
    "indicators.dashboard": ("/dashboard?area=A&period=2026", OFFICERS_OF_A),
    "indicators.stats": ("/stats?period=2026", PUBLIC),
    "admin.frameworks": ("/admin/frameworks", ADMIN_ONLY),
    "admin.check_framework": ("/admin/frameworks", ADMIN_ONLY),
    "admin.publish_framework": ("/admin/frameworks/{framework}/publish", ADMIN_ONLY),
    "admin.delete_framework": ("/admin/frameworks/{framework}/delete", ADMIN_ONLY),
    "admin.export_framework": ("/admin/frameworks/{framework}.yaml", ADMIN_ONLY),
    "admin.recompute_health": ("/admin/recompute", ADMIN_ONLY),
    "admin.rerun": ("/admin/recompute/failed/999/rerun", ADMIN_ONLY),
    "jobs.resend": ("/admin/jobs/recompute/999/resend", ADMIN_ONLY),
    "admin.areas": ("/admin/areas", ADMIN_ONLY),
    "admin.reorganise": ("/admin/areas/merge", ADMIN_ONLY),
    "sessions.index": ("/sessions", {**SIGNED_IN, "approver": DENY}),
    "sessions.new": ("/sessions/new", TRAINER_ONLY),
    "sessions.show": ("/sessions/{session}", SESSION_VIEWERS),
    "sessions.edit": ("/sessions/{session}/edit", TRAINER_ONLY),
    "sessions.upload": ("/sessions/{session}/materials", TRAINER_ONLY),
    "sessions.material": ("/sessions/{session}/materials/{material}", SESSION_VIEWERS),
    "sessions.delete_material": ("/sessions/{session}/materials/{material}/delete", TRAINER_ONLY),
    "sessions.attendance": ("/sessions/{session}/attendance", TRAINER_ONLY),
    "sessions.checkin_code": ("/sessions/{session}/checkin-code", TRAINER_ONLY),
    "sessions.qr": ("/sessions/{session}/qr.svg", TRAINER_ONLY),
    "sessions.checkin": ("/sessions/checkin/{checkin_token}", {**CITIZEN_ONLY, "anonymous": OK}),  # asks to log in
    "sessions.confirm_checkin": ("/sessions/checkin/{checkin_token}", CITIZEN_ONLY),
    "sessions.enter_code": ("/sessions/checkin?code=ABC-DEF", CITIZEN_ONLY),
    "sessions.present_count": ("/sessions/{session}/present.json", TRAINER_ONLY),
    # a citizen of the audience registers; other roles never do (officer B: the session is hidden)
    "sessions.register_for": (
        "/sessions/{session}/register",
        {**SESSION_VIEWERS, "trainer": DENY, "officer": DENY, "admin": DENY},
    ),
    "sessions.unregister_from": (
        "/sessions/{session}/unregister",
        {**SESSION_VIEWERS, "trainer": DENY, "officer": DENY, "admin": DENY},
    ),
    "reviews.review_docx": ("/officer/reports/review.docx", OFFICERS),
    "contributions.index": ("/officer/contributions?period=2026", OFFICERS),
    "contributions.show": ("/officer/contributions/{contribution}", OFFICERS_OF_A),
    "contributions.file": ("/officer/contributions/{contribution}/files/{contribution_file}", OFFICERS_OF_A),
    "contributions.delete": ("/officer/contributions/{contribution}/delete", OFFICERS_OF_A),
    "contributions.report_xlsx": ("/officer/contributions/report.xlsx", OFFICERS),
    "contributions.report_pdf": ("/officer/contributions/report.pdf", OFFICERS),
    "communication.index": ("/officer/announcements?period=2026", OFFICERS),
    "communication.show": ("/officer/announcements/{announcement}", OFFICERS_OF_A),
    "communication.withdraw": ("/officer/announcements/{announcement}/withdraw", OFFICERS_OF_A),
    "communication.poster": ("/officer/announcements/{announcement}/poster.pdf", OFFICERS_OF_A),
    "communication.notifications": ("/notifications", CITIZEN_ONLY),
    "communication.notification": ("/notifications/{announcement}", CITIZEN_ONLY),
    "association.index": ("/officer/association?period=2026", OFFICERS),
    "association.branch": ("/officer/association/{branch}", OFFICERS_OF_A),
    "association.remove": ("/officer/association/{branch}/members/{branch_member}/remove", OFFICERS_OF_A),
    "training_plans.index": ("/officer/training-plan?period=2026", OFFICERS),
    "training_plans.link": ("/officer/training-plan/{planned}/link", OFFICERS_OF_A),
    "training_plans.remove": ("/officer/training-plan/{planned}/remove", OFFICERS_OF_A),
    "trainers.index": ("/officer/trainers", OFFICERS),
    "trainers.remove": ("/officer/trainers/{trainer}/areas/{trainer_area}/remove", OFFICERS_OF_A),
    "plans.plan": ("/plan", CITIZEN_ONLY),
    "declarations.mine": ("/declarations", CITIZEN_ONLY),
    "declarations.create": ("/declarations", CITIZEN_ONLY),
    "declarations.file": ("/declarations/{declaration}/file", DECLARATION_FILE),
    "declarations.edit": ("/declarations/{declaration}/edit", CITIZEN_ONLY),  # the citizen's own, while pending
    "declarations.withdraw_one": ("/declarations/{declaration}/withdraw", CITIZEN_ONLY),
    "declarations.pending": ("/officer/declarations", OFFICERS),
    "declarations.review": ("/officer/declarations/{declaration}", OFFICERS_OF_A),
    "declarations.verify_one": ("/officer/declarations/{declaration}/verify", OFFICERS_OF_A),
    "declarations.reject_one": ("/officer/declarations/{declaration}/reject", OFFICERS_OF_A),
    "api.courses": ("/api/v1/courses", PUBLIC),
    "api.indicators": ("/api/v1/indicators?area=D&period=2026", PUBLIC),
    "api.areas": ("/api/v1/areas", API_TOKEN),
    "api.results": ("/api/v1/results?area=A&period=2026", API_TOKEN),
    "api.person_record": ("/api/v1/people/{person_code}/record?period=2026", API_TOKEN),
    "api.push_evidence": ("/api/v1/evidence", API_TOKEN),
    "api.start_import": ("/api/v1/imports/evidence", API_TOKEN),
    "api.import_job": ("/api/v1/imports/{import_job}", API_TOKEN),
    "api.national_export": ("/api/v1/exports/national?area=A&period=2026", API_TOKEN),
    "api_docs.openapi": ("/api/v1/openapi.json", PUBLIC),
    "api_docs.docs": ("/api/v1/docs", PUBLIC),
    "api_docs.asset": ("/api/v1/docs/assets/swagger-ui.css", PUBLIC),
    "api_tokens.index": ("/admin/api-tokens", ADMIN_ONLY),
    "api_tokens.create": ("/admin/api-tokens", ADMIN_ONLY),
    "api_tokens.revoke": ("/admin/api-tokens/999/revoke", ADMIN_ONLY),
    "privacy.notice": ("/privacy", PUBLIC),
    "privacy.consent": ("/privacy/consent", CITIZEN_ONLY),
    "privacy.my_data": ("/my/data", CITIZEN_ONLY),
    "privacy.my_data_json": ("/my/data.json", CITIZEN_ONLY),
    "privacy.my_data_xlsx": ("/my/data.xlsx", CITIZEN_ONLY),
    "privacy.request_correction": ("/my/data/corrections", CITIZEN_ONLY),
    "privacy.corrections": ("/officer/corrections", OFFICERS),
    "privacy.answer": ("/officer/corrections/{correction}", OFFICERS_OF_A),
    "privacy.erasure_form": ("/admin/erasure", ADMIN_ONLY),
    "privacy.erase": ("/admin/erasure", ADMIN_ONLY),
    "privacy.access_log_page": ("/admin/access-log", ADMIN_ONLY),
}


@pytest.fixture
def world(app, tree, make_person, make_user, course, default_framework):  # type: ignore[no-untyped-def]
    """One of everything a route can point at, and a user of every role."""
    from courses.catalogue.models import Enrolment
    from lms.titles.models import Award
    from lms.titles.services import award_titles

    citizen = make_person(tree["A1"], full_name="Công Dân A")
    make_user("citizen", person=citizen, login="citizen@example.vn")
    trainer = make_user("trainer", area=tree["A"], login="trainer@example.vn")
    make_user("officer", area=tree["A"], login="officer@example.vn")
    account = make_user("officer", area=tree["B"], login="other_officer@example.vn")
    make_user("admin", login="admin@example.vn")
    make_user("approver", area=tree["A"], login="approver@example.vn")
    db.session.add(
        Enrolment(person_id=citizen.id, course_id=course.id, certificate_code="ABC123DEF456", completed_at=None)
    )
    subject = make_person(tree["A2"], full_name="Người Được Xét")
    make_eligible(subject)
    score()
    award_titles([subject.id], 2026, "9/QĐ-UBND", date(2026, 11, 1), "test", tree["A"])
    award = db.session.scalar(sa.select(Award).where(Award.person_id == subject.id))
    from lms.auth.services import register_citizen

    unconfirmed = register_citizen("0900111222", "Cay-lua-vang-2026!", "Tự Đăng Ký", 1990, "nữ", tree["A1"]).person
    graduate = make_person(tree["A1"], full_name="Người Đã Học")
    db.session.add(
        Enrolment(
            person_id=graduate.id, course_id=course.id, certificate_code="CAFE00112233", completed_at=date(2026, 5, 1)
        )
    )
    from lms.privacy.models import CorrectionRequest

    correction = CorrectionRequest(person_id=subject.id, field="phone", value="0911000111")
    db.session.add(correction)
    db.session.commit()
    return {
        "correction": correction.id,
        "course": course.code,
        "lesson": course.lessons[0].id,
        "certificate": "CAFE00112233",
        "person": subject.id,
        "person_code": subject.code,
        "award": award.id,
        "decision": award.decision_id,
        "account": account.id,
        "framework": db.session.scalar(sa.select(Framework.id)),
        "trainer": trainer.id,
        "unconfirmed": unconfirmed.id,
        "trainer_area": tree["A"].id,
        **officer_world(tree),
        **plan_world(tree),
        **learning_world(tree),
        **course_world(course),
    }


def _outcome(response) -> str:  # type: ignore[no-untyped-def]
    if response.status_code == 401 and response.mimetype == "application/problem+json":
        return TOKEN
    if response.status_code == 403:
        return DENY
    if response.status_code == 404:
        return HIDDEN
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
        # OK means "not refused": a 404 for an allowed role comes from the walk's own data (an earlier
        # POST deleted the lesson, the course has no cover, failed batch 999 does not exist)
        if got != expected[role] and not (expected[role] == OK and got == HIDDEN):
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


# ---- the JSON API: access by token --------------------------------------------------------------
TOKENS = ("none", "read_A", "write_A", "read_B", "write_all")
READ_IN_A = {"none": 401, "read_A": 200, "write_A": 200, "read_B": 403, "write_all": 200}
# endpoint -> (method, URL template, expected status per token); a person or job outside answers 404
API_ACCESS: dict[str, tuple[str, str, dict[str, int]]] = {
    "api.courses": ("GET", "/api/v1/courses", dict.fromkeys(TOKENS, 200)),
    "api.indicators": ("GET", "/api/v1/indicators?under=A&from=2026&to=2026", READ_IN_A),
    "api.areas": ("GET", "/api/v1/areas", {**READ_IN_A, "read_B": 200}),  # each token: its own subtree
    "api.results": ("GET", "/api/v1/results?area=A&period=2026", READ_IN_A),
    "api.person_record": ("GET", "/api/v1/people/{person_code}/record?period=2026", {**READ_IN_A, "read_B": 404}),
    "api.push_evidence": ("POST", "/api/v1/evidence", {**READ_IN_A, "read_A": 403}),
    "api.start_import": (
        "POST",
        "/api/v1/imports/evidence",
        {**READ_IN_A, "read_A": 403, "write_A": 202, "write_all": 202},
    ),
    "api.import_job": ("GET", "/api/v1/imports/{import_job}", {**READ_IN_A, "read_B": 404}),
    "api.national_export": ("GET", "/api/v1/exports/national?area=A&period=2026&format=csv", READ_IN_A),
}


def test_every_api_route_has_a_token_rule(app):
    api = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")}
    assert api == set(API_ACCESS)


@pytest.mark.parametrize("token", TOKENS)
def test_api_access_matrix(app, world, tree, token):
    import io

    from lms.api.tokens import create_token

    secret = None
    if token != "none":
        scope, where = token.split("_")
        _token, secret = create_token(f"t-{token}", scope, None if where == "all" else tree[where], "test")
        db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    failures = []
    for endpoint, (method, template, expected) in API_ACCESS.items():
        url = template.format(**world)
        if endpoint == "api.push_evidence":
            row = {"person_code": world["person_code"], "kind": "plan", "date": "2026-01-05"}
            response = client.post(url, json={"evidence": [row]}, headers=headers)
        elif endpoint == "api.start_import":
            body = f"person_code,kind,date\\n{world['person_code']},plan,2026-01-06\\n".encode()
            response = client.post(url, data={"file": (io.BytesIO(body), "e.csv")}, headers=headers)
        else:
            response = client.get(url, headers=headers)
        if response.status_code != expected[token]:
            failures.append(f"{endpoint} {url}: expected {expected[token]}, got {response.status_code}")
    assert not failures, "\\n".join(failures)
