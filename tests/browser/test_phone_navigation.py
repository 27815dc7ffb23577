"""Officers on a phone: the long navigation folds behind its Menu button; the district's table of communes
sorts by any column."""

from lms.extensions import db
from tests.browser.conftest import PHONE, browser_sign_in, fits_width
from tests.web.conftest import make_eligible, score

OFFICER = "canbo.huyen@example.vn"


def _contrast(one: str, other: str) -> float:
    """The WCAG contrast ratio of two CSS rgb() colours."""

    def luminance(css: str) -> float:
        channels = [int(c) / 255 for c in css[css.index("(") + 1 : css.index(")")].split(",")[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_an_officer_folds_the_navigation_on_a_phone_and_sorts_the_communes(
    page, screenshot, tree, make_person, make_user, default_framework
):
    for n in range(3):
        make_person(tree["A1"], full_name=f"Người A{n}")
    learner = make_person(tree["B1"], full_name="Người B")
    make_eligible(learner)
    score()
    make_user("officer", area=tree["D"], login=OFFICER)
    db.session.commit()

    page.set_viewport_size(PHONE)
    browser_sign_in(page, OFFICER)
    page.goto("/dashboard?period=2026")
    menu = page.get_by_role("button", name="Menu")
    assert menu.get_attribute("aria-expanded") == "false"
    # the keyboard focus ring on the green header stands out (at least 3:1, WCAG 2.4.13 / 1.4.11)
    menu.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    header = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
    assert _contrast(ring, header) >= 3, (ring, header)
    assert not page.get_by_role("link", name="Xét công nhận").is_visible()  # folded: the page starts higher up
    header = page.locator(".site-header").bounding_box()
    assert header is not None and header["height"] < 200  # it took 280 px of a 740 px screen
    screenshot("officer-navigation-folded-phone")
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("link", name="Xét công nhận").is_visible()
    assert fits_width(page)
    screenshot("officer-navigation-open-phone")
    menu.click()

    table = page.locator("table.sortable")
    table.scroll_into_view_if_needed()
    names = table.locator("tbody th")
    people = table.locator("tbody tr td:nth-of-type(1)")  # the first data column: people counted
    assert sorted(names.all_inner_texts()) == ["Xã Bình Lâm", "Xã Hòa Ân"]
    sort_by_people = table.get_by_role("button", name="Sắp xếp theo Người dân")
    sort_by_people.click()
    assert table.locator("th[aria-sort]").get_attribute("aria-sort") == "descending"
    counts = [int(v) for v in people.evaluate_all("cells => cells.map(c => c.dataset.value)")]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
    first = names.all_inner_texts()
    sort_by_people.click()
    assert table.locator("th[aria-sort]").get_attribute("aria-sort") == "ascending"
    assert names.all_inner_texts() == list(reversed(first))
    table.get_by_role("button", name="Sắp xếp theo Địa bàn").click()
    assert names.all_inner_texts() == ["Xã Bình Lâm", "Xã Hòa Ân"]  # by name, in Vietnamese order
    screenshot("communes-sorted-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not menu.is_visible() and page.get_by_role("link", name="Xét công nhận").is_visible()  # wide: no menu
