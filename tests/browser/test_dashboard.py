"""The district dashboard in a real browser at 360 px: I1–I5 against the targets and their trend across
the years (server-drawn SVG), no sideways scrolling, no CSP violation."""

from datetime import date

from lms.extensions import db
from tests.browser.conftest import PHONE, browser_sign_in, fits_width
from tests.web.conftest import make_eligible, score

OFFICER = "canbo.huyen@example.vn"


def test_district_dashboard_shows_the_trend_across_years_on_a_phone(
    page, screenshot, tree, make_person, make_user, default_framework
):
    from lms.indicators.models import AreaIndicator
    from lms.titles.services import award_titles

    people = [make_person(tree["A1"], full_name=f"Người {i}", khuyen_hoc_member=True) for i in range(3)]
    make_eligible(people[0])
    score()
    award_titles([people[0].id], 2026, "1/QĐ-UBND", date(2026, 11, 1), "test", tree["A"])
    db.session.commit()
    score()
    for year, num in ((2023, 1), (2024, 2), (2025, 3)):
        db.session.add(AreaIndicator(area_id=tree["D"].id, period=year, i1_num=num, i1_den=4, i4_num=1, i4_den=2))
    make_user("officer", area=tree["D"], login=OFFICER)
    db.session.commit()

    page.set_viewport_size(PHONE)
    browser_sign_in(page, OFFICER)
    page.goto("/dashboard?period=2026")
    heading = page.get_by_role("heading", name="Xu hướng qua các năm")
    heading.scroll_into_view_if_needed()
    assert heading.is_visible()
    chart = page.get_by_role("img", name="I1 theo năm: 2023: 25%; 2024: 50%; 2025: 75%; 2026:")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box is not None and 200 < box["width"] <= 360 and box["height"] > 60
    table = page.locator("table.trend-table")
    assert table.locator("tbody tr").count() == 4 + 2  # four years, then the 2025 and 2030 targets
    assert table.locator("tr.current th").inner_text() == "2026"
    assert fits_width(page), "the dashboard scrolls sideways at 360 px"
    screenshot("dashboard-trend-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/dashboard?period=2026&lang=en")
    assert page.get_by_role("heading", name="Trend across the years").is_visible()
    screenshot("dashboard-trend-desktop")
    assert [e for e in page.errors if "Content Security Policy" in e or "Refused to" in e] == []
