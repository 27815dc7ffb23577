"""The evidence import resolves people set-based once the file is staged: an unknown person code is still
reported on its row and column, in Vietnamese, beside the row's other faults, and nothing is written."""

import pytest

from lms.extensions import db
from lms.imports import services
from tests.imports.conftest import table_counts

EVIDENCE = "person_code,kind,ref,category,date,hours,level,points\n"


@pytest.fixture
def people(tree, make_person):  # type: ignore[no-untyped-def]
    make_person(tree["A1"], code="P1")
    make_person(tree["A1"], code="P2")
    db.session.commit()
    return tree


def test_unknown_people_are_reported_in_file_order_and_nothing_is_written(people, run_import, monkeypatch):
    monkeypatch.setattr(services, "CHUNK_ROWS", 3)  # faults in several chunks
    content = EVIDENCE + (
        "P1,course,C-1,law,2026-03-01,2,,\n"  # 2: good
        "NOPE,course,C-2,law,2026-03-01,2,,\n"  # 3: unknown person (a staged row)
        "P2,course,C-3,law,2026-03-01,2,,\n"  # 4: good
        "GONE,course,C-4,cooking,2026-03-01,2,,\n"  # 5: bad category and unknown person (a row left out)
        "P2,course,C-5,law,2026-02-30,2,,\n"  # 6: bad date, known person
        "NOPE,session,S-1,,2026-03-01,2,,\n"  # 7: unknown person again
    )
    before = table_counts()
    report = run_import("evidence", content)
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "person_code"),
        (5, "category"),
        (5, "person_code"),
        (6, "date"),
        (7, "person_code"),
    ]
    assert report.errors[0].message == "Không tìm thấy mã NOPE"
    assert report.errors[2].message == "Không tìm thấy mã GONE"
    assert table_counts() == before


def test_an_unknown_person_does_not_make_a_duplicate_of_another(people, run_import):
    content = EVIDENCE + "X1,course,C-1,law,2026-03-01,2,,\nX2,course,C-1,law,2026-03-01,2,,\n"
    report = run_import("evidence", content)
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (2, "person_code", "Không tìm thấy mã X1"),
        (3, "person_code", "Không tìm thấy mã X2"),
    ]


def test_the_report_stops_at_the_error_limit(people, run_import, app):
    app.config["IMPORT_MAX_ERRORS"] = 5
    content = EVIDENCE + "".join(f"X{i},course,C-{i},law,2026-03-01,2,,\n" for i in range(20))
    report = run_import("evidence", content)
    assert [e.row for e in report.errors] == [2, 3, 4, 5, 6]


def test_known_people_are_written_with_their_ids(people, run_import):
    from lms.evidence.models import Evidence
    from lms.people.models import Person

    report = run_import("evidence", EVIDENCE + "P2,course,C-9,law,2026-03-01,2,,\nP1,session,S-9,,2026-03-02,1.5,,\n")
    assert report.ok and report.created == 2
    got = {(e.person_id, e.ref) for e in db.session.query(Evidence).filter(Evidence.ref.in_(["C-9", "S-9"]))}
    ids = {p.code: p.id for p in db.session.query(Person)}
    assert got == {(ids["P2"], "C-9"), (ids["P1"], "S-9")}


def test_text_with_backslashes_tabs_and_line_breaks_is_staged_as_written(tree, run_import):
    from lms.people.models import Person

    name = 'Lê \\Văn\t"An"\nB\\N'
    quoted = name.replace('"', '""')
    content = f'person_code,full_name,birth_year,gender,village_code\nP77,"{quoted}",1990,nam,A1\n'
    report = run_import("people", content)
    assert report.ok and report.created == 1
    assert db.session.query(Person).filter_by(code="P77").one().full_name == name
