"""The columns of each import kind (SPEC §6) and the checks that turn one row into a record."""

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.areas.models import LEVELS as AREA_LEVELS
from lms.association.models import POSITIONS
from lms.contributions.models import CONTRIBUTORS
from lms.contributions.models import KINDS as CONTRIBUTION_KINDS
from lms.evidence.models import COURSE_CATEGORIES as CATEGORIES
from lms.evidence.models import GROUP_SUBJECTS
from lms.evidence.models import KINDS as EVIDENCE_KINDS
from lms.evidence.models import LEVELS as DIGITAL_LEVELS
from lms.imports import values
from lms.imports.values import BadValue
from lms.people.models import GROUPS, UNIT_LEVELS
from lms.util import today_local

GENDERS = {"nam": "nam", "nữ": "nữ", "khác": "khác", "male": "nam", "female": "nữ", "other": "khác"}
NAME_MAX = 200
PERSON_OPTIONAL = {
    "family_id": "family_code",
    "clan_id": "clan_code",
    "unit_id": "unit_code",
    "is_official": "is_official",
    "khuyen_hoc_member": "khuyen_hoc_member",
    "group": "group",
    "phone": "phone",
    "email": "email",
}


@dataclass(frozen=True)
class RowError:
    """One fault: the row number in the file (the header is row 1), the column and a translated message."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        """Return the fault as a JSON-able dict."""
        return asdict(self)


class Row:
    """One data row: its number, its cells by column name, and the faults found in it."""

    __slots__ = ("number", "cells", "errors", "faults")

    def __init__(self, number: int, cells: dict[str, str], errors: list[RowError]) -> None:
        self.number, self.cells, self.errors, self.faults = number, cells, errors, 0

    def fail(self, column: str, message: str) -> None:
        """Record a fault of this row."""
        self.errors.append(RowError(self.number, column, message))
        self.faults += 1

    def get(self, column: str, parse: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Return the parsed cell (None when it is bad, the fault recorded); absent columns read as empty."""
        try:
            return parse(self.cells.get(column, ""), *args, **kwargs)
        except BadValue as exc:
            self.fail(column, str(exc))
            return None

    def blank(self, kind: str, *columns: str) -> None:
        """Record a fault for each of these columns that is filled in although `kind` does not use it."""
        for column in columns:
            if self.cells.get(column):
                self.fail(column, _("Phải để trống với loại %(kind)s", kind=kind))


@dataclass
class Refs:
    """What the rows of one chunk refer to, looked up in the database before they are checked."""

    areas: dict[str, tuple[int, str]] = field(default_factory=dict)  # code → (id, level)
    families: dict[str, int] = field(default_factory=dict)
    clans: dict[str, int] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)
    persons: dict[str, int] = field(default_factory=dict)
    # persons_later: person codes are resolved set-based once the file is staged (the evidence import);
    # the codes of rows left out for other faults wait in `unresolved` as (row, code)
    persons_later: bool = False
    unresolved: list[tuple[int, str]] = field(default_factory=list)
    branches: dict[str, int] = field(default_factory=dict)  # Khuyến học branches by code
    courses: dict[str, dict[str, Any]] = field(default_factory=dict)  # catalogue courses by code
    items: dict[tuple[int, str], dict[str, Decimal] | None] = field(default_factory=dict)  # (year, subject)
    year: int = field(default_factory=lambda: today_local().year)  # this year, when the import started


@dataclass(frozen=True)
class Column:
    """One column of an import file: its exact name, whether the header must have it, an example."""

    name: str
    required: bool
    example: str = ""


@dataclass(frozen=True)
class Spec:
    """How one kind of file looks and is checked."""

    columns: tuple[Column, ...]
    check: Callable[[Row, Refs], dict[str, Any] | None]
    fields: tuple[str, ...]  # the record's fields, in the order they are staged
    optional: dict[str, str]  # field → its optional column: written only when the file has that column
    key: tuple[str, ...]  # record fields identifying a row: duplicates are errors, re-imports update
    key_column: str  # the column a duplicate is reported on

    @property
    def names(self) -> tuple[str, ...]:
        """Return the column names in template order."""
        return tuple(c.name for c in self.columns)


# ---- references -------------------------------------------------------------------------------
def _ref(row: Row, column: str, known: dict[str, int], *, required: bool) -> int | None:
    found_code = row.get(column, values.code, required=required)
    if found_code is None:
        return None
    found = known.get(found_code)
    if found is None:
        row.fail(column, unknown_code(found_code))
    return found


def unknown_code(code: str) -> str:
    """Return the fault of a code that names nothing."""
    return _("Không tìm thấy mã %(code)s", code=code)


def _person(row: Row, refs: Refs) -> tuple[int | None, str | None]:
    """Return (id, code) of the row's person; with `refs.persons_later` the id is left for later (None)."""
    if not refs.persons_later:
        found = _ref(row, "person_code", refs.persons, required=True)
        return found, row.cells.get("person_code") if found is not None else None
    found_code = row.get("person_code", values.code)
    if found_code is not None and row.faults:  # not staged: its code is looked up with the others' at the end
        refs.unresolved.append((row.number, found_code))
    return None, found_code


def _area(row: Row, column: str, refs: Refs, *, village: bool = False) -> int | None:
    found_code = row.get(column, values.code)
    if found_code is None:
        return None
    found = refs.areas.get(found_code)
    if found is None:
        row.fail(column, _("Không tìm thấy vùng có mã %(code)s", code=found_code))
        return None
    if village and found[1] != "village":
        row.fail(column, _("%(code)s không phải thôn/khu phố (cấp %(level)s)", code=found_code, level=found[1]))
        return None
    return found[0]


def _name(row: Row, column: str = "name") -> str | None:
    return row.get(column, values.text, NAME_MAX)


def _done(row: Row, record: dict[str, Any]) -> dict[str, Any] | None:
    return record if row.faults == 0 else None


# ---- checks, one per kind --------------------------------------------------------------------
def check_area(row: Row, refs: Refs) -> dict[str, Any] | None:
    """Check an area row; its parent is resolved later against the whole file and the database."""
    record = {
        "code": row.get("code", values.code),
        "name": _name(row),
        "level": row.get("level", values.choice, AREA_LEVELS),
        "parent_code": row.get("parent_code", values.code, required=False),
        "disadvantaged": row.get("disadvantaged", values.boolean),
        "admin_code": row.get("admin_code", values.admin_code),
    }
    if record["parent_code"] is not None and record["parent_code"] == record["code"]:
        row.fail("parent_code", _("Vùng không thể là cha của chính nó"))
    return _done(row, record)


def check_unit(row: Row, refs: Refs) -> dict[str, Any] | None:
    """Check a unit row."""
    record = {
        "code": row.get("code", values.code),
        "name": _name(row),
        "level": row.get("level", values.choice, UNIT_LEVELS),
        "area_id": _area(row, "area_code", refs),
    }
    return _done(row, record)


def check_family(row: Row, refs: Refs) -> dict[str, Any] | None:
    """Check a family row: it lives in a village."""
    record = {
        "code": row.get("code", values.code),
        "name": _name(row),
        "village_id": _area(row, "village_code", refs, village=True),
    }
    return _done(row, record)


def check_clan(row: Row, refs: Refs) -> dict[str, Any] | None:
    """Check a clan row."""
    record = {"code": row.get("code", values.code), "name": _name(row), "area_id": _area(row, "area_code", refs)}
    return _done(row, record)


def check_person(row: Row, refs: Refs) -> dict[str, Any] | None:
    """Check a person row: the first five columns are required, the rest optional."""
    record = _plain_person(row.cells, refs)
    if record is not None:
        return record
    return _check_person(row, refs)


CODE_OK = re.compile(r"[A-Za-z0-9_.:/+#-]{1,64}").fullmatch  # a code with nothing the checks could object to
BOOLEANS = {v: True for v in values.TRUE} | {v: False for v in values.FALSE}
GROUP_OF = {g: g for g in GROUPS}


def _plain_ref(cells: dict[str, str], column: str, known: dict[str, int]) -> tuple[bool, int | None]:
    """(True, id or None) when the optional code cell is empty or a plain known code; (False, None) otherwise."""
    value = cells.get(column, "")
    if not value:
        return True, None
    found = known.get(value) if CODE_OK(value) else None
    return found is not None, found


def _plain_person(cells: dict[str, str], refs: Refs) -> dict[str, Any] | None:
    """Return the record of a row that is plainly good, cell by cell a subset of what `_check_person`
    accepts and with the same values; None for anything else, which `_check_person` then checks (and
    reports). A fast path: 100,000-row files are mostly good rows."""
    get = cells.get
    code, full_name, year = get("person_code", ""), get("full_name", ""), get("birth_year", "")
    if not (CODE_OK(code) and 0 < len(full_name) <= NAME_MAX and len(year) == 4 and year.isascii() and year.isdigit()):
        return None
    if not values.EARLIEST_YEAR <= int(year) <= refs.year:
        return None
    gender = GENDERS.get(get("gender", "").lower())
    village_code = get("village_code", "")
    village = refs.areas.get(village_code) if CODE_OK(village_code) else None
    if gender is None or village is None or village[1] != "village":
        return None
    (family_ok, family), (clan_ok, clan), (unit_ok, unit) = (
        _plain_ref(cells, "family_code", refs.families),
        _plain_ref(cells, "clan_code", refs.clans),
        _plain_ref(cells, "unit_code", refs.units),
    )
    is_official = BOOLEANS.get(get("is_official", "").lower())
    member = BOOLEANS.get(get("khuyen_hoc_member", "").lower())
    group_cell = get("group", "")
    group = GROUP_OF.get(group_cell.lower()) if group_cell else None
    phone, email = get("phone", "") or None, get("email", "") or None
    if (
        not (family_ok and clan_ok and unit_ok)
        or is_official is None
        or member is None
        or (group_cell and group is None)
        or (is_official and unit is None)
        or (phone is not None and not values.PHONE_RE.fullmatch(phone))
        or (email is not None and (len(email) > 200 or not values.EMAIL_RE.fullmatch(email)))
    ):
        return None
    return {
        "code": code,
        "full_name": full_name,
        "name_folded": values.folded(full_name),
        "birth_year": int(year),
        "gender": gender,
        "village_id": village[0],
        "family_id": family,
        "clan_id": clan,
        "unit_id": unit,
        "is_official": is_official,
        "khuyen_hoc_member": member,
        "group": group,
        "phone": phone,
        "email": email,
    }


def _check_person(row: Row, refs: Refs) -> dict[str, Any] | None:
    """Check a person row cell by cell, recording every fault."""
    full_name = _name(row, "full_name")
    record = {
        "code": row.get("person_code", values.code),
        "full_name": full_name,
        "name_folded": values.folded(full_name),
        "birth_year": row.get("birth_year", values.birth_year),
        "gender": row.get("gender", values.choice, GENDERS),
        "village_id": _area(row, "village_code", refs, village=True),
        "family_id": _ref(row, "family_code", refs.families, required=False),
        "clan_id": _ref(row, "clan_code", refs.clans, required=False),
        "unit_id": _ref(row, "unit_code", refs.units, required=False),
        "is_official": row.get("is_official", values.boolean),
        "khuyen_hoc_member": row.get("khuyen_hoc_member", values.boolean),
        "group": row.get("group", values.choice, GROUPS, required=False),
        "phone": row.get("phone", values.phone),
        "email": row.get("email", values.email),
    }
    if record["is_official"] and not row.cells.get("unit_code"):
        row.fail("unit_code", _("Cán bộ, công chức (is_official) phải có unit_code"))
    return _done(row, record)


def _course(
    row: Row, refs: Refs, ref: str, category: str | None, hours: Decimal | None, level: str | None
) -> tuple[Any, ...]:
    """Fill a course's category, hours and level from the catalogue; require a category otherwise."""
    known = refs.courses.get(ref)
    if known is not None:
        category = category or known.get("category")
        if hours is None and known.get("hours") is not None:
            hours = Decimal(str(known["hours"]))
        level = level or known.get("level")
    elif category is None and not row.cells.get("category"):
        row.fail("category", _("Bắt buộc nhập vì khóa học %(code)s không có trong danh mục", code=ref))
    if level is not None and category is not None and category != "digital_skill":
        row.fail("level", _("Trình độ (level) chỉ dùng cho khóa kỹ năng số (digital_skill)"))
    return category, hours, level


def _max_points(row: Row, refs: Refs, year: int, subject: str, item: str, points: Decimal | None, column: str) -> None:
    """Check the item against the framework of the year, if one is published, and points against its max."""
    items = refs.items.get((year, subject))
    if items is None:
        return  # no framework for that year: any item code, points >= 0
    if item not in items:
        if subject == "person":
            row.fail(column, _("Mã tiêu chí %(code)s không có trong bộ tiêu chí năm %(year)s", code=item, year=year))
        else:
            row.fail(
                column,
                _(
                    "%(code)s không phải mục nhập điểm của danh hiệu %(subject)s năm %(year)s",
                    code=item,
                    subject=subject,
                    year=year,
                ),
            )
    elif points is not None and points > items[item]:
        row.fail(
            "points",
            _("Điểm %(points)s vượt quá tối đa %(max)s của mục %(code)s", points=points, max=items[item], code=item),
        )


def check_evidence(row: Row, refs: Refs) -> dict[str, Any] | None:
    """Check an evidence row; what is required depends on its kind."""
    record = _plain_evidence(row.cells, refs)
    if record is not None:
        return record
    return _check_evidence(row, refs)


CATEGORY_OF = {c: c for c in CATEGORIES}
DIGITAL_LEVEL_OF = {v: v for v in DIGITAL_LEVELS}


@lru_cache(maxsize=4096)  # a file has few distinct dates; bounded whatever it holds
def _plain_date(value: str) -> date | None:
    """The date of a cell `values.iso_date` accepts with the same value (its year bound aside), else None."""
    if not values.DATE_RE.fullmatch(value):
        return None
    try:
        found = date.fromisoformat(value)
    except ValueError:
        return None
    return found if found.year >= values.EARLIEST_YEAR else None


@lru_cache(maxsize=4096)
def _plain_amount(value: str) -> tuple[bool, Decimal | None]:
    """(True, the number or None when empty) for a cell `values.amount` accepts; (False, None) otherwise."""
    if not value:
        return True, None
    match = values.AMOUNT_RE.fullmatch(value)
    return (True, Decimal(f"{match[1]}.{match[2] or '0'}")) if match else (False, None)


def _plain_evidence(cells: dict[str, str], refs: Refs) -> dict[str, Any] | None:
    """Return the record of a course or session row that is plainly good, cell by cell a subset of what
    `_check_evidence` accepts and with the same values (the catalogue through the same `_course`); None
    for anything else, which `_check_evidence` then checks (and reports). A fast path: a file of a
    million completions is mostly good rows."""
    get = cells.get
    kind, ref, person_code = get("kind", "").lower(), get("ref", ""), get("person_code", "")
    when = _plain_date(get("date", ""))
    if kind not in ("course", "session") or when is None or when.year > refs.year + 1 or not CODE_OK(ref):
        return None
    if not CODE_OK(person_code):
        return None
    person_id = None if refs.persons_later else refs.persons.get(person_code)
    hours_ok, hours = _plain_amount(get("hours", ""))
    if (person_id is None and not refs.persons_later) or not hours_ok or get("points"):
        return None
    category_cell, level_cell = get("category", ""), get("level", "")
    category = CATEGORY_OF.get(category_cell.lower()) if category_cell else None
    level = DIGITAL_LEVEL_OF.get(level_cell.lower()) if level_cell else None
    if (category_cell and category is None) or (level_cell and level is None):
        return None
    if kind == "session":
        if category_cell or level_cell or hours is None or hours <= 0:
            return None
    else:
        probe = Row(0, cells, [])
        category, hours, level = _course(probe, refs, ref, category, hours, level)
        if probe.faults:
            return None
    return {
        "person_id": person_id,
        "person_code": person_code,
        "kind": kind,
        "ref": ref,
        "category": category,
        "date": when,
        "hours": hours,
        "level": level,
        "points": None,
        "source": "import",
        "period": when.year,
    }


def _check_evidence(row: Row, refs: Refs) -> dict[str, Any] | None:
    """Check an evidence row cell by cell, recording every fault."""
    kind = row.get("kind", values.choice, EVIDENCE_KINDS)
    when = row.get("date", values.iso_date)
    ref = row.get("ref", values.code, required=kind in ("course", "session", "declaration"))
    category = row.get("category", values.choice, CATEGORIES, required=False)
    hours = row.get("hours", values.amount, required=kind == "session", positive=kind == "session")
    level = row.get("level", values.choice, DIGITAL_LEVELS, required=False)
    points = row.get("points", values.amount, required=kind == "declaration")
    if kind == "course" and ref is not None:
        category, hours, level = _course(row, refs, ref, category, hours, level)
        row.blank(kind, "points")
    elif kind == "session":
        row.blank(kind, "category", "level", "points")
    elif kind == "declaration":
        row.blank(kind, "category", "hours", "level")
        if ref is not None and when is not None:
            _max_points(row, refs, when.year, "person", ref, points, "ref")
    elif kind == "plan":
        row.blank(kind, "ref", "category", "hours", "level", "points")
    person_id, person_code = _person(row, refs)
    record = {
        "person_id": person_id,
        "person_code": person_code,
        "kind": kind,
        "ref": ref or "",
        "category": category,
        "date": when,
        "hours": hours,
        "level": level,
        "points": points,
        "source": "import",
        "period": when.year if when is not None else None,
    }
    return _done(row, record)


def check_group_score(row: Row, refs: Refs) -> dict[str, Any] | None:
    """Check a group-score row: an `entered` item of the subject's title, points within its max."""
    subject = row.get("subject", values.choice, GROUP_SUBJECTS)
    item = row.get("item", values.code, max_len=32)
    when = row.get("date", values.iso_date)
    points = row.get("points", values.amount, required=True)
    groups = {"family": refs.families, "clan": refs.clans, "unit": refs.units}
    if subject == "village":
        subject_id = _area(row, "code", refs, village=True)
    elif subject is not None:
        subject_id = _ref(row, "code", groups[subject], required=True)
    else:
        subject_id = None
    if subject is not None and item is not None and when is not None:
        _max_points(row, refs, when.year, subject, item, points, "item")
    record = {
        "subject": subject,
        "subject_id": subject_id,
        "item": item,
        "period": when.year if when is not None else None,
        "date": when,
        "points": points,
    }
    return _done(row, record)


def check_contribution(row: Row, refs: Refs) -> dict[str, Any] | None:
    """Check a contribution row: an anonymous contributor has no name, anyone else has one."""
    contributor_kind = row.get("contributor_kind", values.choice, CONTRIBUTORS)
    contributor = row.get("contributor", values.text, NAME_MAX, required=False)
    if contributor_kind == "anonymous":
        row.blank(contributor_kind, "contributor")
    elif contributor_kind is not None and not contributor:
        row.fail("contributor", _("Bắt buộc nhập (hoặc chọn anonymous)"))
    when = row.get("date", values.iso_date)
    record = {
        "area_id": _area(row, "area_code", refs),
        "reference": row.get("reference", values.text, 100),
        "period": when.year if when is not None else None,
        "contributor_kind": contributor_kind,
        "contributor": contributor or "",
        "kind": row.get("kind", values.choice, CONTRIBUTION_KINDS),
        "value": row.get("value", values.money),
        "purpose": row.get("purpose", values.text, 500, required=False) or "",
        "date": when,
        "created_by": "import",
    }
    return _done(row, record)


def check_branch(row: Row, refs: Refs) -> dict[str, Any] | None:
    """Check a Khuyến học branch row: its village or commune, and its unit when it is a unit's branch."""
    record = {
        "code": row.get("code", values.code, max_len=80),
        "name": _name(row),
        "area_id": _area(row, "area_code", refs),
        "unit_id": _ref(row, "unit_code", refs.units, required=False),
    }
    return _done(row, record)


def check_member(row: Row, refs: Refs) -> dict[str, Any] | None:
    """Check a roll row: a person of the registry in a branch, as a member or one of its officers."""
    record = {
        "person_id": _ref(row, "person_code", refs.persons, required=True),
        "branch_id": _ref(row, "branch_code", refs.branches, required=True),
        "position": row.get("position", values.choice, POSITIONS, required=False) or "member",
        "joined_on": row.get("joined_on", values.iso_date) if row.cells.get("joined_on") else None,
    }
    return _done(row, record)


def _columns(names: str, examples: str) -> tuple[Column, ...]:
    """Build columns from "name name? …" (? marks an optional column) and "|"-separated examples."""
    samples = examples.split("|")
    return tuple(Column(n.rstrip("?"), not n.endswith("?"), samples[i]) for i, n in enumerate(names.split()))


SPECS: dict[str, Spec] = {
    "areas": Spec(
        _columns(
            "code name level parent_code? disadvantaged? admin_code?", "XT-H-A-T1|Thôn 1 Hòa Ân|village|XT-H-A|không|"
        ),
        check_area,
        ("code", "name", "level", "parent_code", "disadvantaged", "admin_code"),
        {"parent_code": "parent_code", "disadvantaged": "disadvantaged", "admin_code": "admin_code"},
        ("code",),
        "code",
    ),
    "units": Spec(
        _columns("code name level area_code", "U-UBND-A|UBND xã Hòa Ân|commune|XT-H-A"),
        check_unit,
        ("code", "name", "level", "area_id"),
        {},
        ("code",),
        "code",
    ),
    "families": Spec(
        _columns("code name village_code", "GD-00001|Hộ Nguyễn Văn An|XT-H-A-T1"),
        check_family,
        ("code", "name", "village_id"),
        {},
        ("code",),
        "code",
    ),
    "clans": Spec(
        _columns("code name area_code", "DH-01|Họ Nguyễn|XT-H-A"),
        check_clan,
        ("code", "name", "area_id"),
        {},
        ("code",),
        "code",
    ),
    "people": Spec(
        _columns(
            "person_code full_name birth_year gender village_code family_code? clan_code? unit_code? is_official?"
            " khuyen_hoc_member? group? phone? email?",
            "P000001|Nguyễn Văn An|1985|nam|XT-H-A-T1|GD-00001|DH-01|U-UBND-A|1|có|official|0912345678|an@example.vn",
        ),
        check_person,
        ("code", "full_name", "name_folded", "birth_year", "gender", "village_id", *PERSON_OPTIONAL),
        PERSON_OPTIONAL,
        ("code",),
        "person_code",
    ),
    "evidence": Spec(
        _columns(
            "person_code kind ref? category? date hours? level? points?",
            "P000001|course|OFF-DIG-CB|digital_skill|2026-03-15|8|basic|",
        ),
        check_evidence,
        ("person_id", "kind", "ref", "category", "date", "hours", "level", "points", "source", "period"),
        {},
        ("person_id", "kind", "ref", "date"),
        "ref",
    ),
    "group-scores": Spec(
        _columns("subject code item date points", "family|GD-00001|F3|2026-11-15|25"),
        check_group_score,
        ("subject", "subject_id", "item", "period", "date", "points"),
        {},
        ("subject", "subject_id", "item", "period"),
        "item",
    ),
    "contributions": Spec(
        _columns(
            "area_code date contributor_kind contributor? kind value purpose? reference",
            "XT-H-A|2026-03-08|business|Công ty TNHH Minh Phát|scholarship|15000000|Học bổng cho học viên|05/BN-KH",
        ),
        check_contribution,
        ("area_id", "reference", "period", "contributor_kind", "contributor", "kind", "value", "purpose", "date",
         "created_by"),  # fmt: skip
        {},
        ("area_id", "reference"),
        "reference",
    ),
    "kh-branches": Spec(
        _columns("code name area_code unit_code?", "KH-XT-H-A-T1|Chi hội Khuyến học thôn 1|XT-H-A-T1|"),
        check_branch,
        ("code", "name", "area_id", "unit_id"),
        {"unit_id": "unit_code"},
        ("code",),
        "code",
    ),
    "kh-members": Spec(
        _columns("branch_code person_code position? joined_on?", "KH-XT-H-A-T1|P000001|chair|2020-05-01"),
        check_member,
        ("person_id", "branch_id", "position", "joined_on"),
        {},
        ("person_id",),
        "person_code",
    ),
}
COLUMNS: dict[str, tuple[Column, ...]] = {kind: spec.columns for kind, spec in SPECS.items()}

# the column titles of the templates (in the officer's language); files may use them or the machine names
COLUMN_TITLES: dict[str, Any] = {
    "code": _l("Mã"),
    "name": _l("Tên"),
    "level": _l("Cấp"),
    "parent_code": _l("Mã địa bàn cấp trên"),
    "disadvantaged": _l("Vùng khó khăn"),
    "admin_code": _l("Mã ĐVHC"),
    "area_code": _l("Mã địa bàn"),
    "village_code": _l("Mã thôn, khu phố"),
    "person_code": _l("Mã người dân"),
    "full_name": _l("Họ và tên"),
    "birth_year": _l("Năm sinh"),
    "gender": _l("Giới tính"),
    "family_code": _l("Mã hộ gia đình"),
    "clan_code": _l("Mã dòng họ"),
    "unit_code": _l("Mã đơn vị"),
    "is_official": _l("Là cán bộ, công chức"),
    "khuyen_hoc_member": _l("Hội viên Khuyến học"),
    "group": _l("Nhóm đối tượng"),
    "phone": _l("Số điện thoại"),
    "email": _l("Email"),
    "kind": _l("Loại minh chứng"),
    "ref": _l("Mã khóa học hoặc hoạt động"),
    "category": _l("Lĩnh vực"),
    "date": _l("Ngày"),
    "hours": _l("Số giờ"),
    "points": _l("Điểm"),
    "item": _l("Tiêu chí"),
    "subject": _l("Đối tượng được chấm"),
}
