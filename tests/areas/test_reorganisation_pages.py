"""The admin pages and CLI commands that record a reorganisation, and what dashboards show after it."""

import json
import re

import pytest

from lms.areas.models import AreaChange
from lms.areas.services import area_by_code
from lms.audit.models import AuditEntry
from lms.extensions import db
from tests.areas.conftest import EFFECTIVE, MERGED, all_figures, drain
from tests.conftest import csrf_token

MERGE_FORM = {
    "sources": ", ".join(MERGED),
    "code": "BB-XABACBINH",
    "name": "Xã Bắc Bình",
    "parent": "",
    "effective": EFFECTIVE,
    "decision": "1666/NQ-UBTVQH15",
}


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


@pytest.fixture
def admin(client, make_user, login):  # type: ignore[no-untyped-def]
    make_user("admin", login="admin@example.vn")
    login("admin@example.vn")
    return client


def test_admin_merges_after_a_confirmation_page(bac_binh, admin):
    page = admin.get("/admin/areas")
    assert page.status_code == 200 and "Sáp nhập địa bàn" in text_of(page)
    token = csrf_token(admin, "/admin/areas")
    check = admin.post("/admin/areas/merge", data={**MERGE_FORM, "csrf_token": token})
    html = text_of(check)
    assert check.status_code == 200 and "Xác nhận sắp xếp địa bàn" in html
    assert "Xã Phan Hòa" in html and "Thôn 1 Thị trấn Chợ Lầu" in html and "Dòng họ chuyển theo: 1" in html
    assert db.session.query(AreaChange).count() == 0  # the check wrote nothing
    confirm_token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', check.get_data(as_text=True)).group(1)
    assert 'name="confirmed" type="hidden" value="1"' in check.get_data(as_text=True)
    done = admin.post("/admin/areas/merge", data={**MERGE_FORM, "confirmed": "1", "csrf_token": confirm_token})
    assert done.status_code == 302 and done.headers["Location"].endswith("/admin/areas")
    change = db.session.query(AreaChange).one()
    assert change.actor == "admin@example.vn" and change.kind == "merge"
    assert db.session.query(AuditEntry).filter_by(action="area.merge", actor="admin@example.vn").count() == 1
    drain()
    listed = text_of(admin.get("/admin/areas"))
    assert "2025-07-01" in listed and "1666/NQ-UBTVQH15" in listed and "BB-PHANHOA" in listed
    assert all_figures(2026)["BB-XABACBINH"]["people"] == 25


@pytest.mark.parametrize(
    "kind,data,message",
    [
        ("merge", {**MERGE_FORM, "sources": "BB-PHANHOA, BB-KHONGCO"}, "Không có địa bàn mã BB-KHONGCO"),
        ("merge", {**MERGE_FORM, "sources": "BB-PHANHOA, BT-BB"}, "phải cùng cấp"),
        ("merge", {**MERGE_FORM, "effective": ""}, "Hãy nhập ngày có hiệu lực"),
        ("merge", {**MERGE_FORM, "effective": "1/7/2025"}, "Ngày có hiệu lực không hợp lệ"),
        ("move", {"area": "BT-BB", "parent": "BB-PHANHOA", "effective": EFFECTIVE}, "bên trong"),
        ("move", {"area": "BB-PHANHOA-T1", "parent": "BB-PHANHOA-T2", "effective": EFFECTIVE}, "cấp trên"),
        ("dissolve", {"area": "BT", "effective": EFFECTIVE}, "cấp cao nhất"),
    ],
)
def test_bad_input_on_the_page_is_a_message_and_nothing_written(bac_binh, admin, kind, data, message):
    token = csrf_token(admin, "/admin/areas")
    response = admin.post(f"/admin/areas/{kind}", data={**data, "confirmed": "1", "csrf_token": token})
    assert response.status_code == 400
    assert message in text_of(response)
    assert db.session.query(AreaChange).count() == 0
    assert db.session.query(AuditEntry).filter(AuditEntry.action.like("area.%")).count() == 0


def test_messages_in_english(bac_binh, admin):
    admin.get("/lang/en")
    token = csrf_token(admin, "/admin/areas")
    response = admin.post(
        "/admin/areas/move", data={"area": "BB-NOPE", "parent": "BT", "effective": EFFECTIVE, "csrf_token": token}
    )
    assert response.status_code == 400 and "No area with code BB-NOPE" in text_of(response)


@pytest.mark.parametrize("role", ["officer", "citizen", "trainer"])
def test_only_admins_reorganise(bac_binh, client, make_user, login, role):
    make_user(role, area=area_by_code("BT") if role == "officer" else None, login=f"{role}@example.vn")
    login(f"{role}@example.vn")
    token = csrf_token(client, "/")  # the logout form of any page
    assert client.get("/admin/areas").status_code == 403
    response = client.post("/admin/areas/merge", data={**MERGE_FORM, "confirmed": "1", "csrf_token": token})
    assert response.status_code == 403
    assert db.session.query(AreaChange).count() == 0


def test_posting_without_a_csrf_token_is_refused(bac_binh, admin):
    response = admin.post("/admin/areas/merge", data={**MERGE_FORM, "confirmed": "1"})
    assert response.status_code == 400
    assert db.session.query(AreaChange).count() == 0


def test_cli_merge_dissolve_and_the_former_district(bac_binh, runner):
    before_2024 = all_figures(2024)
    dry = runner.invoke(
        args=[
            "areas",
            "merge",
            *MERGED,
            "--into",
            "BB-XABACBINH",
            "--name",
            "Xã Bắc Bình",
            "--date",
            EFFECTIVE,
            "--dry-run",
        ]
    )
    assert dry.exit_code == 0 and json.loads(dry.output)["dry_run"] is True
    assert db.session.query(AreaChange).count() == 0
    merged = runner.invoke(
        args=[
            "areas",
            "merge",
            *MERGED,
            "--into",
            "BB-XABACBINH",
            "--name",
            "Xã Bắc Bình",
            "--date",
            EFFECTIVE,
            "--decision",
            "1666/NQ-UBTVQH15",
        ]
    )
    assert merged.exit_code == 0, merged.output
    assert json.loads(merged.output)["sources"] == list(MERGED)
    dissolved = runner.invoke(args=["areas", "dissolve", "BT-BB", "--date", EFFECTIVE])
    assert dissolved.exit_code == 0, dissolved.output
    assert db.session.query(AuditEntry).filter_by(actor="cli", action="area.dissolve").count() == 1
    drain()
    assert all_figures(2024) == before_2024
    out = runner.invoke(args=["indicators", "--period", "2026", "--area", "BT-BB", "--format", "json"])
    data = json.loads(out.output)
    assert data["counts"]["people"] == 31 and len(data["successors"]) == 15
    text = runner.invoke(args=["indicators", "--period", "2026", "--area", "BB-PHANHOA"]).output
    assert "closed area: sum of its successors BB-XABACBINH" in text and "people: 25" in text
    earlier = json.loads(
        runner.invoke(args=["indicators", "--period", "2024", "--area", "BT-BB", "--format", "json"]).output
    )
    assert "successors" not in earlier and earlier["counts"]["people"] == 31
    listed = runner.invoke(args=["areas", "changes"]).output.splitlines()
    assert [json.loads(line)["kind"] for line in listed] == ["dissolve", "merge"]


@pytest.mark.parametrize(
    "args,message",
    [
        (["areas", "merge", "BB-PHANHOA", "BB-PHANHIEP", "--into", "X", "--name", "X"], "Hãy nhập ngày có hiệu lực"),
        (
            ["areas", "merge", "BB-PHANHOA", "BB-PHANHIEP", "--into", "X", "--name", "X", "--date", "2025-13-01"],
            "không hợp lệ",
        ),
        (["areas", "move", "BB-PHANHOA-T1", "--to", "BB-KHONGCO", "--date", EFFECTIVE], "BB-KHONGCO"),
        (
            ["areas", "move", "BB-PHANHOA-T1", "--to", "BB-KHONGCO", "--date", EFFECTIVE, "--lang", "en"],
            "No area with code BB-KHONGCO",
        ),
        (["areas", "dissolve", "BB-PHANHOA-T1", "--date", EFFECTIVE], "thôn"),
    ],
)
def test_cli_bad_input(bac_binh, runner, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code == 1 and message in result.output
    assert db.session.query(AreaChange).count() == 0


def test_dashboard_shows_the_tree_of_the_year(bac_binh, admin, runner):
    runner.invoke(
        args=["areas", "merge", *MERGED, "--into", "BB-XABACBINH", "--name", "Xã Bắc Bình", "--date", EFFECTIVE]
    )
    runner.invoke(args=["areas", "dissolve", "BT-BB", "--date", EFFECTIVE])
    drain()
    old = text_of(admin.get("/dashboard?area=BT-BB&period=2024"))
    assert "Xã Phan Hòa" in old and "Xã Bắc Bình" not in old and "kế thừa" not in old
    former = text_of(admin.get("/dashboard?area=BT-BB&period=2026"))
    assert "Số liệu dưới đây là tổng của các địa bàn kế thừa" in former and "Xã Bắc Bình" in former
    new_2024 = text_of(admin.get("/dashboard?area=BB-XABACBINH&period=2024"))
    assert "chưa được thành lập vào cuối năm 2024" in new_2024
    province = text_of(admin.get("/dashboard?area=BT&period=2026"))
    assert "Xã Bắc Bình" in province and "Xã Phan Hòa" not in province
    province_2024 = text_of(admin.get("/dashboard?area=BT&period=2024"))
    assert "Huyện Bắc Bình" in province_2024


def test_the_merged_communes_officer_reads_its_predecessors_earlier_years_and_no_more(
    app, bac_binh, client, make_user, login, runner
):
    from tests.areas.conftest import OTHER, figures_of
    from tests.web.conftest import sign_in

    runner.invoke(
        args=["areas", "merge", *MERGED, "--into", "BB-XABACBINH", "--name", "Xã Bắc Bình", "--date", EFFECTIVE]
    )
    runner.invoke(args=["areas", "dissolve", "BT-BB", "--date", EFFECTIVE])
    drain()
    make_user("officer", area=area_by_code("BB-XABACBINH"), login="xabacbinh@example.vn")
    make_user("officer", area=area_by_code(OTHER), login="luongson@example.vn")
    db.session.commit()

    login("xabacbinh@example.vn")
    own_2024 = text_of(client.get("/dashboard?period=2024"))
    assert "các địa bàn đã hợp thành Xã Bắc Bình" in own_2024
    assert all(area_by_code(code).name in own_2024 for code in MERGED)
    phan_hoa = client.get("/dashboard?area=BB-PHANHOA&period=2024")
    assert phan_hoa.status_code == 200
    assert figures_of("BB-PHANHOA", 2024)["people"] > 0
    # the dissolved district covered other communes too: not this officer's to read
    assert client.get("/dashboard?area=BT-BB&period=2024").status_code == 404

    other = app.test_client()
    sign_in(other, "luongson@example.vn")
    assert other.get("/dashboard?area=BB-PHANHOA&period=2024").status_code == 404
    assert other.get(f"/dashboard?area={OTHER}&period=2024").status_code == 200
