"""Bulk work at province scale (issue #10): `award --all-eligible` of a whole province, and an
evidence CSV of any size through the CLI against PostgreSQL COPY, with the child's peak memory.

    python -m bench.bulk --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_scale_200k \
        [--award] [--evidence-rows 1000000 --small 250000]

Runs on a database made by `bench.generate` whose results are computed (e.g. after
`bench.recompute`); it leaves the database as it found it (the awards, audit rows, evidence and
outbox rows it adds are deleted afterwards).

- `--award`: `flask --app lms award --period 2026 --area <province> --all-eligible …` in a
  subprocess (wall time, peak RSS of the child), against the same rows written by hand in one
  transaction (awards, one audit row each, the recompute outbox: three INSERT … SELECT), same run.
- `--evidence-rows N`: a file of N new evidence rows (courses of existing people, one per line)
  imported with `flask --app lms import evidence FILE`, against (a) COPY of the file into a scratch
  table with the file's columns, (b) COPY of the same rows resolved to ids into a copy of `evidence`
  with its keys, indexes and foreign key — the practical lower bound (P4 revised: ≤ 2×; median of
  three, as the bare COPY). `--small`
  rows first: peak RSS at two sizes shows whether memory is flat in the file size.
- `--people-rows N`: a file of N new people (all 13 columns: villages, families and clans of the
  database, Vietnamese names, optional cells partly empty) imported with `flask --app lms import
  people FILE`, against COPY of the same rows resolved to ids (folded names) into a copy of `person`
  with its keys, indexes and foreign keys (`bench.imports.PERSON_LIKE`), same run; `--small` rows
  first here too. The people are deleted afterwards.
- `--before DIR [--label TEXT] [--rounds K]`: every import also runs from DIR (a `git archive` of
  another commit, with its compiled translations), alternating with this tree K times, against the
  same COPY figures: a same-run before/after on a shared machine.
"""

import argparse
import json
import shlex
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from bench.generate import CODE_ROOT, ROOT, conninfo, database_name
from bench.imports import peak_rss_child, timed_copy
from bench.recompute import RESULTS, engine_version

PERIOD = 2026
DECISION = "BENCH/QĐ-UBND"
EVIDENCE_COLUMNS = "person_code,kind,ref,category,date,hours,level,points"
SCRATCH = (
    "CREATE TABLE bench_copy_evidence (person_code text, kind text, ref text, category text, date text,"
    " hours text, level text, points text)"
)
LIKE = (
    "CREATE TABLE bench_evidence_like (LIKE evidence INCLUDING ALL,"
    " FOREIGN KEY (person_id) REFERENCES person (id) ON DELETE CASCADE)"
)


def province(conn: psycopg.Connection) -> str:
    return conn.execute("SELECT code FROM area WHERE parent_id IS NULL ORDER BY id LIMIT 1").fetchone()[0]


def clean_awards(url: str) -> None:
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        conn.execute(
            "DELETE FROM audit_entry WHERE action = 'title.award' AND (after::jsonb ->> 'decision_no') = %s",
            (DECISION,),
        )
        conn.execute("DELETE FROM award WHERE decision_no = %s", (DECISION,))
        conn.execute("TRUNCATE dirty_subject")
        conn.execute("VACUUM ANALYZE award")
        conn.execute("CHECKPOINT")


def award_by_hand(url: str) -> tuple[float, int]:
    """The same decision as three INSERT … SELECT in one transaction, rolled back; return (seconds, rows)."""
    with psycopg.connect(conninfo(url)) as conn:
        root = conn.execute("SELECT path FROM area WHERE parent_id IS NULL ORDER BY id LIMIT 1").fetchone()[0]
        started = time.perf_counter()
        n = conn.execute(
            """
            WITH new AS (
                INSERT INTO award (person_id, period, decision_no, decision_date, awarded_by, awarded_at)
                SELECT p.id, %(p)s, %(d)s, DATE '2026-12-20', 'cli', now()
                FROM person p JOIN person_result r ON r.person_id = p.id AND r.period = %(p)s
                JOIN area v ON v.id = p.village_id
                WHERE r.eligible AND p.confirmed AND v.path LIKE %(root)s || '%%'
                  AND NOT EXISTS (SELECT 1 FROM award a WHERE a.person_id = p.id AND a.period = %(p)s
                                  AND a.revoked_at IS NULL)
                ORDER BY p.id
                RETURNING id, person_id
            ), audited AS (
                INSERT INTO audit_entry (at, actor, action, subject, area_id, after)
                SELECT now(), 'cli', 'title.award', 'person ' || person_id || ' 2026', 1,
                       json_build_object('award_id', id, 'decision_no', %(d)s, 'decision_date', '2026-12-20')
                FROM new
            ), marked AS (
                INSERT INTO dirty_subject (subject_kind, subject_id, period, seq, created_at)
                SELECT 'person', person_id, %(p)s, 1, now() FROM new
                ON CONFLICT (subject_kind, subject_id, period) DO UPDATE SET seq = dirty_subject.seq + 1
            )
            SELECT count(*) FROM new
            """,
            {"p": PERIOD, "d": DECISION, "root": root},
        ).fetchone()[0]
        seconds = time.perf_counter() - started
        conn.rollback()
    return seconds, n


def run_award(url: str, log) -> dict[str, object]:  # noqa: ANN001
    clean_awards(url)
    with psycopg.connect(conninfo(url)) as conn:
        code = province(conn)
        held = conn.execute("SELECT count(*) FROM award WHERE period = %s AND revoked_at IS NULL", (PERIOD,)).fetchone()
    by_hand, rows = award_by_hand(url)
    log(f"award by hand (3 INSERT … SELECT, rolled back): {rows:,} awards in {by_hand:.2f}s")
    clean_awards(url)
    args = ["award", "--period", str(PERIOD), "--area", code, "--all-eligible", "--decision", DECISION]
    child = peak_rss_child(url, *args, "--date", "2026-12-20")
    if child.returncode:
        raise SystemExit(f"award failed ({child.returncode}):\n{child.stderr[-3000:]}")
    start_up = peak_rss_child(url, "award", "--period", "1999", "--area", code, "--all-eligible", "--decision", "X")
    with psycopg.connect(conninfo(url)) as conn:
        written = conn.execute("SELECT count(*) FROM award WHERE decision_no = %s", (DECISION,)).fetchone()[0]
        audited = conn.execute(
            "SELECT count(*) FROM audit_entry WHERE action = 'title.award' AND (after::jsonb ->> 'decision_no') = %s",
            (DECISION,),
        ).fetchone()[0]
    log(
        f"flask award --area {code} --all-eligible: {child.stdout.strip()} in {child.seconds:.2f}s wall "
        f"(start-up {start_up.seconds:.2f}s), peak RSS {child.max_rss_mb:.0f} MB; awards {written:,}, audit rows "
        f"{audited:,}; ratio {child.seconds / by_hand:.2f} wall, {(child.seconds - start_up.seconds) / by_hand:.2f} net"
    )
    clean_awards(url)
    return {
        "area": code,
        "held": held[0],
        "rows": rows,
        "by_hand": by_hand,
        "child": child,
        "start_up": start_up.seconds,
        "written": written,
        "audited": audited,
    }


# ---- evidence import -------------------------------------------------------------------------------
def write_evidence(url: str, rows: int, path: Path) -> list[tuple[int, str]]:
    """Write `rows` new course completions of existing people; return (person_id, ref) in file order."""
    with psycopg.connect(conninfo(url)) as conn:
        people = conn.execute("SELECT id, code FROM person ORDER BY id").fetchall()
    resolved = []
    with path.open("w", encoding="utf-8") as out:
        out.write(EVIDENCE_COLUMNS + "\n")
        for i in range(rows):
            pid, code = people[(i * 7919) % len(people)]
            ref = f"BENCH-{i:08d}"
            out.write(f"{code},course,{ref},law,2026-06-{1 + i % 28:02d},2,,\n")
            resolved.append((pid, ref))
    return resolved


def clean_evidence(url: str) -> None:
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        conn.execute("DELETE FROM evidence WHERE ref LIKE 'BENCH-%'")
        conn.execute("DELETE FROM audit_entry WHERE action LIKE 'import%' AND actor = 'cli'")
        conn.execute("TRUNCATE dirty_subject")
        conn.execute("DROP TABLE IF EXISTS bench_copy_evidence")
        conn.execute("DROP TABLE IF EXISTS bench_evidence_like")
        conn.execute("VACUUM ANALYZE evidence")
        conn.execute("CHECKPOINT")


def copy_file(url: str, path: Path) -> float:
    """COPY of the CSV file as it is into a scratch table of text columns (no keys)."""

    def feed(cp: Any) -> None:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                cp.write(chunk)

    return timed_copy(url, "bench_copy_evidence", [SCRATCH], "FROM STDIN (FORMAT csv, HEADER true)", feed)


def copy_like(url: str, resolved: list[tuple[int, str]]) -> float:
    """COPY of the resolved rows into a copy of evidence with its keys (formatted before the clock)."""
    lines = "".join(
        f"{pid}\tcourse\t{ref}\tlaw\t2026-06-{1 + i % 28:02d}\t2\t\\N\t\\N\timport\t2026-12-01 00:00:00+00\n"
        for i, (pid, ref) in enumerate(resolved)
    ).encode()
    columns = "person_id, kind, ref, category, date, hours, level, points, source, created_at"

    def feed(cp: Any) -> None:
        for start in range(0, len(lines), 1 << 20):
            cp.write(lines[start : start + (1 << 20)])

    return timed_copy(url, "bench_evidence_like", [LIKE], f"({columns}) FROM STDIN", feed)


# the code the imports run from: this work tree, and (--before DIR) a copy of another commit, run
# alternately (--rounds) against the same COPY figures: a same-run before/after
CODES: dict[str, Any] = {"before": None, "label": "before", "rounds": 1}


def imports(url: str, kind: str, path: Path, empty: Path, clean: Any) -> list[tuple[str, Any, Any, Any]]:
    """Import the file (and a header-only file: start-up) from each code in turn; return (code label,
    child, report, start-up child) per import; the rows are deleted after each (`clean`)."""
    roots = [(f" — {CODES['label']}", Path(CODES["before"]).resolve())] if CODES["before"] else []
    roots.append((" — this tree" if roots else "", ROOT))
    runs = []
    for _ in range(CODES["rounds"]):
        for label, root in roots:
            CODE_ROOT["path"] = root
            with psycopg.connect(conninfo(url), autocommit=True) as conn:
                conn.execute("CHECKPOINT")
            child = peak_rss_child(url, "import", kind, str(path))
            if child.returncode:
                raise SystemExit(f"import failed ({child.returncode}):\n{child.stderr[-3000:]}")
            report = json.loads(child.stdout.strip().splitlines()[-1])
            runs.append((label, child, report, peak_rss_child(url, "import", kind, str(empty))))
            clean(url)
    CODE_ROOT["path"] = ROOT
    return runs


def measured(
    rows: int, code: str, size_mb: float, child: Any, net: float, report: dict[str, Any], like: float, **extra: float
) -> dict[str, object]:
    """One import's figures, as the RESULTS table reads them."""
    return {
        "rows": rows,
        "code": code,
        "mb": size_mb,
        "child": child,
        "net": net,
        "created": report["created"],
        "like": like,
        **extra,
    }


def run_evidence(url: str, sizes: list[int], log) -> list[dict[str, object]]:  # noqa: ANN001
    out = []
    folder = Path(tempfile.mkdtemp(prefix="bench-evidence-"))
    empty = folder / "empty.csv"
    empty.write_text(EVIDENCE_COLUMNS + "\n", encoding="utf-8")
    for rows in sizes:
        clean_evidence(url)
        path = folder / f"evidence-{rows}.csv"
        resolved = write_evidence(url, rows, path)
        size_mb = path.stat().st_size / (1 << 20)
        bare = statistics.median(copy_file(url, path) for _ in range(3))
        like = statistics.median(copy_like(url, resolved) for _ in range(3))  # one slow run on a shared machine
        del resolved
        for code, child, report, start_up in imports(url, "evidence", path, empty, clean_evidence):
            net = child.seconds - start_up.seconds
            log(
                f"evidence CSV {rows:,} rows ({size_mb:.1f} MB){code}: import {child.seconds:.2f}s wall, {net:.2f}s "
                f"net (created {report['created']:,}), peak RSS {child.max_rss_mb:.0f} MB; COPY bare {bare:.2f}s, "
                f"COPY into a copy of evidence with keys {like:.2f}s; ratio to the keyed COPY "
                f"{child.seconds / like:.2f} wall, {net / like:.2f} net"
            )
            out.append(measured(rows, code, size_mb, child, net, report, like, bare=bare))
        path.unlink()
    clean_evidence(url)
    return out


# ---- people import -------------------------------------------------------------------------------
PEOPLE_COLUMNS = (
    "person_code,full_name,birth_year,gender,village_code,family_code,clan_code,unit_code,is_official,"
    "khuyen_hoc_member,group,phone,email"
)
GIVEN = ("An", "Bình", "Chi", "Dũng", "Hà", "Hòa", "Khánh", "Lan", "Minh", "Ngọc", "Phúc", "Quỳnh", "Sơn", "Thảo")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
MIDDLE = ("Văn", "Thị", "Hữu", "Minh", "Đức", "Thu", "Ngọc", "")


def write_people(url: str, rows: int, path: Path) -> list[tuple[object, ...]]:
    """Write `rows` new people living in existing villages (a family of the village for 3 in 4, a clan of
    the commune's for 1 in 3); return the rows resolved to ids, as COPY into a copy of `person` takes them."""
    from lms.util import fold

    with psycopg.connect(conninfo(url)) as conn:
        villages = conn.execute("SELECT id, code, parent_id FROM area WHERE level = 'village' ORDER BY id").fetchall()
        families: dict[int, list[tuple[int, str]]] = {}
        for fid, code, village in conn.execute("SELECT id, code, village_id FROM family ORDER BY id"):
            families.setdefault(village, []).append((fid, code))
        clans = conn.execute("SELECT id, code FROM clan ORDER BY id").fetchall()
    resolved: list[tuple[object, ...]] = []
    with path.open("w", encoding="utf-8") as out:
        out.write(PEOPLE_COLUMNS + "\n")
        for i in range(rows):
            vid, vcode, _ = villages[i % len(villages)]
            fams = families.get(vid) or [(None, "")]
            fid, fcode = fams[(i // len(villages)) % len(fams)] if i % 4 else (None, "")
            cid, ccode = clans[(i * 31) % len(clans)] if i % 3 == 0 else (None, "")
            middle = MIDDLE[i % len(MIDDLE)]
            name = " ".join(p for p in (FAMILY[i % len(FAMILY)], middle, GIVEN[(i // 7) % len(GIVEN)]) if p)
            gender = "nữ" if middle == "Thị" or i % 2 else "nam"
            year = 1940 + i % 80
            member = i % 5 == 0
            phone = f"09{i % 100_000_000:08d}" if i % 2 == 0 else ""
            code = f"BENCH-P{i:08d}"
            out.write(f"{code},{name},{year},{gender},{vcode},{fcode},{ccode},,0,{int(member)},,{phone},\n")
            resolved.append(
                (code, name, fold(name), year, gender, vid, fid, cid, None, False, member, None, phone or None, None)
            )
    return resolved


def clean_people(url: str) -> None:
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        conn.execute("DELETE FROM kh_member WHERE person_id IN (SELECT id FROM person WHERE code LIKE 'BENCH-P%')")
        conn.execute("DELETE FROM person WHERE code LIKE 'BENCH-P%'")
        conn.execute("DELETE FROM audit_entry WHERE action LIKE 'import%' AND actor = 'cli'")
        conn.execute("TRUNCATE dirty_subject")
        conn.execute("DROP TABLE IF EXISTS bench_person_like")
        conn.execute("VACUUM ANALYZE person")
        # the roll too: its deleted rows, counted as none on pages still there, made the next import's
        # plan of the roll scan them for every member (before 2026-12-05's roll fix: 360 s at 250,000 rows)
        conn.execute("VACUUM ANALYZE kh_member")
        conn.execute("CHECKPOINT")


# the columns of the resolved people rows (write_people), in order
PERSON_COPY_COLUMNS = (
    "code, full_name, name_folded, birth_year, gender, village_id, family_id, clan_id, unit_id, is_official, "
    'khuyen_hoc_member, "group", phone, email'
)


def copy_people_like(url: str, resolved: list[tuple[object, ...]]) -> float:
    """COPY of the resolved people into a copy of `person` with its keys and foreign keys."""
    from bench.imports import PERSON_LIKE

    def feed(cp: Any) -> None:
        for row in resolved:
            cp.write_row(row)

    return timed_copy(url, "bench_person_like", list(PERSON_LIKE), f"({PERSON_COPY_COLUMNS}) FROM STDIN", feed)


def copy_into_person(url: str, resolved: list[tuple[object, ...]]) -> float:
    """COPY of the resolved people into `person` itself, then removed: a keyed COPY where the import
    writes (at 5,000,000 people the indexes of the full table, not those of an empty copy)."""
    with psycopg.connect(conninfo(url)) as conn:
        conn.execute("CHECKPOINT")
        started = time.perf_counter()
        with conn.cursor() as cur, cur.copy(f"COPY person ({PERSON_COPY_COLUMNS}) FROM STDIN") as cp:
            for row in resolved:
                cp.write_row(row)
        conn.commit()
        seconds = time.perf_counter() - started
    clean_people(url)
    return seconds


def run_people(url: str, sizes: list[int], log) -> list[dict[str, object]]:  # noqa: ANN001
    out = []
    folder = Path(tempfile.mkdtemp(prefix="bench-people-"))
    empty = folder / "empty.csv"
    empty.write_text(PEOPLE_COLUMNS + "\n", encoding="utf-8")
    for rows in sizes:
        clean_people(url)
        path = folder / f"people-{rows}.csv"
        resolved = write_people(url, rows, path)
        size_mb = path.stat().st_size / (1 << 20)
        like = copy_people_like(url, resolved)
        into = copy_into_person(url, resolved)
        del resolved
        for code, child, report, start_up in imports(url, "people", path, empty, clean_people):
            net = child.seconds - start_up.seconds
            log(
                f"people CSV {rows:,} rows ({size_mb:.1f} MB){code}: import {child.seconds:.2f}s wall, {net:.2f}s net "
                f"(created {report['created']:,}), peak RSS {child.max_rss_mb:.0f} MB; COPY into a copy of person "
                f"with keys {like:.2f}s; ratio {child.seconds / like:.2f} wall, {net / like:.2f} net; COPY into "
                f"person itself {into:.2f}s; ratio {child.seconds / into:.2f} wall, {net / into:.2f} net"
            )
            out.append(measured(rows, code, size_mb, child, net, report, like, into=into))
        path.unlink()
    clean_people(url)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--award", action="store_true")
    parser.add_argument("--evidence-rows", type=int, default=0)
    parser.add_argument("--people-rows", type=int, default=0)
    parser.add_argument("--small", type=int, default=0, help="a smaller file first (peak memory)")
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--before", help="also import from this copy of the platform (a `git archive` of a commit)")
    parser.add_argument("--label", default="before", help="what --before holds, for the record")
    parser.add_argument("--rounds", type=int, default=1, help="imports per code, alternating")
    args = parser.parse_args(argv)
    CODES.update(before=args.before, label=args.label, rounds=args.rounds)
    if not database_name(args.database_url).startswith("bench_"):
        raise SystemExit("benchmark databases are named bench_*")
    command = "python -m bench.bulk " + shlex.join(argv if argv is not None else sys.argv[1:])
    print(f"$ {command}", flush=True)
    url = args.database_url
    with psycopg.connect(conninfo(url)) as conn:
        people = conn.execute("SELECT count(*) FROM person").fetchone()[0]
        eligible = conn.execute(
            "SELECT count(*) FILTER (WHERE eligible) FROM person_result WHERE period = %s", (PERIOD,)
        ).fetchone()[0]
    print(f"{people:,} people, {eligible:,} eligible in {PERIOD}", flush=True)
    award = run_award(url, print) if args.award else None
    sizes = [s for s in (args.small, args.evidence_rows) if s]
    evidence = run_evidence(url, sizes, print) if args.evidence_rows else []
    people_sizes = [s for s in (args.small, args.people_rows) if s]
    imported = run_people(url, people_sizes, print) if args.people_rows else []
    if not args.no_record:
        record(command, people, eligible, award, evidence, imported)


def record(
    command: str,
    people: int,
    eligible: int,
    award: dict[str, object] | None,
    evidence: list[dict[str, object]],
    imported: list[dict[str, object]] | None = None,
) -> None:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [f"\n### Bulk work, {people:,} citizens — {now}\n", f"`{command}`\n", f"Platform: {engine_version()}.\n"]
    if award is not None:
        child = award["child"]
        out += [
            "| `award --all-eligible` of the province | awards | wall s | net s | by hand s (3 INSERT … SELECT) "
            "| ratio wall (net) | peak RSS MB |",
            "|---|---|---|---|---|---|---|",
            f"| {award['area']} ({eligible:,} eligible, {award['held']:,} already holding the title) "
            f"| {award['written']:,} (audit rows {award['audited']:,}) | {child.seconds:.2f} "  # type: ignore[attr-defined]
            f"| {child.seconds - award['start_up']:.2f} | {award['by_hand']:.2f} "  # type: ignore[attr-defined,operator]
            f"| {child.seconds / award['by_hand']:.2f} ({(child.seconds - award['start_up']) / award['by_hand']:.2f}) "  # type: ignore[attr-defined,operator]
            f"| {child.max_rss_mb:.0f} |\n",  # type: ignore[attr-defined]
        ]
    if evidence:
        out += [
            "| evidence CSV through `flask import evidence` | MB | wall s | net s | COPY bare s | COPY keyed s "
            "| wall / keyed COPY (P4 ≤ 2) | net / keyed COPY | peak RSS MB |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for e in evidence:
            child = e["child"]
            out.append(
                f"| {e['rows']:,} rows (created {e['created']:,}){e['code']} | {e['mb']:.1f} | {child.seconds:.2f} "  # type: ignore[attr-defined]
                f"| {e['net']:.2f} | {e['bare']:.2f} | {e['like']:.2f} | **{child.seconds / e['like']:.2f}** "  # type: ignore[attr-defined,operator]
                f"| {e['net'] / e['like']:.2f} | {child.max_rss_mb:.0f} |"  # type: ignore[attr-defined,operator]
            )
    if imported:
        out += [
            "",
            "| people CSV through `flask import people` | MB | wall s | net s | COPY keyed s "
            "| wall / keyed COPY | net / keyed COPY | COPY into `person` itself s | wall (net) / that | peak RSS MB |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for e in imported:
            child = e["child"]
            into = e.get("into") or float("nan")
            out.append(
                f"| {e['rows']:,} rows (created {e['created']:,}){e['code']} | {e['mb']:.1f} | {child.seconds:.2f} "  # type: ignore[attr-defined]
                f"| {e['net']:.2f} | {e['like']:.2f} | **{child.seconds / e['like']:.2f}** "  # type: ignore[attr-defined,operator]
                f"| {e['net'] / e['like']:.2f} | {into:.2f} | **{child.seconds / into:.2f}** "  # type: ignore[attr-defined,operator]
                f"({e['net'] / into:.2f}) | {child.max_rss_mb:.0f} |"  # type: ignore[operator]
            )
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
