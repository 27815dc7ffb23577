"""Erasure of a person at their request (right to erasure, Law 91/2025/QH15).

The name, phone, email, person code, account, uploaded files and free text of the person are removed
or irreversibly replaced everywhere they are held: what stays is an anonymous record (birth year,
gender, village, family/clan/unit links, evidence, results, awards) so that earlier years' figures do
not change. Every table that holds personal data is declared once, in ERASURE below, as
(table, columns, how): `erase_person` walks that list. A new table holding personal data adds one line.

The hows:
- ``anonymise`` the person row itself: a random pseudonymous code, a placeholder name, no contacts;
- ``delete``    the person's rows go (their account: consents and recovery codes go with it);
- ``blank``     text columns of the person's rows become empty;
- ``null``      columns of the person's rows become NULL;
- ``files``     the first column names a stored upload (its SHA-256), the others describe it: all NULL,
                and the stored file is removed unless another row still names it;
- ``scrub``     every row of the table (or the person's, when `link` is given) has the person's name,
                folded name, phone, email, logins and old code replaced by the pseudonym, inside text
                and JSON alike (audit details, import errors, stored API answers…).

Import staging tables are TEMPORARY (dropped with their transaction: lms.imports.staging), so nothing of
an import persists but its job row (scrubbed) and its stored file. Outside the database: stored import
files that hold the person are removed (a file whose import is still running stops the erasure with a
message: retry when it ended), and the page cache is cleared.
The erasure itself is audited under the pseudonym with who asked and why (the reason scrubbed too),
never the name; the person and their groups are recomputed for the current year.
"""

import csv
import io
import json
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app

from lms.audit.services import audit
from lms.extensions import db
from lms.people.models import Person
from lms.util import fold, utcnow

ERASED_NAME = "(đã xóa)"
PSEUDONYM_PREFIX = "XOA-"
MIN_IDENTIFIER = 3  # shorter texts are not searched for (they would match everywhere)


@dataclass(frozen=True)
class Target:
    """One table holding personal data: which columns, how they are erased, and the column naming the
    person (None: every row is searched for the person's identifiers)."""

    table: str
    columns: tuple[str, ...]
    how: str
    link: str | None = "person_id"


# Every table holding personal data, walked in this order. Tables of other features join with one line:
# Target("announcement", ("body",), "scrub", None), Target("association_member", ("role",), "delete")…
ERASURE: list[Target] = [
    Target("user_account", ("login", "display_name", "password_hash", "totp_secret"), "delete"),
    Target("correction_request", ("value", "note", "answer"), "delete"),
    Target("declaration", ("file_sha256", "file_size", "file_kind", "file_name"), "files"),
    Target("declaration", ("text", "reason"), "blank"),
    Target("learning_plan", ("goals",), "blank"),
    Target("enrolment", ("certificate_code",), "null"),  # the printed certificate no longer verifies
    Target("award", ("revoke_reason",), "null"),
    Target("declaration", ("reason",), "scrub", None),  # others' declarations may name the person
    Target("award", ("revoke_reason",), "scrub", None),
    Target("group_confirmation", ("revoke_reason",), "scrub", None),
    Target("family", ("name",), "scrub", None),  # a household named after its head
    Target("audit_entry", ("actor", "subject", "before", "after"), "scrub", None),
    Target("import_job", ("filename", "errors", "summary", "message"), "scrub", None),
    Target("api_idempotency", ("body",), "scrub", None),
    Target("api_token_use", ("subject",), "scrub", None),
    Target("failed_batch", ("error",), "scrub", None),
    Target("drift_report", ("details",), "scrub", None),
    Target("recompute_job", ("error",), "scrub", None),
    Target("decision", ("revoke_reason",), "scrub", None),
    Target("announcement", ("title", "body"), "scrub", None),
    Target("contribution", ("contributor", "purpose"), "scrub", None),  # a person may give in their own name
    Target("person", ("code", "full_name", "name_folded", "phone", "email"), "anonymise", "id"),
]


# Tables linked to a person (person_id) that hold no name, contact or free text: they stay with the
# anonymous record (earlier years' figures are computed from them). A table linked to a person must be
# in ERASURE or here (tests/privacy/test_erasure.py checks it), so a new one is never forgotten.
KEPT_ANONYMOUS = (
    "evidence",
    "person_result",
    "session_registration",
    "session_attendance",
    "announcement_read",  # which announcements the person has seen (the reach figures)
    "kh_member",  # membership of the Khuyến học roll (I1's denominator of earlier years)
)


class ErasureError(ValueError):
    """The erasure cannot be done now; the message (translated) says why. Nothing was changed."""


@dataclass
class ErasureReport:
    """What an erasure did: the pseudonym, rows changed per table, files to remove after the commit."""

    pseudonym: str
    rows: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    hashes: set[str] = field(default_factory=set)  # detached uploads, removed unless another row names them


# ---- the person's identifiers -------------------------------------------------------------------------
def identifiers(person: Person) -> list[str]:
    """Return the texts that identify the person: name, folded name, phone, email, logins, code."""
    from lms.auth.models import User

    logins = db.session.scalars(sa.select(User.login).where(User.person_id == person.id))
    found = {person.full_name, person.name_folded, fold(person.full_name), person.phone, person.email, person.code}
    found.update(logins)
    return sorted({v.strip() for v in found if v and len(v.strip()) >= MIN_IDENTIFIER}, key=lambda v: (-len(v), v))


def _pattern(values: list[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(v) for v in values)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _replace(value: Any, pattern: re.Pattern[str], pseudonym: str) -> Any:
    """Return the value with every identifier replaced, inside strings, lists and dicts (keys too)."""
    if isinstance(value, str):
        return pattern.sub(pseudonym, value)
    if isinstance(value, list):
        return [_replace(v, pattern, pseudonym) for v in value]
    if isinstance(value, dict):
        return {_replace(k, pattern, pseudonym): _replace(v, pattern, pseudonym) for k, v in value.items()}
    return value


def _count(result: Any) -> int:
    """Return the rows an UPDATE or DELETE touched."""
    return int(getattr(result, "rowcount", 0) or 0)


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# ---- the hows ---------------------------------------------------------------------------------------
def _linked(table: sa.Table, target: Target, person: Person) -> sa.ColumnElement[bool]:
    assert target.link is not None
    return table.c[target.link] == person.id


def _scrub(table: sa.Table, target: Target, person: Person, values: list[str], pseudonym: str) -> int:
    """Replace the identifiers in the columns of every row that holds one (found by LIKE on the text,
    JSON included in its stored form: escaped unicode too), rewritten row by row."""
    pattern = _pattern(values)
    searched = {v for value in values for v in (value, json.dumps(value)[1:-1])}
    texts = [sa.cast(table.c[name], sa.Text) for name in target.columns]
    holds = sa.or_(*(text.ilike(_like(v), escape="\\") for text in texts for v in sorted(searched)))
    condition = sa.and_(holds, _linked(table, target, person)) if target.link else holds
    keys = list(table.primary_key.columns)
    changed = 0
    rows = db.session.execute(sa.select(*keys, *(table.c[n] for n in target.columns)).where(condition)).all()
    for row in rows:
        key, old = row[: len(keys)], row[len(keys) :]
        new = {n: _replace(v, pattern, pseudonym) for n, v in zip(target.columns, old, strict=True)}
        new = {n: v for (n, v), before in zip(new.items(), old, strict=True) if v != before}
        if new:
            where = sa.and_(*(k == v for k, v in zip(keys, key, strict=True)))
            db.session.execute(table.update().where(where).values(**new))
            changed += 1
    return changed


def _files(table: sa.Table, target: Target, person: Person, report: ErasureReport) -> int:
    """Detach the person's stored uploads; remember their hashes (removed after the commit if unnamed)."""
    sha_column = table.c[target.columns[0]]
    hashes = set(
        db.session.scalars(sa.select(sha_column).where(_linked(table, target, person), sha_column.is_not(None)))
    )
    result = db.session.execute(
        table.update()
        .where(_linked(table, target, person), sha_column.is_not(None))
        .values(**dict.fromkeys(target.columns))
    )
    report.hashes |= hashes
    return _count(result)


def _anonymise(person: Person, pseudonym: str) -> int:
    db.session.execute(
        sa.update(Person)
        .where(Person.id == person.id)
        .values(
            code=pseudonym,
            full_name=ERASED_NAME,
            name_folded=fold(ERASED_NAME),
            phone=None,
            email=None,
            erased_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    return 1


def _apply(target: Target, person: Person, values: list[str], report: ErasureReport) -> int:
    table = db.metadata.tables[target.table]
    if target.how == "anonymise":
        return _anonymise(person, report.pseudonym)
    if target.how == "scrub":
        return _scrub(table, target, person, values, report.pseudonym)
    if target.how == "files":
        return _files(table, target, person, report)
    if target.how == "delete":
        return _count(db.session.execute(table.delete().where(_linked(table, target, person))))
    if target.how in ("blank", "null"):
        value = "" if target.how == "blank" else None
        result = db.session.execute(
            table.update().where(_linked(table, target, person)).values(**dict.fromkeys(target.columns, value))
        )
        return _count(result)
    raise ValueError(f"unknown erasure how: {target.how}")


# ---- files outside the database -----------------------------------------------------------------------
def _file_text(path: Path) -> str:
    """Return the text of a stored import file (CSV as text, XLSX cell by cell), lower case."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - unreadable: searched as raw bytes below
            return path.read_bytes().decode("utf-8", "replace").lower()
        try:
            out = io.StringIO()
            for sheet in book.worksheets:
                for row in sheet.iter_rows(values_only=True):
                    csv.writer(out).writerow(["" if v is None else str(v) for v in row])
            return out.getvalue().lower()
        finally:
            book.close()
    return path.read_bytes().decode("utf-8-sig", "replace").lower()


def import_files_holding(values: Iterable[str]) -> list[Path]:
    """Return the stored import files whose content holds any of the texts."""
    from lms.retention.services import upload_root

    folder = upload_root() / "imports"
    if not folder.is_dir():
        return []
    wanted = [v.lower() for v in values]
    return [p for p in sorted(folder.iterdir()) if p.is_file() and any(w in _file_text(p) for w in wanted)]


def _import_files(values: list[str], report: ErasureReport) -> None:
    """Remove the import files that hold the person: a checked import waiting for confirmation is
    cancelled; one queued or running stops the erasure (retry when it ended)."""
    from flask_babel import gettext as _

    from lms.imports.models import ImportJob

    for path in import_files_holding(values):
        job = db.session.scalar(sa.select(ImportJob).where(ImportJob.path == str(path)))
        if job is not None and job.status in ("checking", "queued", "importing"):
            raise ErasureError(
                _(
                    "Tệp nhập số %(id)d đang chạy và có dữ liệu của người này: hãy xóa lại khi việc nhập xong.",
                    id=job.id,
                )
            )
        if job is not None and job.status == "checked":
            job.status, job.finished_at, job.message = "cancelled", utcnow(), "cancelled: a person in it was erased"
        report.files.append(path)


def _unreferenced_files(report: ErasureReport) -> None:
    """Turn the detached upload hashes into paths of stored files no row names any more."""
    from lms.retention.services import upload_columns
    from lms.uploads.services import path_of

    for sha in sorted(report.hashes):
        named = any(
            db.session.scalar(sa.select(sa.literal(1)).where(column == sha).limit(1)) for column in upload_columns()
        )
        if not named:
            report.files.append(path_of(sha))


# ---- the service ------------------------------------------------------------------------------------------
def new_pseudonym() -> str:
    """Return a random pseudonymous code for an erased person (no link to the old code is kept)."""
    return PSEUDONYM_PREFIX + secrets.token_hex(5).upper()


def erase_person(person: Person, *, actor: str, reason: str) -> ErasureReport:
    """Erase a person in the caller's transaction (see the module); commit, then `finish_erasure`."""
    from flask_babel import gettext as _

    from lms.recompute.services import mark_dirty
    from lms.web import current_period

    if person.erased_at is not None:
        raise ErasureError(_("Dữ liệu của người này đã được xóa trước đây."))
    reason = (reason or "").strip()
    if not reason:
        raise ErasureError(_("Hãy ghi lý do xóa (ví dụ: yêu cầu của người dân ngày …)."))
    from lms.auth.models import User

    staff = sa.select(User.id).where(User.person_id == person.id, User.role != "citizen")
    if db.session.scalar(staff) is not None:
        raise ErasureError(_("Người này có tài khoản cán bộ: hãy khóa và đổi tài khoản đó trước khi xóa."))
    values = identifiers(person)
    report = ErasureReport(pseudonym=new_pseudonym())
    _import_files(values, report)
    for target in ERASURE:
        count = _apply(target, person, values, report)
        if count:
            report.rows[target.table] = report.rows.get(target.table, 0) + count
    db.session.flush()
    _unreferenced_files(report)
    period = current_period()
    mark_dirty("person", [person.id], period)
    for kind, value in (
        ("family", person.family_id),
        ("clan", person.clan_id),
        ("unit", person.unit_id),
        ("village", person.village_id),
    ):
        if value is not None:
            mark_dirty(kind, [value], period)
    audit(
        actor,
        "person.erase",
        f"person {report.pseudonym}",
        area_id=person.village_id,
        after={"reason": _replace(reason, _pattern(values), report.pseudonym), "rows": report.rows},
    )
    db.session.flush()
    db.session.expire(person)
    return report


def finish_erasure(report: ErasureReport) -> None:
    """After the commit: remove the files and forget every cached page."""
    from lms.pagecache import forget_all_pages

    for path in report.files:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass
    forget_all_pages()
    current_app.logger.info("erasure done: %s", report.pseudonym)
