"""What one cold render of each P3 page costs, in-process: CPU per request and SQL statements per request.

    python -m bench.coldprofile --database bench_webcold_200k [--redis-url redis://127.0.0.1:6379/13]
                                [--requests 200] [--pages course,record,commune,district,province] [--cprofile PAGE]

The production configuration (as bench.web's gunicorn runs it) in this process, through the Flask test
client; each request by a cold viewer never seen before (bench.web's `bench.cold.*` accounts, made by
`python -m bench.web --cold` once), the shared page cache emptied first. Reports the mean process CPU
per request (server side only: test client included, no HTTP server) and the statements each request
sends (SQLAlchemy cursor events), the distinct statements of the first request with their counts. On a
shared machine read "least of runs of 25": the mean CPU per request of the least disturbed 25 in a row.
`--cprofile PAGE` prints the top functions (cumulative) of that page's requests.
"""

import argparse
import cProfile
import os
import pstats
import secrets
import time
from collections import Counter
from typing import Any

from bench.recompute import DEFAULT_BASE
from bench.web import COLD, PAGES, forget_cached_pages


def cookies_for(app: Any, kinds: dict[str, int]) -> dict[str, list[str]]:
    """Sign `n` cold viewers of each kind in (the app's own start_session), as bench.web does."""
    import sqlalchemy as sa
    from flask import session

    from lms.auth.lifetime import start_session
    from lms.auth.models import User
    from lms.extensions import db

    out: dict[str, list[str]] = {}
    with app.app_context():
        serializer = app.session_interface.get_signing_serializer(app)
        for kind, n in kinds.items():
            users = db.session.scalars(
                sa.select(User).where(User.login.like(f"{COLD}{kind}.%")).order_by(User.id).limit(n)
            ).all()
            out[kind] = []
            for user in users:
                with app.test_request_context("/", environ_base={"REMOTE_ADDR": "127.0.0.1"}):
                    start_session(user)
                    out[kind].append(serializer.dumps(dict(session)))
        db.session.remove()
    return out


def main(argv: list[str] | None = None) -> None:
    """Command line; see the module docstring."""
    parser = argparse.ArgumentParser(description="CPU and statements of one cold render per page")
    parser.add_argument("--database", required=True)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--pages", default="healthz,course,record,commune,district,province")
    parser.add_argument("--cprofile", default="")
    parser.add_argument("--dump", default="", help="--cprofile: also save the profile to this file (pstats)")
    args = parser.parse_args(argv)
    url = f"{DEFAULT_BASE}/{args.database}"
    os.environ.update(
        LMS_CONFIG="production",
        SECRET_KEY=secrets.token_hex(32),
        DATABASE_URL=url,
        REDIS_URL=args.redis_url,
        PUBLIC_BASE_URL="http://127.0.0.1:8000",
    )
    import sqlalchemy as sa

    from lms import create_app
    from lms.extensions import db

    app = create_app()
    n = args.requests + 1
    signed = cookies_for(app, {"citizen": 2 * n, "officer": n, "district": n, "province": n})
    cookies = {
        "course": signed["citizen"][0::2],
        "record": signed["citizen"][1::2],
        "commune": signed["officer"],
        "district": signed["district"],
        "province": signed["province"],
    }
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", capture)
    client = app.test_client()
    client.get("/healthz")
    for page in PAGES:
        if page.key not in args.pages.split(","):
            continue
        forget_cached_pages(args.redis_url)
        jar = cookies.get(page.key) or [""] * n
        # first request (imports, template compilation): not counted, its statements shown
        client.set_cookie("session", jar[0], domain="localhost")
        statements.clear()
        response = client.get(page.path)
        assert response.status_code == 200, (page.key, response.status_code)
        first = Counter(" ".join(s.split())[:150] for s in statements)
        statements.clear()
        # timed by process CPU, not the clock: waits for the database or Redis are not CPU of this process
        prof = cProfile.Profile(time.process_time) if args.cprofile == page.key else None
        cpu0, wall0 = time.process_time(), time.perf_counter()
        if prof:
            prof.enable()
        batches: list[float] = []  # CPU per request of each run of 25: the least is the least disturbed
        for i, cookie in enumerate(jar[1:n]):
            if i % 25 == 0:
                batch0 = time.process_time()
            client.set_cookie("session", cookie, domain="localhost")
            response = client.get(page.path)
            assert response.status_code == 200, (page.key, response.status_code)
            if i % 25 == 24:
                batches.append((time.process_time() - batch0) / 25)
        if prof:
            prof.disable()
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        count = len(jar[1:n])
        print(
            f"{page.key:9} {count} cold requests: CPU {1000 * cpu / count:6.2f} ms/request "
            f"(least of runs of 25: {1000 * min(batches, default=float('nan')):6.2f}), "
            f"wall {1000 * wall / count:6.2f} ms, {len(statements) / count:5.1f} statements/request, "
            f"{len(response.data):,} bytes"
        )
        for text, k in first.items():
            print(f"    {k} × {text}")
        if prof:
            if args.dump:
                prof.dump_stats(args.dump)
            pstats.Stats(prof).sort_stats("cumulative").print_stats(70)
            pstats.Stats(prof).sort_stats("tottime").print_stats(40)
    sa.event.remove(engine, "before_cursor_execute", capture)


if __name__ == "__main__":
    main()
