"""Dashboards (officers, drill-down inside the scope), public statistics and the JSON API."""

from lms.extensions import db
from tests.web.conftest import make_eligible, score, sign_in


def _district_with_figures(tree, make_person):  # type: ignore[no-untyped-def]
    from datetime import date

    from lms.titles.services import award_titles

    people = [make_person(tree["A1"], full_name=f"Người {i}", khuyen_hoc_member=True) for i in range(3)]
    make_eligible(people[0])
    score()
    award_titles([people[0].id], 2026, "1/QĐ-UBND", date(2026, 11, 1), "test", tree["A"])
    db.session.commit()
    score()
    return people


def test_dashboard_shows_indicators_counts_and_children(client, tree, make_person, make_user, default_framework):
    _district_with_figures(tree, make_person)
    make_user("officer", area=tree["D"], login="canbo.huyen@example.vn")
    sign_in(client, "canbo.huyen@example.vn")
    html = client.get("/dashboard?period=2026").get_data(as_text=True)
    assert "I1" in html and "I5" in html
    assert "Số liệu tính lúc" in html
    assert 'href="/dashboard?area=A&amp;period=2026"' in html
    assert "Xã Hòa Ân" in html and "Xã Bình Lâm" in html
    assert "<svg" in html and "style=" not in html
    html = client.get("/dashboard?area=A&period=2026").get_data(as_text=True)
    assert "Thôn 1" in html
    assert client.get("/dashboard?area=P").status_code == 403
    assert client.get("/dashboard?area=NOPE").status_code == 404


def test_dashboard_in_english(client, tree, make_person, make_user, default_framework):
    _district_with_figures(tree, make_person)
    make_user("admin", login="admin@example.vn")
    sign_in(client, "admin@example.vn")
    html = client.get("/dashboard?area=D&period=2026&lang=en").get_data(as_text=True)
    assert "Title holders with digital skills" in html
    assert "Target" in html


def test_public_stats_need_no_login_and_hold_no_personal_data(client, tree, make_person, default_framework):
    _district_with_figures(tree, make_person)
    html = client.get("/stats?period=2026").get_data(as_text=True)
    assert "I1" in html and "Xã Hòa Ân" in html
    assert "Người 0" not in html
    assert 'href="/stats?area=A&amp;period=2026"' in html
    html = client.get("/stats?area=A&period=2026").get_data(as_text=True)
    assert "Xã Hòa Ân" in html and "Thôn 1" not in html  # no village-level figures in public
    assert client.get("/stats?area=A1").status_code == 404


def test_api_envelopes(client, tree, make_person, course, default_framework):
    _district_with_figures(tree, make_person)
    body = client.get("/api/v1/courses?q=ky nang").get_json()
    assert body["ok"] is True and body["data"]["courses"][0]["code"] == "KNS-01"
    assert body["data"]["courses"][0]["lessons"] == 2
    body = client.get("/api/v1/indicators?area=D&period=2026").get_json()
    assert body["ok"] is True and body["data"]["area"] == "D"
    assert body["data"]["counts"]["holders"] == 1
    assert set(body["data"]["indicators"]) == {"I1", "I2", "I3", "I4", "I5"}
    body = client.get("/api/v1/indicators").get_json()
    assert body["ok"] is False and body["error"]["code"] == 400
    response = client.get("/api/v1/indicators?area=NOPE")
    assert response.status_code == 404 and response.get_json()["ok"] is False
