"""The page cache's fast path (lms.pagecache.fast_page): one statement per hit, and no cached page for a
session the normal path would refuse — ended sessions, deleted or inactive accounts, changed roles."""

import re

import pytest
import sqlalchemy as sa

from lms.extensions import db
from tests.web.conftest import make_eligible, score, sign_in


@pytest.fixture(autouse=True)
def postgres(app):  # type: ignore[no-untyped-def]
    """The fast path reads on an autocommit PostgreSQL connection (SQLite reads go through the session);
    CI always runs these on PostgreSQL (tests.services exits when it is not reachable there)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the fast path's autocommit reader is PostgreSQL only")
    return app


PAGES = {
    "record": "/record?period=2026",
    "dashboard": "/dashboard?period=2026",
    "course": "/courses/KNS-01",
}


@pytest.fixture
def statements(app):  # type: ignore[no-untyped-def]
    """Statements run through SQLAlchemy (the fast path's own read goes to the driver: not counted here)."""
    seen: list[str] = []

    def capture(conn, cursor, statement, *_args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", capture)
    yield seen
    sa.event.remove(sa.engine.Engine, "before_cursor_execute", capture)


@pytest.fixture
def driver_reads(monkeypatch):  # type: ignore[no-untyped-def]
    """The statements the fast path sends on its autocommit reader."""
    from lms import pagecache

    seen: list[dict] = []
    real = pagecache._compiled

    def spy(stmt, dialect):  # type: ignore[no-untyped-def]
        found = real(stmt, dialect)
        seen.append({"sql": found[0]})
        return found

    monkeypatch.setattr(pagecache, "_compiled", spy)
    return seen


def signed_in_on(client, who: str, tree, make_user, citizen) -> str:  # type: ignore[no-untyped-def]
    if who == "dashboard":
        make_user("officer", area=tree["A"], login="canbo.a@example.vn")
        sign_in(client, "canbo.a@example.vn")
    else:
        sign_in(client, citizen.login)
    return PAGES[who]


def warm(client, path: str) -> str:  # type: ignore[no-untyped-def]
    """Fill the cache through the normal path (the first view after login takes the welcome message)."""
    client.get(path)
    html = client.get(path).get_data(as_text=True)
    db.session.commit()  # what the test did in the session is committed, as every request's work is
    return html


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_hit_is_one_read_without_a_transaction(
    page, client, tree, make_user, citizen, course, default_framework, renders, statements, driver_reads
):
    path = signed_in_on(client, page, tree, make_user, citizen)
    first = warm(client, path)
    renders.clear()
    statements.clear()
    driver_reads.clear()
    response = client.get(path)
    assert response.status_code == 200
    assert renders == []  # served from the cache the normal path filled: the same key
    assert len(driver_reads) == 1 and "user_account" in driver_reads[0]["sql"]  # the user and the version
    assert statements == []  # no ORM user load, no BEGIN / ROLLBACK through the session
    assert not db.session().in_transaction()
    strip = re.compile(r'value="[^"]+"')
    assert strip.sub("", response.get_data(as_text=True)) == strip.sub("", first)


def test_an_anonymous_visitor_gets_the_course_page_from_one_read(client, course, renders, driver_reads):
    warm(client, "/courses/KNS-01")
    renders.clear()
    driver_reads.clear()
    assert client.get("/courses/KNS-01").status_code == 200
    assert renders == [] and len(driver_reads) == 1


@pytest.mark.parametrize("page", ["record", "dashboard"])
def test_ended_sessions_get_no_cached_page(page, client, tree, make_user, citizen, course, default_framework):
    """Logout everywhere and a password change bump the session version: the old cookie is anonymous."""
    from lms.auth.models import User
    from lms.auth.services import end_sessions

    path = signed_in_on(client, page, tree, make_user, citizen)
    assert warm(client, path)
    login = citizen.login if page == "record" else "canbo.a@example.vn"
    end_sessions(db.session.scalar(sa.select(User).where(User.login == login)))
    db.session.commit()
    response = client.get(path)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_an_ended_session_gets_the_course_page_as_a_visitor(client, tree, make_user, citizen, course):
    from lms.auth.services import end_sessions

    sign_in(client, citizen.login)
    assert "Trần Thị Bích Ngọc" in warm(client, "/courses/KNS-01")
    end_sessions(citizen)
    db.session.commit()
    page = client.get("/courses/KNS-01").get_data(as_text=True)
    assert "Trần Thị Bích Ngọc" not in page and "/auth/login" in page


def test_a_deleted_account_gets_no_cached_page(client, citizen, default_framework):
    from lms.auth.models import User

    sign_in(client, citizen.login)
    assert warm(client, "/record?period=2026")
    db.session.execute(sa.delete(User).where(User.id == citizen.id))
    db.session.commit()
    response = client.get("/record?period=2026")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_an_inactive_account_gets_no_cached_page(client, citizen, default_framework, monkeypatch):
    """Accounts have no deactivation yet (every account is active); if User ever answers is_active
    False, Flask-Login treats the session as anonymous, and the fast path steps aside for it."""
    from lms.auth.models import User

    sign_in(client, citizen.login)
    assert warm(client, "/record?period=2026")
    monkeypatch.setattr(User, "is_active", property(lambda self: False))
    response = client.get("/record?period=2026")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_role_change_gets_no_cached_page(client, tree, make_user, citizen, default_framework):
    from lms.auth.models import User

    make_eligible(citizen.person)
    score()
    sign_in(client, citizen.login)
    assert warm(client, "/record?period=2026")
    db.session.execute(sa.update(User).where(User.id == citizen.id).values(role="trainer"))
    db.session.commit()
    assert client.get("/record?period=2026").status_code == 403


def test_an_officer_moved_or_demoted_gets_no_cached_dashboard(client, tree, make_user, default_framework, renders):
    from lms.auth.models import User

    officer = make_user("officer", area=tree["A"], login="canbo.a@example.vn")
    sign_in(client, officer.login)
    page_a = warm(client, "/dashboard?period=2026")
    assert "Xã Hòa Ân" in page_a
    db.session.execute(sa.update(User).where(User.id == officer.id).values(area_id=tree["B"].id))
    db.session.commit()
    renders.clear()
    page_b = client.get("/dashboard?period=2026").get_data(as_text=True)
    assert "indicators/dashboard.html" in renders and "Xã Bình Lâm" in page_b
    db.session.execute(sa.update(User).where(User.id == officer.id).values(role="citizen"))
    db.session.commit()
    assert client.get("/dashboard?period=2026").status_code == 403


def test_an_unreachable_database_reader_costs_the_normal_path(client, citizen, default_framework, monkeypatch):
    from lms import pagecache

    sign_in(client, citizen.login)
    html = warm(client, "/record?period=2026")
    broken = sa.create_engine("postgresql+psycopg://postgres@127.0.0.1:1/none", connect_args={"connect_timeout": 1})
    monkeypatch.setattr(pagecache, "_reader", lambda: broken)
    response = client.get("/record?period=2026")
    assert response.status_code == 200 and "Trần Thị Bích Ngọc" in response.get_data(as_text=True)
    assert "Trần Thị Bích Ngọc" in html


def test_a_connection_the_server_dropped_costs_one_normal_path(client, citizen, default_framework, renders, caplog):
    """The reader has no pre-ping: a dropped connection fails the read, is discarded, and the normal path
    (whose pool pings) serves that request; the next hit reads on a fresh connection."""
    from lms import pagecache

    sign_in(client, citizen.login)
    warm(client, "/record?period=2026")
    assert client.get("/record?period=2026").status_code == 200  # the reader's connection is now pooled
    raw = pagecache._reader().raw_connection()
    backend = raw.cursor().execute("SELECT pg_backend_pid()").fetchone()[0]
    raw.close()
    db.session.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    db.session.commit()
    response = client.get("/record?period=2026")
    assert response.status_code == 200 and "Trần Thị Bích Ngọc" in response.get_data(as_text=True)
    assert "page cache fast path: database read failed" in caplog.text
    db.session.commit()
    renders.clear()
    assert client.get("/record?period=2026").status_code == 200
    assert renders == []
