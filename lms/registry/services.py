"""Keep the registry of an area: people, families, clans, units and villages.

Every change marks what it affects for recompute (through lms.people.services for people) and is
audited with the values before and after (phone and email only as "changed"). Services flush; the
view commits.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.areas.models import Area
from lms.areas.services import areas_under, set_path, within
from lms.audit.services import audit
from lms.bulk import id_values
from lms.extensions import db
from lms.people.models import Clan, Family, Person, Unit
from lms.people.services import affected_periods, mark_memberships_dirty, update_person
from lms.recompute.services import mark_dirty
from lms.util import fold

PRIVATE_FIELDS = ("phone", "email")
PERSON_FIELDS = (
    "full_name",
    "birth_year",
    "gender",
    "village_id",
    "family_id",
    "clan_id",
    "unit_id",
    "is_official",
    "khuyen_hoc_member",
    "group",
    "phone",
    "email",
)
FLAG_FIELDS = ("is_official", "khuyen_hoc_member")


class RegistryError(ValueError):
    """A registry change is refused; `field` names the form field at fault, the message is translated."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _code_taken(model: Any, code: str, own_id: int | None = None) -> bool:
    query = sa.select(model.id).where(model.code == code)
    if own_id is not None:
        query = query.where(model.id != own_id)
    return db.session.scalar(query.limit(1)) is not None


def _require_new_code(model: Any, code: str) -> str:
    code = code.strip()
    if _code_taken(model, code):
        raise RegistryError(_("Mã %(code)s đã được dùng.", code=code), "code")
    return code


def _readable(field: str, value: Any) -> Any:
    """Return a value as the audit log shows it: codes for references, contacts hidden."""
    if field in PRIVATE_FIELDS:
        return "***" if value else None
    refs: dict[str, Any] = {"village_id": Area, "family_id": Family, "clan_id": Clan, "unit_id": Unit, "area_id": Area}
    if field in refs and value is not None:
        found = db.session.get(refs[field], value)
        return found.code if found is not None else value
    return value


def _diff(obj: Any, changes: dict[str, Any]) -> dict[str, Any]:
    """Return the changes that differ from the object's current values."""
    return {k: v for k, v in changes.items() if getattr(obj, k) != v}


def _audit_change(
    actor: str, action: str, subject: str, scope: Area, before: dict[str, Any], after: dict[str, Any]
) -> None:
    audit(
        actor,
        action,
        subject,
        area_id=scope.id,
        before={k: _readable(k, v) for k, v in before.items()} or None,
        after={k: _readable(k, v) for k, v in after.items()},
    )


# ---- people -------------------------------------------------------------------------------------
def check_memberships(values: dict[str, Any], scope: Area) -> None:
    """Refuse a village outside the scope, a family of another village, an official without a unit."""
    village = db.session.get(Area, values["village_id"])
    if village is None or village.level != "village" or not within(village, scope):
        raise RegistryError(_("Hãy chọn thôn, khu phố trong địa bàn của bạn."), "village")
    family_id = values.get("family_id")
    if family_id is not None:
        family = db.session.get(Family, family_id)
        if family is None or family.village_id != village.id:
            raise RegistryError(_("Hộ gia đình này không thuộc thôn, khu phố đã chọn."), "family_code")
    if values.get("is_official") and values.get("unit_id") is None:
        raise RegistryError(_("Cán bộ, công chức, viên chức phải thuộc một đơn vị."), "unit")


def create_person(values: dict[str, Any], code: str, *, actor: str, scope: Area) -> Person:
    """Register a person in a village of the scope; their groups recompute."""
    code = _require_new_code(Person, code)
    check_memberships(values, scope)
    person = Person(code=code, name_folded=fold(values["full_name"]), **values)
    db.session.add(person)
    db.session.flush()
    mark_memberships_dirty(person)
    if person.khuyen_hoc_member:
        from lms.association.services import sync_roll

        sync_roll([person.id])
    _audit_change(actor, "person.create", f"person {person.code}", scope, {}, {"code": code, **values})
    return person


def edit_person(person: Person, values: dict[str, Any], *, actor: str, scope: Area) -> dict[str, Any]:
    """Change a person (move to another family or village too); old and new groups recompute. Returns the changes."""
    changes = _diff(person, {k: v for k, v in values.items() if k in PERSON_FIELDS})
    if not changes:
        return {}
    membership = {"village_id", "family_id", "is_official", "unit_id"}
    if membership & changes.keys():
        check_memberships({**{k: getattr(person, k) for k in PERSON_FIELDS}, **changes}, scope)
    before = {k: getattr(person, k) for k in changes}
    update_person(person, **changes)
    if "khuyen_hoc_member" in changes:
        from lms.association.services import sync_roll

        sync_roll([person.id])
    _audit_change(actor, "person.update", f"person {person.code}", scope, before, changes)
    return changes


def set_flags(person_ids: Sequence[int], field: str, value: bool, *, actor: str, scope: Area) -> int:
    """Mark (or unmark) people of the scope as officials or study-promotion members; return how many changed."""
    if field not in FLAG_FIELDS:
        raise ValueError(field)
    column = getattr(Person, field)
    wanted = sa.select(Person.id).where(
        Person.id.in_(id_values(person_ids)), Person.village_id.in_(areas_under(scope)), column.is_not(value)
    )
    ids = list(db.session.scalars(wanted))
    if not ids:
        return 0
    if field == "is_official" and value:
        without_unit = db.session.scalars(
            sa.select(Person.code).where(Person.id.in_(id_values(ids)), Person.unit_id.is_(None)).limit(5)
        ).all()
        if without_unit:
            raise RegistryError(
                _(
                    "Người chưa có đơn vị không thể đánh dấu là cán bộ, công chức: %(codes)s",
                    codes=", ".join(without_unit),
                )
            )
    db.session.execute(
        sa.update(Person).where(Person.id.in_(id_values(ids))).values({field: value}),
        execution_options={"synchronize_session": False},
    )
    for period in affected_periods():
        mark_dirty("person", ids, period)
    if field == "khuyen_hoc_member":  # the association's roll follows (lms.association)
        from lms.association.services import sync_roll

        sync_roll(ids)
    codes = list(db.session.scalars(sa.select(Person.code).where(Person.id.in_(id_values(ids))).order_by(Person.code)))
    audit(actor, "person.flags", f"{len(ids)} people", area_id=scope.id, after={field: value, "people": codes})
    db.session.flush()
    return len(ids)


# ---- groups and villages ------------------------------------------------------------------------
def _mark(kind: str, ids: list[int | None]) -> None:
    found = [i for i in ids if i is not None]
    for period in affected_periods():
        mark_dirty(kind, found, period)


def save_family(family: Family | None, values: dict[str, Any], *, actor: str, scope: Area) -> Family:
    """Create or change a family (code, name, village of the scope); the villages it leaves and joins recompute."""
    village = db.session.get(Area, values["village_id"])
    if village is None or village.level != "village" or not within(village, scope):
        raise RegistryError(_("Hãy chọn thôn, khu phố trong địa bàn của bạn."), "village")
    if family is None:
        code = _require_new_code(Family, values.pop("code"))
        family = Family(code=code, **values)
        db.session.add(family)
        db.session.flush()
        _mark("family", [family.id])
        _mark("village", [family.village_id])
        _audit_change(actor, "family.create", f"family {code}", scope, {}, {"code": code, **values})
        return family
    values.pop("code", None)
    changes = _diff(family, values)
    if not changes:
        return family
    before = {k: getattr(family, k) for k in changes}
    for key, value in changes.items():
        setattr(family, key, value)
    db.session.flush()
    _mark("family", [family.id])
    if "village_id" in changes:
        _mark("village", [before["village_id"], family.village_id])
    _audit_change(actor, "family.update", f"family {family.code}", scope, before, changes)
    return family


def _check_area(area_id: int, scope: Area, levels: tuple[str, ...]) -> Area:
    found = db.session.get(Area, area_id)
    if found is None or found.level not in levels or not within(found, scope):
        raise RegistryError(_("Hãy chọn địa bàn trong phạm vi của bạn."), "area")
    return found


def save_group(
    model: type[Clan] | type[Unit], group: Clan | Unit | None, values: dict[str, Any], *, actor: str, scope: Area
) -> Clan | Unit:
    """Create or change a clan or unit registered with an area of the scope; it and the areas recompute."""
    kind = "clan" if model is Clan else "unit"
    levels = ("district", "commune", "village") if kind == "clan" else ("district", "commune")
    _check_area(values["area_id"], scope, levels)
    if group is None:
        code = _require_new_code(model, values.pop("code"))
        group = model(code=code, **values)
        db.session.add(group)
        db.session.flush()
        _mark(kind, [group.id])
        _audit_change(actor, f"{kind}.create", f"{kind} {code}", scope, {}, {"code": code, **values})
        return group
    values.pop("code", None)
    changes = _diff(group, values)
    if not changes:
        return group
    before = {k: getattr(group, k) for k in changes}
    for key, value in changes.items():
        setattr(group, key, value)
    db.session.flush()
    _mark(kind, [group.id])
    if "area_id" in changes:
        _mark("area", [before["area_id"], group.area_id])
    _audit_change(actor, f"{kind}.update", f"{kind} {group.code}", scope, before, changes)
    return group


def save_village(village: Area | None, values: dict[str, Any], *, actor: str, scope: Area) -> Area:
    """Create a village under a commune of the scope, or rename it / change its disadvantaged flag.

    Moving a village to another commune is an area reorganisation (admin), not a registry edit.
    """
    if village is None:
        parent = _check_area(values.pop("parent_id"), scope, ("commune", "district"))
        code = _require_new_code(Area, values.pop("code"))
        village = Area(code=code, level="village", parent=parent, **values)
        db.session.add(village)
        db.session.flush()
        set_path(village)
        db.session.flush()
        _mark("village", [village.id])
        _audit_change(
            actor, "village.create", f"area {code}", scope, {}, {"code": code, "parent": parent.code, **values}
        )
        return village
    values.pop("code", None)
    values.pop("parent_id", None)
    changes = _diff(village, values)
    if not changes:
        return village
    before = {k: getattr(village, k) for k in changes}
    for key, value in changes.items():
        setattr(village, key, value)
    db.session.flush()
    if "disadvantaged" in changes:  # the citizen threshold of everyone living there changes
        for period in affected_periods():
            mark_dirty("person", sa.select(Person.id).where(Person.village_id == village.id), period)
    _audit_change(actor, "village.update", f"area {village.code}", scope, before, changes)
    return village


# ---- self-registered people: confirm the residence, or merge into the registry person -------------
def confirm_people(person_ids: Sequence[int], *, actor: str, scope: Area) -> int:
    """Confirm the residence of self-registered people of the scope: from now on they count; audited."""
    wanted = sa.select(Person.id).where(
        Person.id.in_(id_values(person_ids)), Person.village_id.in_(areas_under(scope)), Person.confirmed.is_(False)
    )
    ids = list(db.session.scalars(wanted))
    if not ids:
        return 0
    db.session.execute(
        sa.update(Person).where(Person.id.in_(id_values(ids))).values(confirmed=True),
        execution_options={"synchronize_session": "fetch"},
    )
    for period in affected_periods():  # their villages, groups and areas recompute through the cascade
        mark_dirty("person", ids, period)
    codes = list(db.session.scalars(sa.select(Person.code).where(Person.id.in_(id_values(ids))).order_by(Person.code)))
    audit(actor, "person.confirm", f"{len(ids)} people", area_id=scope.id, after={"people": codes})
    db.session.flush()
    return len(ids)


def _person_tables() -> list[sa.Table]:
    """Return the tables whose rows belong to a person (a `person_id` referring to person.id)."""
    return [
        table
        for table in db.metadata.sorted_tables
        if "person_id" in table.c and any(fk.column.table.name == "person" for fk in table.c.person_id.foreign_keys)
    ]


def _move_rows(table: sa.Table, source_id: int, target_id: int) -> int:
    """Give the source person's rows to the target, except those the target already has (by every unique
    key holding person_id: the same evidence, course, session, plan year, account): those stay behind."""
    column = table.c.person_id
    keys = [
        [c for c in constraint.columns if c.name != "person_id"]
        for constraint in table.constraints
        if isinstance(constraint, sa.UniqueConstraint | sa.PrimaryKeyConstraint)
        and "person_id" in constraint.columns.keys()
    ]
    other = table.alias("theirs")
    condition = column == source_id
    for key in keys:
        clash = sa.exists().where(other.c.person_id == target_id, *(other.c[c.name] == table.c[c.name] for c in key))
        condition = sa.and_(condition, ~clash)
    return db.session.execute(table.update().where(condition).values(person_id=target_id)).rowcount or 0  # type: ignore[attr-defined]


def merge_person(source: Person, target: Person, *, actor: str, scope: Area) -> dict[str, int]:
    """Merge a self-registered person into the registry person they are: their account and learning
    (evidence, courses, certificates, attendance, plans, declarations…) move to the registry person, what
    the registry person already has stays theirs, and the self-registered record goes; audited."""
    from lms.auth.models import User
    from lms.recompute.models import DirtySubject
    from lms.titles.models import Award

    if source.id == target.id:
        raise RegistryError(_("Hãy chọn một người khác trong sổ."), "target")
    if source.confirmed:
        raise RegistryError(_("Chỉ gộp được người tự đăng ký chưa xác nhận."))
    if not target.confirmed:
        raise RegistryError(_("Người được gộp vào phải là người dân đã có trong sổ."), "target")
    if not within(source.village, scope) or not within(target.village, scope):
        raise RegistryError(_("Cả hai người phải ở trong địa bàn của bạn."), "target")
    if db.session.scalar(sa.select(User.id).where(User.person_id == target.id)) is not None:
        raise RegistryError(_("%(code)s đã có tài khoản riêng: không gộp được.", code=target.code), "target")
    if db.session.scalar(sa.select(Award.id).where(Award.person_id == source.id).limit(1)) is not None:
        raise RegistryError(_("Người tự đăng ký này đã có quyết định công nhận: không gộp được."))
    before = {"code": source.code, "full_name": source.full_name, "birth_year": source.birth_year}
    db.session.flush()
    # the engine's results of the self-registered record go with it (the trigger on person: see
    # lms.criteria.models.RESULTS_GO_WITH_THE_PERSON); the target's are recomputed
    tables = _person_tables()
    moved = {table.name: n for table in tables if (n := _move_rows(table, source.id, target.id))}
    for table in reversed(tables):  # what the registry person already had: the duplicates go (with
        # what hangs off them: ON DELETE CASCADE)
        db.session.execute(table.delete().where(table.c.person_id == source.id))
    if not target.phone and source.phone:
        target.phone = source.phone
    if not target.email and source.email:
        target.email = source.email
    dirty = DirtySubject.__table__
    db.session.execute(dirty.delete().where(dirty.c.subject_kind == "person", dirty.c.subject_id == source.id))
    db.session.expunge(source)
    db.session.execute(sa.delete(Person).where(Person.id == source.id))
    db.session.flush()
    db.session.expire(target)
    mark_memberships_dirty(target)
    audit(
        actor,
        "person.merge",
        f"person {target.code}",
        area_id=scope.id,
        before=before,
        after={"into": target.code, "moved": moved},
    )
    db.session.flush()
    return moved
