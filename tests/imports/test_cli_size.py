"""The web's upload limit (IMPORT_MAX_BYTES) binds uploads, not the operator's command line (issue #10)."""

import io
import json

import sqlalchemy as sa

from lms.extensions import db
from lms.people.models import Person

ROWS = 300


def people_file(tmp_path, village_code: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "people.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("person_code,full_name,birth_year,gender,village_code\n")
        for i in range(ROWS):
            out.write(f"CLI{i:05d},Người Thứ {i},1990,nữ,{village_code}\n")
    return path


def test_the_cli_imports_a_file_larger_than_the_web_limit(app, runner, tree, tmp_path):
    from lms.imports.services import run_import

    path = people_file(tmp_path, "A1")
    app.config["IMPORT_MAX_BYTES"] = 2048  # lowered for the test; the file is ~ 12 KB
    assert path.stat().st_size > 4 * app.config["IMPORT_MAX_BYTES"]
    web = run_import("people", io.BytesIO(path.read_bytes()), "people.csv", actor="web")
    assert not web.ok and "Tệp quá lớn" in web.errors[0].message
    db.session.rollback()
    result = runner.invoke(args=["import", "people", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["created"] == ROWS
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == ROWS


def test_a_stream_that_cannot_seek_is_read_whole_without_a_limit(app, tree, tmp_path):
    from lms.imports.parsers import read_table

    path = people_file(tmp_path, "A1")

    class Pipe(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self.inner = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def seekable(self) -> bool:
            return False

        def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
            data = self.inner.read(len(buffer))
            buffer[: len(data)] = data
            return len(data)

    with read_table(Pipe(path.read_bytes()), "people.csv", max_bytes=None, max_unzipped=None) as table:
        assert table.header[0] == "person_code"
        assert sum(1 for _ in table.rows) == ROWS


def test_the_course_lookup_cache_starts_over_and_stays_right(app, tree, make_person, run_import, monkeypatch):
    """Memory flat in the file size: the catalogue cache is bounded like the code caches; starting over
    changes no result."""
    from lms.evidence.models import Evidence
    from lms.imports import importers, services

    monkeypatch.setattr(importers, "CACHE_LIMIT", 4)
    monkeypatch.setattr(services, "CHUNK_ROWS", 3)
    asked: list[set[str]] = []

    def lookup(codes: set[str]) -> dict[str, dict[str, object]]:
        asked.append(set(codes))
        return {c: {"category": "law", "hours": 2, "level": None} for c in codes}

    app.extensions["course_lookup"] = lookup
    make_person(tree["A1"], code="P1")
    rows = "".join(f"P1,course,KH-{i:02d},2026-03-{1 + i:02d}\n" for i in range(12))
    report = run_import("evidence", "person_code,kind,ref,date\n" + rows)
    assert report.ok, report.errors
    assert sum(len(a) for a in asked) == 12 and len(asked) >= 3  # looked up chunk by chunk
    categories = db.session.scalars(sa.select(Evidence.category).where(Evidence.person_id.is_not(None))).all()
    assert categories == ["law"] * 12
