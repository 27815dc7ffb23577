"""P3: the main pages under 32 concurrent clients (gunicorn, 2 workers) against a bare /healthz.

    python -m bench.web --database bench_1m_web [--duration 15] [--clients 32] [--workers 2]

1. Setup (idempotent, through the app's own services, not SQL): the catalogue's courses (the codes
   the generator's evidence refers to) with three lessons each, published by a trainer account; one
   citizen account per client, spread over the province, enrolled in KNS-CB-01 with one lesson
   done; a commune officer for each of those citizens' communes, a district and a province officer.
2. Profile (in-process, Flask test client): every SQL statement of one request to each page is
   captured and run again under EXPLAIN ANALYZE: queries per request, their summed execution time,
   and any sequential scan of a large table (evidence, person, results…), which the bar forbids
   for dashboards.
3. Load: `gunicorn --workers 2` (sync workers, LMS_CONFIG=production) on 127.0.0.1; an asyncio
   client (stdlib only, in this process) keeps `--clients` connections busy, each logged in with its
   own session through the login form (CSRF token and all), for `--duration` seconds per page after
   a warm-up, in this order: /healthz, course page, my record, commune dashboard, district
   dashboard, province dashboard, /healthz again. The /healthz figure the ratios use is the mean of the two runs
   bracketing the pages. Every response must be 200; errors are counted and reported.
With `--cold` (QUALITY.md P3, cold bar: ≥ 0.1× `/healthz`, p99 < 200 ms) every request is made by a
viewer whose page is not cached: a different citizen for each request to the course page and the record
(disjoint sets for the two), a different commune officer for each commune dashboard request (the
communes taken in turn), a different district officer for each district dashboard request. A page's
cache key holds the viewer, so none of them can hit another's entry; the shared page cache (Redis keys
`lms:page:*` of `--redis-url`) is emptied before each page, and every viewer's session cookie is new to
the server (its verified-cookie memory does not help either). `--viewers` accounts per page (default
10,000) are made once with SQL (`bench.cold.*`; one password hash for all, the citizens enrolled in
KNS-CB-01 with one lesson done like the warm ones), and signed in without 10,000 password checks:
their session cookies are made in-process by the app's own sign-in (lms.auth.lifetime.start_session,
Flask-Login's login_user) and signed with the server's SECRET_KEY, exactly the cookie the login form
would set. A run that uses up its viewers before `--duration` ends stops there (the table says so).

4. The figures are appended to bench/RESULTS.md with the command (re-read right before appending:
   other benchmarks append too). The load generator shares the 2 cores with the server and the
   database; its own CPU share is reported.
"""

import argparse
import asyncio
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.generate import CATALOGUE
from bench.recompute import DEFAULT_BASE, RESULTS, ROOT, engine_version

PERIOD = 2026
PASSWORD = "bench-web-2026"
TRAINER = "bench.trainer@example.vn"
COURSE = "KNS-CB-01"
BIG_TABLES = (
    "evidence",
    "person",
    "person_result",
    "family",
    "award",
    "group_entry",
    "group_result",
)  # enrolment and lesson_progress are left out: the generator loads none (a seq scan of 32 rows is right)


# ---- setup -----------------------------------------------------------------------------------------
@dataclass
class Accounts:
    """The logins of the benchmark's users, one citizen and one commune officer per client."""

    citizens: list[str] = field(default_factory=list)
    officers: list[str] = field(default_factory=list)
    district_officers: list[str] = field(default_factory=list)
    province_officers: list[str] = field(default_factory=list)


# Officers sign in with a second factor (lms.auth.twofactor): the benchmark's officers share this key.
# A code is accepted once per account and time step, so each client has its own district officer, and
# the step record of the benchmark's accounts is cleared before each round of sign-ins (fresh_codes).
BENCH_TOTP_SECRET = "BENCHBENCHBENCHBENCHBENCHBENCH22"


def two_factor_code() -> str:
    """The current code of the benchmark officers' authenticator."""
    import pyotp

    return pyotp.TOTP(BENCH_TOTP_SECRET).now()


def fresh_codes(url: str) -> None:
    """Let the benchmark's accounts use the current code again (they sign in once per page)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE user_account SET totp_last_step = NULL WHERE login LIKE 'bench.%'"))
    engine.dispose()


def _with_two_factor(user: Any) -> Any:
    from lms.util import utcnow

    user.totp_secret, user.totp_enabled_at = BENCH_TOTP_SECRET, utcnow()
    return user


def make_app(url: str) -> Any:
    """Return the app bound to the benchmark database (development config: no Redis needed here)."""
    from lms import create_app

    return create_app("development", test_config={"SQLALCHEMY_DATABASE_URI": url})


def setup(url: str, clients: int, log: Any = print) -> Accounts:
    """Create (once) the courses and the accounts the load needs, through the app's services."""
    import sqlalchemy as sa

    from courses.authoring.services import CourseInput, LessonInput, add_lesson, create_course, publish
    from courses.catalogue.models import Course
    from courses.catalogue.services import enrol, enrolment_of, mark_lesson_done
    from lms.areas.models import Area
    from lms.auth.services import create_user, find_login
    from lms.extensions import db
    from lms.people.models import Person

    app = make_app(url)
    accounts = Accounts()
    with app.app_context():
        trainer = find_login(TRAINER) or create_user(TRAINER, PASSWORD, "trainer", display_name="Bench trainer")
        made = 0
        for (category, level), courses in CATALOGUE.items():
            for code, hours in courses:
                if db.session.scalar(sa.select(Course.id).where(Course.code == code)) is not None:
                    continue
                data = CourseInput(
                    code=code,
                    title=f"Khóa học {code}: học tập suốt đời",
                    title_en=f"Course {code}: lifelong learning",
                    description="Khóa học của bộ dữ liệu thử nghiệm hiệu năng.",
                    description_en="A course of the benchmark data set.",
                    category=category,
                    hours=hours,
                    digital_level=level,
                )
                course = create_course(trainer, data)
                for n in range(1, 4):
                    add_lesson(
                        course,
                        LessonInput(
                            module="Phần 1", title=f"Bài {n}", body=f"# Bài {n}\nNội dung bài {n}.", video_url=""
                        ),
                    )
                publish(course, True)
                made += 1
        db.session.commit()
        if made:
            log(f"setup: {made} courses published")
        course = db.session.scalar(sa.select(Course).where(Course.code == COURSE))
        total = db.session.scalar(sa.select(sa.func.max(Person.id))) or 0
        step = max(total // clients, 1)
        ids = db.session.scalars(
            sa.select(Person.id).where(Person.id % step == 0).order_by(Person.id).limit(clients)
        ).all()
        district = province = None
        for i, pid in enumerate(ids):
            person = db.session.get(Person, pid)
            village = person.village
            commune = db.session.get(Area, village.parent_id)
            district = district or db.session.get(Area, commune.parent_id)
            citizen = f"bench.citizen{i:02d}@example.vn"
            officer = f"bench.officer{i:02d}@example.vn"
            if find_login(citizen) is None:
                create_user(citizen, PASSWORD, "citizen", person=person)
                enrolment = enrolment_of(person, course) or enrol(person, course)
                mark_lesson_done(enrolment, course.lessons[0])
            _with_two_factor(
                find_login(officer)
                or create_user(officer, PASSWORD, "officer", area=commune, display_name=f"Cán bộ {commune.name}")
            )
            accounts.citizens.append(citizen)
            accounts.officers.append(officer)
            district_officer = f"bench.district{i:02d}@example.vn"
            _with_two_factor(
                find_login(district_officer)
                or create_user(district_officer, PASSWORD, "officer", area=district, display_name="Cán bộ huyện")
            )
            accounts.district_officers.append(district_officer)
            province_officer = f"bench.province{i:02d}@example.vn"
            province = province or db.session.get(Area, district.parent_id)
            _with_two_factor(
                find_login(province_officer)
                or create_user(province_officer, PASSWORD, "officer", area=province, display_name="Cán bộ tỉnh")
            )
            accounts.province_officers.append(province_officer)
            db.session.commit()
    return accounts


# ---- cold viewers ------------------------------------------------------------------------------------
COLD = "bench.cold."


@dataclass
class ColdViewers:
    """Session cookies of distinct viewers, by page: each used for one request only."""

    cookies: dict[str, list[str]] = field(default_factory=dict)


def setup_cold(url: str, viewers: int, log: Any = print) -> None:
    """Create (once, with SQL) the cold viewers' accounts: 2 × `viewers` citizens spread over the province
    (enrolled in KNS-CB-01 with one lesson done, as the warm citizens are), `viewers` commune officers (the
    communes in turn) and `viewers` district officers, all with the benchmark's second factor."""
    import sqlalchemy as sa
    from werkzeug.security import generate_password_hash

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        have = dict(
            conn.execute(
                sa.text("SELECT split_part(login, '.', 3), count(*) FROM user_account WHERE login LIKE :p GROUP BY 1"),
                {"p": COLD + "%"},
            ).all()
        )
        wanted = {"citizen": 2 * viewers, "officer": viewers, "district": viewers, "province": viewers}
        if all(have.get(k, 0) >= n for k, n in wanted.items()):
            engine.dispose()
            return
        secret = generate_password_hash(secrets.token_hex(16))  # never used: sessions are signed in-process
        total = conn.scalar(sa.text("SELECT count(*) FROM person")) or 1
        conn.execute(
            sa.text(
                "INSERT INTO user_account (login, display_name, password_hash, role, person_id, session_version,"
                " must_change_password, totp_failures, created_at)"
                " SELECT :p || 'citizen.' || p.id, '', :h, 'citizen', p.id, 1, false, 0, now() FROM person p"
                " WHERE p.id % :step = 0 AND NOT EXISTS (SELECT 1 FROM user_account u WHERE u.person_id = p.id)"
                " ORDER BY p.id LIMIT :n ON CONFLICT DO NOTHING"
            ),
            {"p": COLD, "h": secret, "step": max(total // (2 * viewers + 2 * 64), 1), "n": 2 * viewers},
        )
        for kind, level in (("officer", "commune"), ("district", "district"), ("province", "province")):
            conn.execute(
                sa.text(
                    "INSERT INTO user_account (login, display_name, password_hash, role, area_id, session_version,"
                    " must_change_password, totp_failures, totp_secret, totp_enabled_at, created_at)"
                    " SELECT :p || :kind || '.' || lpad(g::text, 6, '0'), 'Cán bộ', :h, 'officer', a.id, 1, false, 0,"
                    " :totp, now(), now()"
                    " FROM generate_series(1, :n) g"
                    " JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k, count(*) OVER () AS m FROM area"
                    "       WHERE level = :level AND valid_to IS NULL) a ON a.k = g % a.m"
                    " ON CONFLICT DO NOTHING"
                ),
                {"p": COLD, "kind": kind, "h": secret, "totp": BENCH_TOTP_SECRET, "n": viewers, "level": level},
            )
        course = conn.scalar(sa.text("SELECT id FROM course WHERE code = :c"), {"c": COURSE})
        lesson = conn.scalar(
            sa.text("SELECT id FROM lesson WHERE course_id = :c ORDER BY position, id LIMIT 1"), {"c": course}
        )
        conn.execute(
            sa.text(
                "INSERT INTO enrolment (person_id, course_id, enrolled_at) SELECT person_id, :c, now()"
                " FROM user_account WHERE login LIKE :p ON CONFLICT DO NOTHING"
            ),
            {"c": course, "p": COLD + "citizen.%"},
        )
        conn.execute(
            sa.text(
                "INSERT INTO lesson_progress (enrolment_id, lesson_id, done_at) SELECT e.id, :l, now()"
                " FROM enrolment e JOIN user_account u ON u.person_id = e.person_id"
                " WHERE u.login LIKE :p AND e.course_id = :c ON CONFLICT DO NOTHING"
            ),
            {"c": course, "l": lesson, "p": COLD + "citizen.%"},
        )
    engine.dispose()
    log(f"setup: cold viewers ready ({viewers:,} per page)")


def cold_cookies(url: str, secret_key: str, viewers: int) -> ColdViewers:
    """Sign the cold viewers in, in-process: the session the login form would give each (the app's own
    start_session), signed with the server's SECRET_KEY, for a client at 127.0.0.1 without a User-Agent."""
    import sqlalchemy as sa
    from flask import session

    from lms import create_app
    from lms.auth.lifetime import start_session
    from lms.auth.models import User
    from lms.extensions import db

    app = create_app("development", test_config={"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret_key})
    found = ColdViewers()
    with app.app_context():
        serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        users = list(db.session.scalars(sa.select(User).where(User.login.like(COLD + "%")).order_by(User.id)))
        by_kind: dict[str, list[str]] = {"citizen": [], "officer": [], "district": [], "province": []}
        for user in users:
            with app.test_request_context("/", environ_base={"REMOTE_ADDR": "127.0.0.1"}):
                start_session(user)
                by_kind[user.login.split(".")[2]].append(serializer.dumps(dict(session)))
    citizens = by_kind["citizen"]
    found.cookies = {
        "course": citizens[0::2][:viewers],
        "record": citizens[1::2][:viewers],
        "commune": by_kind["officer"][:viewers],
        "district": by_kind["district"][:viewers],
        "province": by_kind["province"][:viewers],
    }
    return found


def forget_cached_pages(redis_url: str) -> int:
    """Delete the shared page cache (keys lms:page:*) of the benchmark's Redis: no viewer finds a page."""
    import redis

    client = redis.Redis.from_url(redis_url)
    gone = 0
    for key in client.scan_iter("lms:page:*", count=1000):
        gone += int(client.delete(key))
    client.close()
    return gone


# ---- the pages -------------------------------------------------------------------------------------
@dataclass
class Page:
    """A page under load: who asks for it and its URL."""

    key: str
    name: str
    path: str
    who: str  # "anonymous", "citizen", "officer", "district", "province"


PAGES = [
    Page("healthz", "`/healthz` (baseline)", "/healthz", "anonymous"),
    Page("course", "course page", f"/courses/{COURSE}", "citizen"),
    Page("record", "my record (Sổ học tập)", f"/record?period={PERIOD}", "citizen"),
    Page("commune", "commune dashboard", f"/dashboard?period={PERIOD}", "officer"),
    Page("district", "district dashboard", f"/dashboard?period={PERIOD}", "district"),
    Page("province", "province dashboard", f"/dashboard?period={PERIOD}", "province"),
]


def login_of(accounts: Accounts, who: str, i: int) -> str | None:
    if who == "citizen":
        return accounts.citizens[i % len(accounts.citizens)]
    if who == "officer":
        return accounts.officers[i % len(accounts.officers)]
    if who == "district":
        return accounts.district_officers[i % len(accounts.district_officers)]
    if who == "province":
        return accounts.province_officers[i % len(accounts.province_officers)]
    return None


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


# ---- profile: the SQL of one request ----------------------------------------------------------------
@dataclass
class SqlProfile:
    """The statements of one request to a page."""

    queries: int = 0
    explained_ms: float = 0.0
    slowest_ms: float = 0.0
    slowest: str = ""
    seq_scans: list[str] = field(default_factory=list)


def profile(url: str, accounts: Accounts, log: Any = print) -> dict[str, SqlProfile]:
    """Capture each page's statements (second request, warm) and EXPLAIN ANALYZE them."""
    import sqlalchemy as sa

    from lms.extensions import db

    app = make_app(url)
    found: dict[str, SqlProfile] = {}
    with app.app_context():
        engine = db.engine
    for page in PAGES:
        client = app.test_client()
        login = login_of(accounts, page.who, 0)
        if login:
            html = client.get("/auth/login").get_data(as_text=True)
            token = CSRF.search(html)
            fresh_codes(url)
            response = client.post(
                "/auth/login",
                data={"csrf_token": token.group(1) if token else "", "login": login, "password": PASSWORD},
            )
            if response.headers.get("Location", "").endswith("/auth/two-factor"):
                token = CSRF.search(client.get("/auth/two-factor").get_data(as_text=True))
                response = client.post(
                    "/auth/two-factor", data={"csrf_token": token.group(1) if token else "", "code": two_factor_code()}
                )
            assert response.status_code == 302, f"login {login} failed"
        assert client.get(page.path).status_code == 200
        captured: list[tuple[str, Any]] = []

        def capture(conn, cursor, statement, parameters, context, executemany, captured=captured):  # type: ignore[no-untyped-def]  # noqa: E501
            captured.append((statement, parameters))

        sa.event.listen(engine, "before_cursor_execute", capture)
        try:
            assert client.get(page.path).status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", capture)
        prof = SqlProfile(queries=len(captured))
        with engine.connect() as conn:
            for statement, parameters in captured:
                if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT TEXT) " + statement, parameters).scalars().all()
                text = "\n".join(plan)
                ms = float(re.search(r"Execution Time: ([\d.]+) ms", text).group(1))  # type: ignore[union-attr]
                prof.explained_ms += ms
                if ms > prof.slowest_ms:
                    prof.slowest_ms, prof.slowest = ms, " ".join(statement.split())[:160]
                for table in BIG_TABLES:
                    if re.search(rf"Seq Scan on {table}\b", text):
                        prof.seq_scans.append(table)
            conn.rollback()
        found[page.key] = prof
        log(
            f"profile {page.key}: {prof.queries} queries, {prof.explained_ms:.2f} ms SQL, "
            f"slowest {prof.slowest_ms:.2f} ms ({prof.slowest[:80]}), seq scans: {prof.seq_scans or 'none'}"
        )
    return found


# ---- the server ------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    url: str, redis_url: str, workers: int, port: int, logfile: Path, secret_key: str
) -> subprocess.Popen[bytes]:
    """Start gunicorn (sync workers) serving the production configuration; wait for /healthz."""
    env = {
        **os.environ,
        "LMS_CONFIG": "production",
        "SECRET_KEY": secret_key,
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    }
    exe = str(Path(sys.executable).parent / "gunicorn")
    cmd = [exe, "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--backlog", "2048"]
    cmd += ["--log-level", "warning", "lms:create_app()"]
    with logfile.open("wb") as fh:
        server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _, _ = asyncio.run(request(port, "GET", "/healthz", {}))
            if status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited: see {logfile}")
        time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer /healthz within 60 s: see {logfile}")


# ---- the load generator (asyncio, stdlib only) -------------------------------------------------------
class Connection:
    """One HTTP/1.1 client connection; reconnects when the server closes (gunicorn sync workers do)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.location = ""  # the Location header of the last response ("" when none)

    async def send(self, method: str, path: str, cookies: dict[str, str], body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", "Accept-Language: vi"]
        if cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        if body:
            head += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length, close = None, False
        self.location = ""
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.lower() == "close":
                close = True
            elif name == "location":
                self.location = value
            elif name == "set-cookie":
                pair = value.split(";", 1)[0]
                k, _, v = pair.partition("=")
                cookies[k.strip()] = v.strip()
        payload = await (self.reader.readexactly(length) if length is not None else self.reader.read())
        if close or length is None:
            self.close()
        return status, payload

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def request(port: int, method: str, path: str, cookies: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
    conn = Connection(port)
    try:
        status, payload = await conn.send(method, path, cookies)
    finally:
        conn.close()
    return status, payload, cookies


async def sign_in(conn: Connection, login: str) -> dict[str, str]:
    """Log in through the form like a browser: the CSRF token, then the post; return the cookies."""
    cookies: dict[str, str] = {}
    status, html = await conn.send("GET", "/auth/login", cookies)
    token = CSRF.search(html.decode("utf-8"))
    if status != 200 or token is None:
        raise SystemExit(f"no login form (HTTP {status})")
    body = urlencode({"csrf_token": token.group(1), "login": login, "password": PASSWORD}).encode()
    status, _ = await conn.send("POST", "/auth/login", cookies, body)
    # every officer (commune, district, province) is sent on to the second factor: follow the redirect
    # itself, not a list of login prefixes (the province officers were missing from it: their sign-in
    # stopped half-way and the dashboard answered 302)
    if status == 302 and conn.location.split("?", 1)[0].endswith("/auth/two-factor"):
        status, html = await conn.send("GET", "/auth/two-factor", cookies)
        token = CSRF.search(html.decode("utf-8"))
        if status != 200 or token is None:
            raise SystemExit(f"no second-factor form for {login} (HTTP {status})")
        body = urlencode({"csrf_token": token.group(1), "code": two_factor_code()}).encode()
        status, _ = await conn.send("POST", "/auth/two-factor", cookies, body)
    if status != 302:
        raise SystemExit(f"login {login} failed (HTTP {status})")
    return cookies


@dataclass
class Run:
    """The figures of one page under load."""

    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    client_cpu: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)
    viewers: int = 0  # cold: distinct viewers used (warm-up included)
    exhausted: bool = False  # cold: the viewers ran out before the end of the run

    def record(self, t0: float, t1: float, status: int, measure_from: float, stop_at: float) -> bool:
        """Count one response if it lies wholly in the measured window; return whether it did."""
        if not (t0 >= measure_from and t1 <= stop_at):
            return False
        self.requests += 1
        self.latencies.append(t1 - t0)
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status != 200:
            self.errors += 1
        return True

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


async def load(port: int, page: Page, accounts: Accounts, clients: int, duration: float, warmup: float) -> Run:
    """Keep `clients` connections busy on the page; record what completes after the warm-up."""
    conns = [Connection(port) for _ in range(clients)]
    sessions = []
    for i, conn in enumerate(conns):
        login = login_of(accounts, page.who, i)
        cookies = await sign_in(conn, login) if login else {}
        status, _ = await conn.send("GET", page.path, cookies)  # the first view (takes the flash message)
        if status != 200:
            raise SystemExit(f"{page.path} as {login}: HTTP {status}")
        sessions.append(cookies)
    run = Run()
    start = time.perf_counter()
    measure_from, stop_at = start + warmup, start + warmup + duration

    async def client(i: int) -> None:
        conn, cookies = conns[i], sessions[i]
        while True:
            t0 = time.perf_counter()
            if t0 >= stop_at:
                return
            try:
                status, _ = await conn.send("GET", page.path, cookies)
            except (OSError, asyncio.IncompleteReadError):
                conn.close()
                status = 0
            run.record(t0, time.perf_counter(), status, measure_from, stop_at)

    cpu0 = time.process_time()
    await asyncio.gather(*(client(i) for i in range(clients)))
    run.client_cpu = time.process_time() - cpu0
    run.seconds = duration
    for conn in conns:
        conn.close()
    return run


async def load_cold(port: int, page: Page, cookies: list[str], clients: int, duration: float, warmup: float) -> Run:
    """Keep `clients` connections busy on the page, each request by the next viewer never seen before
    (one session cookie each, used once); stop early when the viewers run out."""
    conns = [Connection(port) for _ in range(clients)]
    run = Run()
    start = time.perf_counter()
    measure_from, stop_at = start + warmup, start + warmup + duration
    state = {"next": 0, "last": measure_from}

    async def client(i: int) -> None:
        conn = conns[i]
        while True:
            t0 = time.perf_counter()
            if t0 >= stop_at:
                return
            if state["next"] >= len(cookies):
                run.exhausted = True
                return
            jar = {"session": cookies[int(state["next"])]}
            state["next"] += 1
            try:
                status, _ = await conn.send("GET", page.path, jar)
            except (OSError, asyncio.IncompleteReadError):
                conn.close()
                status = 0
            t1 = time.perf_counter()
            if run.record(t0, t1, status, measure_from, stop_at):
                state["last"] = max(state["last"], t1)

    cpu0 = time.process_time()
    await asyncio.gather(*(client(i) for i in range(clients)))
    run.client_cpu = time.process_time() - cpu0
    run.seconds = (state["last"] - measure_from) if run.exhausted else duration
    run.viewers = int(state["next"])
    for conn in conns:
        conn.close()
    return run


# ---- report ----------------------------------------------------------------------------------------
def _viewers(run: Run) -> str:
    if not run.viewers:
        return "—"
    if run.exhausted:
        return f"{run.viewers:,} (all: the run stopped after {run.seconds:.1f} s)"
    return f"{run.viewers:,}"


def record(command: str, version: str, citizens: int, args: Any, runs: dict[str, Run], prof: dict[str, SqlProfile]):  # noqa: ANN201
    """Append the figures to bench/RESULTS.md (re-read right before: others append too)."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    base_runs = [r for k, r in runs.items() if k.startswith("healthz")]
    base = sum(r.throughput for r in base_runs) / len(base_runs)
    cold = bool(getattr(args, "cold", False))
    bars = ("0.1", "200") if cold else ("0.5", "100")
    sessions = (
        "every request by a viewer never seen before (a new session cookie, the page not cached for them; "
        "the shared page cache emptied before each page)"
        if cold
        else "each its own logged-in session"
    )
    out = [
        f"\n### P3{' cold' if cold else ''} — web pages under {args.clients} clients, {citizens:,} citizens — {now}\n",
        f"`{command}`\n",
        f"Platform: {version}. gunicorn {args.workers} sync workers (LMS_CONFIG=production) and PostgreSQL "
        f"on this 2-core machine, with the load generator (asyncio, one process, {args.clients} connections, "
        f"{sessions}) on the same cores; {args.duration:.0f} s per page after "
        f"{args.warmup:.0f} s of warm-up. `/healthz` runs first and last: "
        + ", ".join(f"{r.throughput:,.0f}" for r in base_runs)
        + f" req/s, mean **{base:,.0f} req/s** (the baseline of the ratios).\n",
        f"| page | URL | requests | errors | req/s | ratio to /healthz (bar ≥ {bars[0]}) | p50 ms | p99 ms (bar < "
        f"{bars[1]}) | SQL queries / request | SQL ms / request (EXPLAIN ANALYZE) | seq scan of a large table |"
        + (" distinct viewers |" if cold else ""),
        "|---|---|---|---|---|---|---|---|---|---|---|" + ("---|" if cold else ""),
    ]
    for key, run in runs.items():
        page = next(p for p in PAGES if key.startswith(p.key))
        pr = prof.get(page.key)
        ratio = run.throughput / base if base else 0.0
        sql = ("—",) * 3
        if pr:
            sql = (f"{pr.queries}", f"{pr.explained_ms:.2f}", ", ".join(sorted(set(pr.seq_scans))) or "none")
        out.append(
            f"| {page.name}{' (again)' if key == 'healthz2' else ''} | `{page.path}` | {run.requests:,} | {run.errors} "
            f"| {run.throughput:,.0f} | {'—' if page.key == 'healthz' else f'**{ratio:.2f}**'} "
            f"| {run.percentile(50):.1f} | {'**' if page.key != 'healthz' else ''}{run.percentile(99):.1f}"
            f"{'**' if page.key != 'healthz' else ''} | {sql[0]} | {sql[1]} | {sql[2]} |"
            + (f" {_viewers(run)} |" if cold else "")
        )
    cpu = sum(r.client_cpu for r in runs.values()) / sum(r.seconds + args.warmup for r in runs.values())
    out.append(
        f"\nLoad generator CPU: {100 * cpu:.0f}% of one core on average. SQL columns: every statement of one warm "
        "request, captured in-process and run again under EXPLAIN ANALYZE (server time only, no round trips).\n"
    )
    text = RESULTS.read_text(encoding="utf-8")  # re-read just before appending
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write(("" if text.endswith("\n") else "\n") + "\n".join(out))


def main(argv: list[str] | None = None) -> None:
    """Command line: python -m bench.web --database bench_1m_web."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="a generated database (bench.generate), e.g. bench_1m_web")
    parser.add_argument("--base-url", default=DEFAULT_BASE)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds measured per page")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--pages", default="course,record,commune,district,province")
    parser.add_argument("--cold", action="store_true", help="every request by a new viewer (QUALITY.md P3 cold)")
    parser.add_argument("--viewers", type=int, default=10_000, help="--cold: distinct viewers per page")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args(argv)
    if not args.database.startswith("bench_"):
        raise SystemExit("benchmark databases are named bench_*")
    command = "python -m bench.web " + shlex.join(sys.argv[1:] if argv is None else argv)
    url = f"{args.base_url}/{args.database}"
    version = engine_version()
    accounts = setup(url, args.clients)
    secret_key = secrets.token_hex(32)
    viewers = None
    if args.cold:
        setup_cold(url, args.viewers)
        viewers = cold_cookies(url, secret_key, args.viewers)
    prof = {} if args.no_profile else profile(url, accounts)
    import psycopg

    from bench.generate import conninfo

    with psycopg.connect(conninfo(url)) as conn:
        citizens = conn.execute("SELECT count(*) FROM person").fetchone()[0]  # type: ignore[index]
    port = free_port()
    logfile = Path(f"/tmp/bench-web-gunicorn-{port}.log")
    server = start_server(url, args.redis_url, args.workers, port, logfile, secret_key)
    runs: dict[str, Run] = {}
    try:
        wanted = ["healthz", *args.pages.split(","), "healthz2"]
        for key in wanted:
            page = next(p for p in PAGES if key.startswith(p.key))
            fresh_codes(url)
            if viewers is not None and page.who != "anonymous":
                forget_cached_pages(args.redis_url)
                cookies = viewers.cookies[page.key]
                run = asyncio.run(load_cold(port, page, cookies, args.clients, args.duration, args.warmup))
            else:
                run = asyncio.run(load(port, page, accounts, args.clients, args.duration, args.warmup))
            runs[key] = run
            print(
                f"{key:10} {run.requests:7,} req {run.throughput:8,.0f} req/s  p50 {run.percentile(50):6.1f} ms  "
                f"p99 {run.percentile(99):6.1f} ms  errors {run.errors}  statuses {run.statuses}  "
                f"client cpu {run.client_cpu:.1f}s" + (f"  viewers {_viewers(run)}" if run.viewers else ""),
                flush=True,
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    if not args.no_record:
        record(command, version, citizens, args, runs, prof)


if __name__ == "__main__":
    main()
