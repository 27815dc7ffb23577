"""/admin/users: an admin creates officer, trainer and admin accounts, assigns areas, disables, unlocks and
resets them; every change is audited and ends the account's sessions."""

import re

import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.auth.models import User
from lms.extensions import db
from tests.conftest import PASSWORD, client_at, complete_sign_in
from tests.web.conftest import sign_in, submit


@pytest.fixture
def admin_client(app, tree, make_user):  # type: ignore[no-untyped-def]
    make_user("admin", login="quantri@example.vn")
    client = app.test_client()
    assert sign_in(client, "quantri@example.vn").status_code == 302
    return client


def _audit(action: str) -> AuditEntry | None:
    return db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id.desc())
    ).first()


def _temporary(html: str) -> str:
    return re.search(r"<code>([a-z2-9]{4}(?:-[a-z2-9]{4}){3})</code>", html).group(1)


def test_an_admin_creates_an_officer_who_sets_a_password_and_two_factor_at_first_login(app, admin_client):
    page = admin_client.get("/admin/users").get_data(as_text=True)
    assert "quantri@example.vn" in page
    data = {"login": "CanBo.Moi@Example.vn", "display_name": "Cán bộ xã Hòa Ân", "role": "officer", "area": "A"}
    response = submit(admin_client, "/admin/users", "/admin/users", data)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    temporary = _temporary(response.get_data(as_text=True))
    user = db.session.scalar(sa.select(User).where(User.login == "canbo.moi@example.vn"))
    assert user.role == "officer" and user.area.code == "A" and user.must_change_password
    assert _audit("user.create").actor == "quantri@example.vn" and _audit("user.role").after["area"] == "A"

    officer = app.test_client()
    step = submit(officer, "/auth/login", "/auth/login", {"login": user.login, "password": temporary})
    complete_sign_in(officer, step, user.login)  # the second factor's set-up comes first
    assert officer.get("/officer/registry/people").headers["Location"].endswith("/auth/password")
    new = "lúa-chín-vàng-đồng-quê"
    changed = submit(
        officer, "/auth/password", "/auth/password", {"current": temporary, "password": new, "confirm": new}
    )
    assert changed.status_code == 302
    assert officer.get("/officer/registry/people").status_code == 200


@pytest.mark.parametrize(
    "data, message",
    [
        ({"role": "officer", "area": ""}, "Cán bộ cần có địa bàn"),
        ({"role": "approver", "area": ""}, "Cán bộ cần có địa bàn"),  # the commune leader approves its area's
        ({"role": "officer", "area": "NOWHERE"}, "Không có địa bàn"),
        ({"role": "officer", "area": "A", "login": "quantri@example.vn"}, "đã được đăng ký"),
        ({"role": "citizen", "area": ""}, "Lựa chọn không hợp lệ."),
        ({"role": "trainer", "area": "", "login": "khong hop le"}, "hợp lệ"),
    ],
)
def test_bad_account_forms_change_nothing(admin_client, data, message):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    form = {"login": "moi@example.vn", "display_name": "Người mới", **data}
    response = submit(admin_client, "/admin/users", "/admin/users", form)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == before


def test_a_trainer_gets_an_area_and_an_officer_is_moved_with_the_sessions_ended(app, admin_client, tree, make_user):
    trainer = make_user("trainer", login="gv@example.vn")
    officer = make_user("officer", area=tree["A"], login="canbo@example.vn")
    session = app.test_client()
    sign_in(session, officer.login)
    url = f"/admin/users/{trainer.id}"
    assert submit(admin_client, url, url, {"display_name": "GV", "role": "trainer", "area": "B"}).status_code == 302
    db.session.refresh(trainer)
    assert trainer.area.code == "B"
    from lms.trainers.services import covers

    assert covers(trainer, tree["B"]) and not covers(trainer, tree["A"])  # the area trainers work in
    submit(admin_client, url, url, {"display_name": "GV", "role": "trainer", "area": "A"})
    assert covers(trainer, tree["A"]) and not covers(trainer, tree["B"])
    url = f"/admin/users/{officer.id}"
    assert submit(admin_client, url, url, {"display_name": "CB", "role": "officer", "area": "B"}).status_code == 302
    entry = _audit("user.role")
    assert entry.before["area"] == "A" and entry.after["area"] == "B"
    assert session.get("/officer/registry/people").status_code == 302  # the old area's session ended


def test_disable_ends_sessions_and_refuses_login_with_the_usual_message(app, admin_client, tree, make_user):
    officer = make_user("officer", area=tree["A"], login="canbo@example.vn")
    session = app.test_client()
    sign_in(session, officer.login)
    assert submit(admin_client, f"/admin/users/{officer.id}", f"/admin/users/{officer.id}/disable").status_code == 302
    assert session.get("/officer/registry/people").status_code == 302
    refused = sign_in(app.test_client(), officer.login)
    assert refused.status_code == 200 and "Sai tên đăng nhập hoặc mật khẩu." in refused.get_data(as_text=True)
    assert _audit("user.disable").after["disabled"] is True
    submit(admin_client, f"/admin/users/{officer.id}", f"/admin/users/{officer.id}/enable")
    assert sign_in(app.test_client(), officer.login).status_code == 302
    assert _audit("user.enable") is not None


def test_an_admin_cannot_disable_or_demote_themselves(admin_client):
    me = db.session.scalar(sa.select(User).where(User.login == "quantri@example.vn"))
    response = submit(admin_client, f"/admin/users/{me.id}", f"/admin/users/{me.id}/disable")
    assert response.status_code == 302
    url = f"/admin/users/{me.id}"
    submit(admin_client, url, url, {"display_name": "QT", "role": "officer", "area": "A"})
    db.session.refresh(me)
    assert me.disabled_at is None and me.role == "admin"


def test_unlock_lifts_the_throttle_on_an_attacked_account(app, admin_client, tree, make_user):
    officer = make_user("officer", area=tree["A"], login="canbo@example.vn")
    for n in range(2):
        attacker = client_at(app, f"203.0.113.{n + 1}")
        for _ in range(5):
            submit(attacker, "/auth/login", "/auth/login", {"login": officer.login, "password": "sai-mat-khau"})
    holder = client_at(app, "192.0.2.50")
    assert sign_in(holder, officer.login).status_code == 429
    assert submit(admin_client, f"/admin/users/{officer.id}", f"/admin/users/{officer.id}/unlock").status_code == 302
    assert sign_in(holder, officer.login).status_code == 302
    assert _audit("user.unlock").actor == "quantri@example.vn"


def test_reset_gives_a_temporary_password_and_ends_the_old_one(app, admin_client, tree, make_user):
    officer = make_user("officer", area=tree["A"], login="canbo@example.vn")
    session = app.test_client()
    sign_in(session, officer.login)
    response = submit(admin_client, f"/admin/users/{officer.id}", f"/admin/users/{officer.id}/reset-password")
    temporary = _temporary(response.get_data(as_text=True))
    assert session.get("/officer/registry/people").status_code == 302
    assert sign_in(app.test_client(), officer.login, PASSWORD).status_code == 200
    fresh = app.test_client()
    assert sign_in(fresh, officer.login, temporary).status_code == 302
    assert fresh.get("/dashboard").headers["Location"].endswith("/auth/password")
    assert _audit("user.reset").actor == "quantri@example.vn"


def test_reset_two_factor_sends_the_holder_to_set_it_up_again(app, admin_client, tree, make_user):
    officer = make_user("officer", area=tree["A"], login="canbo@example.vn")
    session = app.test_client()
    sign_in(session, officer.login)
    url = f"/admin/users/{officer.id}/reset-two-factor"
    assert submit(admin_client, f"/admin/users/{officer.id}", url).status_code == 302
    assert session.get("/officer/registry/people").status_code == 302
    db.session.refresh(officer)
    assert not officer.two_factor_enabled and officer.totp_secret is None
    step = submit(app.test_client(), "/auth/login", "/auth/login", {"login": officer.login, "password": PASSWORD})
    assert step.headers["Location"].endswith("/auth/two-factor/setup")
    entry = _audit("user.2fa_reset")
    assert entry.actor == "quantri@example.vn" and entry.before == {"two_factor": True}


def test_admins_find_any_account_by_login(admin_client, tree, make_person, make_user):
    make_user("citizen", person=make_person(tree["A1"]), login="0912345678")
    assert "0912345678" not in admin_client.get("/admin/users").get_data(as_text=True)  # staff only by default
    assert "0912345678" in admin_client.get("/admin/users?q=0912").get_data(as_text=True)


def test_an_approver_account_has_an_area_and_a_second_factor(app, admin_client):
    data = {"login": "chutich@example.vn", "display_name": "Chủ tịch UBND xã", "role": "approver", "area": "A"}
    response = submit(admin_client, "/admin/users", "/admin/users", data)
    assert response.status_code == 200
    user = db.session.scalar(sa.select(User).where(User.login == "chutich@example.vn"))
    assert (user.role, user.area.code) == ("approver", "A")
    assert "approver" in app.config["TWO_FACTOR_ROLES"] and app.config["SESSION_IDLE_MINUTES"]["approver"] == 30
    assert "Lãnh đạo phê duyệt" in admin_client.get("/admin/users?role=approver").get_data(as_text=True)


def test_a_new_account_form_shows_every_fault_at_once_and_suggests_area_codes(admin_client):
    page = admin_client.get("/admin/users").get_data(as_text=True)
    assert 'list="area-codes"' in page and '<option value="A">Xã Hòa Ân</option>' in page
    data = {"login": "quantri@example.vn", "display_name": "Trùng", "role": "officer", "area": "KHONG-CO"}
    response = submit(admin_client, "/admin/users", "/admin/users", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Số điện thoại hoặc email này đã được đăng ký." in html  # the login...
    assert "Không có địa bàn đang hoạt động với mã KHONG-CO." in html  # ...and the area, in one answer
    assert html.count('aria-invalid="true"') == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
