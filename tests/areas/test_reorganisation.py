"""Reorganising the area tree (issue #5): the 2025 merger of Phan Hòa, Phan Hiệp, Phan Rí Thành and
Chợ Lầu into xã Bắc Bình, effective 2025-07-01. Earlier years keep their figures on the old areas;
later years roll up on the new tree; a closed area's later figures are its successors' union."""

import pytest

from lms.areas.reorg import apply, plan_dissolve, plan_merge, plan_move
from lms.areas.services import area_by_code
from lms.extensions import db
from lms.indicators.services import report
from tests.areas.conftest import EFFECTIVE, MERGED, OTHER, all_figures, drain, figures_of


def merge(actor: str = "admin@example.vn"):  # type: ignore[no-untyped-def]
    change = apply(plan_merge(MERGED, "BB-XABACBINH", "Xã Bắc Bình", EFFECTIVE, decision="1666/NQ-UBTVQH15"), actor)
    db.session.commit()
    drain()
    return change


def test_fixture_figures_before_the_merger(bac_binh):
    # each merged commune: 2 villages x 3 people, one of each village eligible per year (+ the official in Phan Hòa)
    for code in MERGED:
        extra = 1 if code == "BB-PHANHOA" else 0
        for year in (2024, 2026):
            got = figures_of(code, year)
            assert got["people"] == 6 + extra and got["eligible"] == 2 + extra and got["i1_den"] == 6
    assert figures_of("BB-PHANHOA", 2024)["units_attained"] == 1
    assert figures_of("BT-BB", 2024)["people"] == 31


def test_merger_keeps_2024_and_rolls_2026_up_on_the_new_commune(bac_binh):
    before_2024 = all_figures(2024)
    before_2026 = all_figures(2026)
    merge()
    # 2024: unchanged, on the four old communes; the new commune has no 2024 figures
    assert all_figures(2024) == before_2024
    assert figures_of("BB-XABACBINH", 2024) == {}
    # 2026: the new commune holds what the four held; they have no 2026 rows any more
    new = figures_of("BB-XABACBINH", 2026)
    for column in new:
        assert new[column] == sum(before_2026[c][column] for c in MERGED), column
    assert new["people"] == 25 and new["units_attained"] == 1
    for code in MERGED:
        assert figures_of(code, 2026) == {}
    # district and province totals are unchanged by a merger inside them
    assert figures_of("BT-BB", 2026) == before_2026["BT-BB"]
    assert figures_of("BT", 2026) == before_2026["BT"]
    assert figures_of(OTHER, 2026) == before_2026[OTHER]


def test_full_recompute_of_2024_after_the_merger_gives_the_old_figures(bac_binh):
    from lms.recompute.services import run_full_recompute

    before_2024 = all_figures(2024)
    merge()
    after_2026 = all_figures(2026)
    run_full_recompute(2024, None)
    assert all_figures(2024) == before_2024
    run_full_recompute(2026, None)
    assert all_figures(2026) == after_2026
    # the moved unit counts on Phan Hòa in 2024 and on the new commune in 2026
    assert figures_of("BB-PHANHOA", 2024)["units_attained"] == 1
    assert figures_of("BB-XABACBINH", 2026)["units_attained"] == 1


def test_the_moved_unit_and_clan_and_the_closed_areas(bac_binh):
    merge()
    new = area_by_code("BB-XABACBINH")
    db.session.refresh(bac_binh["unit"])
    db.session.refresh(bac_binh["clan"])
    assert bac_binh["unit"].area_id == new.id and bac_binh["clan"].area_id == new.id
    for code in MERGED:
        old = area_by_code(code)
        assert str(old.valid_to) == "2025-06-30" and old.successor_id == new.id
    assert str(new.valid_from) == EFFECTIVE and new.parent.code == "BT-BB"
    village = bac_binh["villages"]["BB-CHOLAU-T1"]
    db.session.refresh(village)
    assert village.parent_id == new.id and village.path.startswith(new.path)


def test_former_commune_in_2026_is_its_successor(bac_binh):
    merge()
    got = report("BB-PHANHOA", area_by_code("BB-PHANHOA").id, 2026)
    assert got["successors"] == [{"area": "BB-XABACBINH", "name": "Xã Bắc Bình"}]
    assert got["counts"]["people"] == 25
    earlier = report("BB-PHANHOA", area_by_code("BB-PHANHOA").id, 2024)
    assert "successors" not in earlier and earlier["counts"]["people"] == 7
    assert report("BB-XABACBINH", area_by_code("BB-XABACBINH").id, 2024)["exists"] is False


def test_the_former_district_is_the_union_of_its_successors(bac_binh):
    """The district level is abolished on the same day: its communes go to the province."""
    before_2024 = all_figures(2024)
    merge()
    district_2026 = figures_of("BT-BB", 2026)
    apply(plan_dissolve("BT-BB", EFFECTIVE, decision="Luật 72/2025/QH15"), "admin@example.vn")
    db.session.commit()
    drain()
    assert all_figures(2024) == before_2024
    assert figures_of("BT-BB", 2026) == {}
    assert area_by_code("BB-XABACBINH").parent.code == "BT"
    got = report("BT-BB", area_by_code("BT-BB").id, 2026)
    successors = {s["area"] for s in got["successors"]}
    assert "BB-XABACBINH" in successors and OTHER in successors and not successors & set(MERGED)
    assert len(successors) == 18 - 4 + 1  # 18 communes in the CSV
    new, other = figures_of("BB-XABACBINH", 2026), figures_of(OTHER, 2026)
    assert got["counts"]["people"] == new["people"] + other["people"] == district_2026["people"]
    i1 = got["indicators"]["I1"]
    assert (i1["numerator"], i1["denominator"]) == (new["i1_num"] + other["i1_num"], new["i1_den"] + other["i1_den"])
    assert (i1["numerator"], i1["denominator"]) == (district_2026["i1_num"], district_2026["i1_den"])
    # the province's 2026 total is unchanged: the same people, one level fewer
    assert figures_of("BT", 2026)["people"] == 31


def test_moving_a_village_changes_the_later_year_only(bac_binh):
    before_2024 = all_figures(2024)
    before_2026 = all_figures(2026)
    apply(plan_move("BB-PHANHIEP-T1", OTHER, "2026-01-01", decision="5/QĐ-UBND"), "admin@example.vn")
    db.session.commit()
    drain()
    assert all_figures(2024) == before_2024
    after = all_figures(2026)
    assert after["BB-PHANHIEP"]["people"] == before_2026["BB-PHANHIEP"]["people"] - 3
    assert after[OTHER]["people"] == before_2026[OTHER]["people"] + 3
    assert after["BT-BB"] == before_2026["BT-BB"]
    from lms.recompute.services import run_full_recompute

    run_full_recompute(2024, None)
    assert all_figures(2024) == before_2024


def test_the_change_is_recorded_and_audited(bac_binh):
    from lms.areas.models import AreaChange
    from lms.audit.models import AuditEntry

    change = merge("boss@example.vn")
    stored = db.session.get(AreaChange, change.id)
    assert stored.kind == "merge" and str(stored.effective) == EFFECTIVE and stored.decision == "1666/NQ-UBTVQH15"
    entry = db.session.query(AuditEntry).filter_by(action="area.merge").one()
    assert entry.actor == "boss@example.vn" and entry.subject == "area BB-XABACBINH"
    assert entry.after["sources"] == list(MERGED) and entry.after["units_moved"] == 1
    assert entry.after["recompute_periods"] == [2026]
    assert entry.before["parents"]["BB-CHOLAU-T1"] == "BB-CHOLAU"


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda: plan_merge(["BB-PHANHOA", "BB-NOPE"], "X", "X", "2025-07-01"), "BB-NOPE"),
        (lambda: plan_merge(["BB-PHANHOA"], "X", "X", "2025-07-01"), "hai"),
        (lambda: plan_merge(["BB-PHANHOA", "BT-BB"], "X", "X", "2025-07-01"), "cùng cấp"),
        (lambda: plan_merge(["BB-PHANHOA-T1", "BB-PHANHOA-T2"], "X", "X", "2025-07-01"), "thôn"),
        (lambda: plan_merge(["BB-PHANHOA", "BB-PHANHIEP"], "BB-CHOLAU", "X", "2025-07-01"), "đã được dùng"),
        (lambda: plan_merge(["BB-PHANHOA", "BB-PHANHIEP"], "X", "", "2025-07-01"), "tên"),
        (lambda: plan_merge(["BB-PHANHOA", "BB-PHANHIEP"], "X", "X", ""), "ngày"),
        (lambda: plan_merge(["BB-PHANHOA", "BB-PHANHIEP"], "X", "X", "01/07/2025"), "01/07/2025"),
        (
            lambda: plan_merge(["BB-PHANHOA", "BB-PHANHIEP"], "X", "X", "2025-07-01", parent_code="BB-CHOLAU"),
            "cấp trên",
        ),
        (lambda: plan_move("BB-PHANHOA", "BB-PHANHOA-T1", "2025-07-01"), "bên trong"),
        (lambda: plan_move("BB-PHANHOA", "BB-PHANHIEP", "2025-07-01"), "cấp trên"),
        (lambda: plan_move("BB-PHANHOA-T1", "BB-PHANHOA", "2025-07-01"), "đã thuộc"),
        (lambda: plan_move("BB-PHANHOA-T1", "BB-NOPE", "2025-07-01"), "BB-NOPE"),
        (lambda: plan_move("BB-PHANHOA-T1", "BB-PHANHIEP", "2025-02-30"), "2025-02-30"),
        (lambda: plan_dissolve("BT", "2025-07-01"), "cấp cao nhất"),
        (lambda: plan_dissolve("BB-PHANHOA-T1", "2025-07-01"), "thôn"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_written(bac_binh, call, message):
    from lms.areas.models import AreaChange
    from lms.areas.reorg import ReorgError

    before = all_figures(2026)
    with pytest.raises(ReorgError) as caught:
        call()
    assert message in str(caught.value)
    assert db.session.query(AreaChange).count() == 0
    assert all_figures(2026) == before


def test_moving_into_its_own_descendant_is_refused(bac_binh):
    from lms.areas.reorg import ReorgError

    with pytest.raises(ReorgError, match="bên trong"):
        plan_move("BT-BB", "BT-BB", "2025-07-01")


def test_a_change_dated_before_the_latest_one_or_on_a_closed_area_is_refused(bac_binh):
    from lms.areas.reorg import ReorgError

    merge()
    with pytest.raises(ReorgError, match="01/07/2025"):
        plan_move("BB-LUONGSON-T1", "BB-XABACBINH", "2025-01-01")
    with pytest.raises(ReorgError, match="thôi tồn tại"):
        plan_move("BB-PHANHOA", "BT", "2026-01-01")


def test_drift_check_finds_nothing_after_the_reorganisation(bac_binh):
    from lms.recompute.drift import drift_check

    merge()
    apply(plan_dissolve("BT-BB", EFFECTIVE), "admin@example.vn")
    apply(plan_move("BB-PHANHIEP-T1", OTHER, "2026-01-01"), "admin@example.vn")
    db.session.commit()
    drain()
    for year in (2024, 2026):
        report_ = drift_check(year)
        assert report_.differences == 0, report_.details


def test_report_sheets_follow_the_tree_of_the_year(bac_binh):
    from lms.reports.services import areas_by_level

    merge()
    apply(plan_dissolve("BT-BB", EFFECTIVE), "admin@example.vn")
    db.session.commit()
    drain()
    district = area_by_code("BT-BB")
    old = areas_by_level(district, 2024)
    assert {f.area.code for f in old["commune"]} >= set(MERGED) and len(old["commune"]) == 18
    assert {f.parent_name for f in old["village"] if f.area.code.startswith("BB-CHOLAU")} == {"Thị trấn Chợ Lầu"}
    former = areas_by_level(district, 2026)
    assert former["district"][0].area.code == "BT-BB" and former["district"][0].counts["people"] == 31
    assert len(former["commune"]) == 15 and "BB-XABACBINH" in {f.area.code for f in former["commune"]}
    province = areas_by_level(area_by_code("BT"), 2026)
    assert "district" not in province and len(province["commune"]) == 15


def test_a_village_keeps_the_disadvantaged_status_it_had_through_its_commune(bac_binh):
    from lms.criteria.models import PersonResult

    phan_hoa = area_by_code("BB-PHANHOA")
    phan_hoa.disadvantaged = True
    db.session.commit()
    from lms.recompute.services import run_full_recompute

    run_full_recompute(2024, None)
    run_full_recompute(2026, None)
    person = bac_binh["people"]["BB-PHANHOA-T1"][0]
    threshold = db.session.get(PersonResult, (person.id, 2024)).threshold
    before_2024 = all_figures(2024)
    merge()
    village = area_by_code("BB-PHANHOA-T1")
    assert village.disadvantaged is True and area_by_code("BB-CHOLAU-T1").disadvantaged is False
    run_full_recompute(2024, None)
    assert db.session.get(PersonResult, (person.id, 2024)).threshold == threshold
    assert all_figures(2024) == before_2024
