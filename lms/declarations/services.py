"""Declare evidence, verify or reject it; a verification records `declaration` evidence and an audit entry."""

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy.sql import Select

from lms.areas.models import Area
from lms.audit.services import audit
from lms.criteria.services import published_framework
from lms.declarations.models import Declaration
from lms.evidence.services import add_evidence
from lms.extensions import db
from lms.people.models import Person
from lms.uploads.services import StoredUpload
from lms.util import utcnow


class DeclarationError(ValueError):
    """A refused declaration or decision; the message (already translated) says why."""


class AlreadyDecided(DeclarationError):
    """The declaration was verified or rejected already (perhaps by another officer a moment ago)."""


def declarable_items(period: int) -> list[dict[str, Any]]:
    """Return the citizen items of the year's framework that a verified declaration can score: code, name, max."""
    framework = published_framework(period)
    if framework is None:
        return []
    citizen = framework.document.get("titles", {}).get("citizen", {})
    overrides = citizen.get("overrides") or {}
    items = []
    for item in citizen.get("items", []):
        rule_sets = [item.get("rules", [])] + [group.get(item["code"], []) for group in overrides.values()]
        if any(rule.get("kind") == "declaration" for rules in rule_sets for rule in rules):
            items.append({"code": item["code"], "name": item.get("name"), "max": Decimal(str(item.get("max", 0)))})
    return items


def item_of(period: int, code: str) -> dict[str, Any] | None:
    """Return a declarable item of the year by its code."""
    return next((item for item in declarable_items(period) if item["code"] == code), None)


def declared_on(period: int, today: date) -> date:
    """Return the date a declaration counts on: today, kept inside its evaluation year."""
    if today.year == period:
        return today
    return date(period, 1, 1) if today.year < period else date(period, 12, 31)


def declare(person: Person, period: int, item: str, text: str, stored: StoredUpload | None, today: date) -> Declaration:
    """Record a pending declaration for an item of the year's framework, with an optional file."""
    if item_of(period, item) is None:
        raise DeclarationError(_("Hãy chọn một tiêu chí của bộ tiêu chí năm %(year)d.", year=period))
    text = text.strip()
    if not text:
        raise DeclarationError(_("Hãy mô tả minh chứng."))
    declaration = Declaration(
        person_id=person.id,
        period=period,
        item=item,
        text=text,
        declared_on=declared_on(period, today),
        status="pending",
    )
    if stored is not None:
        declaration.file_sha256, declaration.file_size = stored.sha256, stored.size
        declaration.file_kind, declaration.file_name = stored.kind, stored.name
    db.session.add(declaration)
    db.session.flush()
    return declaration


def amend(declaration: Declaration, item: str, text: str) -> None:
    """Change the item and text of a declaration still waiting for an officer (refused once decided)."""
    if item_of(declaration.period, item) is None:
        raise DeclarationError(_("Hãy chọn một tiêu chí của bộ tiêu chí năm %(year)d.", year=declaration.period))
    text = text.strip()
    if not text:
        raise DeclarationError(_("Hãy mô tả minh chứng."))
    changed = db.session.execute(
        sa.update(Declaration)
        .where(Declaration.id == declaration.id, Declaration.status == "pending")
        .values(item=item, text=text)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise AlreadyDecided(_("Minh chứng này đã được xử lý, không sửa được nữa."))
    db.session.refresh(declaration)


def withdraw(declaration: Declaration) -> None:
    """Withdraw (delete) a declaration still waiting for an officer; its file goes with the uploads that
    nothing refers to (lms.retention). Refused once an officer has decided."""
    gone = db.session.execute(
        sa.delete(Declaration)
        .where(Declaration.id == declaration.id, Declaration.status == "pending")
        .execution_options(synchronize_session=False)
    )
    if gone.rowcount != 1:  # type: ignore[attr-defined]
        raise AlreadyDecided(_("Minh chứng này đã được xử lý, không rút lại được nữa."))
    db.session.expunge(declaration)


def upload_room(person: Person) -> int:
    """Return the bytes a person may still upload: the quota (small until the residence is confirmed)
    less the files of their declarations."""
    from flask import current_app

    quota = current_app.config["UPLOAD_QUOTA_BYTES" if person.confirmed else "UPLOAD_QUOTA_UNCONFIRMED_BYTES"]
    used = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Declaration.file_size), 0)).where(Declaration.person_id == person.id)
    )
    return int(quota) - int(used or 0)


def declarations_of(person: Person) -> Select[Declaration]:
    """Return a citizen's declarations, newest first."""
    return (
        sa.select(Declaration)
        .where(Declaration.person_id == person.id)
        .order_by(Declaration.created_at.desc(), Declaration.id.desc())
    )


def declarations_in(scope: Area, status: str | None) -> Select[Declaration]:
    """Return the declarations of people living in an area (oldest pending first), optionally by status."""
    query = (
        sa.select(Declaration)
        .join(Person, Person.id == Declaration.person_id)
        .join(Area, Area.id == Person.village_id)
        .where(Area.path.startswith(scope.path))
    )
    if status:
        query = query.where(Declaration.status == status)
    if status == "pending":
        return query.order_by(Declaration.created_at, Declaration.id)
    return query.order_by(Declaration.created_at.desc(), Declaration.id.desc())


def pending_in(scope: Area, period: int | None = None) -> int:
    """Return how many declarations of people living in an area wait for an officer (of one year)."""
    query = declarations_in(scope, "pending").order_by(None)
    if period is not None:
        query = query.where(Declaration.period == period)
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def _decide(declaration: Declaration, values: dict[str, Any]) -> None:
    """Move a pending declaration to its decision exactly once (two officers at once: one wins)."""
    result = db.session.execute(
        sa.update(Declaration)
        .where(Declaration.id == declaration.id, Declaration.status == "pending")
        .values(**values, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise AlreadyDecided(_("Minh chứng này đã được xử lý."))
    db.session.refresh(declaration)


def verify(declaration: Declaration, points: Decimal, actor: str) -> None:
    """Verify with points (0 … the item's max): record `declaration` evidence and audit the decision."""
    item = item_of(declaration.period, declaration.item)
    if item is None:
        raise DeclarationError(_("Bộ tiêu chí năm %(year)d không còn tiêu chí này.", year=declaration.period))
    points = Decimal(points).quantize(Decimal("0.01"))
    if not Decimal(0) <= points <= item["max"]:
        raise DeclarationError(_("Điểm phải từ 0 đến %(max)s.", max=format_decimal(item["max"])))
    _decide(declaration, {"status": "verified", "points": points, "decided_by": actor, "reason": ""})
    best = db.session.scalar(
        sa.select(sa.func.max(Declaration.points)).where(
            Declaration.person_id == declaration.person_id,
            Declaration.item == declaration.item,
            Declaration.declared_on == declaration.declared_on,
            Declaration.status == "verified",
        )
    )
    add_evidence(
        declaration.person,
        kind="declaration",
        ref=declaration.item,
        when=declaration.declared_on,
        points=best if best is not None else points,
        source="online",
    )
    audit(
        actor,
        "declaration.verify",
        f"declaration {declaration.id} person {declaration.person.code} {declaration.item}",
        area_id=declaration.person.village_id,
        before={"status": "pending"},
        after={"status": "verified", "item": declaration.item, "points": float(points)},
    )


def reject(declaration: Declaration, reason: str, actor: str) -> None:
    """Reject with a reason (shown to the citizen) and audit the decision."""
    reason = reason.strip()
    if not reason:
        raise DeclarationError(_("Từ chối minh chứng cần nêu lý do."))
    _decide(declaration, {"status": "rejected", "reason": reason, "decided_by": actor, "points": None})
    audit(
        actor,
        "declaration.reject",
        f"declaration {declaration.id} person {declaration.person.code} {declaration.item}",
        area_id=declaration.person.village_id,
        before={"status": "pending"},
        after={"status": "rejected", "item": declaration.item, "reason": reason},
    )
