"""The admin's framework page: a bad file lists its faults and stores nothing; a good one shows the dry
run, is stored unpublished, and publishing it queues a recompute and is audited."""

import io

import sqlalchemy as sa
import yaml

from lms.audit.models import AuditEntry
from lms.criteria.models import Framework
from lms.extensions import db
from lms.recompute.models import RecomputeJob
from tests.conftest import DEFAULT_FRAMEWORK
from tests.web.conftest import sign_in, submit


def upload(client, name, content):
    html = client.get("/admin/frameworks").get_data(as_text=True)
    from tests.web.conftest import token_of

    return client.post(
        "/admin/frameworks",
        data={"csrf_token": token_of(html), "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_bad_framework_is_rejected_with_paths_and_nothing_stored(app, make_user):
    admin = make_user("admin", login="admin@example.vn")
    client = app.test_client()
    sign_in(client, admin.login)
    response = upload(client, "bad.yaml", b"code: x\nperiod: 2026\ntitles: {citizen: {subject: person, items: []}}\n")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "titles.citizen.threshold.total" in page and "thiếu ngưỡng" in page
    assert db.session.query(Framework).count() == 0


def test_good_framework_dry_run_then_publish(app, make_user, default_framework, tree, make_person):
    admin = make_user("admin", login="admin@example.vn")
    client = app.test_client()
    sign_in(client, admin.login)
    doc = yaml.safe_load(DEFAULT_FRAMEWORK.read_text(encoding="utf-8"))
    doc["titles"]["citizen"]["threshold"]["total"] = 90
    response = upload(client, "stricter.yaml", yaml.safe_dump(doc, allow_unicode=True).encode())
    assert response.status_code == 200 and "Chạy thử bộ tiêu chí" in response.get_data(as_text=True)
    candidate = db.session.scalar(sa.select(Framework).where(Framework.version == 2))
    assert candidate is not None and not candidate.published

    # the list's button asks first: the dry run's summary and a confirmation, nothing published yet
    asked = submit(client, "/admin/frameworks", f"/admin/frameworks/{candidate.id}/publish")
    assert "Áp dụng bộ tiêu chí này?" in asked.get_data(as_text=True)
    assert "Xác nhận áp dụng bộ tiêu chí này" in asked.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(Framework, candidate.id).published
    done = submit(
        client,
        "/admin/frameworks",
        f"/admin/frameworks/{candidate.id}/publish",
        {"confirmed": "1"},
        follow_redirects=True,
    )
    assert done.status_code == 200
    db.session.expire_all()
    assert db.session.get(Framework, candidate.id).published
    assert db.session.query(Framework).filter_by(period=2026, published=True).count() == 1
    assert db.session.query(RecomputeJob).filter_by(period=2026).count() == 1
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"framework.store", "framework.publish"} <= actions
    exported = client.get(f"/admin/frameworks/{candidate.id}.json")
    assert exported.status_code == 200 and b'"total": 90' in exported.data


def test_a_parser_error_names_its_line_and_column_in_the_users_language(app, make_user):
    admin = make_user("admin", login="admin@example.vn")
    client = app.test_client()
    sign_in(client, admin.login)
    response = upload(client, "broken.yaml", b"code: x\nperiod: 2026\ntitles: a: b\n")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "lỗi cú pháp ở dòng 3, cột 10: không được có dấu hai chấm ở đây" in page
    assert "mapping values" not in page
    response = upload(client, "broken.json", b'{"code": "x",\n "period": }')
    assert "lỗi cú pháp ở dòng 2, cột 12: thiếu giá trị" in response.get_data(as_text=True)


def test_the_dry_run_names_the_communes_and_a_draft_can_be_deleted(
    app, make_user, default_framework, tree, make_person
):
    from tests.web.conftest import make_eligible, score

    for village in ("A1", "B1"):
        make_eligible(make_person(tree[village], full_name=f"Người {village}"))
    score()
    admin = make_user("admin", login="admin@example.vn")
    client = app.test_client()
    sign_in(client, admin.login)
    doc = yaml.safe_load(DEFAULT_FRAMEWORK.read_text(encoding="utf-8"))
    doc["titles"]["citizen"]["threshold"]["total"] = 101
    html = upload(client, "stricter.yaml", yaml.safe_dump(doc, allow_unicode=True).encode()).get_data(as_text=True)
    assert "Xã Hòa Ân" in html and "Tổng cộng" in html
    draft = db.session.scalar(sa.select(Framework).where(Framework.version == 2))
    done = submit(client, "/admin/frameworks", f"/admin/frameworks/{draft.id}/delete", follow_redirects=True)
    assert "Đã xóa bản nháp bộ tiêu chí." in done.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Framework)) == 1
    published = db.session.scalar(sa.select(Framework))
    refused = submit(client, "/admin/frameworks", f"/admin/frameworks/{published.id}/delete", follow_redirects=True)
    assert "Chỉ xóa được bản nháp" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Framework)) == 1
    assert "framework.delete" in set(db.session.scalars(sa.select(AuditEntry.action)))
