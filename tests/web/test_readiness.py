"""`/readyz`: 200 when the database, the broker and the migration head are all right; 503 (never 500)
naming what is down. `/healthz` stays the bare liveness check."""

import sqlalchemy as sa

from lms import create_app
from lms.extensions import db
from tests.redis_server import free_port
from tests.services import redis_url


def ready(app):  # type: ignore[no-untyped-def]
    response = app.test_client().get("/readyz")
    assert response.status_code in (200, 503), response.status_code
    assert response.headers["Cache-Control"] == "no-store"
    return response.status_code, response.get_json()


def test_ready_with_the_database_the_broker_and_the_migration_head(database_url, _schema):
    broker = redis_url()
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": broker})
    status, state = ready(app)
    assert status == 200, state
    assert state["ok"] and state["database"]["ok"] and state["broker"]["ok"] and state["migrations"]["ok"]
    assert state["migrations"]["current"] == state["migrations"]["head"]


def test_a_broker_that_does_not_answer_gives_503(database_url, _schema):
    closed = f"redis://127.0.0.1:{free_port()}/0"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "CELERY_BROKER_URL": closed})
    status, state = ready(app)
    assert status == 503
    assert state["broker"]["ok"] is False and state["database"]["ok"] is True and state["ok"] is False


def missing_database(database_url: str, tmp_path) -> str:  # type: ignore[no-untyped-def]
    url = sa.make_url(database_url)
    if url.get_backend_name() == "postgresql":
        return url.set(database=f"{url.database}_does_not_exist").render_as_string(hide_password=False)
    return f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'lms.sqlite3'}"


def test_a_missing_database_gives_503_and_healthz_still_answers(database_url, _schema, tmp_path):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": missing_database(database_url, tmp_path)})
    with app.app_context():
        status, state = ready(app)
        assert status == 503
        assert state["database"]["ok"] is False and state["migrations"]["ok"] is False
        assert app.test_client().get("/healthz").status_code == 200
        db.engine.dispose()


def test_a_schema_behind_the_code_gives_503(app):
    head = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
    db.session.execute(sa.text("UPDATE alembic_version SET version_num = '667da424a7d5'"))
    db.session.commit()
    try:
        status, state = ready(app)
        assert status == 503
        assert state["migrations"] == {"ok": False, "current": ["667da424a7d5"], "head": [head]}
    finally:
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": head})
        db.session.commit()
