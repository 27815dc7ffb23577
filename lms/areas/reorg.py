"""Reorganise the area tree: merge areas into a new one, move an area under another parent, dissolve
an area (its children go to its parent: the 2025 abolition of districts). Effective from a date.

Nothing of an earlier year is rewritten: areas are closed (valid_to, successor), never deleted; the
parents areas had and the areas clans and units were registered with are kept in history tables
(lms.areas.history reads them back for the tree of a year). People and families stay in their
villages (villages are re-parented, not recreated), so what they contribute to a year is unchanged.

`plan_*` validate and describe a change without writing; `apply` writes it, audits it, drops the
figures closed areas had for the years from the change on and marks those years' figures dirty.
Views and the CLI both call these; the caller commits.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _

from lms.areas.models import LEVELS, Area, AreaChange, AreaMemberHistory, AreaParentHistory, AreaSuccession
from lms.areas.services import area_by_code, rebuild_paths, within
from lms.audit.services import audit
from lms.extensions import db

FIRST_DATE, LAST_DATE = date(2000, 1, 1), date(2100, 12, 31)
MAX_SOURCES = 50


class ReorgError(ValueError):
    """A reorganisation is refused; the message is translated, `field` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class Plan:
    """A validated reorganisation, not yet written."""

    kind: str
    effective: date
    decision: str
    area: Area | None = None  # move, dissolve: the area; merge: None (created on apply)
    sources: list[Area] = field(default_factory=list)  # merge: the areas closed into the new one
    new_code: str = ""
    new_name: str = ""
    new_disadvantaged: bool = False
    parent: Area | None = None  # the new parent (of the new, moved or dissolved area's children)
    children: list[Area] = field(default_factory=list)  # areas re-parented
    clans: int = 0  # clans and units registered with closed areas, moved
    units: int = 0
    accounts: int = 0  # user accounts scoped to areas this closes (not reassigned)
    gains: list[Area] = field(default_factory=list)  # re-parented areas that become disadvantaged

    @property
    def closed(self) -> list[Area]:
        """Return the areas this change closes."""
        if self.kind == "merge":
            return self.sources
        if self.kind == "dissolve" and self.area is not None:
            return [self.area]
        return []


# ---- validation ---------------------------------------------------------------------------------
def parse_date(value: date | str | None) -> date:
    """Return the effective date; a clear message when it is missing or not YYYY-MM-DD."""
    if isinstance(value, date):
        found = value
    else:
        text = (value or "").strip()
        if not text:
            raise ReorgError(_("Hãy nhập ngày có hiệu lực."), "effective")
        try:
            found = date.fromisoformat(text)
        except ValueError as exc:
            raise ReorgError(
                _("Ngày có hiệu lực không hợp lệ: %(value)s (cần dạng NNNN-TT-NN, ví dụ 2025-07-01).", value=text[:40]),
                "effective",
            ) from exc
    if not FIRST_DATE <= found <= LAST_DATE:
        raise ReorgError(_("Ngày có hiệu lực phải trong khoảng năm 2000 đến 2100."), "effective")
    return found


def latest_change() -> date | None:
    """Return the effective date of the latest recorded reorganisation."""
    return db.session.scalar(sa.select(sa.func.max(AreaChange.effective)))


def _check_order(effective: date) -> None:
    latest = latest_change()
    if latest is not None and effective < latest:
        raise ReorgError(
            _(
                "Ngày có hiệu lực không được trước %(date)s, ngày của lần sắp xếp đã ghi gần nhất.",
                date=format_date(latest, "short"),
            ),
            "effective",
        )


def _area(code: str | None, field_name: str, effective: date | None = None) -> Area:
    code = (code or "").strip()
    if not code:
        raise ReorgError(_("Hãy nhập mã địa bàn."), field_name)
    found = area_by_code(code[:64])
    if found is None:
        raise ReorgError(_("Không có địa bàn mã %(code)s.", code=code[:64]), field_name)
    if found.valid_to is not None:
        raise ReorgError(
            _(
                "Địa bàn %(code)s đã thôi tồn tại từ sau ngày %(date)s.",
                code=found.code,
                date=format_date(found.valid_to, "short"),
            ),
            field_name,
        )
    if effective is not None and found.valid_from is not None and effective < found.valid_from:
        raise ReorgError(
            _(
                "Địa bàn %(code)s mới có từ ngày %(date)s.",
                code=found.code,
                date=format_date(found.valid_from, "short"),
            ),
            field_name,
        )
    return found


def _decision(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > 200:
        raise ReorgError(_("Số, tên văn bản quyết định không được dài quá 200 ký tự."), "decision")
    return text


def _level_label(level: str) -> str:
    from lms.web import AREA_LEVEL_LABELS

    return str(AREA_LEVEL_LABELS.get(level, level))


def _above(parent: Area, level: str) -> bool:
    return parent.level in LEVELS and level in LEVELS and LEVELS.index(parent.level) < LEVELS.index(level)


def _check_parent(parent: Area, level: str, moved: list[Area], field_name: str) -> None:
    for item in moved:
        if within(parent, item):
            raise ReorgError(
                _("Không thể đưa %(code)s vào chính nó hay một địa bàn bên trong nó.", code=item.code), field_name
            )
    if not _above(parent, level):
        raise ReorgError(
            _(
                "Địa bàn %(code)s (%(level)s) không thể là cấp trên của một %(child)s.",
                code=parent.code,
                level=_level_label(parent.level),
                child=_level_label(level),
            ),
            field_name,
        )


def _valid_children(parents: list[Area], day: date) -> list[Area]:
    ids = [p.id for p in parents]
    return list(
        db.session.scalars(
            sa.select(Area)
            .where(Area.parent_id.in_(ids), sa.or_(Area.valid_to.is_(None), Area.valid_to >= day))
            .order_by(Area.name)
        )
    )


def _flagged_ids() -> set[int]:
    return set(db.session.scalars(sa.select(Area.id).where(Area.disadvantaged.is_(True))))


def _effective_flag(path: str, flagged: set[int]) -> bool:
    return any(int(x) in flagged for x in path.strip("/").split("/") if x)


def _gains(children: list[Area], new_parent_path: str | None, new_parent_flag: bool) -> list[Area]:
    """Re-parented areas that were not disadvantaged and would be under the new parent."""
    flagged = _flagged_ids()
    after_parent = new_parent_flag or (new_parent_path is not None and _effective_flag(new_parent_path, flagged))
    return [c for c in children if after_parent and not _effective_flag(c.path, flagged)]


def _counts(plan: Plan) -> None:
    from lms.auth.models import User
    from lms.people.models import Clan, Unit

    ids = [a.id for a in plan.closed]
    if not ids:
        return
    plan.clans = db.session.scalar(sa.select(sa.func.count()).where(Clan.area_id.in_(ids))) or 0
    plan.units = db.session.scalar(sa.select(sa.func.count()).where(Unit.area_id.in_(ids))) or 0
    plan.accounts = db.session.scalar(sa.select(sa.func.count()).where(User.area_id.in_(ids))) or 0


def split_codes(text: str | list[str] | tuple[str, ...] | None) -> list[str]:
    """Return the codes of a list or of a text separated by commas, semicolons, spaces or lines."""
    if text is None:
        return []
    if isinstance(text, (list, tuple)):
        parts = [str(p) for p in text]
    else:
        parts = text.replace(",", " ").replace(";", " ").split()
    seen: list[str] = []
    for part in parts:
        for code in part.replace(",", " ").split():
            if code not in seen:
                seen.append(code)
    return seen


# ---- plans --------------------------------------------------------------------------------------
def plan_merge(
    codes: str | list[str] | tuple[str, ...] | None,
    into_code: str | None,
    name: str | None,
    effective: date | str | None,
    *,
    parent_code: str | None = None,
    decision: str | None = None,
    disadvantaged: bool = False,
) -> Plan:
    """Validate a merge of areas of one level into a new area; write nothing."""
    day = parse_date(effective)
    wanted = split_codes(codes)
    if len(wanted) < 2:
        raise ReorgError(_("Cần ít nhất hai địa bàn để sáp nhập."), "sources")
    if len(wanted) > MAX_SOURCES:
        raise ReorgError(_("Mỗi lần sáp nhập tối đa %(n)d địa bàn.", n=MAX_SOURCES), "sources")
    sources = [_area(code, "sources", day) for code in wanted]
    level = sources[0].level
    for other in sources[1:]:
        if other.level != level:
            raise ReorgError(
                _(
                    "Các địa bàn sáp nhập phải cùng cấp: %(a)s là %(la)s, %(b)s là %(lb)s.",
                    a=sources[0].code,
                    la=_level_label(level),
                    b=other.code,
                    lb=_level_label(other.level),
                ),
                "sources",
            )
    if level == "village":
        raise ReorgError(
            _(
                "Chưa hỗ trợ sáp nhập thôn, khu phố (người dân và hộ gia đình gắn với thôn). "
                "Hãy chuyển thôn sang xã khác."
            ),
            "sources",
        )
    code = (into_code or "").strip()
    if not code:
        raise ReorgError(_("Hãy nhập mã của địa bàn mới."), "code")
    if len(code) > 64:
        raise ReorgError(_("Mã địa bàn không được dài quá 64 ký tự."), "code")
    if area_by_code(code) is not None:
        raise ReorgError(_("Mã %(code)s đã được dùng.", code=code), "code")
    new_name = (name or "").strip()
    if not new_name:
        raise ReorgError(_("Hãy nhập tên của địa bàn mới."), "name")
    if len(new_name) > 200:
        raise ReorgError(_("Tên địa bàn không được dài quá 200 ký tự."), "name")
    if parent_code and parent_code.strip():
        parent: Area | None = _area(parent_code, "parent")
        assert parent is not None
        _check_parent(parent, level, sources, "parent")
    else:
        parents = {s.parent_id for s in sources}
        if len(parents) != 1:
            raise ReorgError(_("Các địa bàn không cùng cấp trên: hãy chọn cấp trên của địa bàn mới."), "parent")
        parent = sources[0].parent
        if parent is not None and parent.valid_to is not None:
            raise ReorgError(_("Cấp trên hiện tại đã thôi tồn tại: hãy chọn cấp trên của địa bàn mới."), "parent")
    _check_order(day)
    children = _valid_children(sources, day)
    plan = Plan(
        "merge",
        day,
        _decision(decision),
        sources=sources,
        new_code=code,
        new_name=new_name,
        new_disadvantaged=bool(disadvantaged),
        parent=parent,
        children=children,
    )
    plan.gains = _gains(children, parent.path if parent else None, bool(disadvantaged))
    _counts(plan)
    return plan


def plan_move(
    code: str | None, to_code: str | None, effective: date | str | None, *, decision: str | None = None
) -> Plan:
    """Validate moving an area (with everything below it) under another parent; write nothing."""
    day = parse_date(effective)
    moved = _area(code, "area", day)
    parent = _area(to_code, "parent")
    if moved.parent_id == parent.id:
        raise ReorgError(_("%(code)s đã thuộc %(parent)s.", code=moved.code, parent=parent.code), "parent")
    _check_parent(parent, moved.level, [moved], "parent")
    _check_order(day)
    plan = Plan("move", day, _decision(decision), area=moved, parent=parent, children=[moved])
    plan.gains = _gains([moved], parent.path, False)
    return plan


def plan_dissolve(code: str | None, effective: date | str | None, *, decision: str | None = None) -> Plan:
    """Validate dissolving an area: its children go to its parent; write nothing."""
    day = parse_date(effective)
    gone = _area(code, "area", day)
    if gone.level == "village":
        raise ReorgError(
            _("Không giải thể được thôn, khu phố (người dân gắn với thôn): hãy chuyển thôn sang xã khác."), "area"
        )
    if gone.parent is None:
        raise ReorgError(_("Không giải thể được địa bàn cấp cao nhất (không có cấp trên)."), "area")
    _check_order(day)
    children = _valid_children([gone], day)
    plan = Plan("dissolve", day, _decision(decision), area=gone, parent=gone.parent, children=children)
    flagged = _flagged_ids()
    was_flagged = _effective_flag(gone.path, flagged)
    plan.gains = [] if was_flagged else _gains(children, gone.parent.path, False)
    _counts(plan)
    return plan


# ---- apply --------------------------------------------------------------------------------------
def _history_start(area_id: int, valid_from: date | None) -> date | None:
    last = db.session.scalar(
        sa.select(sa.func.max(AreaParentHistory.valid_to)).where(AreaParentHistory.area_id == area_id)
    )
    return last + timedelta(days=1) if last is not None else valid_from


def _reparent(children: list[Area], parent: Area | None, change: AreaChange) -> list[str]:
    """Move areas under `parent`, keeping their parent until the day before; return the codes that
    keep the disadvantaged status they had through their old parent (set on themselves)."""
    end = change.effective - timedelta(days=1)
    flagged = _flagged_ids()
    kept: list[str] = []
    for child in children:
        start = _history_start(child.id, child.valid_from)
        if start is None or start <= end:
            db.session.add(
                AreaParentHistory(
                    area_id=child.id, parent_id=child.parent_id, valid_from=start, valid_to=end, change_id=change.id
                )
            )
        if not child.disadvantaged and _effective_flag(child.path, flagged):
            child.disadvantaged = True  # keep what earlier years were scored with
            kept.append(child.code)
        child.parent_id = parent.id if parent is not None else None
    return kept


def _move_members(closed_ids: list[int], target: Area, change: AreaChange) -> None:
    """Register the clans and units of closed areas with `target`, keeping where they were until the day before."""
    from lms.people.models import Clan, Unit

    end = change.effective - timedelta(days=1)
    for kind, model in (("clan", Clan), ("unit", Unit)):
        table = model.__table__
        members = table.c.area_id.in_(closed_ids)
        db.session.execute(  # set-based: one statement whatever the number of clans or units
            sa.insert(AreaMemberHistory.__table__).from_select(
                ["kind", "subject_id", "area_id", "valid_to", "change_id"],
                sa.select(
                    sa.literal(kind), table.c.id, table.c.area_id, sa.literal(end, sa.Date), sa.literal(change.id)
                ).where(members),
            )
        )
        db.session.execute(table.update().where(members).values(area_id=target.id))


def _close(areas: list[Area], change: AreaChange, successors: list[Area]) -> None:
    end = change.effective - timedelta(days=1)
    for closed in areas:
        closed.valid_to = end
        if len(successors) == 1:
            closed.successor_id = successors[0].id
        for succ in successors:
            db.session.add(AreaSuccession(predecessor_id=closed.id, successor_id=succ.id, change_id=change.id))


def later_periods(effective: date) -> list[int]:
    """Return the framework years whose tree the change alters (the years from its date's year on)."""
    from lms.criteria.services import periods_with_framework

    return sorted(p for p in periods_with_framework() if p >= effective.year)


def _refresh_figures(plan: Plan, touched: set[int]) -> list[int]:
    """Drop closed areas' figures from the change's year on; mark the touched areas (and people whose
    disadvantaged status changes) dirty for those years. Return the years marked."""
    from lms.indicators.models import AreaContribution, AreaIndicator
    from lms.people.models import Person
    from lms.recompute.services import mark_dirty

    closed = [a.id for a in plan.closed]
    if closed:
        for model in (AreaIndicator, AreaContribution):
            table = model.__table__
            db.session.execute(table.delete().where(table.c.area_id.in_(closed), table.c.period >= plan.effective.year))
    periods = later_periods(plan.effective)
    gained_paths = [g.path for g in plan.gains]
    for period in periods:
        mark_dirty("area", sorted(touched), period)
        if gained_paths:
            under = sa.select(Area.id).where(sa.or_(*(Area.path.startswith(p) for p in gained_paths)))
            mark_dirty("person", sa.select(Person.id).where(Person.village_id.in_(under)), period)
    return periods


def apply(plan: Plan, actor: str) -> AreaChange:
    """Write a planned reorganisation, audit it and queue the figures it changes; flush only."""
    touched: set[int] = set()
    before = {"parents": {c.code: p for c, p in _old_parent_codes(plan)}}
    if plan.kind == "merge":
        target = Area(
            code=plan.new_code,
            name=plan.new_name,
            level=plan.sources[0].level,
            parent_id=plan.parent.id if plan.parent else None,
            disadvantaged=plan.new_disadvantaged,
            valid_from=plan.effective,
        )
        db.session.add(target)
        db.session.flush()
        subject = target
    else:
        assert plan.area is not None
        subject = plan.area
    change = AreaChange(
        kind=plan.kind,
        effective=plan.effective,
        decision=plan.decision,
        area_id=subject.id,
        actor=actor,
        details={},
    )
    db.session.add(change)
    db.session.flush()
    touched.add(subject.id)
    old_parents = {c.parent_id for c in plan.children if c.parent_id is not None}
    if plan.kind == "merge":
        kept = _reparent(plan.children, subject, change)
        _close(plan.sources, change, [subject])
        _move_members([s.id for s in plan.sources], subject, change)
        touched |= {s.id for s in plan.sources} | {s.parent_id for s in plan.sources if s.parent_id}
    elif plan.kind == "move":
        kept = _reparent(plan.children, plan.parent, change)
    else:
        day_before = plan.effective - timedelta(days=1)
        heirs = _valid_children([subject], day_before)
        kept = _reparent(plan.children, plan.parent, change)
        _close([subject], change, heirs)
        assert plan.parent is not None
        _move_members([subject.id], plan.parent, change)
    if plan.parent is not None:
        touched.add(plan.parent.id)
    touched |= old_parents
    db.session.flush()
    rebuild_paths()
    db.session.flush()
    db.session.expire_all()
    periods = _refresh_figures(plan, touched)
    details: dict[str, Any] = {
        "kind": plan.kind,
        "effective": plan.effective.isoformat(),
        "decision": plan.decision,
        "area": subject.code,
        "parent": plan.parent.code if plan.parent else None,
        "sources": [s.code for s in plan.sources],
        "children": [c.code for c in plan.children],
        "clans_moved": plan.clans,
        "units_moved": plan.units,
        "kept_disadvantaged": kept,
        "became_disadvantaged": [g.code for g in plan.gains],
        "recompute_periods": periods,
    }
    if plan.kind == "merge":
        details["name"] = plan.new_name
    change.details = details
    audit(
        actor,
        f"area.{plan.kind}",
        f"area {subject.code}",
        area_id=subject.id,
        before=before,
        after=details,
    )
    db.session.flush()
    return change


def _old_parent_codes(plan: Plan) -> list[tuple[Area, str | None]]:
    ids = {c.parent_id for c in plan.children if c.parent_id}
    codes = dict(db.session.execute(sa.select(Area.id, Area.code).where(Area.id.in_(ids))).all()) if ids else {}
    return [(c, codes.get(c.parent_id) if c.parent_id is not None else None) for c in plan.children]


def changes(limit: int = 200) -> list[AreaChange]:
    """Return the recorded reorganisations, latest first."""
    return list(
        db.session.scalars(
            sa.select(AreaChange).order_by(AreaChange.effective.desc(), AreaChange.id.desc()).limit(limit)
        )
    )
