"""The shared sample district, person by person and group by group (expected-people/groups.csv)."""

import csv
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from lms.areas.models import Area
from lms.areas.services import area_by_code
from lms.criteria.models import GroupResult, PersonResult
from lms.criteria.services import item_rows
from lms.extensions import db
from lms.imports.services import run_import
from lms.people.models import Clan, Family, Person, Unit
from lms.recompute.services import run_full_recompute
from lms.titles.services import award_titles, eligible_people
from tests.conftest import SHARED

SAMPLE = SHARED / "data" / "sample"
KINDS = ["areas", "units", "families", "clans", "people", "evidence", "group-scores"]
GROUP_MODELS = {
    "family": (Family, "family"),
    "clan": (Clan, "clan"),
    "community": (Area, "village"),
    "unit": (Unit, "unit"),
}

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="../shared/data/sample is not beside this checkout")


def read(name: str) -> list[dict]:
    with open(SAMPLE / name, encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def sample_district(default_framework):
    for kind in KINDS:
        with open(SAMPLE / f"{kind}.csv", "rb") as stream:
            report = run_import(kind, stream, f"{kind}.csv", actor="test")
        assert report.ok, report.errors[:5]
        db.session.commit()
    run_full_recompute(2026, None)
    district = area_by_code("XT-H")
    ids = list(db.session.scalars(eligible_people(district, 2026).with_only_columns(Person.id)))
    award_titles(ids, 2026, "1/QĐ-UBND", date(2026, 12, 1), "test", district)
    db.session.commit()
    run_full_recompute(2026, None)


def test_every_person_and_every_group_matches_the_expected_scores(sample_district):
    codes = dict(db.session.execute(sa.select(Person.code, Person.id)).all())
    items = {}
    for pid, code, points in item_rows(2026):
        items[(pid, code)] = Decimal(str(points)).quantize(Decimal("0.01"))
    wrong = []
    for row in read("expected-people.csv"):
        pid = codes[row["person_code"]]
        result = db.session.get(PersonResult, (pid, 2026))
        for code, want in row.items():
            if code in ("person_code", "total", "eligible"):
                continue
            if items[(pid, code)] != Decimal(want):
                wrong.append((row["person_code"], code, items[(pid, code)], want))
        if Decimal(str(result.total)).quantize(Decimal("0.01")) != Decimal(row["total"]) or result.eligible != (
            row["eligible"] == "1"
        ):
            wrong.append((row["person_code"], "total/eligible", result.total, row["total"], result.eligible))
    assert wrong == []

    for row in read("expected-groups.csv"):
        model, kind = GROUP_MODELS[row["title"]]
        gid = db.session.scalar(sa.select(model.id).where(model.code == row["code"]))
        result = db.session.get(GroupResult, (kind, gid, 2026))
        got = (Decimal(str(result.total)).quantize(Decimal("0.01")), result.attained)
        assert got == (Decimal(row["total"]), row["attained"] == "1"), row
