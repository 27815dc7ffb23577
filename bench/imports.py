"""P4: the people import (CSV and XLSX) against PostgreSQL `COPY` of the same rows, and its memory.

    python -m bench.imports --rows 100000 [--format csv|xlsx|both] [--small 25000] [--seed 1]

1. Recreate the `bench_import` database (`flask db upgrade`, the default framework), then load
   the areas, families, clans and units the file refers to through `COPY` (not timed).
2. Write a deterministic people file in the SPEC §6 format (all 13 columns, Vietnamese names,
   optional columns partly empty) as CSV and XLSX; the first `--small` rows of the big file are
   the small file.
3. In the same run, from the same state:
   - COPY: the file itself into a scratch table with the file's columns (`COPY … FROM STDIN
     (FORMAT csv, HEADER)` over psycopg, committed), median of `--repeat`; also, for reference,
     COPY of the resolved rows (ids, folded names) into a copy of `person` with its indexes and
     foreign keys — the cheapest way to get the rows where the import must put them;
   - the import exactly as an operator runs it: `flask --app lms import people FILE` in a
     subprocess (wall time, peak RSS of the child through os.wait4), into an empty `person`;
     "net" subtracts the start-up of the same command on a header-only file (interpreter, app,
     connection, audit entry); peak RSS is the child's own (see `peak_rss_child`);
   - the re-import of the same CSV: must report every row unchanged and leave `person` and the
     recompute outbox exactly as they were;
   - the XLSX into an empty `person`;
   - peak RSS at `--small` and `--rows` rows (CSV and XLSX): flat in the file size when streamed;
   - two imports of the small file started at once: no duplicates, created counts add up.
   After the first CSV import, `person` is compared with the scratch table (EXCEPT both ways).
4. Append the figures to bench/RESULTS.md with the command (append only: other benchmarks write
   to the same file).

`--code-root DIR` runs `flask` from a copy of the platform (e.g. a `git archive` of a commit, to
measure before and after a change from the same state). `--profile` instead runs one CSV import
in this process under cProfile, with every SQL statement timed, and prints where the time goes.
"""

import argparse
import cProfile
import csv
import io
import os
import pstats
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from bench.generate import CODE_ROOT, FRAMEWORK_FILE, SURNAMES, _line, conninfo, flask, recreate_database
from bench.recompute import DEFAULT_BASE, RESULTS, Child, engine_version, label
from lms.demo import vocabulary as vocab
from lms.util import fold

HEADER = (
    "person_code",
    "full_name",
    "birth_year",
    "gender",
    "village_code",
    "family_code",
    "clan_code",
    "unit_code",
    "is_official",
    "khuyen_hoc_member",
    "group",
    "phone",
    "email",
)
SCRATCH = """CREATE TABLE bench_copy_people (
    person_code varchar(64), full_name varchar(200), birth_year integer, gender varchar(8),
    village_code varchar(64), family_code varchar(64), clan_code varchar(64), unit_code varchar(64),
    is_official boolean, khuyen_hoc_member boolean, "group" varchar(16), phone varchar(32), email varchar(200))"""
PERSON_LIKE = [
    "CREATE TABLE bench_person_like (LIKE person INCLUDING ALL)",
    "ALTER TABLE bench_person_like ADD FOREIGN KEY (village_id) REFERENCES area (id)",
    "ALTER TABLE bench_person_like ADD FOREIGN KEY (family_id) REFERENCES family (id)",
    "ALTER TABLE bench_person_like ADD FOREIGN KEY (clan_id) REFERENCES clan (id)",
    "ALTER TABLE bench_person_like ADD FOREIGN KEY (unit_id) REFERENCES unit (id)",
]
PERSON_COLUMNS = (
    "id, code, full_name, name_folded, birth_year, gender, village_id, family_id, clan_id, unit_id, is_official, "
    'khuyen_hoc_member, "group", phone, email'
)
# the person table as the file spells it, to compare with the scratch table
AS_FILE = """SELECT p.code, p.full_name, p.birth_year, p.gender, v.code, f.code, c.code, u.code,
       p.is_official, p.khuyen_hoc_member, p."group", p.phone, p.email
FROM person p JOIN area v ON v.id = p.village_id LEFT JOIN family f ON f.id = p.family_id
LEFT JOIN clan c ON c.id = p.clan_id LEFT JOIN unit u ON u.id = p.unit_id"""
FROM_FILE = """SELECT person_code, full_name, birth_year, gender, village_code, family_code, clan_code, unit_code,
       coalesce(is_official, false), coalesce(khuyen_hoc_member, false), "group", phone, email
FROM bench_copy_people"""
GENERATOR_VERSION = 1  # bump when the files change: cached files are reused otherwise


# ---- the reference data and the file ------------------------------------------------------------
@dataclass
class World:
    """The areas and groups a people file of `rows` rows refers to (ids assigned here)."""

    rows: int
    villages: list[tuple[int, str]] = field(default_factory=list)  # (id, code)
    families: int = 0
    clans: int = 0
    units: int = 0

    def __post_init__(self) -> None:
        self.families = max(1, self.rows // 4)
        self.clans = max(1, self.rows // 333)
        self.units = max(1, self.rows // 1000)

    def load(self, url: str) -> None:
        """COPY the areas, families, clans and units (not timed)."""
        villages = max(4, round(self.rows / 667))
        communes = max(1, round(villages / 4))
        areas = [(1, "BI", "Tỉnh Bench", "province", None, False, "/1/")]
        district = (2, "BI-H01", "Huyện Một", "district", 1, False, "/1/2/")
        areas.append(district)
        next_id = 3
        commune_ids = []
        for c in range(communes):
            areas.append((next_id, f"BI-X{c + 1:03d}", f"Xã {c + 1}", "commune", 2, False, f"/1/2/{next_id}/"))
            commune_ids.append(next_id)
            next_id += 1
        for v in range(villages):
            parent = commune_ids[v % communes]
            code = f"BI-X{v % communes + 1:03d}-T{v // communes + 1:02d}"
            areas.append(
                (next_id, code, f"Thôn {v // communes + 1}", "village", parent, False, f"/1/2/{parent}/{next_id}/")
            )
            self.villages.append((next_id, code))
            next_id += 1
        with psycopg.connect(conninfo(url)) as conn, conn.cursor() as cur:
            with cur.copy("COPY area (id, code, name, level, parent_id, disadvantaged, path) FROM STDIN") as copy:
                for row in areas:
                    copy.write_row(row)
            with cur.copy("COPY family (id, code, name, village_id) FROM STDIN") as copy:
                for f in range(self.families):
                    copy.write_row((f + 1, self.family_code(f), f"Hộ {f + 1}", self.village_of(f)[0]))
            with cur.copy("COPY clan (id, code, name, area_id) FROM STDIN") as copy:
                for c in range(self.clans):
                    copy.write_row((c + 1, f"DH-{c + 1:05d}", f"Họ {c + 1}", commune_ids[c % communes]))
            with cur.copy("COPY unit (id, code, name, level, area_id) FROM STDIN") as copy:
                for u in range(self.units):
                    copy.write_row((u + 1, f"U-{u + 1:05d}", f"Đơn vị {u + 1}", "commune", commune_ids[u % communes]))
            for table in ("area", "family", "clan", "unit"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            conn.commit()
        with psycopg.connect(conninfo(url), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")

    def family_code(self, f: int) -> str:
        return f"GD-{f + 1:07d}"

    def village_of(self, family: int) -> tuple[int, str]:
        return self.villages[family * len(self.villages) // self.families]

    def people(self, seed: int) -> "list[tuple[tuple[str, ...], tuple[object, ...]]]":
        """Return every row as (file cells, resolved person row), in file order (a prefix is a smaller file)."""
        rng = random.Random(seed)
        out = []
        for i in range(self.rows):
            family = i * self.families // self.rows
            village_id, village = self.village_of(family)
            gender = "nam" if rng.random() < 0.5 else "nữ"
            surname = rng.choices(*SURNAMES)[0]
            middle = rng.choice(list(vocab.MIDDLE_NAMES[gender]))
            name = f"{surname} {middle} {rng.choice(vocab.GIVEN_NAMES[gender])}"
            year = rng.randint(1940, 2020)
            has_family = rng.random() < 0.9
            clan = rng.randrange(self.clans) if rng.random() < 0.7 else None
            unit = rng.randrange(self.units) if rng.random() < 0.08 else None
            official = unit is not None and rng.random() < 0.6
            member = rng.random() < 0.3
            group = "official" if official else rng.choice(("resident", "resident", "worker", "student", ""))
            phone = f"09{rng.randrange(10**8):08d}" if rng.random() < 0.5 else ""
            email = f"p{i + 1}@example.vn" if rng.random() < 0.15 else ""
            cells = (
                f"P{i + 1:07d}",
                name,
                str(year),
                gender,
                village,
                self.family_code(family) if has_family else "",
                f"DH-{clan + 1:05d}" if clan is not None else "",
                f"U-{unit + 1:05d}" if unit is not None else "",
                "1" if official else "0",
                "1" if member else "0",
                group,
                phone,
                email,
            )
            resolved = (
                i + 1,
                cells[0],
                name,
                fold(name),
                year,
                gender,
                village_id,
                family + 1 if has_family else None,
                clan + 1 if clan is not None else None,
                unit + 1 if unit is not None else None,
                official,
                member,
                group or None,
                phone or None,
                email or None,
            )
            out.append((cells, resolved))
        return out


def write_files(rows: list[tuple[str, ...]], folder: Path, name: str) -> tuple[Path, Path]:
    """Write the rows as CSV (UTF-8, as spreadsheet programs save it) and as XLSX (openpyxl write-only)."""
    import openpyxl

    csv_path, xlsx_path = folder / f"{name}.csv", folder / f"{name}.xlsx"
    if not csv_path.exists():
        with csv_path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADER)
            writer.writerows(rows)
    if not xlsx_path.exists():
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("people")
        sheet.append(list(HEADER))
        for cells in rows:
            sheet.append([int(c) if k == 2 else c for k, c in enumerate(cells)])  # birth_year as a number
        workbook.save(str(xlsx_path) + ".part")
        os.replace(str(xlsx_path) + ".part", xlsx_path)
    return csv_path, xlsx_path


# ---- timed steps ---------------------------------------------------------------------------------
def reset(url: str) -> None:
    """Empty person and the recompute outbox, as before a first import."""
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        conn.execute("TRUNCATE person, dirty_subject RESTART IDENTITY CASCADE")
        conn.execute("VACUUM ANALYZE person")
        conn.execute("CHECKPOINT")


def timed_copy(
    url: str, table: str, create: list[str], copy: str, feed: Callable[[Any], None], *, keep: bool = False
) -> float:
    """Seconds of one `COPY {table} …` (the `copy` clause) fed by `feed(copy_stream)`, into a table made
    by the `create` statements before the clock (after a CHECKPOINT) and dropped afterwards (`keep`:
    left for the caller to read)."""
    with psycopg.connect(conninfo(url)) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in create:
            conn.execute(statement)
        conn.commit()
        conn.execute("CHECKPOINT")
        started = time.perf_counter()
        with conn.cursor() as cur, cur.copy(f"COPY {table} {copy}") as cp:
            feed(cp)
        conn.commit()
        seconds = time.perf_counter() - started
        if not keep:
            conn.execute(f"DROP TABLE {table}")
            conn.commit()
    return seconds


def time_copy(url: str, path: Path, repeat: int) -> float:
    """Median seconds of COPY of the file into the scratch table (streamed, committed)."""

    def feed(cp: Any) -> None:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                cp.write(chunk)

    copy = "FROM STDIN (FORMAT csv, HEADER true)"  # the table stays: FROM_FILE compares it with person
    runs = (timed_copy(url, "bench_copy_people", [SCRATCH], copy, feed, keep=True) for _ in range(repeat))
    return statistics.median(runs)


def time_copy_like(url: str, resolved: list[tuple[object, ...]], repeat: int) -> float:
    """Median seconds of COPY of the resolved rows into a copy of person (same indexes and foreign keys)."""
    text = "".join(_line(*row) for row in resolved).encode()  # formatted before the clock starts

    def feed(cp: Any) -> None:
        for start in range(0, len(text), 1 << 20):
            cp.write(text[start : start + (1 << 20)])

    copy = f"({PERSON_COLUMNS}) FROM STDIN"
    return statistics.median(timed_copy(url, "bench_person_like", PERSON_LIKE, copy, feed) for _ in range(repeat))


def state(url: str) -> tuple[int, str, int, str]:
    """Return (count, checksum) of person and of the recompute outbox."""
    with psycopg.connect(conninfo(url)) as conn:
        p = conn.execute("SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY id), '')) FROM person t")
        n, digest = p.fetchone()
        d = conn.execute(
            "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY subject_kind, subject_id, period), '')) "
            "FROM dirty_subject t"
        )
        dn, ddigest = d.fetchone()
    return n, digest, dn, ddigest


def differences(url: str) -> tuple[int, int]:
    """Rows of person not in the file, rows of the file not in person (EXCEPT ALL both ways)."""
    with psycopg.connect(conninfo(url)) as conn:
        a = conn.execute(f"SELECT count(*) FROM ({AS_FILE} EXCEPT ALL {FROM_FILE}) x").fetchone()[0]
        b = conn.execute(f"SELECT count(*) FROM ({FROM_FILE} EXCEPT ALL {AS_FILE}) x").fetchone()[0]
    return a, b


def peak_rss_child(url: str, *args: str) -> Child:
    """Run `flask --app lms ARGS`; return its wall time and peak RSS.

    The peak is the child's own VmHWM, read from /proc every 10 ms once it has exec'd `flask`
    (the high-water mark only grows, so the last reading is the peak but for the final 10 ms).
    Not ru_maxrss from os.wait4: Linux carries the RSS of the forking parent (this process, which
    holds the generated rows) across exec into it."""
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("LMS_CONFIG", None)
    command = [str(Path(sys.executable).parent / "flask"), "--app", "lms", *args]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=CODE_ROOT["path"], env=env, stdout=out, stderr=err)
        peak_kb, status = 0, None
        while status is None:
            try:
                if b"--app" in Path(f"/proc/{proc.pid}/cmdline").read_bytes():
                    for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            peak_kb = max(peak_kb, int(line.split()[1]))
            except OSError:
                pass
            pid, wait_status = os.waitpid(proc.pid, os.WNOHANG)
            if pid:
                status = wait_status
            else:
                time.sleep(0.01)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Child(["flask", *command[1:]], seconds, peak_kb / 1024, proc.returncode, out.read(), err.read())


def import_child(url: str, path: Path) -> tuple[Child, dict[str, object]]:
    """Run the import as an operator does; return the child and its JSON report."""
    import json

    child = peak_rss_child(url, "import", "people", str(path))
    if child.returncode != 0:
        raise SystemExit(f"import of {path.name} failed ({child.returncode}):\n{child.stderr[-3000:]}")
    return child, json.loads(child.stdout.strip().splitlines()[-1])


def concurrent(url: str, path: Path) -> tuple[list[dict[str, object]], int]:
    """Start two imports of the same file at once; return their reports and the person count after."""
    import json

    env = {**os.environ, "DATABASE_URL": url}
    env.pop("LMS_CONFIG", None)
    exe = str(Path(sys.executable).parent / "flask")
    procs = [
        subprocess.Popen(
            [exe, "--app", "lms", "import", "people", str(path)],
            cwd=CODE_ROOT["path"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    reports = []
    for proc in procs:
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"concurrent import failed:\n{err[-3000:]}")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    with psycopg.connect(conninfo(url)) as conn:
        count = conn.execute("SELECT count(*) FROM person").fetchone()[0]
    return reports, count


# ---- profile -------------------------------------------------------------------------------------
def profile(url: str, path: Path) -> None:
    """Run one import in this process under cProfile, timing every SQL statement; print the top."""
    from sqlalchemy import event

    from lms import create_app
    from lms.extensions import db
    from lms.imports.services import run_import

    os.environ["DATABASE_URL"] = url
    reset(url)
    app = create_app(None, {"SQLALCHEMY_DATABASE_URI": url})
    spent: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "before_cursor_execute")
        def _before(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
            conn.info["t"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def _after(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
            entry = spent[" ".join(statement.split())[:110]]
            entry[0] += time.perf_counter() - conn.info["t"]
            entry[1] += 1

        prof = cProfile.Profile()
        started = time.perf_counter()
        with path.open("rb") as fh:
            prof.enable()
            report = run_import("people", fh, path.name, actor="bench")
            db.session.commit()
            prof.disable()
        total = time.perf_counter() - started
    print(f"in-process import: {total:.2f}s; {report.counts()}; errors {len(report.errors)}")
    print("\nSQL statements (seconds, count), COPY into staging not included:")
    for text, (seconds, n) in sorted(spent.items(), key=lambda kv: -kv[1][0])[:15]:
        print(f"  {seconds:7.3f} {n:6d}  {text}")
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(30)
    print(out.getvalue())


# ---- the run -------------------------------------------------------------------------------------
@dataclass
class Figures:
    rows: int
    small: int
    copy: float = 0.0
    copy_like: float = 0.0
    startup: Child | None = None
    runs: dict[str, tuple[Child, dict[str, object]]] = field(default_factory=dict)
    diff: tuple[int, int] = (0, 0)
    reimport_same: bool = False
    both: tuple[list[dict[str, object]], int] | None = None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=25_000, help="the second size for peak memory")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=("csv", "xlsx", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=3, help="COPY timings to take the median of")
    parser.add_argument("--database-url", default=f"{DEFAULT_BASE}/bench_import")
    parser.add_argument("--profile", action="store_true", help="profile one CSV import in-process, record nothing")
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    parser.add_argument("--code-root", help="run `flask` from this copy of the platform (default: the work tree)")
    parser.add_argument("--label", help="what --code-root holds, for the record")
    args = parser.parse_args(argv)
    if args.code_root:
        CODE_ROOT["path"] = Path(args.code_root).resolve()
    url = args.database_url
    command = "python -m bench.imports " + shlex.join(sys.argv[1:] if argv is None else argv)
    small = min(args.small, args.rows)
    version = f"{args.label or 'copy'} (from {args.code_root})" if args.code_root else engine_version()

    print(f"database {url}: migrating, loading areas and groups")
    recreate_database(url)
    flask(url, "db", "upgrade")
    flask(url, "framework", "load", str(FRAMEWORK_FILE))
    world = World(args.rows)
    world.load(url)
    folder = Path(tempfile.gettempdir()) / f"bench-import-v{GENERATOR_VERSION}-{args.rows}-s{args.seed}"
    folder.mkdir(exist_ok=True)
    people = world.people(args.seed)
    print(f"writing files to {folder}")
    big_csv, big_xlsx = write_files([c for c, _r in people], folder, f"people-{label(args.rows)}")
    small_csv, small_xlsx = write_files([c for c, _r in people[:small]], folder, f"people-{label(small)}")
    header_only = folder / "people-header.csv"
    header_only.write_text(",".join(HEADER) + "\n", encoding="utf-8")
    if args.profile:
        profile(url, big_csv)
        return

    fig = Figures(args.rows, small)
    fig.copy = time_copy(url, big_csv, args.repeat)
    print(f"COPY of the file into a scratch table: {fig.copy:.3f}s")
    fig.copy_like = time_copy_like(url, [r for _c, r in people], args.repeat)
    print(f"COPY of the resolved rows into a copy of person: {fig.copy_like:.3f}s")
    del people
    fig.startup, _report = import_child(url, header_only)
    print(f"start-up (header-only file): {fig.startup.seconds:.2f}s, {fig.startup.max_rss_mb:.0f} MB")

    formats = ("csv", "xlsx") if args.format == "both" else (args.format,)
    if "csv" in formats:
        reset(url)
        fig.runs["csv"] = import_child(url, big_csv)
        print(f"CSV import: {fig.runs['csv'][0].seconds:.2f}s {fig.runs['csv'][1]}")
        fig.diff = differences(url)
        before = state(url)
        fig.runs["reimport"] = import_child(url, big_csv)
        fig.reimport_same = state(url) == before
        print(f"re-import: {fig.runs['reimport'][0].seconds:.2f}s, unchanged state: {fig.reimport_same}")
    if "xlsx" in formats:
        reset(url)
        fig.runs["xlsx"] = import_child(url, big_xlsx)
        print(f"XLSX import: {fig.runs['xlsx'][0].seconds:.2f}s {fig.runs['xlsx'][1]}")
    for fmt in formats:
        reset(url)
        fig.runs[f"{fmt}-small"] = import_child(url, small_csv if fmt == "csv" else small_xlsx)
        print(f"{fmt} {small} rows: {fig.runs[f'{fmt}-small'][0].seconds:.2f}s")
    reset(url)
    fig.both = concurrent(url, small_csv)
    print(f"two at once: {fig.both}")
    if not args.no_record:
        record(command, fig, version)


def record(command: str, fig: Figures, version: str) -> None:
    """Append this run's figures to bench/RESULTS.md (re-read right before: others append too)."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    start = fig.startup.seconds if fig.startup else 0.0
    out = [
        f"\n### P4 — people import, {label(fig.rows)} rows — {now}\n",
        f"`{command}`\n",
        f"Platform: {version}. COPY of the file into a scratch table with the file's columns: "
        f"**{fig.copy:.3f} s** (median of runs); COPY of the same rows resolved to ids into a copy of "
        f"`person` (same 7 indexes, 4 foreign keys): {fig.copy_like:.3f} s. Start-up of "
        f"`flask --app lms import people` on a header-only file: {start:.2f} s, "
        f"{fig.startup.max_rss_mb if fig.startup else 0:.0f} MB.\n",
        "| run | rows | created / updated / unchanged | wall s | net s (− start-up) | wall / COPY "
        "| net / COPY | bar | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    names = {
        "csv": "CSV, empty person",
        "reimport": "CSV again (re-import)",
        "xlsx": "XLSX, empty person",
        "csv-small": "CSV, empty person",
        "xlsx-small": "XLSX, empty person",
    }
    for key, (child, rep) in fig.runs.items():
        rows = fig.small if key.endswith("small") else fig.rows
        net = child.seconds - start
        bar = "≤ 5" if key == "csv" else "—"
        counts = f"{rep['created']:,} / {rep['updated']:,} / {rep['unchanged']:,}"
        out.append(
            f"| {names[key]} | {rows:,} | {counts} | {child.seconds:.2f} | {net:.2f} | "
            f"{child.seconds / fig.copy:.1f} | **{net / fig.copy:.1f}** | {bar} | {child.max_rss_mb:.0f} |"
        )
    notes = []
    if "csv" in fig.runs:
        a, b = fig.diff
        notes.append(
            f"- person after the CSV import vs the file: {'identical' if a == b == 0 else f'DIFFERENT ({a} / {b})'} "
            "(EXCEPT ALL both ways)."
        )
        notes.append(
            "- re-import of the same file: person and the recompute outbox "
            + ("unchanged (md5 of every row)." if fig.reimport_same else "CHANGED.")
        )
    for fmt in ("csv", "xlsx"):
        if f"{fmt}-small" in fig.runs and fmt in fig.runs:
            s, b = fig.runs[f"{fmt}-small"][0].max_rss_mb, fig.runs[fmt][0].max_rss_mb
            notes.append(
                f"- peak RSS, {fmt.upper()}: {s:.0f} MB at {fig.small:,} rows, {b:.0f} MB at {fig.rows:,} rows "
                f"(×{b / s:.2f} for ×{fig.rows / fig.small:.0f} the rows)."
            )
    if fig.both is not None:
        reports, count = fig.both
        created = sum(int(r["created"]) for r in reports)  # type: ignore[call-overload]
        notes.append(
            f"- two imports of the {fig.small:,}-row file started at once: created {created:,} in all "
            f"({' + '.join(str(r['created']) for r in reports)}), person holds {count:,} rows"
            + (" — no duplicates." if count == created == fig.small else " — WRONG.")
        )
    out.append("\n" + "\n".join(notes) + "\n")
    text = RESULTS.read_text(encoding="utf-8")  # re-read just before appending
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write(("" if text.endswith("\n") else "\n") + "\n".join(out))


if __name__ == "__main__":
    main()
