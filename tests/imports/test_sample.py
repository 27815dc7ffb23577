"""The shared sample district (../shared/data/sample) imports cleanly, and a second import changes nothing."""

import csv
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.extensions import db
from tests.conftest import SHARED

SAMPLE = SHARED / "data" / "sample"
KINDS = {
    "areas": "area",
    "units": "unit",
    "families": "family",
    "clans": "clan",
    "people": "person",
    "evidence": "evidence",
    "group-scores": "group_entry",
}

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="../shared/data/sample is not beside this checkout")


def data_rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return sum(1 for row in csv.reader(f) if any(row)) - 1


def import_all(run_import) -> dict[str, tuple[int, int, int]]:  # type: ignore[no-untyped-def]
    found = {}
    for kind in KINDS:
        report = run_import(kind, (SAMPLE / f"{kind}.csv").read_bytes(), filename=f"{kind}.csv")
        assert report.ok, (kind, report.errors[:5])
        found[kind] = (report.created, report.updated, report.unchanged)
    db.session.commit()
    return found


def test_sample_dataset_imports_and_reimports_unchanged(default_framework, run_import):
    first = import_all(run_import)
    for kind, table in KINDS.items():
        expected = data_rows(SAMPLE / f"{kind}.csv")
        assert first[kind] == (expected, 0, 0), kind
        assert db.session.scalar(sa.text(f"SELECT count(*) FROM {table}")) == expected, kind  # noqa: S608
    second = import_all(run_import)
    assert all(created == updated == 0 for created, updated, _ in second.values()), second
