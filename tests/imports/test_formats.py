"""File formats: CSV with or without BOM, CRLF, blank lines, NFD text; XLSX streamed; the templates."""

import io
import unicodedata
from datetime import date, datetime

import openpyxl
import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.people.models import Person

PEOPLE = (
    "person_code,full_name,birth_year,gender,village_code,is_official,unit_code\nP9,Nguyễn Thị Ánh,1990,Nữ,A1,không,\n"
)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    """Return an XLSX workbook whose first sheet holds these rows."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def people() -> list[Person]:
    return list(db.session.scalars(sa.select(Person).order_by(Person.code)))


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no BOM", "BOM"])
def test_csv_with_or_without_bom(tree, run_import, bom):
    report = run_import("people", bom + PEOPLE.encode())
    assert report.ok, report.errors
    (person,) = people()
    assert (person.code, person.full_name, person.gender, person.name_folded) == (
        "P9",
        "Nguyễn Thị Ánh",
        "nữ",
        "nguyen thi anh",
    )


def test_crlf_blank_lines_spaces_and_decomposed_diacritics(tree, run_import):
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    content = f"person_code,full_name,birth_year,gender,village_code\r\n\r\n P9 , {nfd} ,1990,female,A1\r\n,,,,\r\n"
    report = run_import("people", content)
    assert report.ok, report.errors
    assert report.rows == 1
    assert people()[0].full_name == "Nguyễn Thị Ánh"  # stored composed (NFC)


def test_header_only_file_imports_nothing(tree, run_import):
    report = run_import("people", "person_code,full_name,birth_year,gender,village_code\n")
    assert report.ok and report.rows == 0


def test_xlsx_people_and_evidence(tree, default_framework, run_import):
    people_rows = [
        ["person_code", "full_name", "birth_year", "gender", "village_code", "khuyen_hoc_member", None],
        ["P9", "Trần Văn Bình", 1985, "male", "A1", True, None],
        [],
        ["P10", "Lê Thị Cúc", 1992.0, "nữ", "A2", None],
    ]
    report = run_import("people", xlsx_bytes(people_rows), filename="people.xlsx")
    assert report.ok, report.errors
    assert [(p.code, p.birth_year, p.khuyen_hoc_member) for p in people()] == [("P10", 1992, False), ("P9", 1985, True)]
    evidence_rows = [
        ["person_code", "kind", "ref", "category", "date", "hours", "level", "points"],
        ["P9", "session", "TH-1", None, datetime(2026, 3, 1), 2.5, None, None],
        ["P9", "declaration", "T3.1", None, date(2026, 4, 1), None, None, 7],
    ]
    # detected by content (a zip), whatever the name says
    report = run_import("evidence", xlsx_bytes(evidence_rows), filename="upload.bin")
    assert report.ok, report.errors
    assert report.created == 2


def test_xlsx_errors_name_rows_as_the_spreadsheet_shows_them(tree, run_import):
    rows = [["code", "name", "level", "parent_code"], ["X", "Xã X", "commune", "D"], [], ["Y", "Xã Y", "town", "D"]]
    report = run_import("areas", xlsx_bytes(rows), filename="areas.xlsx")
    assert [(e.row, e.column) for e in report.errors] == [(4, "level")]


@pytest.mark.parametrize("kind", ["areas", "units", "families", "clans", "people", "evidence", "group-scores"])
def test_template_has_the_header_and_a_sample_line(app, kind):
    from lms.imports.services import COLUMNS, machine_names, template_xlsx

    workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx(kind)), read_only=True)
    header, sample = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert all(" (" in title for title in header)  # "Mã người dân (person_code)": a title, and the machine name
    assert machine_names(list(header)) == [c.name for c in COLUMNS[kind]]
    assert any(sample)


def test_area_template_is_checked_like_any_file(tree, run_import):
    from lms.imports.services import template_xlsx

    report = run_import("areas", template_xlsx("areas"), filename="areas.xlsx")
    assert not report.ok and report.errors[0].column == "parent_code"  # XT-H-A is not in this tree


def test_the_template_has_titles_in_the_officers_language_and_codes_of_their_area(tree, client, make_user, run_import):
    from tests.web.conftest import sign_in

    make_user("officer", area=tree["A"], login="canbo.xa@example.vn")
    sign_in(client, "canbo.xa@example.vn")
    response = client.get("/officer/imports/templates/people.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    header, sample = [[c.value for c in row] for row in sheet.iter_rows(max_row=2)]
    assert header[:2] == ["Mã người dân (person_code)", "Họ và tên (full_name)"]
    assert sample[header.index("Mã thôn, khu phố (village_code)")] == "A1"  # a village of commune A, not a made-up code
    # the titles alone, without diacritics or in English, and the machine names are all understood
    titled = 'Mã người dân,Ho va ten,Year of birth,gender,"Mã thôn, khu phố"\nP9,Nguyễn Thị Ánh,1990,Nữ,A1\n'
    report = run_import("people", titled.encode())
    assert report.ok, report.errors
    assert [p.code for p in people()] == ["P9"]
