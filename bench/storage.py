"""Storage of item scores (issue #10): the person step of bench/baseline.sql writing ten keyed item
rows per person (A, the engine's former storage), the same results with the items as one array
column (B) or one jsonb column (D, the storage chosen) of a keyed person_result, and the floor's
person step (C). Same statement otherwise; each timed alone, committed, after a CHECKPOINT.

    python -m bench.storage postgresql://postgres@127.0.0.1:5432/bench_scale_200k [ROUNDS]

Needs a database after `bench.recompute` (its bl_* and fl_* tables); leaves no table behind.
"""

import sys
import time

import psycopg

from bench.recompute import baseline_sections

url = sys.argv[1].replace("postgresql+psycopg://", "postgresql://", 1)
bl = dict(baseline_sections()[1])
fl = dict(baseline_sections("floor.sql")[1])
A = bl["persons (items, totals, eligibility, predicates)"]
C = fl["persons (totals, eligibility, the predicates groups and indicators read)"]
k = A.index("), results AS (")
B = (
    A[:k].replace("), scored AS MATERIALIZED (", "), scored AS (")
    + """)
INSERT INTO exp_person_result
    (person_id, period, audience, total, threshold, eligible, learned, has_plan, digital_level, studied_criteria, items)
SELECT id, 2026, audience, total, threshold, total >= threshold AND all_items,
       learned, has_plan, digital_level, studied,
       ARRAY[t11, t12, t13, t14, t21, t22, t23, t24, t31, t32]::numeric(8,2)[]
FROM scored"""
)
D = B.replace("exp_person_result", "exp_person_result_j").replace(
    "ARRAY[t11, t12, t13, t14, t21, t22, t23, t24, t31, t32]::numeric(8,2)[]",
    "jsonb_build_object('T1.1', t11::numeric(8,2), 'T1.2', t12::numeric(8,2), 'T1.3', t13::numeric(8,2),"
    " 'T1.4', t14::numeric(8,2), 'T2.1', t21::numeric(8,2), 'T2.2', t22::numeric(8,2), 'T2.3', t23::numeric(8,2),"
    " 'T2.4', t24::numeric(8,2), 'T3.1', t31::numeric(8,2), 'T3.2', t32::numeric(8,2))",
)
with psycopg.connect(url, autocommit=True) as c:
    c.execute("DROP TABLE IF EXISTS exp_person_result")
    c.execute(
        "CREATE TABLE exp_person_result (LIKE person_result INCLUDING ALL,"
        " FOREIGN KEY (person_id) REFERENCES person (id) ON DELETE CASCADE)"
    )  # person_result.items is jsonb: here an array
    c.execute("ALTER TABLE exp_person_result ALTER COLUMN items TYPE numeric(8,2)[] USING NULL")
    c.execute("DROP TABLE IF EXISTS exp_person_result_j")
    c.execute(
        "CREATE TABLE exp_person_result_j (LIKE person_result INCLUDING ALL,"
        " FOREIGN KEY (person_id) REFERENCES person (id) ON DELETE CASCADE)"
    )
    c.execute("SELECT count(*) FROM evidence")  # warm


def run(name: str, clear: list[str], sql: str) -> float:
    with psycopg.connect(url) as c:
        for s in clear:
            c.execute(s)
        c.commit()
        c.execute("CHECKPOINT")
        t = time.perf_counter()
        c.execute(sql)
        c.commit()
        return time.perf_counter() - t


res: dict[str, list[float]] = {
    "A item rows + keys": [],
    "B one array column + keys": [],
    "D one jsonb column + keys": [],
    "C floor": [],
}
for r in range(int(sys.argv[2]) if len(sys.argv) > 2 else 2):
    res["A item rows + keys"].append(
        run("A", ["TRUNCATE bl_person_item_score", "TRUNCATE bl_person_result CASCADE"], A)
    )
    res["B one array column + keys"].append(run("B", ["TRUNCATE exp_person_result"], B))
    res["D one jsonb column + keys"].append(run("D", ["TRUNCATE exp_person_result_j"], D))
    res["C floor"].append(run("C", ["TRUNCATE fl_person"], C))
    print(r, {k: round(v[-1], 2) for k, v in res.items()}, flush=True)
with psycopg.connect(url, autocommit=True) as c:
    sizes = c.execute(
        "SELECT pg_size_pretty(pg_total_relation_size('bl_person_item_score')),"
        " pg_size_pretty(pg_total_relation_size('bl_person_result')),"
        " pg_size_pretty(pg_total_relation_size('exp_person_result')),"
        " pg_size_pretty(pg_total_relation_size('exp_person_result_j')),"
        " pg_size_pretty(pg_total_relation_size('fl_person'))"
    ).fetchone()
    print("sizes: A item rows", sizes[0], "+ results", sizes[1], "| B", sizes[2], "| D", sizes[3], "| C", sizes[4])
    c.execute("DROP TABLE exp_person_result")
    c.execute("DROP TABLE exp_person_result_j")
