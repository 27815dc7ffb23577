"""Objects of the registry, imports, reports and group titles inside commune A, for page tests."""

from datetime import date
from decimal import Decimal

from lms.extensions import db


def officer_world(tree) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Create a family, clan, unit, import job, recompute job and group confirmation in commune A."""
    from lms.criteria.models import GroupResult
    from lms.imports.models import ImportJob
    from lms.people.models import Clan, Family, Unit
    from lms.recompute.models import RecomputeJob
    from lms.titles.models import GroupConfirmation

    family = Family(code="GD-A1", name="Hộ Nguyễn Văn An", village_id=tree["A1"].id)
    clan = Clan(code="DH-A", name="Họ Nguyễn", area_id=tree["A"].id)
    unit = Unit(code="U-A", name="UBND xã Hòa Ân", level="commune", area_id=tree["A"].id)
    db.session.add_all([family, clan, unit])
    db.session.flush()
    job = ImportJob(
        kind="people", filename="a.csv", path="/nonexistent/a.csv", status="done", actor="x", area_id=tree["A"].id
    )
    recompute = RecomputeJob(period=2026, area_id=tree["A"].id, status="done", requested_by="x")
    db.session.add_all([job, recompute])
    db.session.merge(GroupResult(kind="family", subject_id=family.id, period=2026, total=Decimal("80"), attained=True))
    confirmation = GroupConfirmation(
        kind="family",
        subject_id=family.id,
        period=2026,
        decision_no="1/QĐ",
        decision_date=date(2026, 12, 1),
        confirmed_by="x",
    )
    db.session.add(confirmation)
    db.session.commit()
    return {
        "family": family.id,
        "clan": clan.id,
        "unit": unit.id,
        "village": tree["A1"].id,
        "import_job": job.id,
        "recompute_job": recompute.id,
        "confirmation": confirmation.id,
    }
