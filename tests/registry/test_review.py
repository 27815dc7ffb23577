"""Review: eligible list filters, group titles confirmed by decision (and revoked), audit log filters."""

from datetime import date

import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.extensions import db
from lms.people.models import Family, Unit
from lms.titles.models import GroupConfirmation
from tests.web.conftest import make_eligible, score, sign_in, submit


def test_eligible_list_filters_by_unit_group_and_disadvantaged_area(
    client, tree, make_person, make_area, officer_a, default_framework
):
    unit = Unit(code="U-A", name="Trường Tiểu học", level="commune", area_id=tree["A"].id)
    db.session.add(unit)
    db.session.flush()
    hard = make_area("A9", "village", tree["A"], disadvantaged=True, name="Thôn Núi")
    official = make_person(tree["A1"], full_name="Cán Bộ Trường", unit_id=unit.id, is_official=True)
    resident = make_person(tree["A2"], full_name="Người Dân Thường")
    mountain = make_person(hard, full_name="Người Vùng Cao")
    for person in (official, resident, mountain):
        make_eligible(person)
    score()
    sign_in(client, "canbo.a@example.vn")

    def names(query: str) -> set[str]:
        html = client.get(f"/officer/eligible?period=2026&{query}").get_data(as_text=True)
        return {n for n in ("Cán Bộ Trường", "Người Dân Thường", "Người Vùng Cao") if n in html}

    assert names("") == {"Cán Bộ Trường", "Người Dân Thường", "Người Vùng Cao"}
    assert names("unit=U-A") == {"Cán Bộ Trường"}
    assert names("group=official") == {"Cán Bộ Trường"}
    assert names("group=resident") == {"Người Dân Thường", "Người Vùng Cao"}
    assert names("disadvantaged=1") == {"Người Vùng Cao"}
    assert names("disadvantaged=0") == {"Cán Bộ Trường", "Người Dân Thường"}
    assert names("area=A2") == {"Người Dân Thường"}
    html = client.get("/officer/eligible?period=2026").get_data(as_text=True)
    assert "3 người đủ điều kiện" in html  # from the stored figures, not a COUNT per request
    assert f"/officer/people/{official.id}" in html  # the explanation, one click away
    assert "Kê khai đang chờ xác nhận" not in html  # nothing waits: no banner (tests/declarations)


def _attaining_family(tree, make_person):  # type: ignore[no-untyped-def]
    """A family of village A1 whose adults all hold the title: it attains Gia đình học tập."""
    from lms.criteria.models import GroupResult
    from lms.titles.services import award_titles

    family = Family(code="GD-1", name="Hộ Nguyễn Văn An", village_id=tree["A1"].id)
    db.session.add(family)
    db.session.flush()
    members = [make_person(tree["A1"], full_name=n, family_id=family.id) for n in ("Nguyễn Văn An", "Lê Thị Hoa")]
    for m in members:
        make_eligible(m)
    score()
    award_titles([m.id for m in members], 2026, "15/QĐ-UBND", date(2026, 11, 1), "test", tree["A"])
    db.session.commit()
    score()
    result = db.session.get(GroupResult, ("family", family.id, 2026))
    if result is None or not result.attained:  # the default framework also needs entered family items
        db.session.merge(GroupResult(kind="family", subject_id=family.id, period=2026, total=90, attained=True))
        db.session.commit()
    return family


def test_officer_confirms_an_attaining_family_by_decision_and_revokes_with_a_reason(
    client, tree, make_person, officer_a, default_framework
):
    family = _attaining_family(tree, make_person)
    other = Family(code="GD-2", name="Hộ Chưa Đạt", village_id=tree["A1"].id)
    db.session.add(other)
    db.session.commit()
    sign_in(client, "canbo.a@example.vn")
    page = "/officer/groups?kind=family&period=2026"
    html = client.get(page).get_data(as_text=True)
    assert "Hộ Nguyễn Văn An" in html and "Hộ Chưa Đạt" not in html
    refused = submit(
        client,
        page,
        "/officer/groups/confirm",
        {"confirmed": "1", "decision_no": "20/QĐ-UBND", "decision_date": "2026-12-01", "subject_ids": [other.id]},
        follow_redirects=True,
    )
    assert "không đạt danh hiệu hoặc ngoài địa bàn" in refused.get_data(as_text=True)
    response = submit(
        client,
        page,
        "/officer/groups/confirm",
        {"confirmed": "1", "decision_no": "20/QĐ-UBND", "decision_date": "2026-12-01", "subject_ids": [family.id]},
        follow_redirects=True,
    )
    assert "Đã công nhận danh hiệu cho 1 đơn vị" in response.get_data(as_text=True)
    confirmation = db.session.scalar(sa.select(GroupConfirmation))
    assert (confirmation.kind, confirmation.subject_id, confirmation.decision_no) == ("family", family.id, "20/QĐ-UBND")
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "group.confirm"))
    assert entry.actor == "canbo.a@example.vn" and entry.area_id == tree["A"].id
    assert entry.subject == "decision 20/QĐ-UBND" and entry.after["decision_no"] == "20/QĐ-UBND"
    assert entry.after["count"] == 1  # one entry per decision, with how many it recognised

    detail = f"/officer/groups/family/{family.id}?period=2026"
    html = client.get(detail).get_data(as_text=True)
    assert "20/QĐ-UBND" in html and "Giải trình theo tiêu chí" in html
    revoke = f"/officer/groups/confirmations/{confirmation.id}/revoke"
    assert "cần nêu lý do" in submit(client, detail, revoke, {"reason": " "}, follow_redirects=True).get_data(
        as_text=True
    )
    submit(client, detail, revoke, {"reason": "Sai sót hồ sơ"})
    db.session.refresh(confirmation)
    assert confirmation.revoked_at is not None and confirmation.revoke_reason == "Sai sót hồ sơ"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "group.revoke"))
    assert entry.after == {"revoked": True, "reason": "Sai sót hồ sơ"}


def test_other_communes_officer_cannot_confirm_or_revoke(client, tree, make_person, officer_b, default_framework):
    family = _attaining_family(tree, make_person)
    sign_in(client, "canbo.b@example.vn")
    page = "/officer/groups?kind=family&period=2026"
    assert "Hộ Nguyễn Văn An" not in client.get(page).get_data(as_text=True)
    response = submit(
        client,
        page,
        "/officer/groups/confirm",
        {
            "decision_no": "1/QĐ",
            "decision_date": "2026-12-01",
            "subject_ids": [family.id],
            "period": "2026",
            "kind": "family",
        },
        follow_redirects=True,
    )
    assert "ngoài địa bàn" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GroupConfirmation)) == 0
    assert client.get(f"/officer/groups/family/{family.id}").status_code == 404


def test_audit_log_filters_by_action_and_actor(client, tree, officer_a, make_user):
    from lms.audit.services import audit

    audit("canbo.a@example.vn", "export.report_xlsx", "A", area_id=tree["A"].id, after={"of": "A"})
    audit("someone@example.vn", "title.award", "person 1 2026", area_id=tree["A1"].id, after={"x": 1})
    audit("other@example.vn", "title.award", "person 2 2026", area_id=tree["B1"].id, after={"x": 2})
    db.session.commit()
    sign_in(client, "canbo.a@example.vn")
    html = client.get("/officer/audit").get_data(as_text=True)
    assert "Xuất báo cáo (XLSX)" in html and "person 1 2026" in html and "person 2 2026" not in html
    html = client.get("/officer/audit?action=export").get_data(as_text=True)
    assert "Xuất báo cáo (XLSX)" in html and "person 1 2026" not in html
    html = client.get("/officer/audit?actor=someone@example.vn").get_data(as_text=True)
    assert "person 1 2026" in html and "Xuất báo cáo (XLSX)" not in html
