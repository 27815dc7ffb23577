"""Step size of a full recompute against the floor (issue #10): `python -m bench.steps 25000 200000 …`.

For each RECOMPUTE_STEP_PEOPLE given: bench/floor.sql, then `flask --app lms recompute --period 2026
--inline` with that setting, on bench_scale_200k (a database after bench.recompute); prints the ratios.
"""

import os
import sys

import psycopg

from bench.recompute import flask_child, job_seconds, run_baseline, settle

URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_scale_200k"


def main() -> None:
    for step in sys.argv[1:] or ["25000", "200000"]:
        os.environ["RECOMPUTE_STEP_PEOPLE"] = step
        settle(URL)
        fl, _ = run_baseline(URL, "floor.sql")
        settle(URL)
        child = flask_child(URL, "recompute", "--period", "2026", "--inline")
        with psycopg.connect(URL.replace("+psycopg", "")) as conn:
            ip = job_seconds(conn) or 0.0
        print(
            f"RECOMPUTE_STEP_PEOPLE={step}: floor {fl:.2f}s, engine {child.seconds:.2f}s wall ({ip:.2f}s in-process), "
            f"ratio {child.seconds / fl:.2f} ({ip / fl:.2f}); {child.stdout.strip()}; "
            f"peak RSS {child.max_rss_mb:.0f} MB",
            flush=True,
        )


if __name__ == "__main__":
    main()
