"""Store, publish and look up criteria frameworks."""

from decimal import Decimal
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.audit.services import audit
from lms.criteria.engine import CompiledFramework
from lms.criteria.models import Framework, GroupResult, PersonResult
from lms.criteria.schema import validate
from lms.extensions import db


class NoFramework(LookupError):
    """No framework is published for the requested year."""


def published_framework(period: int) -> Framework | None:
    """Return the published framework of the year (the latest version), if any."""
    return db.session.scalar(
        sa.select(Framework)
        .where(Framework.period == period, Framework.published.is_(True))
        .order_by(Framework.version.desc())
        .limit(1)
    )


@lru_cache(maxsize=32)
def _compile(framework_id: int, document_json: str) -> CompiledFramework:
    import json

    return CompiledFramework(json.loads(document_json))


def compiled_framework(period: int) -> CompiledFramework:
    """Return the compiled published framework of the year, or raise NoFramework."""
    import json

    fw = published_framework(period)
    if fw is None:
        raise NoFramework(period)
    return _compile(fw.id, json.dumps(fw.document, sort_keys=True))


def store_candidate(document: dict[str, Any], actor: str) -> Framework:
    """Validate and store a framework as the next (unpublished) version of its year; audited."""
    validate(document)
    period = document["period"]
    version = (db.session.scalar(sa.select(sa.func.max(Framework.version)).where(Framework.period == period)) or 0) + 1
    fw = Framework(code=document["code"], period=period, version=version, document=document, published=False)
    db.session.add(fw)
    db.session.flush()
    audit(actor, "framework.store", f"framework {fw.code} {period} v{version}", after={"version": version})
    return fw


def publish(fw: Framework, actor: str) -> Framework:
    """Publish a stored version for its year (the previous one is kept, unpublished); audited.

    Awards are never revoked by a new framework: officers see who no longer meets it.
    """
    current = published_framework(fw.period)
    if current is not None and current.id != fw.id:
        current.published = False
    fw.published = True
    db.session.flush()
    audit(
        actor,
        "framework.publish",
        f"framework {fw.code} {fw.period} v{fw.version}",
        before={"version": current.version} if current else None,
        after={"version": fw.version, "code": fw.code},
    )
    return fw


def publish_framework(document: dict[str, Any], actor: str) -> Framework:
    """Validate, store and publish a framework as the new version for its year."""
    return publish(store_candidate(document, actor), actor)


def periods_with_framework() -> list[int]:
    """Return the years that have a published framework, newest first."""
    return list(
        db.session.scalars(
            sa.select(Framework.period)
            .where(Framework.published.is_(True))
            .distinct()
            .order_by(Framework.period.desc())
        )
    )


def delete_draft(fw: Framework, actor: str) -> None:
    """Delete a stored version that was never applied (a draft a dry run left); audited. A published
    version, or one applied before (the results of its year may have come from it), stays."""
    from flask_babel import gettext as _

    from lms.criteria.schema import FrameworkError

    applied = db.session.scalar(
        sa.select(sa.func.count()).where(
            AuditEntry.action == "framework.publish",
            AuditEntry.subject == f"framework {fw.code} {fw.period} v{fw.version}",
        )
    )
    if fw.published or applied:
        raise FrameworkError([("$", _("Chỉ xóa được bản nháp chưa từng được áp dụng."))])
    audit(actor, "framework.delete", f"framework {fw.code} {fw.period} v{fw.version}", before={"version": fw.version})
    db.session.delete(fw)
    db.session.flush()


def points_by_item(items: dict[str, Any] | None) -> dict[str, Decimal]:
    """Return a stored person_result.items ({item code: points}) as Decimals."""
    return {code: Decimal(str(points)) for code, points in (items or {}).items()}


def item_scores(person_id: int, period: int) -> dict[str, Decimal]:
    """Return the points of each criterion item of a person for the year, as the engine stored them."""
    items = db.session.scalar(
        sa.select(PersonResult.items).where(PersonResult.person_id == person_id, PersonResult.period == period)
    )
    return points_by_item(items)


def group_item_scores(kind: str, subject_id: int, period: int) -> dict[str, Decimal]:
    """Return the points of each item of a group's title for the year, as the engine stored them."""
    items = db.session.scalar(
        sa.select(GroupResult.items).where(
            GroupResult.kind == kind, GroupResult.subject_id == subject_id, GroupResult.period == period
        )
    )
    return points_by_item(items)


def item_rows(period: int) -> list[tuple[int, str, Decimal]]:
    """Return (person id, item code, points) of every person of the year (checks and tests; a province
    holds millions of these: read person_result.items in SQL for bulk work)."""
    rows = db.session.execute(
        sa.select(PersonResult.person_id, PersonResult.items).where(PersonResult.period == period)
    )
    return sorted((pid, code, points) for pid, items in rows for code, points in points_by_item(items).items())
