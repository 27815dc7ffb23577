"""P1, P2, P5: the engine's full recompute against hand-written SQL, the incremental path, worker memory.

    python -m bench.recompute --citizens 200000 [--seed 1] [--reuse] [--burst] [--rounds 1]

1. Generate the province (bench.generate) into bench_<N>_s<seed>, unless --reuse finds it loaded.
2. P1 — in the same run and from the same state: time bench/baseline.sql (the practical lower bound,
   run here over psycopg in one transaction) and the engine's full recompute, run exactly as an
   operator or worker would: `flask --app lms recompute --period 2026 --inline` in a subprocess.
   Both start with empty result tables (round 1) or with last round's results (rounds 2+: the
   nightly steady state, each side deleting the year's rows first).
3. P5 — the peak RSS of that subprocess (os.wait4 rusage of the child itself).
4. Results identical: EXCEPT ALL both ways over the five result tables; mismatches are printed.
5. P2 (--burst) — 10,000 course completions across one commune through the outbox
   (lms.evidence.services.add_evidence: evidence row + dirty_subject row, committed in small
   batches like requests), then `flask --app lms drain --until-empty` timed in a subprocess, checked
   against a fresh baseline (every score, title and indicator), then compared with
   `flask --app lms recompute --period 2026 --area COMMUNE --inline`; `flask --app lms drift` last.

The `flask` children run from a copy of lms/, courses/, worker/ and migrations/ taken at the start
(--no-snapshot: the work tree itself), so edits made during a long run cannot leak into it; the
commit is recorded. --pgoptions applies server settings to both sides (e.g. "-c jit=off");
--engine-area runs the engine on one area only and extrapolates (a quick look at 1M).

The figures are appended to bench/RESULTS.md with the command that produced them.
"""

import argparse
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg

from bench.generate import CATALOGUE, CODE_ROOT, ROOT, conninfo, database_name, flask, generate

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "RESULTS.md"
PERIOD = 2026
DEFAULT_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432"
RESULT_TABLES = ("person_item_score", "person_result", "group_item_score", "group_result", "area_indicator")
FIGURES = (
    "people, eligible, holders, families_attained, clans_attained, villages_attained, units_attained, "
    "i1_num, i1_den, i2_num, i2_den, i3_num, i3_den, i4_num, i4_den, i5_num, i5_den"
)
# the engine keeps a person's item points in person_result.items (one jsonb per person and year);
# the baseline writes them as ten keyed rows, the engine's former storage: compared as rows
ENGINE_SOURCE = {
    "person_item_score": (
        "(SELECT r.person_id, r.period, e.key AS item_code, (e.value #>> '{}')::numeric(8, 2) AS points"
        " FROM person_result r CROSS JOIN LATERAL jsonb_each(r.items) e) engine_items"
    ),
    "group_item_score": (
        "(SELECT g.kind, g.subject_id, g.period, e.key AS item_code, (e.value #>> '{}')::numeric(8, 2) AS points"
        " FROM group_result g CROSS JOIN LATERAL jsonb_each(g.items) e) engine_group_items"
    ),
}
COMPARED = {
    "person_item_score": "person_id, item_code, points",
    "person_result": (
        "person_id, audience, total, threshold, eligible, learned, has_plan, digital_level, studied_criteria"
    ),
    "group_item_score": "kind, subject_id, item_code, points",
    "group_result": "kind, subject_id, total, attained",
    "area_indicator": f"area_id, {FIGURES}",
}


def engine_version() -> str:
    """Return the commit of the engine under test, and whether lms/ differs from it (a moving tree)."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    changed = git("status", "--porcelain", "--", "lms", "config.py").splitlines()
    return git("rev-parse", "--short", "HEAD") + (f" + {len(changed)} uncommitted file(s) in lms/" if changed else "")


def snapshot() -> Path:
    """Freeze the code under test: copy the platform's packages so edits made during a run do not leak in."""
    target = Path(tempfile.mkdtemp(prefix="bench-code-"))
    for name in ("lms", "courses", "worker", "migrations"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("config.py", "pyproject.toml"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, target / name)
    return target


def label(citizens: int) -> str:
    if citizens % 1_000_000 == 0:
        return f"{citizens // 1_000_000}m"
    if citizens % 1000 == 0:
        return f"{citizens // 1000}k"
    return str(citizens)


# ---- the hand-written baseline ------------------------------------------------------------------
def baseline_sections(file: str = "baseline.sql") -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Return the (name, sql) pairs of baseline.sql's (or floor.sql's) setup and step sections."""
    text = (BENCH / file).read_text(encoding="utf-8")
    setup, steps = [], []
    for chunk in re.split(r"^-- (?=setup:|step:)", text, flags=re.M)[1:]:
        head, _, body = chunk.partition("\n")
        kind, _, name = head.partition(":")
        sql = body.strip().rstrip(";")
        (setup if kind == "setup" else steps).append((name.strip(), sql))
    return setup, steps


def run_baseline(url: str, file: str = "baseline.sql") -> tuple[float, list[tuple[str, float]]]:
    """Run the baseline's (or the floor's) steps in one transaction; return the total and per-step seconds."""
    setup, steps = baseline_sections(file)
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        for _name, sql in setup:
            conn.execute(sql)
    timings = []
    with psycopg.connect(conninfo(url)) as conn:
        started = time.perf_counter()
        for name, sql in steps:
            t = time.perf_counter()
            conn.execute(sql)
            timings.append((name, time.perf_counter() - t))
        conn.commit()
        total = time.perf_counter() - started
    return total, timings


# ---- the engine, as a worker runs it -------------------------------------------------------------
@dataclass
class Child:
    command: list[str]
    seconds: float
    max_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def flask_child(url: str, *args: str) -> Child:
    """Run `flask --app lms ARGS` in a subprocess; return its wall time and its own peak RSS."""
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("LMS_CONFIG", None)
    command = [str(Path(sys.executable).parent / "flask"), "--app", "lms", *args]
    tmp = Path(tempfile.mkdtemp(prefix="bench-child-"))
    out_path, err_path = tmp / "stdout", tmp / "stderr"
    with open(out_path, "w") as out, open(err_path, "w") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=CODE_ROOT["path"], env=env, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    child = Child(
        command=["flask", *command[1:]],
        seconds=seconds,
        max_rss_mb=usage.ru_maxrss / 1024,
        returncode=proc.returncode,
        stdout=out_path.read_text(),
        stderr=err_path.read_text(),
    )
    shutil.rmtree(tmp, ignore_errors=True)
    return child


def job_seconds(conn: psycopg.Connection) -> float | None:
    """In-process time of the last recompute job (created → finished), without interpreter start-up."""
    row = conn.execute(
        "SELECT extract(epoch FROM finished_at - created_at) FROM recompute_job ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return float(row[0]) if row and row[0] is not None else None


# ---- comparison ------------------------------------------------------------------------------------
def compare(url: str, sample: int = 5, scope: str | None = None) -> dict[str, tuple[int, int, list, list]]:
    """EXCEPT ALL both ways per result table: {table: (engine-only, baseline-only, samples...)}.

    `scope` (a path prefix) limits the check to the people and families of one area (--engine-area).
    """
    out = {}
    people = f"SELECT p.id FROM person p JOIN area a ON a.id = p.village_id WHERE a.path LIKE '{scope}%'"
    families = f"SELECT f.id FROM family f JOIN area a ON a.id = f.village_id WHERE a.path LIKE '{scope}%'"
    with psycopg.connect(conninfo(url)) as conn:
        for table, cols in COMPARED.items():
            where = f"period = {PERIOD}"
            if scope is not None:
                if table.startswith("person"):
                    where += f" AND person_id IN ({people})"
                elif table.startswith("group"):
                    where += f" AND kind = 'family' AND subject_id IN ({families})"
                else:
                    continue
            eng = f"SELECT {cols} FROM {ENGINE_SOURCE.get(table, table)} WHERE {where}"
            bl = f"SELECT {cols} FROM bl_{table} WHERE {where}"
            only_e = conn.execute(f"SELECT count(*) FROM ({eng} EXCEPT ALL {bl}) x").fetchone()[0]
            only_b = conn.execute(f"SELECT count(*) FROM ({bl} EXCEPT ALL {eng}) x").fetchone()[0]
            se = conn.execute(f"({eng} EXCEPT ALL {bl}) ORDER BY 1, 2 LIMIT {sample}").fetchall() if only_e else []
            sb = conn.execute(f"({bl} EXCEPT ALL {eng}) ORDER BY 1, 2 LIMIT {sample}").fetchall() if only_b else []
            out[table] = (only_e, only_b, se, sb)
    return out


FLOOR_COMPARED = {  # engine table: (its columns, the floor's query of the same columns)
    "person_result": ("person_id, total, eligible", "SELECT person_id, total, eligible FROM fl_person"),
    "group_result": ("kind, subject_id, total, attained", "SELECT kind, subject_id, total, attained FROM fl_group"),
    "area_indicator": (f"area_id, {FIGURES}", f"SELECT area_id, {FIGURES} FROM fl_area"),
}


def compare_floor(url: str, sample: int = 3) -> dict[str, tuple[int, int, list, list]]:
    """The engine's totals, eligibility, group attainment and area figures against bench/floor.sql's."""
    out = {}
    with psycopg.connect(conninfo(url)) as conn:
        for table, (cols, fl) in FLOOR_COMPARED.items():
            eng = f"SELECT {cols} FROM {table} WHERE period = {PERIOD}"
            only_e = conn.execute(f"SELECT count(*) FROM ({eng} EXCEPT ALL {fl}) x").fetchone()[0]
            only_f = conn.execute(f"SELECT count(*) FROM ({fl} EXCEPT ALL {eng}) x").fetchone()[0]
            se = conn.execute(f"({eng} EXCEPT ALL {fl}) ORDER BY 1, 2 LIMIT {sample}").fetchall() if only_e else []
            sf = conn.execute(f"({fl} EXCEPT ALL {eng}) ORDER BY 1, 2 LIMIT {sample}").fetchall() if only_f else []
            out[table] = (only_e, only_f, se, sf)
    return out


def area_share(url: str, code: str) -> tuple[float, str]:
    """Return the share of the citizens living under the area, and its path."""
    with psycopg.connect(conninfo(url)) as conn:
        row = conn.execute("SELECT path FROM area WHERE code = %s", (code,)).fetchone()
        if row is None:
            raise SystemExit(f"unknown area {code}")
        inside, total = conn.execute(
            "SELECT count(*) FILTER (WHERE a.path LIKE %s), count(*) FROM person p JOIN area a ON a.id = p.village_id",
            (row[0] + "%",),
        ).fetchone()
    return inside / total, row[0]


def report_compare(result: dict[str, tuple[int, int, list, list]], log) -> bool:  # noqa: ANN001
    identical = True
    for table, (only_e, only_b, se, sb) in result.items():
        status = "identical" if not (only_e or only_b) else f"MISMATCH engine-only {only_e}, baseline-only {only_b}"
        identical = identical and not (only_e or only_b)
        log(f"  {table:<18} {status}")
        for row in se:
            log(f"      engine  : {row}")
        for row in sb:
            log(f"      baseline: {row}")
    return identical


# ---- state --------------------------------------------------------------------------------------
def loaded(url: str) -> bool:
    try:
        with psycopg.connect(conninfo(url)) as conn:
            return bool(
                conn.execute("SELECT EXISTS (SELECT 1 FROM person) AND EXISTS (SELECT 1 FROM framework)").fetchone()[0]
            )
    except psycopg.Error:
        return False


def reset_results(url: str) -> None:
    """Start both sides from empty result tables (the engine's and bl_*), analysed, checkpointed."""
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        conn.execute(
            "TRUNCATE person_result, group_result, area_contribution, "
            "area_indicator, recompute_scope, dirty_subject, drift_snapshot"
        )
        for table in RESULT_TABLES:
            conn.execute(f"DROP TABLE IF EXISTS bl_{table}")
        for _name, sql in baseline_sections()[0]:
            conn.execute(sql)
        for table in ("fl_person", "fl_group", "fl_area"):
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        for _name, sql in baseline_sections("floor.sql")[0]:
            conn.execute(sql)
        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")


def settle(url: str) -> None:
    """Flush dirty buffers between the timed phases so neither pays for the other's writes."""
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        conn.execute("CHECKPOINT")


def table_counts(url: str) -> dict[str, int]:
    with psycopg.connect(conninfo(url)) as conn:
        tables = ("area", "person", "family", "clan", "unit", "evidence", "award", "group_entry")
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


# ---- P2: the burst -------------------------------------------------------------------------------
def burst_commune(url: str) -> tuple[int, str, str, int]:
    """Pick the commune for the burst deterministically: the median commune by code."""
    with psycopg.connect(conninfo(url)) as conn:
        rows = conn.execute("SELECT id, code, path FROM area WHERE level = 'commune' ORDER BY code").fetchall()
        cid, code, path = rows[len(rows) // 2]
        people = conn.execute(
            "SELECT count(*) FROM person WHERE village_id IN (SELECT id FROM area WHERE path LIKE %s)", (path + "%",)
        ).fetchone()[0]
    return cid, code, path, people


def insert_burst(url: str, path: str, events: int, seed: int, log) -> tuple[float, int]:  # noqa: ANN001
    """Record `events` course completions of people of the commune through the evidence service."""
    import sqlalchemy as sa

    from lms import create_app
    from lms.areas.models import Area
    from lms.evidence.services import add_evidence
    from lms.extensions import db
    from lms.people.models import Person

    # config.py read DATABASE_URL when `lms` was first imported: pass the URL explicitly
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": url})
    rng = random.Random(f"{seed}:burst")
    courses = [
        (cat, level, code, hours) for (cat, level), items in sorted(CATALOGUE.items(), key=str) for code, hours in items
    ]
    started = time.perf_counter()
    with app.app_context():
        assert db.engine.url.database == database_name(url), db.engine.url
        inside = sa.select(Area.id).where(Area.path.startswith(path))
        ids = list(db.session.scalars(sa.select(Person.id).where(Person.village_id.in_(inside)).order_by(Person.id)))
        people = {p.id: p for p in db.session.scalars(sa.select(Person).where(Person.id.in_(ids)))}
        for n in range(events):
            person = people[rng.choice(ids)]
            cat, level, code, hours = rng.choice(courses)
            when = date.fromordinal(date(PERIOD, 1, 1).toordinal() + rng.randrange(330))
            add_evidence(
                person, kind="course", ref=code, when=when, category=cat, hours=hours, level=level, source="online"
            )
            if (n + 1) % 50 == 0:  # one request's worth of completions per commit
                db.session.commit()
        db.session.commit()
        pending = db.session.scalar(sa.text("SELECT count(*) FROM dirty_subject"))
    elapsed = time.perf_counter() - started
    log(f"  inserted {events} completions for {len(ids)} people in {elapsed:.1f}s; {pending} dirty subjects")
    return elapsed, pending


# ---- main ---------------------------------------------------------------------------------------
@dataclass
class Round:
    baseline: float | None  # bench/baseline.sql, seconds (None: --no-baseline)
    steps: list[tuple[str, float]]
    engine: Child
    engine_job: float | None
    identical: bool
    mismatches: dict = field(default_factory=dict)
    share: float = 1.0  # of the citizens the engine ran on (--engine-area)
    floor: float | None = None  # bench/floor.sql, seconds
    floor_identical: bool | None = None
    floor_mismatches: dict = field(default_factory=dict)


def main(argv: list[str] | None = None) -> None:
    """Command line; see the module docstring."""
    parser = argparse.ArgumentParser(description="P1/P2/P5 benchmark of the recompute engine")
    parser.add_argument("--citizens", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="reuse bench_<N>_s<seed> if it is loaded")
    parser.add_argument("--burst", action="store_true", help="also run P2 (10,000 completions in one commune)")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--no-drift", action="store_true", help="skip `flask drift` after the burst")
    parser.add_argument("--rounds", type=int, default=1, help="rounds 2+ start from the previous results")
    parser.add_argument("--database-url", help="default: …/bench_<N>_s<seed>")
    parser.add_argument(
        "--engine-area", help="run the engine on this area only (e.g. one district at 1M) and extrapolate"
    )
    parser.add_argument(
        "--no-snapshot", action="store_true", help="run the work tree itself, not a copy frozen at the start"
    )
    parser.add_argument("--pgoptions", help='server settings for both sides, e.g. "-c jit=off" (sets PGOPTIONS)')
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    parser.add_argument("--no-floor", action="store_true", help="skip bench/floor.sql (the minimal floor)")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip bench/baseline.sql and its comparison (large provinces)"
    )
    args = parser.parse_args(argv)
    url = args.database_url or f"{DEFAULT_BASE}/bench_{label(args.citizens)}_s{args.seed}"
    if not database_name(url).startswith("bench_"):
        raise SystemExit("benchmark databases are named bench_*")
    if args.pgoptions:
        os.environ["PGOPTIONS"] = args.pgoptions  # libpq: this process's connections and the flask children
    lines: list[str] = []

    def log(msg: str) -> None:
        print(msg, flush=True)
        lines.append(msg)

    command = "python -m bench.recompute " + shlex.join(argv if argv is not None else sys.argv[1:])
    log(f"$ {command}")
    version = engine_version()
    if not args.no_snapshot:
        CODE_ROOT["path"] = snapshot()
        version += ", run from a copy taken at the start"
    log(f"engine: {version}")
    run_started = time.perf_counter()
    if args.reuse and loaded(url):
        flask(url, "db", "upgrade")  # the schema of the code under test (a no-op when it is current)
        log(f"reusing {database_name(url)}")
    else:
        t = time.perf_counter()
        generate(args.citizens, args.seed, url, log=log)
        log(f"generation took {time.perf_counter() - t:.0f}s")
    counts = table_counts(url)
    log(f"data: {counts}")

    rounds: list[Round] = []
    for r in range(args.rounds):
        state = "empty result tables" if r == 0 else "previous results in place (steady state)"
        if r == 0:
            reset_results(url)
        log(f"round {r + 1}: {state}")
        settle(url)
        bl_total: float | None = None
        steps: list[tuple[str, float]] = []
        if not args.no_baseline:
            bl_total, steps = run_baseline(url)
            log(
                f"  baseline SQL: {bl_total:.2f}s  ("
                + ", ".join(f"{n.split(' (')[0]} {s:.2f}" for n, s in steps if s >= 0.05)
                + ")"
            )
            settle(url)
        fl_total: float | None = None
        if not args.no_floor:
            fl_total, fl_steps = run_baseline(url, "floor.sql")
            log(
                f"  floor SQL: {fl_total:.2f}s  ("
                + ", ".join(f"{n.split(' (')[0]} {s:.2f}" for n, s in fl_steps if s >= 0.05)
                + ")"
            )
            settle(url)
        area_args = ["--area", args.engine_area] if args.engine_area else []
        child = flask_child(url, "recompute", "--period", str(PERIOD), *area_args, "--inline")
        if child.returncode:
            log(child.stderr[-3000:])
            raise SystemExit(f"engine failed with exit code {child.returncode}")
        with psycopg.connect(conninfo(url)) as conn:
            in_process = job_seconds(conn)
        log(
            f"  engine: {child.seconds:.2f}s wall ({in_process:.2f}s in-process), peak RSS {child.max_rss_mb:.0f} MB; "
            f"{child.stdout.strip()}"
        )
        mismatch: dict = {}
        rounds_share = 1.0
        if bl_total is None:
            log("  baseline skipped (--no-baseline): the engine is compared with the floor only")
        elif args.engine_area:
            share, scope = area_share(url, args.engine_area)
            log(
                f"  engine ran on {args.engine_area} only ({100 * share:.1f}% of the citizens): extrapolated to the "
                f"province {in_process / share:.0f}s in-process, ratio ~{in_process / share / bl_total:.1f}"
            )
            mismatch = compare(url, scope=scope)
            rounds_share = share
        else:
            log(f"  ratio engine/baseline: {child.seconds / bl_total:.2f} (in-process {in_process / bl_total:.2f})")
            mismatch = compare(url)
        identical = report_compare(mismatch, log)
        current = Round(bl_total, steps, child, in_process, identical, mismatch, rounds_share)
        if fl_total is not None and not args.engine_area:
            log(f"  ratio engine/floor: {child.seconds / fl_total:.2f} (in-process {in_process / fl_total:.2f})")
            log("  engine against the floor (totals, eligibility, attainment, area figures):")
            current.floor, current.floor_mismatches = fl_total, compare_floor(url)
            current.floor_identical = report_compare(current.floor_mismatches, log)
        rounds.append(current)

    p2: dict[str, object] = {}
    if args.burst:
        cid, code, path, people = burst_commune(url)
        log(f"P2: burst of {args.events} course completions in commune {code} ({people} people)")
        ins_seconds, pending = insert_burst(url, path, args.events, args.seed, log)
        settle(url)
        drain_from = datetime.now(UTC)
        drain = flask_child(url, "drain", "--until-empty")
        if drain.returncode:
            log(drain.stderr[-3000:])
            raise SystemExit("drain failed")
        with psycopg.connect(conninfo(url)) as conn:
            contrib = conn.execute(
                "SELECT count(*) FILTER (WHERE computed_at >= %s), count(*) FROM area_contribution WHERE period = %s",
                (drain_from, PERIOD),
            ).fetchone()
            left = conn.execute("SELECT count(*) FROM dirty_subject").fetchone()[0]
        log(
            f"  drain: {drain.seconds:.2f}s wall, peak RSS {drain.max_rss_mb:.0f} MB; {drain.stdout.strip()}; "
            f"{left} left; area contributions rewritten: {contrib[0]} of {contrib[1]}"
        )
        bl_total, _ = run_baseline(url)
        log(f"  consistency after the drain, against a fresh baseline ({bl_total:.2f}s):")
        burst_identical = report_compare(compare(url), log)
        settle(url)
        commune = flask_child(url, "recompute", "--period", str(PERIOD), "--area", code, "--inline")
        if commune.returncode:
            log(commune.stderr[-3000:])
            raise SystemExit("commune recompute failed")
        with psycopg.connect(conninfo(url)) as conn:
            commune_job = job_seconds(conn)
        log(
            f"  full recompute of the commune: {commune.seconds:.2f}s wall ({commune_job:.2f}s in-process); "
            f"{commune.stdout.strip()}"
        )
        log(f"  ratio drain/commune recompute: {drain.seconds / commune.seconds:.2f} (bar: <= 2)")
        p2 = {
            "code": code,
            "people": people,
            "drain": drain,
            "commune": commune,
            "identical": burst_identical,
            "pending": pending,
            "contrib": f"{contrib[0]} of {contrib[1]}",
            "insert": ins_seconds,
        }
        if not args.no_drift:
            drift = flask_child(url, "drift", "--period", str(PERIOD))
            log(f"  drift check: exit {drift.returncode} in {drift.seconds:.1f}s: {drift.stdout.strip()[:300]}")
            p2["drift"] = drift
    log(f"total run time {time.perf_counter() - run_started:.0f}s")
    after = engine_version()
    if args.no_snapshot and after != version:
        log(f"WARNING: the engine changed during the run: {version} -> {after}")
        version = f"{version} (changed during the run to {after})"
    if not args.no_snapshot:
        shutil.rmtree(CODE_ROOT["path"], ignore_errors=True)
    if not args.no_record:
        record(command, args, counts, rounds, p2, version)


def record(
    command: str,
    args: argparse.Namespace,
    counts: dict[str, int],
    rounds: list[Round],
    p2: dict[str, object],
    version: str,
) -> None:
    """Append this run's figures to bench/RESULTS.md."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        f"\n### {label(args.citizens)} citizens, seed {args.seed} — {now}\n",
        f"`{command}`\n",
        "Data: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()) + "\n",
        f"Engine: {version}; server settings: {os.environ.get('PGOPTIONS') or 'defaults'}\n",
        "| round | state | baseline SQL s | engine s (wall / in-process) | ratio wall (in-process) | bar "
        "| peak RSS MB (P5 < 500) | results | floor SQL s | engine / floor wall (in-process), bar ≤ 2 "
        "| results vs floor |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n, r in enumerate(rounds, 1):
        state = "empty" if n == 1 else "steady"
        ip = f"{r.engine_job:.2f}" if r.engine_job is not None else "?"
        ratio_ip = f"{r.engine_job / r.baseline:.2f}" if r.engine_job is not None and r.baseline else "?"
        verdict = (
            "identical"
            if r.identical
            else "MISMATCH: " + "; ".join(f"{t} {e}/{b}" for t, (e, b, _s1, _s2) in r.mismatches.items() if e or b)
        )
        if args.engine_area and r.engine_job is not None and r.baseline:
            state += (
                f", engine on {args.engine_area} only ({100 * r.share:.1f}% of the people; people and families "
                f"compared): extrapolated {r.engine_job / r.share:.0f}s, "
                f"ratio ~{r.engine_job / r.share / r.baseline:.1f}"
            )
        if r.floor is None:
            floor_cells = "— | — | —"
        else:
            floor_ip = f"{r.engine_job / r.floor:.2f}" if r.engine_job is not None else "?"
            floor_verdict = (
                "identical"
                if r.floor_identical
                else "MISMATCH: "
                + "; ".join(f"{t} {e}/{b}" for t, (e, b, _s1, _s2) in r.floor_mismatches.items() if e or b)
            )
            floor_cells = f"{r.floor:.2f} | **{r.engine.seconds / r.floor:.2f}** ({floor_ip}) | {floor_verdict}"
        if r.baseline is None:
            baseline_cells = f"— | {r.engine.seconds:.2f} / {ip} | — | ≤ 1.5 | {r.engine.max_rss_mb:.0f} | not run"
        else:
            baseline_cells = (
                f"{r.baseline:.2f} | {r.engine.seconds:.2f} / {ip} | {r.engine.seconds / r.baseline:.2f} ({ratio_ip}) "
                f"| ≤ 1.5 | {r.engine.max_rss_mb:.0f} | {verdict}"
            )
        out.append(f"| {n} | {state} | {baseline_cells} | {floor_cells} |")
    if p2:
        drain, commune = p2["drain"], p2["commune"]
        assert isinstance(drain, Child) and isinstance(commune, Child)
        drift = p2.get("drift")
        out.append(
            f"\nP2: {args.events:,} completions in commune {p2['code']} ({p2['people']:,} people, "
            f"{p2['pending']:,} dirty subjects): drain {drain.seconds:.2f}s (`{drain.stdout.strip()}`, "
            f"peak RSS {drain.max_rss_mb:.0f} MB; area contributions rewritten {p2['contrib']}) vs "
            f"full recompute of the commune {commune.seconds:.2f}s → ratio **{drain.seconds / commune.seconds:.2f}** "
            f"(bar ≤ 2); results after the drain {'identical to' if p2['identical'] else 'DIFFERENT from'} "
            "a fresh baseline"
            + (f"; `flask drift` exit {drift.returncode}" if isinstance(drift, Child) else "")
            + ".\n"
        )
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
