"""Production hardening (#9 finding 7): HSTS and Permissions-Policy, ProxyFix with a configured number
of trusted proxies, and no absolute link or redirect built from the Host header a client sends."""

import re
from pathlib import Path

import pytest
from flask import request

from lms import create_app

ROOT = Path(__file__).resolve().parent.parent.parent
PUBLIC = "https://hoctap.example.vn"


@pytest.fixture
def production_app(database_url, _schema, monkeypatch, tmp_path):
    for name, value in {
        "SECRET_KEY": "s" * 48,
        "DATABASE_URL": database_url,
        "REDIS_URL": "redis://127.0.0.1:1/0",  # never reached by these requests
        "PUBLIC_BASE_URL": PUBLIC,
        "LOG_FORMAT": "text",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LMS_INSTANCE_DIR", str(tmp_path / "instance"))
    return create_app("production")


def test_production_sends_hsts_and_a_permissions_policy(production_app):
    response = production_app.test_client().get("/healthz")
    assert re.fullmatch(r"max-age=\d{8,}", response.headers["Strict-Transport-Security"])
    policy = response.headers["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_development_sends_no_hsts(app):
    response = app.test_client().get("/healthz")
    assert "Strict-Transport-Security" not in response.headers
    assert "Permissions-Policy" in response.headers


def probe_app(database_url: str, proxies: int):  # type: ignore[no-untyped-def]
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "TRUSTED_PROXIES": proxies})
    app.add_url_rule("/probe", "probe", lambda: f"{request.remote_addr} {request.scheme} {request.host}")
    return app


FORWARDED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "hoctap.example.vn"}


def test_one_trusted_proxy_gives_the_client_address_scheme_and_host(database_url, _schema):
    client = probe_app(database_url, 1).test_client()
    assert client.get("/probe", headers=FORWARDED).text == "203.0.113.9 https hoctap.example.vn"


def test_without_trusted_proxies_forwarded_headers_are_ignored(database_url, _schema):
    client = probe_app(database_url, 0).test_client()
    assert client.get("/probe", headers=FORWARDED).text == "127.0.0.1 http localhost"


def test_only_the_configured_number_of_proxies_is_trusted(database_url, _schema):
    client = probe_app(database_url, 1).test_client()
    spoofed = {**FORWARDED, "X-Forwarded-For": "6.6.6.6, 203.0.113.9"}  # the client wrote the first one
    assert client.get("/probe", headers=spoofed).text.startswith("203.0.113.9 ")


def test_the_language_switch_returns_only_to_a_page_of_the_public_site(app):
    app.config["PUBLIC_BASE_URL"] = PUBLIC
    client = app.test_client()
    evil = {"Host": "evil.example", "Referer": "http://evil.example/phishing"}
    away = client.get("/lang/en", headers=evil)
    assert away.request.host == "evil.example"
    assert away.status_code == 302 and away.headers["Location"] == "/"
    back = client.get("/lang/en", headers={"Host": "evil.example", "Referer": f"{PUBLIC}/courses?q=so"})
    assert back.headers["Location"] == "/courses?q=so"


def test_no_code_builds_an_absolute_link_from_the_request_host():
    """Absolute links go through lms.web.external_url (PUBLIC_BASE_URL); nothing else may use the Host."""
    pattern = re.compile(r"_external\s*=\s*True|host_url|url_root|request\.host\b")
    offenders = []
    for folder in ("lms", "courses", "worker"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in (".py", ".html") or path == ROOT / "lms" / "web.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
