"""Helpers for the import tests: run an import from text or bytes, count what the tables hold."""

import io

import pytest
import sqlalchemy as sa

from lms.extensions import db


def table_counts() -> dict[str, int]:
    """Return the row count of every table an import writes (and the audit log)."""
    names = ("area", "unit", "family", "clan", "person", "evidence", "group_entry", "dirty_subject", "audit_entry")
    return {n: db.session.scalar(sa.text(f"SELECT count(*) FROM {n}")) for n in names}  # noqa: S608


@pytest.fixture
def run_import(app):  # type: ignore[no-untyped-def]
    """run_import(kind, text_or_bytes, filename=..., dry_run=False) -> ImportReport (flushed, not committed)."""
    from lms.imports.services import run_import as service

    def run(kind: str, content: str | bytes, filename: str | None = None, dry_run: bool = False):  # type: ignore[no-untyped-def]
        data = content.encode("utf-8") if isinstance(content, str) else content
        return service(kind, io.BytesIO(data), filename or f"{kind}.csv", actor="test", dry_run=dry_run)

    return run
