"""The API's reads: the area tree, indicators (public and under an area), results in pages, a person's record."""

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from lms.extensions import db
from tests.api.conftest import bearer
from tests.web.conftest import score


def test_areas_give_levels_national_codes_validity_and_successors(client, district, make_token):
    from lms.areas.reorg import apply, plan_merge

    apply(plan_merge(["A", "B"], "AB", "Xã Hòa Bình", date(2026, 7, 1), decision="9/NQ"), "test")
    db.session.commit()
    secret = make_token("read")
    body = client.get("/api/v1/areas", headers=bearer(secret)).get_json()
    areas = {a["code"]: a for a in body["data"]["areas"]}
    assert areas["A"]["admin_code"] == "22960" and areas["A"]["level"] == "commune"
    assert areas["A"]["valid_to"] == "2026-06-30" and areas["A"]["successors"] == ["AB"]
    assert areas["AB"]["valid_from"] == "2026-07-01" and areas["AB"]["valid_to"] is None
    assert areas["A1"]["parent"] == "AB" and areas["P"]["parent"] is None
    # a token of the merged commune reads its predecessors too (their whole territory is now its own)
    from lms.areas.services import area_by_code

    merged = make_token("read", area=area_by_code("AB"))
    body = client.get("/api/v1/areas", headers=bearer(merged)).get_json()
    assert {a["code"] for a in body["data"]["areas"]} == {"AB", "A1", "A2", "B1", "A", "B"}
    assert client.get("/api/v1/results?area=A&period=2024", headers=bearer(merged)).status_code == 200


def test_public_indicators_keep_their_shape_and_under_gives_every_area_below_for_each_year(
    client, district, make_token
):
    public = client.get("/api/v1/indicators?area=D&period=2026")
    body = public.get_json()
    assert public.status_code == 200 and body["ok"] is True and body["data"]["area"] == "D"
    assert set(body["data"]["indicators"]) == {"I1", "I2", "I3", "I4", "I5"}
    assert body["data"]["counts"]["holders"] is None and body["data"]["min_cell"] == 5  # 1 holder: withheld
    assert client.get("/api/v1/indicators?area=A1&period=2026").status_code == 404  # villages are not public
    assert client.get("/api/v1/indicators?under=D&from=2025&to=2026").status_code == 401
    secret = make_token("read")
    body = client.get("/api/v1/indicators?under=D&from=2025&to=2026", headers=bearer(secret)).get_json()["data"]
    assert (body["under"], body["from"], body["to"]) == ("D", 2025, 2026)
    got = {(r["area"], r["period"]): r for r in body["areas"]}
    assert set(got) == {(c, y) for c in ("D", "A", "B", "A1", "A2", "B1") for y in (2025, 2026)}
    assert got[("A1", 2026)]["counts"]["holders"] == 1 and got[("A1", 2026)]["level"] == "village"  # exact
    from lms.indicators.public import suppress_small_cells

    exact = {k: got[("D", 2026)][k] for k in ("area", "period", "indicators", "counts")}
    public = client.get("/api/v1/indicators?area=D&period=2026").get_json()["data"]
    assert public["indicators"] == suppress_small_cells(exact, 5)["indicators"]
    too_long = client.get("/api/v1/indicators?under=D&from=2021&to=2040", headers=bearer(secret))
    assert too_long.status_code == 400 and too_long.mimetype == "application/problem+json"


def test_reads_carry_an_etag_and_answer_304_when_unchanged(client, district, make_token):
    first = client.get("/api/v1/indicators?area=D&period=2026")
    etag = first.headers["ETag"]
    again = client.get("/api/v1/indicators?area=D&period=2026", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    secret = make_token("read")
    page = client.get("/api/v1/results?area=A&period=2026", headers=bearer(secret))
    unchanged = client.get(
        "/api/v1/results?area=A&period=2026", headers={**bearer(secret), "If-None-Match": page.headers["ETag"]}
    )
    assert unchanged.status_code == 304
    from lms.evidence.services import add_evidence

    add_evidence(district["learner"], kind="plan", ref="", when=date(2026, 5, 1), source="import")
    db.session.commit()
    score()
    changed = client.get(
        "/api/v1/results?area=A&period=2026", headers={**bearer(secret), "If-None-Match": page.headers["ETag"]}
    )
    assert changed.status_code == 200


def test_results_page_by_cursor_with_decisions_and_never_contact_fields(client, district, make_token):
    secret = make_token("read")
    first = client.get("/api/v1/results?area=D&period=2026&limit=1", headers=bearer(secret)).get_json()["data"]
    assert len(first["results"]) == 1 and first["next_cursor"]
    second = client.get(
        f"/api/v1/results?area=D&period=2026&limit=1&cursor={first['next_cursor']}", headers=bearer(secret)
    ).get_json()["data"]
    assert second["next_cursor"] is None
    rows = {r["code"]: r for r in first["results"] + second["results"]}
    assert set(rows) == {"PA1", "PA2"}
    assert rows["PA1"]["total"] == "100.00" and rows["PA1"]["eligible"] is True
    assert rows["PA1"]["title"] == {"awarded": True, "decision_no": "15/QĐ-UBND", "decision_date": "2026-11-20"}
    assert rows["PA2"]["title"]["awarded"] is False
    text = str(first) + str(second)
    assert "0912345678" not in text and "an@example.vn" not in text and "Nguyễn" not in text
    bad = client.get("/api/v1/results?area=D&period=2026&cursor=zzz", headers=bearer(secret))
    assert bad.status_code == 400


def test_results_updated_since_gives_only_what_changed_after(client, district, make_token):
    from lms.titles.services import award_titles

    secret = make_token("read")
    later = (datetime.now().astimezone() + timedelta(seconds=1)).replace(microsecond=0)
    url = f"/api/v1/results?area=D&period=2026&updated_since={later.isoformat().replace('+', '%2B')}"
    assert client.get(url, headers=bearer(secret)).get_json()["data"]["results"] == []
    db.session.execute(sa.text("UPDATE person_result SET updated_at = :t"), {"t": later - timedelta(days=1)})
    db.session.execute(sa.text("UPDATE award SET awarded_at = :t"), {"t": later - timedelta(days=1)})
    db.session.commit()
    award_titles([district["eligible"].id], 2026, "16/QĐ-UBND", date(2026, 12, 1), "test", district["A"])
    db.session.execute(
        sa.text("UPDATE award SET awarded_at = :t WHERE decision_no = '16/QĐ-UBND'"), {"t": later + timedelta(hours=1)}
    )
    db.session.commit()
    codes = [r["code"] for r in client.get(url, headers=bearer(secret)).get_json()["data"]["results"]]
    assert codes == ["PA2"]


def test_person_record_is_the_explanation_the_citizen_sees(client, district, make_token):
    from lms.criteria.explain import explain_person

    secret = make_token("read")
    body = client.get("/api/v1/people/PA1/record?period=2026", headers=bearer(secret)).get_json()["data"]
    explanation = explain_person(district["holder"].id, 2026)
    assert body["person"] == "PA1" and body["total"] == "100.00" and body["eligible"] is True
    assert body["title"]["decision_no"] == "15/QĐ-UBND"
    assert [i["code"] for i in body["items"]] == [i.code for i in explanation.items]
    assert [i["points"] for i in body["items"]] == [str(i.points) for i in explanation.items]
    assert sum(len(i["evidence"]) for i in body["items"]) == sum(len(i.evidence) for i in explanation.items)
    assert "0912345678" not in str(body) and "Nguyễn" not in str(body)
    assert client.get("/api/v1/people/PA1/record?period=2030", headers=bearer(secret)).status_code == 404


def test_a_corrected_decision_shows_its_new_number_and_counts_as_a_change(client, district, make_token):
    from lms.decisions.models import Decision
    from lms.decisions.services import correct_decision

    secret = make_token("read")
    later = (datetime.now().astimezone() + timedelta(seconds=1)).replace(microsecond=0)
    db.session.execute(sa.text("UPDATE person_result SET updated_at = :t"), {"t": later - timedelta(days=1)})
    db.session.execute(sa.text("UPDATE award SET awarded_at = :t"), {"t": later - timedelta(days=1)})
    db.session.execute(sa.text("UPDATE decision SET updated_at = :t"), {"t": later - timedelta(days=1)})
    db.session.commit()
    url = f"/api/v1/results?area=D&period=2026&updated_since={later.isoformat().replace('+', '%2B')}"
    assert client.get(url, headers=bearer(secret)).get_json()["data"]["results"] == []
    decision = db.session.scalar(sa.select(Decision).where(Decision.number == "15/QĐ-UBND"))
    correct_decision(decision, "15A/QĐ-UBND", date(2026, 11, 21), "test")
    decision.updated_at = later + timedelta(hours=1)
    db.session.commit()
    rows = client.get(url, headers=bearer(secret)).get_json()["data"]["results"]
    assert [(r["code"], r["title"]["decision_no"], r["title"]["decision_date"]) for r in rows] == [
        ("PA1", "15A/QĐ-UBND", "2026-11-21")
    ]
