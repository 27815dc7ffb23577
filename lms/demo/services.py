"""Load the demo district: Bắc Bình's areas, ~2,000 people with 2026 evidence, courses, titles, users."""

# `load_demo` is idempotent: once the demo admin exists it only returns the logins, and each step
# skips what is already there (an interrupted load completes on the next run). It flushes its own
# writes; the full recomputes that fill the dashboards at once commit after each step.

import csv
import importlib
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app

from lms.areas.models import Area
from lms.areas.services import set_path
from lms.auth.services import create_user, find_login
from lms.criteria.schema import load_document
from lms.criteria.services import publish_framework, published_framework
from lms.demo import vocabulary as vocab
from lms.demo.population import CITIZEN_CODE, PERIOD, Population, generate, home_commune, villages_of
from lms.evidence.models import Evidence, GroupEntry
from lms.extensions import db
from lms.people.models import Clan, Family, Person, Unit
from lms.recompute.services import mark_dirty, run_full_recompute
from lms.util import utcnow

AREAS_FILE = Path(__file__).resolve().parent / "data" / "bac-binh-areas.csv"
FRAMEWORK_FILE = Path(__file__).resolve().parent.parent / "criteria" / "data" / "criteria-default.yaml"
DISTRICT = "BT-BB"
PASSWORD = "hoctap2026"  # noqa: S105 - the published password of the demo accounts
ACTOR = "demo"
DECISION_DATE = date(PERIOD, 11, 20)
LOGINS = {
    "admin": "admin@demo.hoctap.vn",
    "officer (district)": "canbo.huyen@demo.hoctap.vn",
    "officer (commune)": "canbo.xa@demo.hoctap.vn",
    "approver (commune)": "lanhdao.xa@demo.hoctap.vn",
    "trainer": "giangvien@demo.hoctap.vn",
    "citizen": "congdan@demo.hoctap.vn",
}


def load_demo() -> dict[str, str]:
    """Load the demo data once and return {role label: login}; a second run only returns the logins."""
    from lms.demo.plan import load_plan_demo

    if find_login(LOGINS["admin"]) is not None:
        load_plan_demo()  # a demo loaded before the plan's tools existed gets them (once)
        return dict(LOGINS)
    ensure_framework()
    catalogue = load_catalogue()
    areas = load_areas()
    communes = [(a.code, a.name) for a in areas.values() if a.level == "commune"]
    home = home_commune(communes)
    if db.session.scalar(sa.select(Person.id).where(Person.code == CITIZEN_CODE)) is None:
        write_population(generate(communes, catalogue), areas)
        mark_dirty("person", sa.select(Person.id), PERIOD)  # for the workers; the demo does not wait for them
    db.session.flush()
    run_full_recompute(PERIOD, None)
    # every commune but the commune officer's has issued its decision: Hải Ninh's eligible still wait
    if award_demo_titles([areas[code] for code, _name in communes if code != home]):
        db.session.flush()
        run_full_recompute(PERIOD, None)  # the titles feed family, clan and village titles and I2–I5
    create_demo_users(areas[DISTRICT], areas[home])
    load_plan_demo()
    return dict(LOGINS)


def ensure_framework() -> None:
    """Publish the shipped default framework for the demo year unless one is published."""
    if published_framework(PERIOD) is None:
        publish_framework(load_document(FRAMEWORK_FILE), ACTOR)


def load_catalogue() -> dict[str, dict[str, Any]]:
    """Run the demo loaders other packages registered; return {code: {category, hours, level}} of the courses."""
    codes: list[str] = []
    for spec in current_app.extensions.get("lms_demo_loaders", []):
        module, _, name = spec.partition(":")
        codes += list(getattr(importlib.import_module(module), name)() or [])
    lookup = current_app.extensions.get("course_lookup")
    return lookup(set(codes)) if lookup is not None and codes else {}


def load_areas() -> dict[str, Area]:
    """Create the areas of the reference file and the demo villages (skipping codes that exist)."""
    with AREAS_FILE.open(encoding="utf-8-sig", newline="") as stream:
        rows = [dict(r) for r in csv.DictReader(stream)]
    district_communes = [r["code"] for r in rows if r["level"] == "commune" and r["parent_code"] == DISTRICT]
    for code in district_communes:
        rows += [
            {"code": v_code, "name": v_name, "level": "village", "parent_code": code, "disadvantaged": ""}
            for v_code, v_name in villages_of(code)
        ]
    codes = [r["code"] for r in rows]
    areas = {a.code: a for a in db.session.scalars(sa.select(Area).where(Area.code.in_(codes)))}
    for row in rows:
        if row["code"] in areas:
            continue
        area = Area(
            code=row["code"],
            name=row["name"],
            level=row["level"],
            parent=areas.get(row["parent_code"]),
            disadvantaged=row["disadvantaged"].strip().lower() in ("1", "true", "có", "yes")
            or row["code"] in vocab.DISADVANTAGED_COMMUNES,
        )
        db.session.add(area)
        db.session.flush()
        set_path(area)
        areas[area.code] = area
    db.session.flush()
    return {code: areas[code] for code in codes}


def _insert_new(model: type[Any], rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert the rows whose code is new (one executemany); return {code: id} for every row."""
    codes = [r["code"] for r in rows]
    existing = set(db.session.scalars(sa.select(model.code).where(model.code.in_(codes))))
    fresh = [r for r in rows if r["code"] not in existing]
    if fresh:
        db.session.execute(sa.insert(model), fresh)
    return dict(db.session.execute(sa.select(model.code, model.id).where(model.code.in_(codes))).all())


def write_population(pop: Population, areas: dict[str, Area]) -> None:
    """Write the generated units, clans, families, people, evidence and group entries with bulk inserts."""
    area_id = {code: a.id for code, a in areas.items()}
    unit_id = _insert_new(
        Unit,
        [{"code": u["code"], "name": u["name"], "level": u["level"], "area_id": area_id[u["area"]]} for u in pop.units],
    )
    clan_id = _insert_new(
        Clan, [{"code": c["code"], "name": c["name"], "area_id": area_id[c["area"]]} for c in pop.clans]
    )
    family_id = _insert_new(
        Family, [{"code": f["code"], "name": f["name"], "village_id": area_id[f["village"]]} for f in pop.families]
    )
    person_id = _insert_new(
        Person,
        [
            {
                "code": p["code"],
                "full_name": p["full_name"],
                "name_folded": p["name_folded"],
                "birth_year": p["birth_year"],
                "gender": p["gender"],
                "village_id": area_id[p["village"]],
                "family_id": family_id[p["family"]],
                "clan_id": clan_id[p["clan"]] if p["clan"] else None,
                "unit_id": unit_id[p["unit"]] if p["unit"] else None,
                "is_official": p["is_official"],
                "khuyen_hoc_member": p["khuyen_hoc_member"],
                "group": p["group"],
            }
            for p in pop.people
        ],
    )
    db.session.execute(
        sa.insert(Evidence),
        [
            {
                "person_id": person_id[e["person"]],
                "kind": e["kind"],
                "ref": e["ref"],
                "category": e["category"],
                "date": e["date"],
                "hours": e["hours"],
                "level": e["level"],
                "points": e["points"],
                "source": "import",
            }
            for e in pop.evidence
        ],
    )
    subject_id = {"family": family_id, "clan": clan_id, "village": area_id, "unit": unit_id}
    entries = [
        {
            "subject": g["subject"],
            "subject_id": subject_id[g["subject"]][g["code"]],
            "item": g["item"],
            "period": PERIOD,
            "date": g["date"],
            "points": g["points"],
        }
        for g in pop.group_entries
    ]
    taken = set(
        db.session.execute(
            sa.select(GroupEntry.subject, GroupEntry.subject_id, GroupEntry.item).where(GroupEntry.period == PERIOD)
        )
    )
    fresh = [e for e in entries if (e["subject"], e["subject_id"], e["item"]) not in taken]
    if fresh:
        db.session.execute(sa.insert(GroupEntry), fresh)
    db.session.flush()


def award_demo_titles(communes: list[Area]) -> int:
    """Award the title to the unawarded eligible people of these communes, one decision each; return how many."""
    from lms.titles.services import award_titles, eligible_people

    awarded = 0
    for n, commune in enumerate(sorted(communes, key=lambda a: a.code), start=1):
        ids = list(db.session.scalars(eligible_people(commune, PERIOD).with_only_columns(Person.id)))
        if ids:
            awarded += award_titles(ids, PERIOD, f"{100 + 3 * n}/QĐ-UBND", DECISION_DATE, ACTOR, commune)
    return awarded


def create_demo_users(district: Area, commune: Area) -> None:
    """Create the demo accounts that are missing (the admin last: its presence means the demo is loaded)."""
    citizen = db.session.scalar(sa.select(Person).where(Person.code == CITIZEN_CODE))
    specs: list[tuple[str, str, str, Area | None, Person | None]] = [
        ("citizen", "citizen", "", None, citizen),
        ("trainer", "trainer", "Báo cáo viên Trung tâm GDNN-GDTX Bắc Bình", district, None),
        ("officer (commune)", "officer", f"Cán bộ UBND {commune.name[:1].lower()}{commune.name[1:]}", commune, None),
        ("officer (district)", "officer", "Cán bộ Phòng GD&ĐT huyện Bắc Bình", district, None),
        (
            "approver (commune)",
            "approver",
            f"Chủ tịch UBND {commune.name[:1].lower()}{commune.name[1:]}",
            commune,
            None,
        ),
        ("admin", "admin", "Quản trị hệ thống", None, None),
    ]
    demo_secret = current_app.config.get("DEMO_TOTP_SECRET")  # DevelopmentConfig only: never in production
    for label, role, display_name, area, person in specs:
        if find_login(LOGINS[label]) is None:
            user = create_user(
                LOGINS[label], PASSWORD, role, display_name=display_name, area=area, person=person, actor=ACTOR
            )
            if demo_secret and role in current_app.config["TWO_FACTOR_ROLES"]:
                user.totp_secret, user.totp_enabled_at = demo_secret, utcnow()
    from lms.trainers.services import assign_trainer_area

    trainer = find_login(LOGINS["trainer"])
    if trainer is not None:  # a demo loaded before trainers had areas gets the district too (idempotent)
        assign_trainer_area(trainer, district, ACTOR)
    db.session.flush()
