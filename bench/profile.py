"""Where the engine's full recompute spends its time: every SQL statement timed, the worst explained.

    python -m bench.profile --citizens 200000 [--seed 1] [--limit 6] [--explain-step 3] [--out FILE]

Runs `lms.recompute.services.full_recompute_chunks` in this process, step by step and committing
after each like `run_full_recompute`, with SQLAlchemy cursor events that time every statement and
group them by what they do (e.g. "INSERT INTO group_item_score [clan]"). For one commune step and
for the final step, every INSERT/DELETE is run as `EXPLAIN (ANALYZE, BUFFERS)` of itself instead —
the same work, done once, with its plan and the time of the foreign-key triggers — and the plans
are written to the output file. Needs a database loaded by bench.generate (and a first recompute,
so the tables hold what a nightly run finds).
"""

import argparse
import re
import time
from collections import defaultdict
from pathlib import Path

from sqlalchemy import event

from bench.recompute import DEFAULT_BASE, PERIOD, label

DML = re.compile(r"\s*(INSERT|DELETE|WITH\b.*\b(INSERT INTO|DELETE FROM)\b)", re.S)
KINDS = ("person", "family", "clan", "village", "unit", "area")


def statement_label(statement: str, parameters: object) -> str:
    """Name a statement by its verb and table, plus the subject kind it works on."""
    text = " ".join(statement.split())
    m = re.search(r"(INSERT INTO \w+|DELETE FROM \w+|UPDATE \w+|ANALYZE \w+|SELECT pg_advisory_xact_lock)", text)
    name = m.group(1) if m else text[:40]
    values = (
        parameters.values()
        if isinstance(parameters, dict)
        else parameters
        if isinstance(parameters, (list, tuple))
        else ()
    )
    kind = next((v for v in values if isinstance(v, str) and v in KINDS), None)
    return f"{name} [{kind}]" if kind else name


def main(argv: list[str] | None = None) -> None:
    """Command line; see the module docstring."""
    parser = argparse.ArgumentParser(description="statement profile of the engine's full recompute")
    parser.add_argument("--citizens", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url")
    parser.add_argument("--explain-step", type=int, default=3, help="commune step to EXPLAIN ANALYZE (0-based)")
    parser.add_argument("--limit", type=int, help="run only this many commune steps (then the final step)")
    parser.add_argument("--out", help="file for the plans (default /tmp/bench-profile-<N>.txt)")
    args = parser.parse_args(argv)
    url = args.database_url or f"{DEFAULT_BASE}/bench_{label(args.citizens)}_s{args.seed}"
    out_path = Path(args.out or f"/tmp/bench-profile-{label(args.citizens)}.txt")

    from lms import create_app
    from lms.extensions import db
    from lms.recompute.services import full_recompute_chunks

    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": url})
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    per_step: list[tuple[int, float, float]] = []  # (statements, seconds in SQL, wall seconds)
    plans: list[tuple[float, str, str, str]] = []
    state = {"explain": False, "count": 0, "sql": 0.0}

    with app.app_context():
        engine = db.engine
        assert engine.url.database.startswith("bench_"), engine.url

        @event.listens_for(engine, "before_cursor_execute", retval=True)
        def before(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ANN202
            conn.info["t0"] = time.perf_counter()
            if state["explain"] and not executemany and DML.match(statement):
                conn.info["explained"] = statement
                return "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
            conn.info["explained"] = None
            return statement, parameters

        @event.listens_for(engine, "after_cursor_execute")
        def after(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ANN202
            elapsed = time.perf_counter() - conn.info["t0"]
            name = statement_label(conn.info.get("explained") or statement, parameters)
            totals[name][0] += elapsed
            totals[name][1] += 1
            state["count"] += 1
            state["sql"] += elapsed
            if conn.info.get("explained"):
                plan = "\n".join(r[0] for r in cursor.fetchall())
                plans.append((elapsed, name, conn.info["explained"], plan))

        steps = full_recompute_chunks(PERIOD, None)
        if args.limit:
            steps = steps[: args.limit] + steps[-1:]
        explain_steps = {min(args.explain_step, len(steps) - 2), len(steps) - 1}
        started = time.perf_counter()
        for n, step in enumerate(steps):
            state.update(explain=n in explain_steps, count=0, sql=0.0)
            t = time.perf_counter()
            step()
            db.session.commit()
            per_step.append((state["count"], state["sql"], time.perf_counter() - t))
        wall = time.perf_counter() - started

    communes = per_step[:-1]
    timed = [s for n, s in enumerate(per_step) if n not in explain_steps]
    lines = [
        f"full recompute of {PERIOD} on {engine.url.database}: {len(steps)} steps in {wall:.1f}s "
        f"(steps {sorted(explain_steps)} under EXPLAIN ANALYZE)",
        f"commune steps: {len(communes)}, mean {sum(s[2] for s in communes) / max(1, len(communes)):.2f}s, "
        f"{communes[0][0] if communes else 0} statements each; final step {per_step[-1][2]:.1f}s",
        f"time in SQL {sum(s[1] for s in per_step):.1f}s of {sum(s[2] for s in per_step):.1f}s; "
        f"without the explained steps: {sum(s[2] for s in timed):.1f}s",
        "",
        f"{'statement':<48} {'calls':>6} {'total s':>9} {'share':>6}",
    ]
    grand = sum(v[0] for v in totals.values())
    for name, (secs, calls) in sorted(totals.items(), key=lambda kv: -kv[1][0]):
        lines.append(f"{name:<48} {calls:>6} {secs:>9.2f} {100 * secs / grand:>5.1f}%")
    report = "\n".join(lines)
    print(report)
    with out_path.open("w", encoding="utf-8") as fh:
        fh.write(report + "\n\n")
        for elapsed, name, statement, plan in sorted(plans, key=lambda p: -p[0]):
            fh.write(f"===== {name}: {elapsed:.3f}s\n{statement}\n----- plan\n{plan}\n\n")
    print(f"plans: {out_path}")


if __name__ == "__main__":
    main()
