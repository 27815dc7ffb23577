"""Property-based fuzzing of the session, plan and declaration forms: any input → a clear 4xx or success, never 500."""

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.conftest import sign_in

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=300)
FIELD = st.one_of(
    TEXT, st.sampled_from(["", "0", "-1", "1e9", "NaN", "Infinity", "2026-13-45T25:61", "area:A", "unit:X"])
)
FUZZ = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.fixture
def no_csrf(app):  # type: ignore[no-untyped-def]
    return app


def signed_in(app, login: str):  # type: ignore[no-untyped-def]
    """Log in through the form, then turn CSRF off to reach the validation (tests/web/test_access.py checks CSRF)."""
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    sign_in(client, login)
    app.config["WTF_CSRF_ENABLED"] = False
    return client


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {k: FIELD for k in ("title", "code", "audience", "place", "starts_at", "ends_at", "hours", "description")}
    )
)
def test_session_form_never_fails_with_a_server_error(no_csrf, trainer, training, data):
    client = signed_in(no_csrf, "trainer@example.vn")
    assert client.post("/sessions/new", data=data).status_code < 500
    assert client.post(f"/sessions/{training.id}/edit", data=data).status_code < 500


@FUZZ
@given(name=TEXT, body=st.binary(max_size=2048), shown=st.lists(TEXT, max_size=5), present=st.lists(TEXT, max_size=5))
def test_upload_and_checklist_never_fail_with_a_server_error(no_csrf, trainer, training, name, body, shown, present):
    client = signed_in(no_csrf, "trainer@example.vn")
    response = client.post(
        f"/sessions/{training.id}/materials",
        data={"file": (io.BytesIO(body), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code < 500
    response = client.post(f"/sessions/{training.id}/attendance", data={"shown": shown, "present": present})
    assert response.status_code < 500


@FUZZ
@given(goals=TEXT, courses=st.lists(FIELD, max_size=4), item=FIELD, text=TEXT, points=FIELD, reason=TEXT)
def test_plan_declaration_and_decision_forms_never_fail(
    no_csrf, citizen, officer_a, default_framework, goals, courses, item, text, points, reason
):
    client = signed_in(no_csrf, "0912345678")
    assert client.post("/plan", data={"goals": goals, "courses": courses}).status_code < 500
    response = client.post("/declarations", data={"item": item, "text": text}, content_type="multipart/form-data")
    assert response.status_code < 500
    from lms.declarations.services import declare
    from lms.extensions import db
    from lms.util import today_local

    pending = [declare(citizen.person, 2026, "T3.1", "Hòa giải", None, today_local()).id for _ in range(2)]
    db.session.commit()
    officer = signed_in(no_csrf, "canbo.a@example.vn")
    assert officer.post(f"/officer/declarations/{pending[0]}/verify", data={"points": points}).status_code < 500
    assert officer.post(f"/officer/declarations/{pending[1]}/reject", data={"reason": reason}).status_code < 500
