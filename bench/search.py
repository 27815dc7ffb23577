"""P3 notes: the registry's name search province-wide, with and without the pg_trgm index.

    python -m bench.search --database bench_1m_web [--no-record]

The query is the registry's own (lms.registry.queries.people_in for the province, first page in the
keyset order the people list uses), compiled for PostgreSQL. Each search runs under EXPLAIN ANALYZE
three times (median) with the trigram index, then again inside a transaction that drops it and is
rolled back (so "without" is the same database, same data, same statistics). The search texts: two
very common ones, the last two words of one person's name, that person's full name, and a text
nobody has.
"""

import argparse
import re
import shlex
import statistics
import sys
from datetime import UTC, datetime
from typing import Any

from bench.recompute import DEFAULT_BASE, RESULTS
from bench.web import make_app

INDEX = "ix_person_name_folded_trgm"
RUNS = 3


def compiled_queries(url: str, texts: list[str]) -> list[tuple[str, str, dict[str, Any]]]:
    """Return (text, sql, params) of the registry's first page of each search, as a province officer sees it."""
    import sqlalchemy as sa

    from lms.areas.models import Area
    from lms.extensions import db
    from lms.people.models import Person
    from lms.registry.queries import PeopleFilter, people_in

    app = make_app(url)
    out = []
    with app.app_context():
        province = db.session.scalar(sa.select(Area).where(Area.parent_id.is_(None)).order_by(Area.id))
        for text in texts:
            query = people_in(province, PeopleFilter(q=text)).order_by(Person.name_folded, Person.id).limit(21)
            compiled = query.compile(db.engine)
            out.append((text, str(compiled), dict(compiled.params)))
    return out


def explain(conn: Any, sql: str, params: dict[str, Any]) -> tuple[float, int, bool]:
    """Return the median execution time (ms), the rows returned and whether the trigram index was used."""
    times, rows, used = [], 0, False
    for _ in range(RUNS):
        plan = "\n".join(r[0] for r in conn.execute("EXPLAIN (ANALYZE) " + sql, params).fetchall())
        times.append(float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1)))  # type: ignore[union-attr]
        rows = int(re.search(r"Limit .*?\(actual time=[\d.]+\.\.[\d.]+ rows=(\d+)", plan).group(1))  # type: ignore[union-attr]
        used = INDEX in plan
    return statistics.median(times), rows, used


def main(argv: list[str] | None = None) -> None:
    """Command line: python -m bench.search --database bench_1m_web."""
    import psycopg

    from bench.generate import conninfo

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--base-url", default=DEFAULT_BASE)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args(argv)
    if not args.database.startswith("bench_"):
        raise SystemExit("benchmark databases are named bench_*")
    command = "python -m bench.search " + shlex.join(sys.argv[1:] if argv is None else argv)
    url = f"{args.base_url}/{args.database}"
    with psycopg.connect(conninfo(url)) as conn:
        if conn.execute("SELECT to_regclass(%s)", (INDEX,)).fetchone()[0] is None:  # type: ignore[index]
            raise SystemExit(f"{INDEX} is missing: run `flask --app lms db upgrade` on {args.database} first")
        people = conn.execute("SELECT count(*) FROM person").fetchone()[0]  # type: ignore[index]
        one = conn.execute("SELECT name_folded FROM person ORDER BY id OFFSET %s LIMIT 1", (people // 2,)).fetchone()[0]  # type: ignore[index]
    texts = ["van", "nguyen van", " ".join(one.split()[-2:]), one, "xyzq"]
    queries = compiled_queries(url, texts)
    results = []
    with psycopg.connect(conninfo(url)) as conn:
        for text, sql, params in queries:
            results.append([text, explain(conn, sql, params)])
        conn.execute(f"DROP INDEX {INDEX}")  # rolled back below: the database keeps its index
        for row, (_, sql, params) in zip(results, queries, strict=True):
            row.append(explain(conn, sql, params))
        conn.rollback()
    lines = [
        f"\n### P3 notes — name search in the registry, province-wide, {people:,} people — "
        f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}\n",
        f"`{command}`\n",
        "The registry's own query (people of the province whose folded name contains the text, first page "
        "of 21 in name order), EXPLAIN ANALYZE, median of 3; without the index = the same database inside a "
        "transaction that drops it (rolled back).\n",
        "| search text | rows on the page | without trigram index ms | with it ms | speed-up | index used |",
        "|---|---|---|---|---|---|",
    ]
    for text, (with_ms, rows, used), (without_ms, _, _) in results:
        lines.append(
            f"| `{text}` | {rows} | {without_ms:,.1f} | {with_ms:,.1f} | ×{without_ms / max(with_ms, 0.001):,.1f} "
            f"| {'yes' if used else 'no'} |"
        )
        print(f"{text!r:30} rows {rows:3}  without {without_ms:9.1f} ms  with {with_ms:9.1f} ms  index used: {used}")
    if not args.no_record:
        text = RESULTS.read_text(encoding="utf-8")  # re-read just before appending
        with RESULTS.open("a", encoding="utf-8") as fh:
            fh.write(("" if text.endswith("\n") else "\n") + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
