"""Store, publish and look up criteria frameworks."""

from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from lms.audit.services import audit
from lms.criteria.engine import CompiledFramework
from lms.criteria.models import Framework
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


def publish_framework(document: dict[str, Any], actor: str) -> Framework:
    """Validate and publish a framework as the new version for its year; audited."""
    validate(document)
    period = document["period"]
    current = published_framework(period)
    version = (db.session.scalar(sa.select(sa.func.max(Framework.version)).where(Framework.period == period)) or 0) + 1
    if current is not None:
        current.published = False
    fw = Framework(code=document["code"], period=period, version=version, document=document, published=True)
    db.session.add(fw)
    db.session.flush()
    audit(
        actor,
        "framework.publish",
        f"framework {document['code']} {period} v{version}",
        before={"version": current.version} if current else None,
        after={"version": version, "code": document["code"]},
    )
    return fw


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
