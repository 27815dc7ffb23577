"""Retention: data kept only as long as it serves, one rule per kind, run daily by beat.

Each rule finds what has outlived its setting (a number of days), makes its database changes in the
caller's transaction and names the files to remove; `run_rules` commits once and only then removes
the files (a crash in between leaves files that the next run finds again, never a row pointing at a
missing file). A dry run makes the same changes, reports them and rolls them back.

To add a rule: write `def rule(cutoff, now) -> Outcome`,
give it a setting of days in config.py, and append a `Rule` to RULES.
"""

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app

from lms.extensions import db
from lms.util import utcnow

ACTOR = "retention"


@dataclass
class Outcome:
    """What a rule found: how many items (rows or files), their size, and the files to remove."""

    items: int = 0
    bytes: int = 0
    files: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class Rule:
    """One kind of data kept only so long: its name, group, the setting of its days and its function."""

    name: str
    group: str
    setting: str
    description: str
    find: Callable[[datetime, datetime], Outcome]  # (cutoff, now) -> what to remove


@dataclass(frozen=True)
class Result:
    """A rule's outcome as reported: name, days, items, bytes, files removed."""

    rule: str
    days: int
    items: int
    bytes: int
    files: int


def upload_root() -> Path:
    """Return the configured upload directory."""
    configured = current_app.config.get("UPLOAD_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "uploads"


def _older_than(path: Path, cutoff: datetime) -> bool:
    try:
        return path.stat().st_mtime < cutoff.timestamp()
    except OSError:
        return False


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


# ---- the upload rules -----------------------------------------------------------------------------
def rejected_declaration_files(cutoff: datetime, now: datetime) -> Outcome:
    """Detach the file of a declaration rejected before the cutoff (the unreferenced-upload rule removes it)."""
    from lms.declarations.models import Declaration

    stale = sa.and_(
        Declaration.status == "rejected", Declaration.decided_at < cutoff, Declaration.file_sha256.is_not(None)
    )
    found = db.session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Declaration.file_size), 0)).where(stale)
    ).one()
    if found[0]:
        db.session.execute(
            sa.update(Declaration)
            .where(stale)
            .values(file_sha256=None, file_size=None, file_kind=None, file_name=None)
            .execution_options(synchronize_session=False)
        )
    return Outcome(items=found[0], bytes=int(found[1] or 0))


def import_files(cutoff: datetime, now: datetime) -> Outcome:
    """Remove import files no job needs any more; a file checked but never confirmed expires (job cancelled)."""
    from lms.imports.models import ImportJob

    expired = sa.and_(ImportJob.status == "checked", ImportJob.checked_at < cutoff)
    db.session.execute(
        sa.update(ImportJob)
        .where(expired)
        .values(status="cancelled", finished_at=now, message="expired: not confirmed in time")
        .execution_options(synchronize_session=False)
    )
    waiting = ("checking", "checked", "queued", "importing")
    needed = {Path(p) for p in db.session.scalars(sa.select(ImportJob.path).where(ImportJob.status.in_(waiting)))}
    folder = upload_root() / "imports"
    files = sorted(p for p in folder.glob("*") if p.is_file() and p not in needed and _older_than(p, cutoff))
    return Outcome(items=len(files), bytes=sum(_size(p) for p in files), files=files)


STORE_NAME = re.compile(r"[0-9a-f]{64}")


def _stored_files() -> Iterator[Path]:
    """Yield the content-addressed files of the upload store (<2 hex>/<sha256>)."""
    root = upload_root()
    for shard in sorted(root.glob("[0-9a-f][0-9a-f]")):
        for path in shard.iterdir():
            if STORE_NAME.fullmatch(path.name) and path.name.startswith(shard.name) and path.is_file():
                yield path


def upload_columns() -> list[sa.Column[Any]]:
    """Return every column that names a stored upload: by convention, its name ends in `sha256`."""
    return [c for t in db.metadata.sorted_tables for c in t.columns if c.name.endswith("sha256")]


def unconfirmed_accounts(cutoff: datetime, now: datetime) -> Outcome:
    """Erase self-registered people never confirmed by the commune whose account has not signed in since
    the cutoff (lms.privacy.erasure: their files are detached for the rule below; an import still running
    with one of them waits for the next run)."""
    from lms.auth.models import User
    from lms.people.models import Person
    from lms.privacy.erasure import ErasureError, erase_person

    last_seen = sa.func.coalesce(User.last_login_at, User.created_at)
    stale = list(
        db.session.scalars(
            sa.select(Person)
            .join(User, User.person_id == Person.id)
            .where(Person.confirmed.is_(False), Person.erased_at.is_(None), last_seen < cutoff)
            .order_by(Person.id)
        )
    )
    outcome = Outcome()
    for person in stale:
        try:
            with db.session.begin_nested():
                report = erase_person(person, actor=ACTOR, reason="retention: unconfirmed account inactive")
        except ErasureError:
            continue
        outcome.items += 1
        outcome.files += [p for p in report.files if p.is_file()]
        outcome.bytes += sum(_size(p) for p in report.files)
    return outcome


def unreferenced_uploads(cutoff: datetime, now: datetime) -> Outcome:
    """Remove stored files older than the cutoff that no row names (replaced materials and covers,
    deleted lesson files, detached declaration files). Set-based: the candidates go into a temporary
    table and one anti-join finds those nobody references."""
    candidates = [p for p in _stored_files() if _older_than(p, cutoff)]
    if not candidates:
        return Outcome()
    temp = sa.Table(
        "retention_candidate",
        sa.MetaData(),
        sa.Column("sha256", sa.String(64), primary_key=True),
        prefixes=["TEMPORARY"],
    )
    conn = db.session.connection()
    temp.create(conn)
    try:
        for start in range(0, len(candidates), 5000):
            chunk = candidates[start : start + 5000]
            conn.execute(sa.insert(temp), [{"sha256": p.name} for p in chunk])
        referenced = sa.union(*(sa.select(c.label("sha256")).where(c.is_not(None)) for c in upload_columns()))
        ref = referenced.subquery()
        unused = set(conn.scalars(sa.select(temp.c.sha256).where(~sa.exists().where(ref.c.sha256 == temp.c.sha256))))
    finally:
        temp.drop(conn)
    files = [p for p in candidates if p.name in unused]
    return Outcome(items=len(files), bytes=sum(_size(p) for p in files), files=files)


RULES: list[Rule] = [
    Rule(
        "declaration-files",
        "uploads",
        "RETENTION_REJECTED_DECLARATION_FILES_DAYS",
        "files of rejected declarations",
        rejected_declaration_files,
    ),
    Rule(
        "import-files",
        "uploads",
        "RETENTION_IMPORT_FILES_DAYS",
        "files of finished or expired imports",
        import_files,
    ),
    Rule(
        "unconfirmed-accounts",
        "personal-data",
        "RETENTION_UNCONFIRMED_ACCOUNTS_DAYS",
        "self-registered people never confirmed, inactive",
        unconfirmed_accounts,
    ),
    # last: it removes what the rules above detached
    Rule(
        "unreferenced-uploads",
        "uploads",
        "UPLOAD_RETENTION_DAYS",
        "stored files no row names any more",
        unreferenced_uploads,
    ),
]


def run_rules(group: str | None = None, *, dry_run: bool = False, now: datetime | None = None) -> list[Result]:
    """Apply the rules (of one group, or all) in one transaction; commit, then remove the files.

    A dry run applies them too, reports, and rolls everything back: nothing changes.
    """
    from lms.audit.services import audit

    now = now or utcnow()
    results, doomed = [], []
    for rule in RULES:
        if group is not None and rule.group != group:
            continue
        days = int(current_app.config[rule.setting])
        outcome = rule.find(now - timedelta(days=days), now)
        db.session.flush()
        results.append(Result(rule.name, days, outcome.items, outcome.bytes, len(outcome.files)))
        doomed += [(rule, p, now - timedelta(days=days)) for p in outcome.files]
        if outcome.items and not dry_run:
            after = {"items": outcome.items, "bytes": outcome.bytes, "days": days}
            audit(ACTOR, f"retention.{rule.name}", rule.description, after=after)
    if dry_run:
        db.session.rollback()
        return results
    db.session.commit()
    for _rule, path, cutoff in doomed:
        if _older_than(path, cutoff):  # touched since (the same content uploaded again): keep it
            try:
                os.remove(path)
            except FileNotFoundError:
                pass
    return results
