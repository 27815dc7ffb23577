"""The shared sample district through the CLI: ../shared/tools/check_sample.py must print 7/7."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import postgres_url, scratch_database

ROOT = Path(__file__).resolve().parent.parent
CHECK = ROOT.parent / "shared" / "tools" / "check_sample.py"
FLASK = Path(sys.executable).parent / "flask"


def run_check(extra: list[str]) -> str:
    env = dict(os.environ, FLASK=str(FLASK))
    done = subprocess.run(
        [sys.executable, str(CHECK), *extra], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    return done.stdout + done.stderr


@pytest.mark.skipif(not CHECK.exists(), reason="../shared/tools/check_sample.py is not beside this checkout")
def test_sample_district_matches_on_sqlite():
    out = run_check([])
    assert "7/7 areas match" in out, out[-3000:]


@pytest.mark.skipif(not CHECK.exists(), reason="../shared/tools/check_sample.py is not beside this checkout")
def test_sample_district_matches_on_postgresql():
    url = postgres_url()
    if url is None:
        pytest.skip("PostgreSQL not reachable (always run in CI)")
    scratch = scratch_database(url, "sample_check")
    out = run_check(["--database-url", scratch])
    assert "7/7 areas match" in out, out[-3000:]
