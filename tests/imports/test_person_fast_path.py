"""The people check's fast path (lms.imports.specs._plain_person) takes only rows the cell-by-cell
check accepts, with the same record; anything else goes the long way and is reported as before."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.imports.specs import Refs, Row, _check_person, _plain_person, check_person
from lms.util import today_local

YEAR = today_local().year
CODES = ["P1", "P-0001", "a.b_c:d/e+f#g", "", " ", "P 1", "P\u00a01", "P\t1", "x" * 64, "x" * 65, "P١", "Ｐ1"]
POOLS = {
    "person_code": CODES,
    "full_name": ["Nguyễn Văn An", "Nguyễn Văn An", "", "x" * 200, "x" * 201, "Đặng Thị Ánh"],
    "birth_year": ["1985", "1900", "1899", str(YEAR), str(YEAR + 1), "85", "１９８５", "198a", "", "19850"],
    "gender": ["nam", "Nữ", "NAM", "male", "Female", "other", "khác", "x", ""],
    "village_code": ["V1", "U1", "v1", "C1", "V9", "", "V 1"],
    "family_code": ["GD-1", "GD-2", "GD 1", "", "gd-1", "x" * 65],
    "clan_code": ["DH-1", "", "DH-9", "DH 1"],
    "unit_code": ["U1", "", "U9", "U 1"],
    "is_official": ["1", "0", "", "có", "Có", "không", "yes", "NO", "true", "False", "2", "x"],
    "khuyen_hoc_member": ["1", "0", "", "có", "YES", "maybe"],
    "group": ["resident", "Worker", "OFFICIAL", "student", "", "teacher"],
    "phone": ["0912345678", "+84 912 345 678", "(028) 3822-1234", "", "abc", "12", "+" + "1" * 40],
    "email": ["an@example.vn", "", "an@example", "a b@example.vn", "x" * 195 + "@a.vn", "x" * 196 + "@a.vn"],
}
GOOD = {c: v[:2] for c, v in POOLS.items()}  # the first two of each pool are good (given the refs below)
REQUIRED = ("person_code", "full_name", "birth_year", "gender", "village_code")


def cell(column: str) -> st.SearchStrategy[str]:
    """Mostly good values, so that many rows take the fast path, and every value of the pool."""
    return st.one_of(st.sampled_from(GOOD[column]), st.sampled_from(GOOD[column]), st.sampled_from(POOLS[column]))


cells_strategy = st.fixed_dictionaries(
    {c: cell(c) for c in REQUIRED}, optional={c: cell(c) for c in POOLS if c not in REQUIRED}
)
TAKEN = {"fast": 0, "slow": 0}


def refs() -> Refs:
    """Known codes: one village, one commune, two families, a clan and a unit."""
    return Refs(
        areas={"V1": (1, "village"), "C1": (2, "commune"), "U1": (3, "village")},
        families={"GD-1": 10, "GD-2": 11},
        clans={"DH-1": 20},
        units={"U1": 30},
    )


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=cells_strategy)
def test_fast_path_takes_only_good_rows_and_gives_the_same_record(app, cells):  # type: ignore[no-untyped-def]
    slow_errors: list = []
    slow = _check_person(Row(2, dict(cells), slow_errors), refs())
    fast = _plain_person(dict(cells), refs())
    TAKEN["fast" if fast is not None else "slow"] += 1
    if fast is not None:
        assert slow_errors == []
        assert fast == slow
    errors: list = []
    assert check_person(Row(2, dict(cells), errors), refs()) == slow
    assert errors == slow_errors


def test_the_property_test_took_both_paths() -> None:
    if TAKEN["fast"] + TAKEN["slow"]:  # the test above ran in this session (file order)
        assert TAKEN["fast"] >= 20 and TAKEN["slow"] >= 20, TAKEN


@pytest.mark.parametrize(
    "cells",
    [
        {"person_code": "P1", "full_name": "Lê Thị Hoa", "birth_year": "1990", "gender": "nữ", "village_code": "V1"},
        {
            "person_code": "P-0001",
            "full_name": "Nguyễn Văn An",
            "birth_year": "1985",
            "gender": "Nam",
            "village_code": "V1",
            "family_code": "GD-1",
            "clan_code": "DH-1",
            "unit_code": "U1",
            "is_official": "có",
            "khuyen_hoc_member": "0",
            "group": "official",
            "phone": "0912 345 678",
            "email": "an@example.vn",
        },
    ],
)
def test_plain_rows_take_the_fast_path(app, cells):  # type: ignore[no-untyped-def]
    record = _plain_person(cells, refs())
    assert record is not None
    assert record == _check_person(Row(2, cells, []), refs())


def test_a_bad_row_still_gets_every_fault(app):  # type: ignore[no-untyped-def]
    cells = {"person_code": "P 1", "full_name": "", "birth_year": "2999", "gender": "x", "village_code": "C1"}
    errors: list = []
    assert check_person(Row(7, cells, errors), refs()) is None
    assert [e.column for e in errors] == ["full_name", "person_code", "birth_year", "gender", "village_code"]
