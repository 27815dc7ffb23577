"""Officers: eligible list, bulk award, revoke with a reason, audit log, area scope."""

import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.extensions import db
from lms.titles.models import Award
from tests.web.conftest import make_eligible, score, sign_in, submit


def _eligible_people(tree, make_person):  # type: ignore[no-untyped-def]
    a1 = make_person(tree["A1"], full_name="Nguyễn Văn An")
    a2 = make_person(tree["A2"], full_name="Phạm Thị Bình")
    b1 = make_person(tree["B1"], full_name="Lê Văn Cường")
    for person in (a1, a2, b1):
        make_eligible(person)
    score()
    return a1, a2, b1


def test_officer_sees_only_eligible_people_of_their_commune(client, tree, make_person, officer_a, default_framework):
    _eligible_people(tree, make_person)
    sign_in(client, "canbo.a@example.vn")
    html = client.get("/officer/eligible?period=2026").get_data(as_text=True)
    assert "Nguyễn Văn An" in html and "Phạm Thị Bình" in html
    assert "Lê Văn Cường" not in html
    html = client.get("/officer/eligible?period=2026&area=A2").get_data(as_text=True)
    assert "Phạm Thị Bình" in html and "Nguyễn Văn An" not in html
    assert client.get("/officer/eligible?period=2026&area=B1").status_code == 404


def test_award_and_revoke_through_the_pages_are_audited(client, tree, make_person, officer_a, default_framework):
    a1, a2, _b1 = _eligible_people(tree, make_person)
    sign_in(client, "canbo.a@example.vn")
    response = submit(
        client,
        "/officer/eligible?period=2026",
        "/officer/award",
        {"confirmed": "1", "decision_no": "15/QĐ-UBND", "decision_date": "2026-11-20", "person_ids": [a1.id, a2.id]},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "cho 2 người" in html and "15/QĐ-UBND" in html
    awards = db.session.scalars(sa.select(Award).order_by(Award.person_id)).all()
    assert [(a.person_id, a.decision_no, a.awarded_by) for a in awards] == [
        (a1.id, "15/QĐ-UBND", "canbo.a@example.vn"),
        (a2.id, "15/QĐ-UBND", "canbo.a@example.vn"),
    ]
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "title.award")) == 1
    )  # one per decision

    person_page = f"/officer/people/{a1.id}?period=2026"
    html = client.get(person_page).get_data(as_text=True)
    assert "Đã được công nhận danh hiệu Công dân học tập" in html
    award = awards[0]
    response = submit(client, person_page, f"/officer/awards/{award.id}/revoke", {"reason": ""}, follow_redirects=True)
    assert "Thu hồi danh hiệu cần nêu lý do." in response.get_data(as_text=True)
    db.session.refresh(award)
    assert award.revoked_at is None

    response = submit(
        client, person_page, f"/officer/awards/{award.id}/revoke", {"reason": "Kê khai sai"}, follow_redirects=True
    )
    assert "Đã thu hồi danh hiệu." in response.get_data(as_text=True)
    db.session.refresh(award)
    assert award.revoked_at is not None and award.revoke_reason == "Kê khai sai"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "title.revoke"))
    assert entry.actor == "canbo.a@example.vn" and entry.after["reason"] == "Kê khai sai"

    html = client.get("/officer/audit").get_data(as_text=True)
    assert "Công nhận danh hiệu" in html and "Thu hồi danh hiệu" in html and "Kê khai sai" in html


def test_award_refuses_people_outside_the_area(client, tree, make_person, officer_a, default_framework):
    _a1, _a2, b1 = _eligible_people(tree, make_person)
    sign_in(client, "canbo.a@example.vn")
    response = submit(
        client,
        "/officer/eligible?period=2026",
        "/officer/award",
        {"confirmed": "1", "decision_no": "16/QĐ-UBND", "decision_date": "2026-11-20", "person_ids": [b1.id]},
        follow_redirects=True,
    )
    assert "ngoài địa bàn" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Award)) == 0


def test_award_needs_a_decision_number_and_a_selection(client, tree, make_person, officer_a, default_framework):
    a1, _a2, _b1 = _eligible_people(tree, make_person)
    sign_in(client, "canbo.a@example.vn")
    response = submit(
        client,
        "/officer/eligible?period=2026",
        "/officer/award",
        {"decision_no": "", "decision_date": "2026-11-20", "person_ids": [a1.id]},
        follow_redirects=True,
    )
    assert "Cần số quyết định." in response.get_data(as_text=True)
    response = submit(
        client,
        "/officer/eligible?period=2026",
        "/officer/award",
        {"decision_no": "17/QĐ-UBND", "decision_date": "2026-11-20"},
        follow_redirects=True,
    )
    assert "Hãy chọn ít nhất một người." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Award)) == 0


def test_officer_of_another_commune_gets_404(client, tree, make_person, officer_b, default_framework):
    a1, _a2, _b1 = _eligible_people(tree, make_person)
    sign_in(client, "canbo.b@example.vn")
    assert client.get(f"/officer/people/{a1.id}").status_code == 404
    assert client.get("/dashboard?area=A").status_code == 404
    assert client.get("/dashboard?area=A1").status_code == 404
    assert client.get("/dashboard?area=B1").status_code == 200
    html = client.get("/officer/eligible?period=2026").get_data(as_text=True)
    assert "Lê Văn Cường" in html and "Nguyễn Văn An" not in html


def test_officer_cannot_revoke_outside_own_commune(client, tree, make_person, officer_b, default_framework):
    from datetime import date

    from lms.titles.services import award_titles

    a1, _a2, _b1 = _eligible_people(tree, make_person)
    award_titles([a1.id], 2026, "1/QĐ-UBND", date(2026, 11, 1), "test", tree["A"])
    db.session.commit()
    award = db.session.scalar(sa.select(Award))
    sign_in(client, "canbo.b@example.vn")
    response = submit(client, "/officer/eligible", f"/officer/awards/{award.id}/revoke", {"reason": "x"})
    assert response.status_code == 404
    db.session.refresh(award)
    assert award.revoked_at is None


def test_citizen_gets_403_on_officer_pages(client, citizen):
    sign_in(client, "0912345678")
    for url in ("/officer/eligible", "/officer/audit", "/dashboard", f"/officer/people/{citizen.person_id}"):
        assert client.get(url).status_code == 403, url


def test_anonymous_is_redirected_to_login_from_officer_pages(client, tree):
    for url in ("/officer/eligible", "/officer/audit", "/dashboard", "/officer/people/1"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url


def test_audit_log_of_a_commune_leaves_out_other_communes(client, tree, make_person, officer_b, default_framework):
    from datetime import date

    from lms.titles.services import award_titles

    a1, _a2, _b1 = _eligible_people(tree, make_person)
    award_titles([a1.id], 2026, "1/QĐ-UBND", date(2026, 11, 1), "canbo.a", tree["A"])
    db.session.commit()
    sign_in(client, "canbo.b@example.vn")
    html = client.get("/officer/audit").get_data(as_text=True)
    assert "1/QĐ-UBND" not in html
