"""Write the audit log. Every award, revoke, verification, import, framework and role change calls it."""

from typing import Any

from lms.audit.models import AuditEntry
from lms.extensions import db


def audit(
    actor: str,
    action: str,
    subject: str = "",
    *,
    area_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record one action in the audit log (flushed with the caller's transaction)."""
    entry = AuditEntry(actor=actor, action=action, subject=subject, area_id=area_id, before=before, after=after)
    db.session.add(entry)
    return entry
