"""The Bắc Bình district of /work/shared/data/bac-binh-areas.csv with villages, people, a clan and a
unit, learning in 2024 and 2026 (frameworks published for both years)."""

import copy
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.extensions import db

AREAS_CSV = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "bac-binh-areas.csv"
MERGED = ("BB-PHANHOA", "BB-PHANHIEP", "BB-PHANRITHANH", "BB-CHOLAU")
OTHER = "BB-LUONGSON"
YEARS = (2024, 2026)
EFFECTIVE = "2025-07-01"


def drain() -> None:
    """Do what the worker does: drain the recompute outbox, committing each batch."""
    from lms.recompute.services import drain_batch

    while drain_batch(1000):
        db.session.commit()
    db.session.commit()


def make_eligible(person, year: int) -> None:  # type: ignore[no-untyped-def]
    """100 points in the default framework for the year: a plan and a declaration per item."""
    from lms.evidence.services import add_evidence

    when = date(year, 3, 1)
    add_evidence(person, kind="plan", ref="", when=when, source="import")
    for item in ("T1.1", "T1.3", "T1.4", "T2.1", "T2.2", "T2.3", "T2.4", "T3.1", "T3.2"):
        add_evidence(person, kind="declaration", ref=item, when=when, points=10, source="import")


def figures_of(code: str, period: int) -> dict:
    """Return the stored figures of an area for a year as a dict (empty when none)."""
    from lms.areas.services import area_by_code
    from lms.indicators.models import FIGURE_COLUMNS, AreaIndicator

    found = area_by_code(code)
    row = db.session.get(AreaIndicator, (found.id, period))
    return {c: getattr(row, c) for c in FIGURE_COLUMNS} if row else {}


def all_figures(period: int) -> dict[str, dict]:
    """Return {area code: figures} of every stored row of the year."""
    from lms.areas.models import Area
    from lms.indicators.models import FIGURE_COLUMNS, AreaIndicator

    rows = db.session.execute(
        sa.select(Area.code, AreaIndicator)
        .join(Area, Area.id == AreaIndicator.area_id)
        .where(AreaIndicator.period == period)
    ).all()
    return {code: {c: getattr(r, c) for c in FIGURE_COLUMNS} for code, r in rows}


@pytest.fixture
def bac_binh(app, make_area, make_person):  # type: ignore[no-untyped-def]
    """Import the district, add two villages per merged commune (and to Lương Sơn), people learning
    in 2024 and 2026, a clan and a unit of Phan Hòa with an eligible official; compute both years."""
    from lms.areas.services import area_by_code
    from lms.criteria.schema import load_document
    from lms.criteria.services import publish_framework
    from lms.evidence.models import GroupEntry
    from lms.imports.services import run_import
    from lms.people.models import Clan, Unit
    from lms.recompute.services import mark_dirty, run_full_recompute
    from tests.conftest import DEFAULT_FRAMEWORK

    document = load_document(DEFAULT_FRAMEWORK)
    publish_framework(document, "test")
    earlier = copy.deepcopy(document)
    earlier["period"] = 2024
    publish_framework(earlier, "test")
    with open(AREAS_CSV, "rb") as stream:
        report = run_import("areas", stream, "bac-binh-areas.csv", actor="test", dry_run=False)
    assert report.ok, report.errors
    db.session.commit()
    villages = {}
    for code in (*MERGED, OTHER):
        commune = area_by_code(code)
        for n in (1, 2):
            villages[f"{code}-T{n}"] = make_area(f"{code}-T{n}", "village", commune, name=f"Thôn {n} {commune.name}")
    clan = Clan(code="DH-NGUYEN", name="Họ Nguyễn", area_id=area_by_code("BB-PHANHOA").id)
    unit = Unit(code="U-UBND-PH", name="UBND xã Phan Hòa", level="commune", area_id=area_by_code("BB-PHANHOA").id)
    db.session.add_all([clan, unit])
    db.session.flush()
    people = {}
    for i, (code, village) in enumerate(sorted(villages.items())):
        # everyone is a Khuyến học member (I1); the first of each village learns in 2024, the second in 2026
        a = make_person(village, full_name=f"Người {i} A", khuyen_hoc_member=True)
        b = make_person(village, full_name=f"Người {i} B", khuyen_hoc_member=True)
        make_person(village, full_name=f"Người {i} C", khuyen_hoc_member=True)
        make_eligible(a, 2024)
        make_eligible(b, 2026)
        people[code] = (a, b)
    official = make_person(villages["BB-PHANHOA-T1"], full_name="Cán bộ Phan Hòa", is_official=True, unit_id=unit.id)
    official.clan_id = clan.id
    for year in YEARS:
        make_eligible(official, year)
        for item, points in (("U1", 30), ("U2.2", 5), ("U2.4", 5), ("U3.2", 15)):
            db.session.add(
                GroupEntry(
                    subject="unit",
                    subject_id=unit.id,
                    item=item,
                    period=year,
                    date=date(year, 11, 1),
                    points=Decimal(points),
                )
            )
        mark_dirty("unit", [unit.id], year)
    db.session.commit()
    for year in YEARS:
        run_full_recompute(year, None)
    drain()
    return {"villages": villages, "people": people, "clan": clan, "unit": unit, "official": official}
