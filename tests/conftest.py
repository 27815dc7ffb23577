"""Fixtures: app (fresh database per test: PostgreSQL when reachable, else SQLite), client, runner,
login, and factories for areas, people, users, courses and the default framework."""

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from lms import create_app
from lms.extensions import db
from tests.services import postgres_url

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEFAULT_FRAMEWORK = ROOT / "lms" / "criteria" / "data" / "criteria-default.yaml"
PASSWORD = "mat-khau-2026"
_counter = itertools.count(1)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The suite's database: PostgreSQL when reachable (always in CI), else an SQLite file."""
    url = postgres_url()
    if url is not None:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def _schema(database_url: str) -> Iterator[None]:
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":  # also drops what older schemas left behind
            db.session.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        else:
            db.drop_all()
        db.create_all()
        stamp_head()
        db.session.remove()
        db.engine.dispose()
    yield


def stamp_head() -> None:
    """Record the migration head in the schema create_all made (it is the head's: test_migrations)."""
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from lms.setup import MIGRATIONS_DIR

    with db.engine.begin() as conn:
        MigrationContext.configure(conn).stamp(ScriptDirectory(MIGRATIONS_DIR), "heads")


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for name in tables:
            db.session.execute(sa.text(f"DELETE FROM {name}"))
    db.session.commit()


PER_REQUEST_G = ("_login_user", "csrf_token", "csrf_valid", "_flask_babel")


def forget_request_state(app: Flask) -> None:
    """Clear per-request entries of `g` after each request.

    Tests keep one app context pushed (to use the database between requests), and a request reuses
    a pushed app context: without this, the logged-in user, the CSRF token and the locale would leak
    from one request (or client) to the next, which never happens in production.
    """
    from flask import g

    @app.teardown_request
    def forget(_exc: BaseException | None) -> None:
        for key in PER_REQUEST_G:
            g.pop(key, None)


@pytest.fixture
def app(database_url: str, _schema: None, tmp_path: Path) -> Iterator[Flask]:
    """A fresh app on an emptied database, with its own instance folder."""
    os.environ["LMS_INSTANCE_DIR"] = str(tmp_path / "instance")
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "UPLOAD_DIR": str(tmp_path / "uploads")})
    forget_request_state(app)
    with app.app_context():
        _empty_tables()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def client_at(app: Flask, address: str) -> FlaskClient:
    """A test client whose requests come from `address` (the rate limits count per client address)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


def csrf_token(client: FlaskClient, path: str) -> str:
    """Fetch a page and return the CSRF token of its first form."""
    import re

    html = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def totp_code(user_login: str) -> str:
    """A current code of the account's authenticator app (its TOTP secret), one the server has not taken yet.

    The server accepts each time step once and one step either side of now; a test that signs the
    same account in a third time within one step (30 s) would have to wait for the next code, so the
    step record is cleared instead — the code given is still a real one of the secret."""
    import time

    import pyotp

    from lms.auth.services import find_login

    user = find_login(user_login)
    assert user is not None and user.totp_secret, f"{user_login} has no authenticator secret"
    db.session.refresh(user)
    now = int(time.time()) // 30
    free = [step for step in (now, now + 1) if user.totp_last_step is None or step > user.totp_last_step]
    if not free:
        user.totp_last_step = None
        db.session.commit()
        free = [now]
    return pyotp.TOTP(user.totp_secret).generate_otp(free[0])


def wrong_code(secret: str) -> str:
    """A six-digit code that is none of the secret's codes around now."""
    import time

    import pyotp

    step = int(time.time()) // 30
    taken = {pyotp.TOTP(secret).generate_otp(s) for s in range(step - 2, step + 3)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c not in taken)


def complete_sign_in(client: FlaskClient, response, user_login: str):  # type: ignore[no-untyped-def]
    """Finish a sign-in the login form started: the second factor (a real TOTP code) or its set-up.

    Returns the response of the last step (a redirect once signed in; the recovery codes page after
    a set-up). A response that asks for neither is returned as it is."""
    import re

    location = response.headers.get("Location", "") if response.status_code in (302, 303) else ""
    if location.endswith("/auth/two-factor"):
        token = csrf_token(client, "/auth/two-factor")
        return client.post("/auth/two-factor", data={"code": totp_code(user_login), "csrf_token": token})
    if location.endswith("/auth/two-factor/setup"):
        import pyotp

        page = client.get("/auth/two-factor/setup").get_data(as_text=True)
        secret = re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")  # the key shown for typing
        token = csrf_token(client, "/auth/two-factor/setup")
        return client.post("/auth/two-factor/setup", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    return response


@pytest.fixture
def login(client: FlaskClient):  # type: ignore[no-untyped-def]
    """Log the client in through the real login form (and second factor): login(user_login, password=PASSWORD)."""

    def do(user_login: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
        token = csrf_token(client, "/auth/login")
        response = client.post("/auth/login", data={"login": user_login, "password": password, "csrf_token": token})
        return complete_sign_in(client, response, user_login)

    return do


# ---- factories ----------------------------------------------------------------------------------
@pytest.fixture
def make_area(app: Flask):  # type: ignore[no-untyped-def]
    """make_area(code, level, parent=None, disadvantaged=False) -> Area (path set)."""
    from lms.areas.models import Area
    from lms.areas.services import set_path

    def make(code: str, level: str, parent=None, disadvantaged: bool = False, name: str | None = None):  # type: ignore[no-untyped-def]
        area = Area(code=code, name=name or code, level=level, parent=parent, disadvantaged=disadvantaged)
        db.session.add(area)
        db.session.flush()
        set_path(area)
        db.session.flush()
        return area

    return make


@pytest.fixture
def tree(make_area):  # type: ignore[no-untyped-def]
    """A province P > district D > communes A, B > villages A1, A2, B1."""
    p = make_area("P", "province")
    d = make_area("D", "district", p)
    a = make_area("A", "commune", d, name="Xã Hòa Ân")
    b = make_area("B", "commune", d, name="Xã Bình Lâm")
    a1 = make_area("A1", "village", a, name="Thôn 1")
    a2 = make_area("A2", "village", a, name="Thôn 2")
    b1 = make_area("B1", "village", b, name="Thôn Bắc")
    db.session.commit()
    return {"P": p, "D": d, "A": a, "B": b, "A1": a1, "A2": a2, "B1": b1}


@pytest.fixture
def make_person(app: Flask):  # type: ignore[no-untyped-def]
    """make_person(village, **fields) -> Person."""
    from lms.people.models import Person
    from lms.util import fold

    def make(village, full_name: str = "Nguyễn Văn An", birth_year: int = 1990, **fields):  # type: ignore[no-untyped-def]
        n = next(_counter)
        person = Person(
            code=fields.pop("code", f"P{n:06d}"),
            full_name=full_name,
            name_folded=fold(full_name),
            birth_year=birth_year,
            gender=fields.pop("gender", "nam"),
            village_id=village.id,
            **fields,
        )
        db.session.add(person)
        db.session.flush()
        return person

    return make


@pytest.fixture
def make_user(app: Flask):  # type: ignore[no-untyped-def]
    """make_user(role, area=None, person=None, login=None, two_factor=None) -> User with password PASSWORD.

    Officers and admins (the roles that must use two-factor sign-in) get an authenticator secret, as
    if they had set it up; `two_factor` says otherwise for any role."""
    import pyotp

    from lms.auth.services import create_user
    from lms.util import utcnow

    def make(role: str, area=None, person=None, login: str | None = None, two_factor: bool | None = None):  # type: ignore[no-untyped-def]
        user = create_user(login or f"{role}{next(_counter)}@example.vn", PASSWORD, role, area=area, person=person)
        if two_factor if two_factor is not None else role in app.config["TWO_FACTOR_ROLES"]:
            user.totp_secret, user.totp_enabled_at = pyotp.random_base32(), utcnow()
        if role == "citizen":  # an account in use: its holder agreed to the notice when activating it
            from lms.privacy.services import record_consent

            record_consent(user, "activation")
        db.session.commit()
        return user

    return make


@pytest.fixture
def default_framework(app: Flask):  # type: ignore[no-untyped-def]
    """Publish the shipped default framework (2026) and return its compiled form."""
    from lms.criteria.schema import load_document
    from lms.criteria.services import compiled_framework, publish_framework

    publish_framework(load_document(DEFAULT_FRAMEWORK), "test")
    db.session.commit()
    return compiled_framework(2026)
