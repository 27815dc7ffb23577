"""Odd query strings, path segments and NUL bytes: a clear 4xx or a normal page, never a 500."""

import pytest

from tests.web.conftest import sign_in

ODD = [
    "?period=abc",
    "?period=99999",
    "?page=-5",
    "?page=abc",
    "?area=%00",
    "?area=" + "x" * 500,
    "?q=" + "%25" * 300,
    "?q=%00",
    "?category=%00",
    "?category=zzz",
    "?lang=xx",
    "?per_page=100000",
]
URLS = [
    "/",
    "/courses",
    "/courses/KNS-01",
    "/courses/%00",
    "/courses/KNS-01/lessons/99999",
    "/verify/%00",
    "/record",
    "/officer/eligible",
    "/officer/audit",
    "/officer/people/999",
    "/dashboard",
    "/stats",
    "/api/v1/courses",
    "/api/v1/indicators",
    "/lang/%00",
    "/sessions",
    "/sessions/99999",
    "/sessions/checkin/%00",
    "/plan",
    "/declarations",
    "/officer/declarations",
    "/officer/declarations/99999",
    "/my/courses",
    "/my/certificates/%00.pdf",
    "/courses/KNS-01/cover",
    "/courses/KNS-01/quiz",
    "/courses/KNS-01/quiz/attempts/99999",
    "/trainer/courses",
    "/trainer/courses/KNS-01/learners",
]


@pytest.mark.parametrize("role", ["anonymous", "admin", "citizen"])
def test_odd_query_strings_never_cause_a_server_error(app, client, citizen, make_user, course, default_framework, role):
    if role == "admin":
        make_user("admin", login="admin@example.vn")
        sign_in(client, "admin@example.vn")
    elif role == "citizen":
        sign_in(client, "0912345678")
    failures = [(url + odd, code) for url in URLS for odd in ODD if (code := client.get(url + odd).status_code) >= 500]
    assert failures == []


def test_nul_bytes_in_forms_are_refused_with_a_clear_message_not_a_crash(client, tree):
    from tests.web.conftest import submit

    response = submit(client, "/auth/login", "/auth/login", {"login": "abc\x00@example.vn", "password": "x\x00y"})
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ." in response.get_data(as_text=True)
    assert client.get("/courses?q=k\x00y").status_code == 400
