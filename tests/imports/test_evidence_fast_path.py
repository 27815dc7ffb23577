"""The evidence check's fast path (lms.imports.specs._plain_evidence) takes only rows the cell-by-cell
check accepts, with the same record; anything else goes the long way and is reported as before."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.imports.specs import Refs, Row, _check_evidence, _plain_evidence, check_evidence
from lms.util import today_local

YEAR = today_local().year
POOLS = {
    "person_code": ["P1", "P-0001", "", " ", "P 1", "P9", "x" * 65, "Ｐ1"],
    "kind": ["course", "session", "Course", "SESSION", "declaration", "plan", "", "khóa"],
    "ref": ["OFF-DIG", "CAT-LAW", "DIG-1", "", "A B", "x" * 64, "x" * 65, "TC1"],
    "category": ["", "law", "Digital_Skill", "digital_skill", "x"],
    "date": [f"{YEAR}-03-15", f"{YEAR}-1-5", "2026-02-30", "1899-12-31", f"{YEAR + 1}-01-01", f"{YEAR + 2}-01-01",
             "", "15/03/2026", "２０２６-03-15"],  # fmt: skip
    "hours": ["", "2", "1,5", "0", "0.25", "-1", "x", "1234567"],
    "level": ["", "basic", "Proficient", "expert"],
    "points": ["", "3", "x"],
}
GOOD = {
    "person_code": ["P1", "P-0001"],
    "kind": ["course", "session"],
    "ref": ["OFF-DIG", "CAT-LAW"],
    "category": ["", "law"],
    "date": [f"{YEAR}-03-15", f"{YEAR}-03-15"],
    "hours": ["", "2"],
    "level": ["", ""],
    "points": ["", ""],
}
REQUIRED = ("person_code", "kind", "date")
TAKEN = {"fast": 0, "slow": 0}


def cell(column: str) -> st.SearchStrategy[str]:
    """Mostly good values, so that many rows take the fast path, and every value of the pool."""
    return st.one_of(st.sampled_from(GOOD[column]), st.sampled_from(GOOD[column]), st.sampled_from(POOLS[column]))


cells_strategy = st.fixed_dictionaries(
    {c: cell(c) for c in REQUIRED}, optional={c: cell(c) for c in POOLS if c not in REQUIRED}
)


def refs() -> Refs:
    """Two people; a digital-skill course of the catalogue (with hours and level) and a law course without."""
    return Refs(
        persons={"P1": 1, "P-0001": 2},
        courses={
            "OFF-DIG": {"category": "digital_skill", "hours": Decimal("8"), "level": "basic"},
            "CAT-LAW": {"category": "law", "hours": None, "level": None},
        },
    )


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=cells_strategy)
def test_fast_path_takes_only_good_rows_and_gives_the_same_record(app, cells):  # type: ignore[no-untyped-def]
    slow_errors: list = []
    slow = _check_evidence(Row(2, dict(cells), slow_errors), refs())
    fast = _plain_evidence(dict(cells), refs())
    TAKEN["fast" if fast is not None else "slow"] += 1
    if fast is not None:
        assert slow_errors == []
        assert fast == slow
    errors: list = []
    assert check_evidence(Row(2, dict(cells), errors), refs()) == slow
    assert errors == slow_errors
    # people resolved later (the import): the same record without the id; a faulty row's code waits
    later = refs()
    later.persons_later = True
    later_errors: list = []
    record = check_evidence(Row(2, dict(cells), later_errors), later)
    assert later_errors == [e for e in slow_errors if e.column != "person_code" or "Không tìm thấy" not in e.message]
    if record is not None:
        assert slow is None or record == {**slow, "person_id": None}
    elif later.unresolved:
        assert later.unresolved == [(2, cells["person_code"])]


def test_the_property_test_took_both_paths() -> None:
    if TAKEN["fast"] + TAKEN["slow"]:  # the test above ran in this session (file order)
        assert TAKEN["fast"] >= 20 and TAKEN["slow"] >= 20, TAKEN


@pytest.mark.parametrize(
    "cells",
    [
        {"person_code": "P1", "kind": "course", "ref": "OFF-DIG", "date": f"{YEAR}-03-15"},
        {"person_code": "P1", "kind": "Course", "ref": "NEW-1", "category": "Law", "date": f"{YEAR}-03-15",
         "hours": "1,5", "level": "", "points": ""},  # fmt: skip
        {"person_code": "P-0001", "kind": "session", "ref": "S-1", "date": f"{YEAR}-03-15", "hours": "2"},
    ],
)
def test_plain_rows_take_the_fast_path(app, cells):  # type: ignore[no-untyped-def]
    record = _plain_evidence(cells, refs())
    assert record is not None
    assert record == _check_evidence(Row(2, cells, []), refs())


def test_a_bad_row_still_gets_every_fault(app):  # type: ignore[no-untyped-def]
    cells = {"person_code": "P9", "kind": "course", "ref": "NEW-1", "date": "2026-02-30", "points": "3"}
    errors: list = []
    assert check_evidence(Row(7, cells, errors), refs()) is None
    assert sorted(e.column for e in errors) == ["category", "date", "person_code", "points"]
    assert all(e.row == 7 for e in errors)
