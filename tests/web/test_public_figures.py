"""Small cells: public statistics and the public API never show a count below K, nor a rate over fewer
than K people; officers keep the exact figures."""

import re
from datetime import date

import pytest

from lms.extensions import db
from lms.indicators.public import public_rate, suppress_small_cells
from tests.web.conftest import make_eligible, score, sign_in


@pytest.fixture
def two_holders(tree, make_person, default_framework):  # type: ignore[no-untyped-def]
    """Commune A: 2 people, both study-promotion members who studied the criteria and title holders
    (I1 2/2 = 100 %, 2 holders)."""
    from lms.evidence.services import add_evidence
    from lms.titles.services import award_titles

    people = [make_person(tree["A1"], full_name=f"Người {i}", khuyen_hoc_member=True) for i in range(2)]
    for person in people:
        add_evidence(
            person, kind="course", ref="TC-01", when=date(2026, 2, 1), category="criteria_study", source="import"
        )
        make_eligible(person)
    score()
    award_titles([p.id for p in people], 2026, "1/QĐ-UBND", date(2026, 11, 1), "test", tree["A"])
    db.session.commit()
    score()
    return people


def _counts(html: str) -> dict[str, str]:
    return dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", html))


def test_public_stats_withhold_counts_and_rates_below_k(client, tree, two_holders):
    html = client.get("/stats?area=A&period=2026").get_data(as_text=True)
    counts = _counts(html)
    assert counts["Công dân học tập đã công nhận"] == "&lt;5"
    assert counts["Người dân"] == "&lt;5"
    assert "<strong>100%</strong>" not in html and "(2/2)" not in html
    assert "(&lt;5/&lt;5)" in html  # I1's numerator and denominator


def test_the_public_api_withholds_them_too(client, tree, two_holders):
    data = client.get("/api/v1/indicators?area=A&period=2026").get_json()["data"]
    assert data["counts"]["holders"] is None and data["counts"]["people"] is None
    assert data["indicators"]["I1"] == {
        **data["indicators"]["I1"],
        "numerator": None,
        "denominator": None,
        "value": None,
    }
    assert data["min_cell"] == 5


def test_officers_keep_the_exact_figures(client, tree, two_holders, make_user):
    make_user("officer", area=tree["A"], login="canbo.a@example.vn")
    sign_in(client, "canbo.a@example.vn")
    html = client.get("/dashboard?period=2026").get_data(as_text=True)
    assert _counts(html)["Công dân học tập đã công nhận"] == "2"
    assert "(2/2)" in html and "<strong>100%</strong>" in html


def test_k_is_configurable(app, client, tree, two_holders):
    app.config["PUBLIC_MIN_CELL"] = 2
    html = client.get("/stats?area=A&period=2026").get_data(as_text=True)
    assert _counts(html)["Công dân học tập đã công nhận"] == "2"
    data = client.get("/api/v1/indicators?area=A&period=2026").get_json()["data"]
    assert data["counts"]["holders"] == 2 and data["indicators"]["I1"]["value"] == 100.0


@pytest.mark.parametrize(
    ("numerator", "denominator", "shown"),
    [(0, 0, False), (2, 2, False), (4, 40, False), (5, 4, False), (5, 5, True), (12, 40, True)],
)
def test_a_rate_needs_k_people_on_both_sides(numerator, denominator, shown):
    value = 100 * numerator / denominator if denominator else None
    assert (public_rate(value, numerator, denominator, 5) is not None) is shown


def test_the_suppression_keeps_the_report_shape_and_leaves_the_original_alone():
    report = {
        "area": "A",
        "period": 2026,
        "indicators": {"I1": {"numerator": 3, "denominator": 40, "value": 7.5, "target_2025": 100, "target_2030": 100}},
        "counts": {"people": 40, "holders": 3},
    }
    public = suppress_small_cells(report, 5)
    assert public["counts"] == {"people": 40, "holders": None}
    assert public["indicators"]["I1"] == {
        "numerator": None,
        "denominator": 40,
        "value": None,
        "target_2025": 100,
        "target_2030": 100,
    }
    assert report["counts"]["holders"] == 3


def _title_row(html: str, title: str) -> tuple[str, str]:
    match = re.search(rf'<th scope="row">{title}</th><td class="num">([^<]+)</td><td class="num">([^<]+)</td>', html)
    assert match, f"no row for {title}"
    return match.group(1), match.group(2)


def test_public_stats_show_both_numbers_of_every_title_withheld_below_k(app, client, tree, two_holders):
    """Đạt chuẩn and đã công nhận side by side on the public page too, each a small cell below K."""
    assert _title_row(client.get("/stats?area=A&period=2026").get_data(as_text=True), "Công dân học tập") == (
        "&lt;5",
        "&lt;5",
    )
    app.config["PUBLIC_MIN_CELL"] = 2
    html = client.get("/stats?area=A&period=2026").get_data(as_text=True)
    assert _title_row(html, "Công dân học tập") == ("2", "2")  # both eligible, both recognised
    assert _title_row(html, "Gia đình học tập")[1] == "&lt;2"  # no family recognised
