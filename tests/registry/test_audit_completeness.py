"""Every officer action writes the audit log (actor, time, area, what changed), visible to the officers
of that area and to no other commune's officer."""

import io
import re

import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.extensions import db
from tests.registry.test_review import _attaining_family
from tests.web.conftest import make_eligible, score, sign_in, submit

ACTIONS = {
    "title.award",
    "title.revoke",
    "group.confirm",
    "group.revoke",
    "import.people",
    "export.report_xlsx",
    "export.report_pdf",
    "export.holders_xlsx",
    "activation.codes",
    "person.create",
    "person.update",
    "person.flags",
    "recompute.start",
}


def test_each_officer_action_is_audited_and_shown_in_the_areas_log(
    app, client, tree, make_person, officer_a, officer_b, default_framework, monkeypatch
):
    monkeypatch.setattr(app.extensions["celery"], "send_task", lambda *a, **k: None)
    family = _attaining_family(tree, make_person)
    person = make_person(tree["A2"], full_name="Trần Văn Xét")
    make_eligible(person)
    score()
    sign_in(client, "canbo.a@example.vn")
    # award, revoke
    submit(
        client,
        "/officer/eligible?period=2026",
        "/officer/award",
        {"confirmed": "1", "decision_no": "15/QĐ-UBND", "decision_date": "2026-11-20", "person_ids": [person.id]},
    )
    award_id = db.session.scalar(sa.text("SELECT id FROM award WHERE person_id = :p"), {"p": person.id})
    submit(client, f"/officer/people/{person.id}?period=2026", f"/officer/awards/{award_id}/revoke", {"reason": "Sai"})
    # group confirm, revoke
    page = "/officer/groups?kind=family&period=2026"
    submit(
        client,
        page,
        "/officer/groups/confirm",
        {"confirmed": "1", "decision_no": "20/QĐ", "decision_date": "2026-12-01", "subject_ids": [family.id]},
    )
    confirmation_id = db.session.scalar(sa.text("SELECT id FROM group_confirmation"))
    submit(
        client,
        f"/officer/groups/family/{family.id}",
        f"/officer/groups/confirmations/{confirmation_id}/revoke",
        {"reason": "Sai"},
    )
    # import
    html = client.get("/officer/imports").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    content = b"person_code,full_name,birth_year,gender,village_code\nPX,Ai,1990,nam,A1\n"
    client.post(
        "/officer/imports",
        data={"csrf_token": token, "kind": "people", "file": (io.BytesIO(content), "p.csv")},
        content_type="multipart/form-data",
    )
    job_id = db.session.scalar(sa.text("SELECT max(id) FROM import_job"))
    submit(client, f"/officer/imports/{job_id}", f"/officer/imports/{job_id}/confirm")
    # exports
    for action in ("indicators.xlsx", "indicators.pdf", "holders.xlsx"):
        assert (
            submit(client, "/officer/reports?period=2026", f"/officer/reports/{action}", {"period": "2026"}).status_code
            == 200
        )
    # activation codes, registry edits, recompute
    submit(client, "/officer/registry/activation", "/officer/registry/activation", {"village": "A1"})
    submit(
        client,
        "/officer/registry/people/new",
        "/officer/registry/people/new",
        {"code": "PN", "full_name": "Người Mới", "birth_year": "1990", "gender": "nam", "village": str(tree["A1"].id)},
    )
    new_id = db.session.scalar(sa.text("SELECT id FROM person WHERE code = 'PN'"))
    edit = f"/officer/registry/people/{new_id}/edit"
    submit(
        client,
        edit,
        edit,
        {"full_name": "Người Mới Hơn", "birth_year": "1990", "gender": "nam", "village": str(tree["A1"].id)},
    )
    submit(
        client,
        "/officer/registry/people",
        "/officer/registry/people/mark",
        {"action": "khuyen_hoc_on", "person_ids": [new_id]},
    )
    submit(client, "/officer/reports?period=2026", "/officer/recompute", {"period": "2026"})

    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.actor == "canbo.a@example.vn")).all()
    found = {e.action for e in entries}
    assert ACTIONS <= found, ACTIONS - found
    for entry in entries:
        assert entry.at is not None and entry.area_id is not None and (entry.after or entry.before), entry.action
    # the area's officer reads them all in the log; another commune's officer sees none
    from lms.web import AUDIT_ACTION_LABELS

    pages = ""
    url = "/officer/audit"
    while url:
        html = client.get(url).get_data(as_text=True)
        pages += html
        nxt = re.search(r'href="([^"]+)" rel="next"', html)
        url = nxt.group(1).replace("&amp;", "&") if nxt else None
    with app.test_request_context():
        for action in ACTIONS:
            assert str(AUDIT_ACTION_LABELS.get(action, action)) in pages, action
    other = app.test_client()
    sign_in(other, "canbo.b@example.vn")
    assert "canbo.a@example.vn" not in other.get("/officer/audit").get_data(as_text=True)
