"""Bad import files: a clear message naming each bad row and column, and nothing written."""

import io
import zipfile

import pytest

from lms.extensions import db
from lms.util import today_local
from tests.imports.conftest import table_counts

AREAS = "code,name,level,parent_code,disadvantaged\n"
UNITS = "code,name,level,area_code\n"
PEOPLE = "person_code,full_name,birth_year,gender,village_code\n"
EVIDENCE = "person_code,kind,ref,category,date,hours,level,points\n"
GROUPS = "subject,code,item,date,points\n"
NEXT_YEAR = today_local().year + 1


@pytest.fixture
def world(tree, default_framework, make_person):  # type: ignore[no-untyped-def]
    """The `tree` areas, the 2026 framework, family F1 and unit U1 in commune A, person P1 in village A1."""
    from lms.people.models import Family, Unit

    db.session.add_all(
        [
            Family(code="F1", name="Hộ 1", village_id=tree["A1"].id),
            Unit(code="U1", name="UBND", level="commune", area_id=tree["A"].id),
        ]
    )
    make_person(tree["A1"], code="P1")
    db.session.commit()
    return tree


CASES = [
    # (id, kind, file content, a (row, column) the report must name)
    ("missing required column", "areas", "code,name\nX,Xã X\n", (1, "level")),
    ("unknown column", "areas", "code,name,level,colour\nX,Xã X,commune,red\n", (1, "colour")),
    ("duplicated column", "areas", "code,name,name,level\nX,a,b,commune\n", (1, "name")),
    ("column without a name", "units", "code,,name,level,area_code\nU9,x,a,commune,A\n", (1, "#2")),
    ("semicolon separated", "areas", "code;name;level\nX;a;commune\n", (1, "code;name;level")),
    ("empty file", "areas", b"", (1, "")),
    ("not UTF-8 (Windows-1252)", "people", PEOPLE.encode() + "P9,José,1990,nam,A1\n".encode("cp1252"), (2, "")),
    ("UTF-16", "people", PEOPLE.encode("utf-16"), (1, "")),
    ("NUL byte", "areas", AREAS + "X,a\x00b,commune,D,\n", (2, "")),
    ("more cells than columns", "people", PEOPLE + "P9,An,1990,nam,A1,extra\n", (2, "")),
    ("duplicate code", "areas", AREAS + "X,a,commune,D,\nX,b,commune,D,\n", (3, "code")),
    ("unknown parent code", "areas", AREAS + "X,a,commune,NOPE,\n", (2, "parent_code")),
    ("cycle inside the file", "areas", AREAS + "C1,a,commune,C2,\nC2,b,commune,C1,\n", (3, "parent_code")),
    ("cycle through the database", "areas", AREAS + "D,Huyện,district,A,\n", (2, "parent_code")),
    ("area is its own parent", "areas", AREAS + "X,a,commune,X,\n", (2, "parent_code")),
    ("parent below its child", "areas", AREAS + "X,a,district,A1,\n", (2, "parent_code")),
    ("unknown area level", "areas", AREAS + "X,a,hamlet,D,\n", (2, "level")),
    ("bad boolean", "areas", AREAS + "X,a,commune,D,maybe\n", (2, "disadvantaged")),
    ("unit level province", "units", UNITS + "U9,a,province,A\n", (2, "level")),
    ("unit in an unknown area", "units", UNITS + "U9,a,commune,NOPE\n", (2, "area_code")),
    ("family in a commune", "families", "code,name,village_code\nF9,a,A\n", (2, "village_code")),
    ("clan without a name", "clans", "code,name,area_code\nD9,,A\n", (2, "name")),
    ("birth year in the future", "people", PEOPLE + f"P9,An,{NEXT_YEAR},nam,A1\n", (2, "birth_year")),
    ("birth year before 1900", "people", PEOPLE + "P9,An,1899,nam,A1\n", (2, "birth_year")),
    ("birth year not a number", "people", PEOPLE + "P9,An,19x0,nam,A1\n", (2, "birth_year")),
    ("unknown gender", "people", PEOPLE + "P9,An,1990,m,A1\n", (2, "gender")),
    ("empty full name", "people", PEOPLE + "P9,,1990,nam,A1\n", (2, "full_name")),
    ("code with a space", "people", PEOPLE + "P 9,An,1990,nam,A1\n", (2, "person_code")),
    ("over-long name", "people", PEOPLE + f"P9,{'A' * 201},1990,nam,A1\n", (2, "full_name")),
    ("unknown village", "people", PEOPLE + "P9,An,1990,nam,NOPE\n", (2, "village_code")),
    ("unknown family", "people", PEOPLE.strip() + ",family_code\nP9,An,1990,nam,A1,NOPE\n", (2, "family_code")),
    ("official without a unit", "people", PEOPLE.strip() + ",is_official\nP9,An,1990,nam,A1,có\n", (2, "unit_code")),
    ("unknown group", "people", PEOPLE.strip() + ",group\nP9,An,1990,nam,A1,boss\n", (2, "group")),
    ("bad phone", "people", PEOPLE.strip() + ",phone\nP9,An,1990,nam,A1,call me\n", (2, "phone")),
    ("bad email", "people", PEOPLE.strip() + ",email\nP9,An,1990,nam,A1,an@\n", (2, "email")),
    ("evidence of an unknown person", "evidence", EVIDENCE + "NOPE,plan,,,2026-03-01,,,\n", (2, "person_code")),
    ("unknown evidence kind", "evidence", EVIDENCE + "P1,exam,X,,2026-03-01,,,\n", (2, "kind")),
    ("impossible date", "evidence", EVIDENCE + "P1,plan,,,2026-02-30,,,\n", (2, "date")),
    ("date not ISO", "evidence", EVIDENCE + "P1,plan,,,15/03/2026,,,\n", (2, "date")),
    ("date far in the future", "evidence", EVIDENCE + "P1,plan,,,2099-01-01,,,\n", (2, "date")),
    ("offline course without category", "evidence", EVIDENCE + "P1,course,OFF-X,,2026-03-01,2,,\n", (2, "category")),
    ("unknown course category", "evidence", EVIDENCE + "P1,course,OFF-X,cooking,2026-03-01,2,,\n", (2, "category")),
    ("level on a non-digital course", "evidence", EVIDENCE + "P1,course,OFF-X,law,2026-03-01,2,basic,\n", (2, "level")),
    ("negative hours", "evidence", EVIDENCE + "P1,course,OFF-X,law,2026-03-01,-2,,\n", (2, "hours")),
    ("session without hours", "evidence", EVIDENCE + "P1,session,TH-1,,2026-03-01,,,\n", (2, "hours")),
    ("session of zero hours", "evidence", EVIDENCE + "P1,session,TH-1,,2026-03-01,0,,\n", (2, "hours")),
    ("declaration over the item max", "evidence", EVIDENCE + "P1,declaration,T3.1,,2026-03-01,,,11\n", (2, "points")),
    ("declaration of an unknown item", "evidence", EVIDENCE + "P1,declaration,T9.9,,2026-03-01,,,5\n", (2, "ref")),
    ("declaration without points", "evidence", EVIDENCE + "P1,declaration,T3.1,,2026-03-01,,,\n", (2, "points")),
    ("plan with a ref", "evidence", EVIDENCE + "P1,plan,X,,2026-03-01,,,\n", (2, "ref")),
    ("duplicate evidence", "evidence", EVIDENCE + "P1,plan,,,2026-03-01,,,\nP1,plan,,,2026-03-01,,,\n", (3, "ref")),
    ("unknown group subject", "group-scores", GROUPS + "school,F1,F3,2026-11-15,10\n", (2, "subject")),
    ("item that is not entered", "group-scores", GROUPS + "family,F1,F1,2026-11-15,10\n", (2, "item")),
    ("group points over the max", "group-scores", GROUPS + "family,F1,F3,2026-11-15,31\n", (2, "points")),
    ("village code of a commune", "group-scores", GROUPS + "village,A,C2,2026-11-15,10\n", (2, "code")),
    ("unknown family code", "group-scores", GROUPS + "family,NOPE,F3,2026-11-15,10\n", (2, "code")),
    (
        "duplicate group score",
        "group-scores",
        GROUPS + "unit,U1,U1,2026-01-15,10\nunit,U1,U1,2026-11-15,20\n",
        (3, "item"),
    ),
]


@pytest.mark.parametrize(("kind", "content", "where"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_file_names_row_and_column_and_writes_nothing(world, run_import, kind, content, where):
    before = table_counts()
    report = run_import(kind, content)
    assert not report.ok
    assert where in {(e.row, e.column) for e in report.errors}, report.errors
    assert all(e.message for e in report.errors)
    assert table_counts() == before


def test_every_bad_row_is_reported_and_good_rows_are_not_written(world, run_import):
    content = (
        PEOPLE
        + "P9,An,1990,nam,A1\nP10,Bình,3000,nam,A1\nP11,Chi,1990,x,A1\nP12,Dũng,1990,nam,A1\nP13,,1990,nam,NOPE\n"
    )
    before = table_counts()
    report = run_import("people", content)
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "birth_year"),
        (4, "gender"),
        (6, "full_name"),
        (6, "village_code"),
    ]
    assert table_counts() == before


def test_messages_are_vietnamese_by_default(world, run_import):
    report = run_import("areas", "code,name\nX,Xã X\n")
    assert report.errors[0].message == "Thiếu cột bắt buộc"


def test_file_over_the_default_50_mb_limit_is_refused(world, run_import):
    big = AREAS.encode() + b"X" * (50 * 1024 * 1024 + 1)
    report = run_import("areas", big)
    assert [(e.row, e.column) for e in report.errors] == [(1, "")]
    assert "50.0 MB" in report.errors[0].message


def test_size_limit_is_a_setting(world, app, run_import):
    app.config["IMPORT_MAX_BYTES"] = 100
    report = run_import("areas", AREAS + "X,Xã rất dài " + "a" * 100 + ",commune,D,\n")
    assert not report.ok and "MB" in report.errors[0].message


def test_too_many_errors_stop_the_check(world, app, run_import):
    app.config["IMPORT_MAX_ERRORS"] = 5
    report = run_import("people", PEOPLE + "".join(f"P{i},An,1990,x,A1\n" for i in range(3000)))
    assert len(report.errors) == 6  # five faults, then the note that the check stopped
    assert report.errors[-1].column == ""


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


XLSX_CASES = [
    ("zip bomb (one member inflates 1000x)", _zip({"xl/worksheets/sheet1.xml": b"\0" * (20 << 20)}), "zip bomb"),
    ("zip that is not a workbook", _zip({"hello.txt": b"hello"}), "XLSX"),
    ("truncated zip", b"PK\x03\x04" + b"\x00" * 100, "XLSX"),
    ("CSV renamed to .xlsx", b"code,name,level\nX,a,commune\n", "XLSX"),
    ("old binary .xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 600, ".xls"),
]


@pytest.mark.parametrize(("content", "words"), [c[1:] for c in XLSX_CASES], ids=[c[0] for c in XLSX_CASES])
def test_corrupt_or_bomb_xlsx_is_refused(world, run_import, content, words):
    before = table_counts()
    report = run_import("areas", content, filename="areas.xlsx")
    assert [(e.row, e.column) for e in report.errors] == [(1, "")]
    assert words in report.errors[0].message
    assert table_counts() == before


def test_zip_uncompressed_total_is_capped(world, app, run_import):
    from tests.imports.test_formats import xlsx_bytes

    app.config["IMPORT_MAX_UNZIPPED_BYTES"] = 1000
    report = run_import("areas", xlsx_bytes([["code", "name", "level"], ["X", "a", "province"]]), filename="a.xlsx")
    assert not report.ok and "zip bomb" in report.errors[0].message


def test_area_tree_is_checked_even_with_bad_rows_without_blaming_their_children(world, run_import):
    content = AREAS + "C1,Xã 1,town,D,\nV1,Thôn 1,village,C1,\nV2,Thôn 2,village,NOPE,\n"
    report = run_import("areas", content)
    assert [(e.row, e.column) for e in report.errors] == [(2, "level"), (4, "parent_code")]


def test_duplicates_are_reported_beside_other_faults(world, run_import):
    content = PEOPLE + "P9,An,1990,x,A1\nP10,Bình,1990,nam,A1\nP10,Bình,1991,nam,A1\nP9,An,1990,nam,A1\n"
    report = run_import("people", content)
    assert [(e.row, e.column) for e in report.errors] == [(2, "gender"), (4, "person_code")]
    assert "3" in report.errors[1].message
