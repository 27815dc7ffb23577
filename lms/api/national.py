"""The export for the national system: a year's figures and title holders laid out as its report form.

The layout (sheets, column headers, which field fills each column) is data, lms/api/data/national-form.yaml,
so it can follow the national form without a code change. Cells that a spreadsheet would read as a formula
(=, +, -, @) are written as text.
"""

import csv
import io
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from lms.api.models import ApiToken
from lms.api.services import title_decisions
from lms.areas.history import exists_in
from lms.areas.models import Area
from lms.areas.services import areas_under
from lms.audit.services import audit
from lms.extensions import db
from lms.indicators.models import COUNT_COLUMNS, INDICATOR_CODES
from lms.indicators.services import report
from lms.people.models import Person

FORM_FILE = Path(__file__).resolve().parent / "data" / "national-form.yaml"
GENDERS = {"nam": "Nam", "nữ": "Nữ", "khác": "Khác"}
FIELDS = {
    "indicators": {
        "period",
        "area.admin_code",
        "area.code",
        "area.name",
        "area.level",
        "parent.admin_code",
        "parent.name",
        *(f"counts.{c}" for c in COUNT_COLUMNS),
        *(
            f"{i}.{p}"
            for i in INDICATOR_CODES
            for p in ("numerator", "denominator", "value", "target_2025", "target_2030")
        ),
    },
    "titles": {
        "period",
        "commune.admin_code",
        "commune.code",
        "commune.name",
        "village.name",
        "person.code",
        "person.full_name",
        "person.birth_year",
        "person.gender",
        "decision.no",
        "decision.date",
    },
}
RISKY = ("=", "+", "-", "@", "\t", "\r")


def load_form(path: Path = FORM_FILE) -> dict[str, Any]:
    """Read and check a form layout: every sheet known, every column a header and a known field."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    sheets = document.get("sheets") if isinstance(document, dict) else None
    if not isinstance(sheets, dict) or set(sheets) - set(FIELDS) or not sheets:
        raise ValueError(f"{path}: sheets must be some of {sorted(FIELDS)}")
    for name, sheet in sheets.items():
        for n, column in enumerate(sheet.get("columns") or []):
            if not isinstance(column, dict) or not column.get("header") or column.get("field") not in FIELDS[name]:
                found = column.get("field") if isinstance(column, dict) else column
                raise ValueError(
                    f"{path}: sheets.{name}.columns[{n}]: {found!r} is not a header and one of {sorted(FIELDS[name])}"
                )
    return document


@lru_cache(maxsize=1)
def form() -> dict[str, Any]:
    """Return the national form layout (read once)."""
    return load_form()


def _get(record: dict[str, Any], field: str) -> Any:
    value: Any = record
    for part in field.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _rows_of(sheet: str, records: Iterator[dict[str, Any]]) -> Iterator[list[Any]]:
    fields = [c["field"] for c in form()["sheets"][sheet]["columns"]]
    for record in records:
        yield [_get(record, f) for f in fields]


def indicator_records(root: Area, period: int) -> Iterator[dict[str, Any]]:
    """Yield the figures of `root` and the areas below it at the form's levels that exist in the year."""
    levels = form()["sheets"]["indicators"].get("levels") or ["province", "district", "commune", "village"]
    areas = list(db.session.scalars(sa.select(Area).where(Area.path.startswith(root.path)).order_by(Area.path)))
    by_id = {a.id: a for a in areas}
    for found in areas:
        if found.level not in levels or not exists_in(found, period):
            continue
        data = report(found.code, found.id, period)
        parent = by_id.get(found.parent_id) if found.parent_id else None
        if parent is None and found.parent_id:
            parent = db.session.get(Area, found.parent_id)
        yield {
            "period": period,
            "area": {"admin_code": found.admin_code, "code": found.code, "name": found.name, "level": found.level},
            "parent": {"admin_code": parent.admin_code if parent else None, "name": parent.name if parent else None},
            "counts": data["counts"],
            **data["indicators"],
        }


def title_records(root: Area, period: int) -> Iterator[dict[str, Any]]:
    """Yield the title holders of the year living under `root`, with their commune and the decision."""
    areas = {a.id: a for a in db.session.scalars(sa.select(Area))}
    decisions = title_decisions(period).subquery("decisions")
    query = (
        sa.select(Person, decisions.c.decision_no, decisions.c.decision_date)
        .join(decisions, decisions.c.person_id == Person.id)
        .where(Person.village_id.in_(areas_under(root)))
        .order_by(Person.village_id, Person.code)
        .execution_options(yield_per=1000)
    )
    for person, decision_no, decision_date in db.session.execute(query):
        village = areas.get(person.village_id)
        commune = village
        while commune is not None and commune.level != "commune" and commune.parent_id is not None:
            commune = areas.get(commune.parent_id)
        yield {
            "period": period,
            "commune": {
                "admin_code": commune.admin_code if commune else None,
                "code": commune.code if commune else None,
                "name": commune.name if commune else None,
            },
            "village": {"name": village.name if village else None},
            "person": {
                "code": person.code,
                "full_name": person.full_name,
                "birth_year": person.birth_year,
                "gender": GENDERS.get(person.gender, person.gender),
            },
            "decision": {"no": decision_no, "date": decision_date},
        }


RECORDS = {"indicators": indicator_records, "titles": title_records}


def _text_safe(value: Any) -> Any:
    """Return a value a spreadsheet will not read as a formula (a text starting with = + - @ gets a ')."""
    if isinstance(value, str) and value.startswith(RISKY):
        return "'" + value
    return value


def csv_bytes(root: Area, period: int, sheet: str) -> bytes:
    """Return one sheet of the form as CSV (UTF-8 with BOM, for spreadsheets)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c["header"] for c in form()["sheets"][sheet]["columns"]])
    for row in _rows_of(sheet, RECORDS[sheet](root, period)):
        writer.writerow(["" if v is None else _text_safe(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(root: Area, period: int) -> bytes:
    """Return every sheet of the form as one XLSX workbook (text cells are never formulas)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    for name, sheet_form in form()["sheets"].items():
        sheet = workbook.create_sheet(name)
        sheet.append([sheet_form.get("title", name)])
        sheet.append([c["header"] for c in sheet_form["columns"]])
        for row in _rows_of(name, RECORDS[name](root, period)):
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def audit_export(token: ApiToken, area: Area, period: int, fmt: str) -> None:
    """Record the export in the audit log (it carries the names of the title holders)."""
    audit(token.actor, "export.national", area.code, area_id=area.id, after={"period": period, "format": fmt})
    db.session.flush()
