"""Officers' decisions as records: the date rule, the confirmation step, award all eligible across pages,
the "chưa công nhận" filter, correcting a decision's number or date, revoking a whole decision, two-step
approval (an approver of the area; nobody approves their own list), and both title counts."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.decisions.models import Decision
from lms.decisions.services import approve, check_decision_date, date_window, prepare, title_counts
from lms.extensions import db
from lms.titles.models import Award
from lms.titles.services import TitleError, award_titles
from lms.util import today_local
from tests.web.conftest import make_eligible, score, sign_in, submit

PAGE = "/officer/eligible?period=2026"


def _people(tree, make_person, n: int = 3):  # type: ignore[no-untyped-def]
    people = [make_person(tree["A1"], full_name=f"Người Xét {i}") for i in range(n)]
    outsider = make_person(tree["B1"], full_name="Người Xã Khác")
    for p in (*people, outsider):
        make_eligible(p)
    score()
    return people, outsider


def _awards() -> list[Award]:
    return list(db.session.scalars(sa.select(Award).order_by(Award.person_id)))


def test_the_date_rule(app):
    assert date_window(2026) == (date(2026, 1, 1), date(2027, 6, 30))
    app.config["DECISION_MONTHS_AFTER_PERIOD"] = 0
    assert date_window(2026) == (date(2026, 1, 1), date(2026, 12, 31))
    app.config["DECISION_MONTHS_AFTER_PERIOD"] = 6
    today = today_local()
    with pytest.raises(TitleError, match="không được sau ngày hôm nay"):
        check_decision_date(today.year, today + timedelta(days=1))
    with pytest.raises(TitleError, match="phải từ 01/01/2025 đến 30/06/2026"):
        check_decision_date(2025, date(2024, 12, 31))
    with pytest.raises(TitleError, match="phải từ"):
        check_decision_date(2020, date(2021, 7, 1))
    check_decision_date(today.year, today)  # today is fine
    check_decision_date(2026, date(2027, 6, 1), allow_future=True)  # the CLI: inside the window


def test_the_award_page_refuses_a_future_date_and_writes_nothing(
    client, tree, make_person, officer_a, default_framework
):
    people, _outsider = _people(tree, make_person)
    sign_in(client, "canbo.a@example.vn")
    future = (today_local() + timedelta(days=30)).isoformat()
    for confirmed in ("", "1"):
        response = submit(
            client,
            PAGE,
            "/officer/award",
            {
                "decision_no": "15/QĐ-UBND",
                "decision_date": future,
                "person_ids": [people[0].id],
                "confirmed": confirmed,
            },
            follow_redirects=True,
        )
        assert "Ngày quyết định không được sau ngày hôm nay." in response.get_data(as_text=True)
    assert _awards() == [] and db.session.scalar(sa.select(sa.func.count()).select_from(Decision)) == 0


def test_a_confirmation_step_comes_before_the_award(client, tree, make_person, officer_a, default_framework):
    people, _outsider = _people(tree, make_person)
    sign_in(client, "canbo.a@example.vn")
    data = {"decision_no": "15/QĐ-UBND", "decision_date": "2026-11-20", "person_ids": [p.id for p in people[:2]]}
    html = submit(client, PAGE, "/officer/award", data).get_data(as_text=True)
    assert "Công nhận 2 người theo quyết định số 15/QĐ-UBND ngày 20/11/2026?" in html
    assert "Người Xét 0" in html and "Người Xét 1" in html
    assert _awards() == []  # nothing written before the confirmation
    response = submit(client, PAGE, "/officer/award", {**data, "confirmed": "1"}, follow_redirects=True)
    assert "cho 2 người" in response.get_data(as_text=True)
    decision = db.session.scalar(sa.select(Decision))
    assert (decision.number, decision.status, decision.kind, decision.area_id) == (
        "15/QĐ-UBND",
        "approved",
        "person",
        tree["A"].id,
    )
    assert [a.decision_id for a in _awards()] == [decision.id, decision.id]


def test_award_all_eligible_of_the_area_across_pages_and_the_unawarded_filter(
    client, tree, make_person, officer_a, default_framework
):
    people, outsider = _people(tree, make_person, n=4)
    award_titles([people[0].id], 2026, "1/QĐ-UBND", date(2026, 11, 1), "test", tree["A"])
    db.session.commit()
    sign_in(client, "canbo.a@example.vn")
    html = client.get(f"{PAGE}&status=unawarded").get_data(as_text=True)
    assert "Người Xét 0" not in html and "Người Xét 1" in html and "Người Xét 3" in html
    data = {"decision_no": "2/QĐ-UBND", "decision_date": "2026-11-20", "scope": "all"}
    html = submit(client, PAGE, "/officer/award", data).get_data(as_text=True)
    assert "Công nhận 3 người theo quyết định số 2/QĐ-UBND" in html  # the 3 not yet recognised, all pages
    submit(client, PAGE, "/officer/award", {**data, "confirmed": "1"})
    held = {a.person_id: a.decision_no for a in _awards()}
    assert held == {people[0].id: "1/QĐ-UBND", **{p.id: "2/QĐ-UBND" for p in people[1:]}}
    assert outsider.id not in held  # another commune's eligible person is never in commune A's decision


def test_correct_a_decisions_number_and_date_keeps_the_titles(client, tree, make_person, officer_a, default_framework):
    people, _outsider = _people(tree, make_person)
    award_titles([p.id for p in people], 2026, "15/QĐ-UBDN", date(2026, 11, 20), "test", tree["A"])
    db.session.commit()
    decision = db.session.scalar(sa.select(Decision))
    sign_in(client, "canbo.a@example.vn")
    page = f"/officer/decisions/{decision.id}"
    assert "15/QĐ-UBDN" in client.get(page).get_data(as_text=True)
    response = submit(
        client,
        page,
        f"{page}/correct",
        {"decision_no": "15/QĐ-UBND", "decision_date": "2026-11-21"},
        follow_redirects=True,
    )
    assert "Đã sửa số, ngày quyết định." in response.get_data(as_text=True)
    db.session.expire_all()
    assert {(a.decision_no, a.decision_date, a.revoked_at) for a in _awards()} == {
        ("15/QĐ-UBND", date(2026, 11, 21), None)
    }
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "title.correct"))
    assert entry.before["decision_no"] == "15/QĐ-UBDN" and entry.after["decision_no"] == "15/QĐ-UBND"
    assert entry.actor == "canbo.a@example.vn"
    response = submit(client, page, f"{page}/correct", {"decision_no": "15/QĐ-UBND", "decision_date": "2031-01-01"})
    db.session.expire_all()
    assert db.session.get(Decision, decision.id).decision_date == date(2026, 11, 21)  # the date rule holds


def test_revoke_a_whole_decision_with_one_reason(client, tree, make_person, officer_a, default_framework):
    people, _outsider = _people(tree, make_person)
    award_titles([p.id for p in people], 2026, "15/QĐ-UBND", date(2026, 11, 20), "test", tree["A"])
    db.session.commit()
    decision = db.session.scalar(sa.select(Decision))
    sign_in(client, "canbo.a@example.vn")
    page = f"/officer/decisions/{decision.id}"
    response = submit(client, page, f"{page}/revoke", {"reason": ""}, follow_redirects=True)
    assert "Thu hồi quyết định cần nêu lý do." in response.get_data(as_text=True)
    response = submit(client, page, f"{page}/revoke", {"reason": "Nhầm số quyết định"}, follow_redirects=True)
    assert "Đã thu hồi quyết định số 15/QĐ-UBND (3 danh hiệu)." in response.get_data(as_text=True)
    db.session.expire_all()
    assert {(a.revoke_reason, a.revoked_by) for a in _awards()} == {("Nhầm số quyết định", "canbo.a@example.vn")}
    assert db.session.get(Decision, decision.id).status == "revoked"
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "title.revoke_decision")).all()
    assert len(entries) == 1 and entries[0].after == {"status": "revoked", "reason": "Nhầm số quyết định", "count": 3}
    # the people are eligible again: a new decision can recognise them
    assert award_titles(None, 2026, "16/QĐ-UBND", date(2026, 11, 22), "test", tree["A"]) == 3


def test_two_step_approval(app, client, tree, make_person, make_user, officer_a, default_framework):
    app.config["DECISION_APPROVAL"] = "two_step"
    people, _outsider = _people(tree, make_person)
    make_user("approver", area=tree["A"], login="lanhdao.a@example.vn")
    make_user("approver", area=tree["B"], login="lanhdao.b@example.vn")
    db.session.commit()
    sign_in(client, "canbo.a@example.vn")
    data = {"decision_no": "15/QĐ-UBND", "decision_date": "2026-11-20", "person_ids": [p.id for p in people]}
    html = submit(client, PAGE, "/officer/award", data).get_data(as_text=True)
    assert "Đề nghị công nhận 3 người theo quyết định số 15/QĐ-UBND ngày 20/11/2026?" in html
    response = submit(client, PAGE, "/officer/award", {**data, "confirmed": "1"}, follow_redirects=True)
    assert "chờ lãnh đạo phê duyệt" in response.get_data(as_text=True)
    decision = db.session.scalar(sa.select(Decision))
    assert decision.status == "proposed" and _awards() == []  # no title before the approval
    page = f"/officer/decisions/{decision.id}"
    assert submit(client, page, f"{page}/approve").status_code == 403  # an officer never approves
    with pytest.raises(TitleError, match="tự phê duyệt"):
        approve(decision, "canbo.a@example.vn")

    leader_b = app.test_client()
    sign_in(leader_b, "lanhdao.b@example.vn")
    assert leader_b.get(page).status_code == 404  # another commune's approver: as if it did not exist
    assert leader_b.get("/officer/eligible").status_code == 403  # approvers use the decisions pages only

    leader = app.test_client()
    sign_in(leader, "lanhdao.a@example.vn")
    assert "15/QĐ-UBND" in leader.get("/officer/decisions?status=proposed").get_data(as_text=True)
    response = submit(leader, page, f"{page}/approve", follow_redirects=True)
    assert "Đã phê duyệt quyết định số 15/QĐ-UBND: công nhận 3." in response.get_data(as_text=True)
    db.session.expire_all()
    decision = db.session.get(Decision, decision.id)
    assert (decision.status, decision.created_by, decision.approved_by) == (
        "approved",
        "canbo.a@example.vn",
        "lanhdao.a@example.vn",
    )
    assert [a.awarded_by for a in _awards()] == ["lanhdao.a@example.vn"] * 3
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"title.propose", "title.award"} <= actions


def test_nobody_approves_their_own_list_and_a_proposal_can_be_refused(app, tree, make_person, default_framework):
    people, _outsider = _people(tree, make_person)
    outcome = prepare("person", tree["A"], 2026, "3/QĐ", date(2026, 11, 1), "lanhdao", [people[0].id])
    with pytest.raises(TitleError, match="tự phê duyệt"):
        approve(outcome.decision, "lanhdao")
    from lms.decisions.services import revoke_decision

    assert revoke_decision(outcome.decision, "Chưa đủ hồ sơ", "lanhdao.khac") == 0
    with pytest.raises(TitleError, match="không còn chờ phê duyệt"):
        approve(outcome.decision, "lanhdao.khac")
    assert _awards() == []


def test_both_counts_meets_the_standard_and_recognised(tree, make_person, default_framework):
    people, _outsider = _people(tree, make_person)
    award_titles([people[0].id], 2026, "1/QĐ-UBND", date(2026, 11, 1), "test", tree["A"])
    db.session.commit()
    score()
    counts = title_counts(tree["A"], 2026)
    assert (counts["person"].meets, counts["person"].recognised) == (3, 1)
    assert counts["family"].recognised == 0


def test_the_settings_are_checked():
    from config import Config, ConfigError, check_settings

    config = Config()
    config.DECISION_APPROVAL = "three_step"
    with pytest.raises(ConfigError, match="DECISION_APPROVAL"):
        check_settings(config)


def test_the_dashboard_and_the_report_show_both_numbers(client, tree, make_person, officer_a, default_framework):
    import io
    import re

    import openpyxl

    people, _outsider = _people(tree, make_person)
    award_titles([people[0].id], 2026, "1/QĐ-UBND", date(2026, 11, 1), "test", tree["A"])
    db.session.commit()
    score()
    sign_in(client, "canbo.a@example.vn")
    html = client.get("/dashboard?period=2026").get_data(as_text=True)
    rows = dict(
        (name, (meets, recognised))
        for name, meets, recognised in re.findall(
            r'<tr><th scope="row">([^<]+)</th><td class="num">([^<]+)</td><td class="num">([^<]+)</td></tr>', html
        )
    )
    assert rows["Công dân học tập"] == ("3", "1")
    assert rows["Gia đình học tập"] == ("0", "0")
    response = submit(client, "/officer/reports?period=2026", "/officer/reports/indicators.xlsx", {"period": "2026"})
    summary = openpyxl.load_workbook(io.BytesIO(response.data))["Tổng hợp"]
    values = [row[1:4] for row in summary.iter_rows(values_only=True)]
    assert ("Danh hiệu", "Đạt chuẩn", "Đã công nhận") in values
    assert ("Công dân học tập", 3, 1) in values


def test_the_cli_award_applies_the_same_rule_and_the_approval_setting(
    app, runner, tree, make_person, default_framework
):
    _people(tree, make_person)
    args = ["award", "--period", "2026", "--area", "A", "--all-eligible", "--decision", "9/QĐ-UBND"]
    refused = runner.invoke(args=[*args, "--date", "2027-07-01"])  # outside the window of 2026
    assert refused.exit_code == 1 and "phải từ 01/01/2026 đến 30/06/2027" in refused.output
    app.config["DECISION_APPROVAL"] = "two_step"
    proposed = runner.invoke(args=[*args, "--date", "2026-11-20"])
    assert proposed.exit_code == 0 and "proposed 3" in proposed.output
    assert _awards() == []  # a proposal waits for an approver
    app.config["DECISION_APPROVAL"] = "one_step"
    done = runner.invoke(args=[*args, "--date", "2026-11-21"])
    assert done.exit_code == 0 and "awarded 3" in done.output
    again = runner.invoke(args=[*args, "--date", "2026-11-21"])
    assert again.exit_code == 1 and "Không còn ai chưa được công nhận" in again.output


def test_the_cli_accepts_a_date_after_today_inside_the_window_with_a_warning(
    app, runner, tree, make_person, default_framework
):
    _people(tree, make_person)
    ahead = today_local() + timedelta(days=3)
    args = ["award", "--period", str(ahead.year), "--area", "A", "--all-eligible", "--decision", "9/QĐ-UBND"]
    done = runner.invoke(args=[*args, "--date", ahead.isoformat()])
    if ahead.year != 2026:  # the scores of this test are for 2026: nobody is eligible in another year
        assert done.exit_code == 1
        return
    assert done.exit_code == 0 and "awarded 3" in done.output and "is after today" in done.output


def test_a_group_decision_confirm_all_then_correct_and_revoke(client, tree, make_person, officer_a, default_framework):
    from lms.titles.models import GroupConfirmation
    from tests.registry.test_review import _attaining_family

    family = _attaining_family(tree, make_person)
    sign_in(client, "canbo.a@example.vn")
    page = "/officer/groups?kind=family&period=2026"
    data = {"decision_no": "20/QĐ-UBND", "decision_date": "2026-12-01", "scope": "all", "kind": "family"}
    html = submit(client, page, "/officer/groups/confirm", data).get_data(as_text=True)
    assert "Công nhận 1 đơn vị (Gia đình học tập) theo quyết định số 20/QĐ-UBND ngày 01/12/2026?" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GroupConfirmation)) == 0
    response = submit(client, page, "/officer/groups/confirm", {**data, "confirmed": "1"}, follow_redirects=True)
    assert "Đã công nhận danh hiệu cho 1 đơn vị" in response.get_data(as_text=True)
    assert title_counts(tree["A"], 2026)["family"].recognised == 1
    decision = db.session.scalar(sa.select(Decision).where(Decision.kind == "family"))
    detail = f"/officer/decisions/{decision.id}"
    assert family.name in client.get(detail).get_data(as_text=True)
    submit(client, detail, f"{detail}/correct", {"decision_no": "21/QĐ-UBND", "decision_date": "2026-12-02"})
    db.session.expire_all()
    confirmation = db.session.scalar(sa.select(GroupConfirmation))
    assert (confirmation.decision_no, confirmation.decision_date) == ("21/QĐ-UBND", date(2026, 12, 2))
    submit(client, detail, f"{detail}/revoke", {"reason": "Sai hồ sơ"})
    db.session.expire_all()
    assert db.session.scalar(sa.select(GroupConfirmation)).revoke_reason == "Sai hồ sơ"
    assert title_counts(tree["A"], 2026)["family"].recognised == 0
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"group.confirm", "group.correct", "group.revoke_decision"} <= actions
    html = client.get("/officer/decisions?status=revoked").get_data(as_text=True)
    assert "21/QĐ-UBND" in html and "Đã thu hồi" in html


def test_the_cli_revokes_the_titles_of_a_file_of_people_all_or_none(
    runner, tree, make_person, default_framework, tmp_path
):
    people, outsider = _people(tree, make_person)
    award_titles([p.id for p in people], 2026, "9/QĐ-UBND", date(2026, 11, 20), "canbo", tree["A"])
    award_titles([outsider.id], 2026, "4/QĐ-UBND", date(2026, 11, 20), "canbo", tree["B"])
    db.session.commit()
    codes = tmp_path / "thu-hoi.csv"
    codes.write_text(f"person_code\n{people[0].code}\n{people[1].code}\n", encoding="utf-8")
    base = ["revoke", "--period", "2026", "--area", "A", "--reason", "Minh chứng không hợp lệ"]
    assert runner.invoke(args=base).exit_code == 2  # neither --people nor --decision
    with_outsider = tmp_path / "lan-xa.csv"
    with_outsider.write_text(codes.read_text(encoding="utf-8") + f"{outsider.code}\n", encoding="utf-8")
    refused = runner.invoke(args=[*base, "--people", str(with_outsider)])
    assert refused.exit_code == 1 and "Có 1 người không có danh hiệu năm 2026 hoặc ngoài địa bàn" in refused.output
    unknown = tmp_path / "sai-ma.csv"
    unknown.write_text("KHONG-CO\n", encoding="utf-8")
    assert runner.invoke(args=[*base, "--people", str(unknown)]).exit_code == 1
    db.session.expire_all()
    assert all(a.revoked_at is None for a in _awards())  # nothing revoked by a refused list
    done = runner.invoke(args=[*base, "--people", str(codes)])
    assert done.exit_code == 0 and "revoked 2" in done.output
    db.session.expire_all()
    held = {a.person_id for a in _awards() if a.revoked_at is None}
    assert held == {people[2].id, outsider.id}
    entries = list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "title.revoke")))
    assert sorted(e.subject for e in entries) == sorted(f"person {p.id} 2026" for p in people[:2])
    assert all(e.after == {"revoked": True, "reason": "Minh chứng không hợp lệ"} for e in entries)
    assert {e.before["decision_no"] for e in entries} == {"9/QĐ-UBND"}
    # revoked, they may be recognised again by a new decision
    assert award_titles(None, 2026, "12/QĐ-UBND", date(2026, 12, 1), "canbo", tree["A"]) == 2
