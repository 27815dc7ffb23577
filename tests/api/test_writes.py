"""The API's writes: evidence pushed as JSON (all or nothing, once only), imports as files, the national export."""

import io

import sqlalchemy as sa

from lms.extensions import db
from tests.api.conftest import bearer
from tests.web.conftest import score

ROWS = [
    {
        "person_code": "PA3",
        "kind": "course",
        "ref": "TTHTCD-TIN-01",
        "category": "digital_skill",
        "date": "2026-03-15",
        "hours": "8",
        "level": "basic",
        "points": None,
    },
    {"person_code": "PA3", "kind": "session", "ref": "TH-2026-04", "date": "2026-04-02", "hours": 3.5},
    {"person_code": "PA3", "kind": "plan", "ref": "", "date": "2026-01-10"},
]


def count(sql: str) -> int:
    return db.session.scalar(sa.text(sql))


def total_of(code: str) -> str | None:
    return db.session.scalar(
        sa.text("SELECT r.total FROM person_result r JOIN person p ON p.id = r.person_id WHERE p.code = :c"),
        {"c": code},
    )


def test_evidence_pushed_twice_counts_once(client, district, make_token):
    secret = make_token("write", area=district["A"])
    first = client.post("/api/v1/evidence", json={"evidence": ROWS}, headers=bearer(secret))
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["data"] == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0}
    # the people are marked for recompute in the same transaction as the evidence
    assert count("SELECT count(*) FROM dirty_subject WHERE subject_kind = 'person'") >= 1
    score()
    once = total_of("PA3")
    second = client.post("/api/v1/evidence", json={"evidence": ROWS}, headers=bearer(secret))
    assert second.get_json()["data"] == {"rows": 3, "created": 0, "updated": 0, "unchanged": 3}
    score()
    assert count("SELECT count(*) FROM evidence e JOIN person p ON p.id = e.person_id WHERE p.code = 'PA3'") == 3
    assert total_of("PA3") == once and once > 0
    audit = db.session.execute(sa.text("SELECT actor, action FROM audit_entry WHERE action = 'import.evidence'")).all()
    assert [tuple(a) for a in audit] == [("api:system-1", "import.evidence")] * 2


def test_an_idempotency_key_replays_the_first_answer_and_refuses_another_body(client, district, make_token):
    secret = make_token("write")
    headers = {**bearer(secret), "Idempotency-Key": "lan-gui-0001"}
    first = client.post("/api/v1/evidence", json={"evidence": ROWS[:1]}, headers=headers)
    replay = client.post("/api/v1/evidence", json={"evidence": ROWS[:1]}, headers=headers)
    assert first.status_code == replay.status_code == 200
    assert replay.get_json() == first.get_json() and replay.headers["Idempotent-Replayed"] == "true"
    assert count("SELECT count(*) FROM audit_entry WHERE action = 'import.evidence'") == 1  # done once
    other = client.post("/api/v1/evidence", json={"evidence": ROWS[1:]}, headers=headers)
    assert other.status_code == 409 and other.mimetype == "application/problem+json"
    assert count("SELECT count(*) FROM evidence WHERE kind = 'session'") == 0


def test_a_bad_row_refuses_the_whole_push_with_every_fault_by_index_and_field(client, district, make_token):
    secret = make_token("write")
    rows = [
        ROWS[2],
        {"person_code": "NOBODY", "kind": "plan", "date": "2026-01-10"},
        {"person_code": "PA3", "kind": "session", "ref": "TH-1", "date": "2026-13-01"},
        {"person_code": "PA3", "kind": "declaration", "ref": "T1.1", "date": "2026-02-01", "points": "999"},
    ]
    response = client.post("/api/v1/evidence?lang=en", json={"evidence": rows}, headers=bearer(secret))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    faults = {(f["index"], f["field"]) for f in response.get_json()["errors"]}
    assert {(1, "person_code"), (2, "date"), (2, "hours"), (3, "points")} <= faults
    assert all(f["index"] != 0 for f in response.get_json()["errors"])
    assert count("SELECT count(*) FROM evidence WHERE date = '2026-01-10'") == 0  # the good row was not written
    shape = client.post("/api/v1/evidence", json={"evidence": [{"kind": "plan"}]}, headers=bearer(secret))
    assert shape.status_code == 422
    assert {(f["index"], f["field"]) for f in shape.get_json()["errors"]} == {
        (0, "evidence.person_code"),
        (0, "evidence.date"),
    }
    many = client.post("/api/v1/evidence", json={"evidence": [ROWS[2]] * 1001}, headers=bearer(secret))
    assert many.status_code == 422


def test_a_push_with_anyone_outside_the_token_area_is_refused_whole(client, district, make_token):
    secret = make_token("write", area=district["A"])
    rows = [ROWS[2], {"person_code": "PB1", "kind": "plan", "date": "2026-01-10"}]
    response = client.post("/api/v1/evidence", json={"evidence": rows}, headers=bearer(secret))
    assert response.status_code == 403
    assert [(f["index"], f["field"]) for f in response.get_json()["errors"]] == [(1, "person_code")]
    assert count("SELECT count(*) FROM evidence WHERE date = '2026-01-10'") == 0
    assert count("SELECT count(*) FROM dirty_subject") == 0


def test_an_import_file_is_answered_202_with_its_job(client, district, make_token):
    secret = make_token("write", area=district["A"])
    csv = "person_code,kind,ref,date,hours\nPA3,session,TH-9,2026-05-05,2\nPA2,plan,,2026-01-02,\n"
    response = client.post(
        "/api/v1/imports/evidence", data={"file": (io.BytesIO(csv.encode()), "tthtcd.csv")}, headers=bearer(secret)
    )
    assert response.status_code == 202, response.get_json()
    job = response.get_json()["data"]
    assert response.headers["Location"] == job["url"] == f"/api/v1/imports/{job['id']}"
    status = client.get(job["url"], headers=bearer(secret)).get_json()["data"]
    assert status["status"] == "done" and status["counts"]["created"] == 2 and status["errors"] == []
    bad = client.post(
        "/api/v1/imports/evidence",
        data={"file": (io.BytesIO(b"person_code,kind,date\nPB1,plan,2026-01-02\n"), "x.csv")},
        headers=bearer(secret),
    )
    failed = client.get(bad.get_json()["data"]["url"], headers=bearer(secret)).get_json()["data"]
    assert failed["status"] == "invalid" and failed["errors"][0]["row"] == 2 and failed["errors"][0]["column"]
    other = make_token("read", area=district["B"])
    assert client.get(job["url"], headers=bearer(other)).status_code == 404
    refused = client.post(
        "/api/v1/imports/areas",
        data={"file": (io.BytesIO(b"code,name,level\nX,X,village\n"), "a.csv")},
        headers=bearer(secret),
    )
    assert refused.status_code == 403


def test_the_national_export_follows_the_form_layout_file(client, district, make_token):
    import csv as csvlib

    from openpyxl import load_workbook

    district["A"].name = '=HYPERLINK("x")'
    db.session.commit()
    secret = make_token("read")
    response = client.get(
        "/api/v1/exports/national?area=D&period=2026&format=csv&sheet=indicators", headers=bearer(secret)
    )
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csvlib.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Năm", "Mã ĐVHC", "Tên đơn vị hành chính"]
    by_code = {r[1]: r for r in rows[1:]}
    assert set(by_code) == {"593", "22960", "22963"}  # the district and its communes, no villages
    assert by_code["22960"][2].startswith("'=")  # never a formula
    titles = client.get("/api/v1/exports/national?area=D&period=2026&format=csv&sheet=titles", headers=bearer(secret))
    lines = list(csvlib.reader(io.StringIO(titles.get_data(as_text=True).lstrip("\ufeff"))))
    assert lines[1][1] == "22960" and "Nguyễn Văn An" in lines[1] and "15/QĐ-UBND" in lines[1]
    assert "0912345678" not in titles.get_data(as_text=True)
    xlsx = client.get("/api/v1/exports/national?area=D&period=2026", headers=bearer(secret))
    book = load_workbook(io.BytesIO(xlsx.get_data()))
    assert book.sheetnames == ["indicators", "titles"]
    names = [c.value for c in book["indicators"]["C"]]
    assert '=HYPERLINK("x")' in names and book["indicators"]["C4"].data_type == "s"
    assert count("SELECT count(*) FROM audit_entry WHERE action = 'export.national'") == 3


def test_the_form_layout_refuses_an_unknown_field(tmp_path):
    import pytest

    from lms.api.national import load_form

    path = tmp_path / "form.yaml"
    path.write_text("sheets:\n  titles:\n    columns:\n      - {header: Phone, field: person.phone}\n", "utf-8")
    with pytest.raises(ValueError, match="person.phone"):
        load_form(path)


def test_an_oversized_push_is_refused_before_it_is_read(client, district, make_token):
    secret = make_token("write")
    body = b'{"evidence": [' + b" " * (2 * 1024 * 1024) + b"]}"
    response = client.post("/api/v1/evidence", data=body, content_type="application/json", headers=bearer(secret))
    assert response.status_code == 413 and response.mimetype == "application/problem+json"
