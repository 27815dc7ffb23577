"""Bulk-create a small synthetic district for pipeline and reliability tests (Core inserts, no ORM loop)."""

import random
from datetime import date

import sqlalchemy as sa

from lms.areas.models import Area
from lms.areas.services import rebuild_paths
from lms.evidence.models import Evidence
from lms.extensions import db
from lms.people.models import Family, Person

CATS = ["digital_skill", "foreign_language", "numeracy", "law", "health", "agriculture", "criteria_study"]


def populate(communes: int, people_per_commune: int, seed: int = 7) -> dict:
    """Create P > D > communes > 2 villages each, families of 4, people and ~5 evidence rows each."""
    rnd = random.Random(seed)
    p = Area(code="P", name="Tỉnh", level="province")
    db.session.add(p)
    db.session.flush()
    d = Area(code="D", name="Huyện", level="district", parent_id=p.id)
    db.session.add(d)
    db.session.flush()
    villages = []
    for c in range(communes):
        commune = Area(code=f"C{c}", name=f"Xã {c}", level="commune", parent_id=d.id, disadvantaged=c % 5 == 4)
        db.session.add(commune)
        db.session.flush()
        for v in range(2):
            village = Area(code=f"C{c}V{v}", name=f"Thôn {v}", level="village", parent_id=commune.id)
            db.session.add(village)
            villages.append(village)
    db.session.flush()
    rebuild_paths()
    families = [
        {"code": f"F{c}-{i}", "name": f"Hộ {i}", "village_id": villages[2 * c + i % 2].id}
        for c in range(communes)
        for i in range(people_per_commune // 4)
    ]
    db.session.execute(sa.insert(Family), families)
    fam_ids = dict(db.session.execute(sa.select(Family.code, Family.id)).all())
    people = []
    for c in range(communes):
        for i in range(people_per_commune):
            fcode = f"F{c}-{i // 4}"
            people.append(
                {
                    "code": f"P{c}-{i}",
                    "full_name": f"Người {c}-{i}",
                    "name_folded": f"nguoi {c}-{i}",
                    "birth_year": rnd.randint(1950, 2012),
                    "gender": "nam",
                    "village_id": villages[2 * c + (i // 4) % 2].id,
                    "family_id": fam_ids.get(fcode),
                    "khuyen_hoc_member": rnd.random() < 0.1,
                }
            )
    db.session.execute(sa.insert(Person), people)
    ids = list(db.session.scalars(sa.select(Person.id)))
    evidence = []
    for pid in ids:
        for n in range(rnd.randint(0, 8)):
            kind = rnd.choice(["course", "course", "session", "declaration", "plan"])
            cat = rnd.choice(CATS)
            evidence.append(
                {
                    "person_id": pid,
                    "kind": kind,
                    "ref": {
                        "course": f"K{n}",
                        "session": f"S{n}",
                        "plan": "",
                        "declaration": ["T3.1", "T1.4", "T2.3"][n % 3],
                    }[kind],
                    "category": cat if kind == "course" else None,
                    "level": rnd.choice(["basic", "proficient"])
                    if kind == "course" and cat == "digital_skill"
                    else None,
                    "hours": rnd.randint(1, 6) if kind in ("course", "session") else None,
                    "points": rnd.randint(0, 10) if kind == "declaration" else None,
                    "date": date(2026, 1 + n, rnd.randint(1, 28)),
                    "source": "import",
                }
            )
    db.session.execute(sa.insert(Evidence), evidence)
    db.session.commit()
    return {"people": ids, "root": p}
