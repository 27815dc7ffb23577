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
    assert client.get("/dashboard?area=P").status_code == 404
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
    assert body["data"]["counts"]["holders"] is None and body["data"]["min_cell"] == 5  # 1 holder: withheld
    assert set(body["data"]["indicators"]) == {"I1", "I2", "I3", "I4", "I5"}
    body = client.get("/api/v1/indicators").get_json()
    assert body["ok"] is False and body["error"]["code"] == 400
    response = client.get("/api/v1/indicators?area=NOPE")
    assert response.status_code == 404 and response.get_json()["ok"] is False


def test_dashboard_trend_shows_each_year_with_stored_figures_and_the_targets(
    client, tree, make_person, make_user, default_framework
):
    from lms.indicators.models import AreaIndicator

    _district_with_figures(tree, make_person)
    # an earlier year with figures for the district, and one for another area only
    db.session.add(AreaIndicator(area_id=tree["D"].id, period=2024, i1_num=3, i1_den=4, i4_num=1, i4_den=3))
    db.session.add(AreaIndicator(area_id=tree["A"].id, period=2023, i1_num=1, i1_den=1))
    db.session.commit()
    make_user("officer", area=tree["D"], login="canbo.huyen@example.vn")
    sign_in(client, "canbo.huyen@example.vn")
    html = client.get("/dashboard?period=2026").get_data(as_text=True)
    assert "Xu hướng qua các năm" in html
    trend = html.split("Xu hướng qua các năm", 1)[1].split("Số lượng", 1)[0]
    assert trend.count('class="trend-chart"') == 5
    assert '<th scope="row">2024</th>' in trend and '<th scope="row">2026</th>' in trend
    assert '<th scope="row">2023</th>' not in trend and '<th scope="row">2025</th>' not in trend
    assert trend.index(">2024<") < trend.index(">2026<")
    # I1 in 2024: 3/4 = 75%, a bar 75 units high; I4: 1/3 = 33.3%; I2 has no denominator: no bar
    assert "I1 theo năm: 2024: 75%" in trend
    assert "I4 theo năm: 2024: 33,3%" in trend
    assert "I2 theo năm: 2024: —" in trend
    assert 'height="75.0"' in trend
    # the targets, as lines and in the table
    assert trend.count("trend-target-2025") == 5 and trend.count("trend-target-2030") == 5
    assert "I1 theo năm: 2024: 75%; 2026: " in trend and "; chỉ tiêu 2025: 100%, 2030: 100%" in trend
    assert "chỉ tiêu 2025: 40%, 2030: 60%" in trend  # I2
    assert "style=" not in html
    # the commune shows its own years, not the district's
    html = client.get("/dashboard?area=A&period=2026").get_data(as_text=True)
    trend = html.split("Xu hướng qua các năm", 1)[1].split("Số lượng", 1)[0]
    assert '<th scope="row">2023</th>' in trend and '<th scope="row">2024</th>' not in trend


def test_dashboard_without_stored_figures_has_no_trend(client, tree, make_user, default_framework):
    make_user("officer", area=tree["D"], login="canbo.huyen@example.vn")
    sign_in(client, "canbo.huyen@example.vn")
    html = client.get("/dashboard?period=2026").get_data(as_text=True)
    assert "Chưa có số liệu cho kỳ đánh giá này." in html
    assert "Xu hướng qua các năm" not in html


def test_trend_geometry_follows_the_values_and_targets():
    from types import SimpleNamespace

    from lms.indicators.charts import PLOT_BOTTOM, trend_charts, y_of

    definitions = [{"code": "I1", "name": "I1", "targets": {2025: 60, 2030: 90}}]
    zero = {f"i{n}_{p}": 0 for n in range(1, 6) for p in ("num", "den")}
    rows = [
        SimpleNamespace(period=2025, **{**zero, "i1_num": 1, "i1_den": 2}),
        SimpleNamespace(period=2026, **{**zero, "i1_num": 0, "i1_den": 0}),
    ]
    (chart,) = trend_charts(definitions, rows, 2026)
    first, second = chart.points
    assert (first.value, first.bar_height, first.bar_y, first.current) == (50.0, 50.0, PLOT_BOTTOM - 50, False)
    assert second.value is None and second.current
    assert first.x < second.x
    assert chart.y_2025 == y_of(60) and chart.y_2030 == y_of(90) and chart.y_2030 < chart.y_2025


def test_fast_number_format_matches_babel():
    from decimal import Decimal

    from babel.numbers import format_decimal

    from lms.web import format_number

    values = [0, 1, 7.5, 0.005, 0.015, 0.025, 99.995, 1234.5, 1234567.891, -1234.565, Decimal("12.345"), "7.10"]
    for value in values:
        for locale in ("vi", "en"):
            assert format_number(value, locale) == format_decimal(Decimal(str(value)), "#,##0.##", locale=locale)
    assert format_number(1234567.5, "vi") == "1.234.567,5"


def test_indicator_percentages_round_half_up_to_one_decimal():
    """Dashboards print I1–I5 as percentages with one decimal, halves rounded up (the rule of the
    reports): the same figure whether computed from whole counts or from any other number."""
    from decimal import ROUND_HALF_UP, Decimal

    from lms.indicators.services import indicator_value

    def rule(num, den):  # type: ignore[no-untyped-def]
        return float((Decimal(100) * Decimal(num) / Decimal(den)).quantize(Decimal("0.1"), ROUND_HALF_UP))

    assert indicator_value(1, 16) == 6.3  # 6.25: a half, up
    assert indicator_value(1, 80) == 1.3  # 1.25
    assert indicator_value(2, 3) == 66.7
    assert indicator_value(3, 3) == 100.0
    assert indicator_value(0, 7) == 0.0
    assert indicator_value(5, 0) is None
    for den in range(1, 250):
        for num in range(den + 1):
            assert indicator_value(num, den) == rule(num, den), (num, den)
    for num, den in ((123_456, 1_000_000), (999_999, 1_000_000), (2_499_999, 5_000_000)):
        assert indicator_value(num, den) == rule(num, den)


def test_progress_bar_markup(app):
    """A progress bar: its fill as a percentage of the maximum, its target marks inside the track, its
    label escaped."""
    from decimal import Decimal

    from lms.web import bar_svg

    with app.test_request_context("/"):
        html = str(bar_svg(Decimal("33.35"), 50, "<I1> 66%", "bar-indicator", [Decimal("0.35"), 120, -3]))
    assert 'class="bar bar-indicator"' in html and 'aria-label="&lt;I1&gt; 66%"' in html
    assert 'class="bar-fill" x="0" y="0" width="66.7"' in html
    assert 'class="bar-target bar-target-1" x="0.3"' in html  # as '%.1f' prints 0.35 (a float just below)
    assert 'class="bar-target bar-target-2" x="99.4"' in html and 'class="bar-target bar-target-3" x="0.0"' in html
