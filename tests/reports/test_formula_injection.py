"""No cell of any export is a formula: hostile names, village names and decision numbers are written as text."""

import csv
import io
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa

from lms.exports import FORMULA_STARTS, csv_row
from lms.extensions import db
from lms.imports.services import KINDS
from lms.people.models import Unit
from lms.titles.models import Award
from tests.web.conftest import make_eligible, score, sign_in, submit

PERIOD = 2026
HOSTILE_NAME = '=HYPERLINK("http://evil.example","x")'
HOSTILE_VILLAGE = "=1+1"
HOSTILE_UNIT = "@SUM(1+1)*cmd|' /C calc'!A0"
DECISIONS = [f"{start}{n}/QĐ-UBND" for n, start in enumerate(FORMULA_STARTS, start=1)]


@pytest.fixture
def hostile(tree, make_person, make_user, default_framework):  # type: ignore[no-untyped-def]
    """Holders in commune A with a hostile name, village, unit and decision numbers starting with each character."""
    from lms.titles.services import award_titles

    tree["A1"].name = HOSTILE_VILLAGE
    tree["A"].name = "+Xã Hòa Ân"
    unit = Unit(code="U-A", name=HOSTILE_UNIT, level="commune", area_id=tree["A"].id)
    db.session.add(unit)
    db.session.flush()
    people = [make_person(tree["A1"], full_name=HOSTILE_NAME, unit_id=unit.id, is_official=True, phone="+84912000111")]
    people += [make_person(tree["A1"], full_name=f"-Người {n}") for n in range(len(DECISIONS) - 1)]
    for person in people:
        make_eligible(person)
    score()
    award_titles([p.id for p in people], PERIOD, "1/QĐ-UBND", date(PERIOD, 11, 20), "test", tree["A"])
    awards = db.session.scalars(sa.select(Award).where(Award.period == PERIOD).order_by(Award.person_id)).all()
    # decision numbers as an older import or a careless edit may have left them (the form strips blanks)
    for award, number in zip(awards, DECISIONS, strict=True):
        award.decision_no = number
    db.session.commit()
    score()
    make_user("officer", area=tree["D"], login="huyen@example.vn")
    return people


def formula_cells(book: openpyxl.Workbook) -> list[str]:
    """Return every cell that is a formula, or risky text a spreadsheet could take for one."""
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    found.append(f"{sheet.title}!{cell.coordinate} formula {cell.value!r}")
                elif isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS) and not cell.quotePrefix:
                    found.append(f"{sheet.title}!{cell.coordinate} unquoted {cell.value!r}")
    return found


def values(book: openpyxl.Workbook) -> set[object]:
    """Every value of the workbook (a CR reads back as LF: XML normalises line ends)."""
    found = {cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row}
    return found | {v.replace("\n", "\r") for v in found if isinstance(v, str)}


def _export(client, action: str, data: dict):  # type: ignore[no-untyped-def]
    response = submit(client, f"/officer/reports?period={PERIOD}", action, {"period": str(PERIOD), **data})
    assert response.status_code == 200, response.status_code
    return openpyxl.load_workbook(io.BytesIO(response.data))


def test_holders_list_writes_hostile_names_and_decisions_as_text(client, tree, hostile, officer_a):
    sign_in(client, "canbo.a@example.vn")
    book = _export(client, "/officer/reports/holders.xlsx", {"area": "A", "contacts": "y"})
    assert {HOSTILE_NAME, HOSTILE_VILLAGE, *DECISIONS, "+84912000111"} <= values(book)
    assert formula_cells(book) == []


def test_unit_holders_list_writes_hostile_names_as_text(client, tree, hostile, officer_a):
    sign_in(client, "canbo.a@example.vn")
    book = _export(client, "/officer/reports/holders.xlsx", {"unit": "U-A"})
    assert HOSTILE_NAME in values(book)
    assert formula_cells(book) == []


def test_indicator_report_writes_hostile_area_and_unit_names_as_text(client, tree, hostile):
    sign_in(client, "huyen@example.vn")
    book = _export(client, "/officer/reports/indicators.xlsx", {"area": "D"})
    assert {HOSTILE_VILLAGE, "+Xã Hòa Ân", HOSTILE_UNIT} <= values(book)
    assert formula_cells(book) == []


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_import_templates_hold_no_formula(client, officer_a, kind):
    sign_in(client, "canbo.a@example.vn")
    response = client.get(f"/officer/imports/templates/{kind}.xlsx")
    assert response.status_code == 200
    assert formula_cells(openpyxl.load_workbook(io.BytesIO(response.data))) == []


def test_csv_rows_quote_every_formula_start():
    out = io.StringIO()
    csv.writer(out).writerow(csv_row([HOSTILE_NAME, *DECISIONS, "Nguyễn Văn An", 12, None]))
    cells = next(csv.reader(io.StringIO(out.getvalue())))
    assert cells[0] == "'" + HOSTILE_NAME
    assert cells[1 : 1 + len(DECISIONS)] == ["'" + d for d in DECISIONS]
    assert cells[-3:] == ["Nguyễn Văn An", "12", ""]


def test_decisions_in_the_database_kept_their_hostile_start(app, hostile):
    """The fixture really holds what the exports are tested with (the award form strips blanks)."""
    stored = set(db.session.scalars(sa.select(Award.decision_no)))
    assert stored == set(DECISIONS)
