"""Fixtures of the plan's tools: a district with people, titles and figures computed for 2026."""

from datetime import date

import pytest

from lms.extensions import db
from lms.people.models import Unit
from tests.web.conftest import citizen, course, make_eligible, officer_a, officer_b, score  # noqa: F401

PERIOD = 2026


@pytest.fixture
def figures(tree, make_person, default_framework):  # type: ignore[no-untyped-def]
    """Holders in communes A and B (members of the Khuyến học association among them); figures computed."""
    from lms.titles.services import award_titles

    unit = Unit(code="U-A", name="UBND xã Hòa Ân", level="commune", area_id=tree["A"].id)
    db.session.add(unit)
    db.session.flush()
    a1 = make_person(tree["A1"], full_name="Nguyễn Văn An", unit_id=unit.id, is_official=True, khuyen_hoc_member=True)
    a2 = make_person(tree["A2"], full_name="Phạm Thị Bình", khuyen_hoc_member=True)
    b1 = make_person(tree["B1"], full_name="Lê Văn Cường")
    make_person(tree["A1"], full_name="Chưa Đạt", khuyen_hoc_member=True)
    for person in (a1, a2, b1):
        make_eligible(person)
    score()
    award_titles([a1.id, a2.id], PERIOD, "15/QĐ-UBND", date(PERIOD, 11, 20), "test", tree["A"])
    award_titles([b1.id], PERIOD, "16/QĐ-UBND", date(PERIOD, 11, 20), "test", tree["B"])
    db.session.commit()
    score()
    return {"unit": unit, "a1": a1, "a2": a2, "b1": b1}
