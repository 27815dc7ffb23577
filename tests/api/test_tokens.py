"""API tokens: created once (secret shown once, stored hashed), listed, revoked; each rule of their use."""

import sqlalchemy as sa

from lms.api.models import ApiToken, ApiTokenUse
from lms.audit.models import AuditEntry
from lms.extensions import db
from tests.api.conftest import bearer
from tests.web.conftest import sign_in, submit


def test_cli_create_prints_the_secret_alone_on_the_last_line_and_stores_only_its_hash(runner, tree):
    result = runner.invoke(args=["api-tokens", "create", "--name", "so-gddt", "--area", "A", "--scope", "write"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert secret.startswith("hts_") and " " not in secret and len(secret) > 40
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.name == "so-gddt"))
    assert token.scope == "write" and token.area_id == tree["A"].id
    stored = " ".join(str(v) for v in db.session.execute(sa.select(ApiToken.__table__)).one())
    assert secret not in stored and secret[10:] not in stored  # only its hash (and its first characters)
    audit = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "api_token.create"))
    assert audit.subject == "so-gddt" and secret not in str(audit.after)


def test_cli_refuses_an_unknown_area_a_duplicate_name_and_a_bad_scope(runner, tree):
    assert (
        runner.invoke(args=["api-tokens", "create", "--name", "x", "--area", "NOPE", "--scope", "read"]).exit_code == 1
    )
    assert runner.invoke(args=["api-tokens", "create", "--name", "x", "--scope", "read"]).exit_code == 0
    again = runner.invoke(args=["api-tokens", "create", "--name", "x", "--scope", "read"])
    assert again.exit_code == 1 and "x" in again.output
    assert runner.invoke(args=["api-tokens", "create", "--name", "y", "--scope", "admin"]).exit_code != 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 1


def test_cli_lists_without_secrets_and_revoke_stops_the_token_at_once(runner, client, tree):
    secret = runner.invoke(args=["api-tokens", "create", "--name", "kho-du-lieu", "--scope", "read"]).output.split()[-1]
    assert client.get("/api/v1/areas", headers=bearer(secret)).status_code == 200
    listing = runner.invoke(args=["api-tokens", "list"]).output
    assert "kho-du-lieu" in listing and "read" in listing and "all" in listing and secret not in listing
    assert runner.invoke(args=["api-tokens", "revoke", "kho-du-lieu"]).exit_code == 0
    assert "REVOKED" in runner.invoke(args=["api-tokens", "list"]).output
    response = client.get("/api/v1/areas", headers=bearer(secret))
    assert response.status_code == 401
    assert runner.invoke(args=["api-tokens", "revoke", "kho-du-lieu"]).exit_code == 1  # already revoked


def test_no_token_is_401_with_a_bearer_challenge(client, tree):
    for url in ("/api/v1/areas", "/api/v1/results?area=A&period=2026", "/api/v1/people/X/record", "/api/v1/imports/1"):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.mimetype == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.get_json()["status"] == 401
    assert client.post("/api/v1/evidence", json={"evidence": []}).status_code == 401


def test_a_bad_or_revoked_token_is_401(client, tree, make_token):
    from lms.api.tokens import revoke_token

    assert client.get("/api/v1/areas", headers=bearer("hts_not-a-token")).status_code == 401
    assert client.get("/api/v1/areas", headers={"Authorization": "Basic abc"}).status_code == 401
    secret = make_token("read", name="old")
    revoke_token("old", "test")
    db.session.commit()
    response = client.get("/api/v1/areas", headers=bearer(secret))
    assert response.status_code == 401 and 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_a_read_token_cannot_write(client, district, make_token):
    secret = make_token("read")
    row = {"person_code": "PA3", "kind": "plan", "date": "2026-02-01"}
    response = client.post("/api/v1/evidence", json={"evidence": [row]}, headers=bearer(secret))
    assert response.status_code == 403 and response.mimetype == "application/problem+json"
    files = {"file": (__import__("io").BytesIO(b"person_code,kind,date\nPA3,plan,2026-02-01\n"), "e.csv")}
    response = client.post("/api/v1/imports/evidence", data=files, headers=bearer(secret))
    assert response.status_code == 403
    assert db.session.scalar(sa.text("SELECT count(*) FROM evidence WHERE kind = 'plan' AND date = '2026-02-01'")) == 0


def test_outside_the_token_area_is_403_for_areas_and_404_for_people(client, district, make_token):
    secret = make_token("read", area=district["A"])
    assert client.get("/api/v1/results?area=A&period=2026", headers=bearer(secret)).status_code == 200
    assert client.get("/api/v1/results?area=A1&period=2026", headers=bearer(secret)).status_code == 200
    assert client.get("/api/v1/results?area=B&period=2026", headers=bearer(secret)).status_code == 403
    assert client.get("/api/v1/results?area=D&period=2026", headers=bearer(secret)).status_code == 403
    assert client.get("/api/v1/indicators?under=B&from=2026&to=2026", headers=bearer(secret)).status_code == 403
    assert client.get("/api/v1/people/PA1/record?period=2026", headers=bearer(secret)).status_code == 200
    # a person of commune B answers exactly like a code that does not exist: existence does not leak
    outside = client.get("/api/v1/people/PB1/record?period=2026", headers=bearer(secret))
    unknown = client.get("/api/v1/people/NOBODY/record?period=2026", headers=bearer(secret))
    assert outside.status_code == unknown.status_code == 404
    assert outside.get_json()["detail"] == unknown.get_json()["detail"]
    codes = {a["code"] for a in client.get("/api/v1/areas", headers=bearer(secret)).get_json()["data"]["areas"]}
    assert codes == {"A", "A1", "A2"}


def test_reads_are_audited_once_per_day_and_last_use_is_recorded(client, district, make_token):
    secret = make_token("read", name="kho-tinh")
    for _ in range(3):
        assert client.get("/api/v1/results?area=A&period=2026", headers=bearer(secret)).status_code == 200
    client.get("/api/v1/people/PA1/record?period=2026", headers=bearer(secret))
    client.get("/api/v1/people/PA1/record?period=2026", headers=bearer(secret))
    entries = db.session.execute(
        sa.select(AuditEntry.actor, AuditEntry.action, AuditEntry.subject).where(AuditEntry.action.like("api.%"))
    ).all()
    assert sorted(entries) == [("api:kho-tinh", "api.person_record", "PA1"), ("api:kho-tinh", "api.results", "A/2026")]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiTokenUse)) == 2
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.name == "kho-tinh"))
    assert token.last_used_at is not None


def test_errors_are_problem_details_in_the_language_asked_for(client, tree, make_token):
    secret = make_token("read")
    vi = client.get("/api/v1/results?area=NOPE&period=2026", headers=bearer(secret))
    en = client.get("/api/v1/results?area=NOPE&period=2026", headers={**bearer(secret), "Accept-Language": "en-GB,en"})
    en_arg = client.get("/api/v1/results?area=NOPE&period=2026&lang=en", headers=bearer(secret))
    assert vi.status_code == en.status_code == 404
    assert vi.get_json()["title"] == "Không tìm thấy" and en.get_json()["title"] == "Not found"
    assert en_arg.get_json()["detail"] == en.get_json()["detail"] != vi.get_json()["detail"]
    body = en.get_json()
    assert body["type"] == "about:blank" and body["instance"] == "/api/v1/results"
    assert body["ok"] is False and body["error"]["code"] == 404  # the first version's envelope still holds
    assert "Set-Cookie" not in en.headers  # the API keeps no session, ?lang= included
    bad = client.get("/api/v1/results?area=A&period=abc&lang=en", headers=bearer(secret))
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert {"in": "query", "field": "period", "message": "Must be a whole number."} in bad.get_json()["errors"]


def test_admin_page_creates_a_token_shown_once_and_revokes_it(client, tree, make_user):
    make_user("admin", login="admin@example.vn")
    sign_in(client, "admin@example.vn")
    response = submit(
        client, "/admin/api-tokens", "/admin/api-tokens", {"name": "he-thong-tinh", "area": "A", "scope": "write"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    secret = html.split('<code class="secret">', 1)[1].split("<", 1)[0]
    assert secret.startswith("hts_")
    assert client.get("/api/v1/areas", headers=bearer(secret)).status_code == 200
    assert secret not in client.get("/admin/api-tokens").get_data(as_text=True)
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.name == "he-thong-tinh"))
    assert token.area_id == tree["A"].id and token.created_by == "admin@example.vn"
    submit(client, "/admin/api-tokens", f"/admin/api-tokens/{token.id}/revoke")
    assert client.get("/api/v1/areas", headers=bearer(secret)).status_code == 401


def test_each_token_is_rate_limited_on_its_own_with_retry_after(app, client, tree, make_token):
    app.config["API_TOKEN_LIMIT"] = "3 per minute"
    busy, quiet = make_token("read"), make_token("read")
    answers = [client.get("/api/v1/areas", headers=bearer(busy)) for _ in range(4)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.mimetype == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.get_json()["status"] == 429
    assert client.get("/api/v1/areas", headers=bearer(quiet)).status_code == 200  # another token is not slowed
