"""Deterministic synthetic province for the benchmarks, loaded through PostgreSQL COPY.

    python -m bench.generate --citizens 200000 --seed 1 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_200k

Shape (QUALITY.md "Scale to design for"), for 1,000,000 citizens and proportionally otherwise:
one province, ~10 districts (one per 100k citizens), ~375 communes of 3–5 villages (~1,500 villages),
~250,000 families, ~3,000 clans (most registered with a commune, some with a district), ~1,000 units
(two per commune, the rest at district level), ~5 evidence items per citizen (most dated 2026, some
2025 and 2027 to exercise the year window), awards and officer-entered group items for 2026.

Everything comes from `random.Random` seeded with (seed, commune), so a seed always gives the same
province. Rows are generated one commune at a time and streamed with `COPY`; nothing holds more than
one commune in memory. The schema comes from the project's migrations (`flask db upgrade`) and the
default framework from `flask framework load`, both run as subprocesses.
"""

import argparse
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import psycopg

from lms.demo import vocabulary as vocab
from lms.util import fold

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK_FILE = ROOT / "lms" / "criteria" / "data" / "criteria-default.yaml"
# where `flask --app lms` runs: the work tree, or a frozen copy of it (bench.recompute --snapshot)
CODE_ROOT = {"path": ROOT}
PERIOD = 2026
CREATED_AT = "2026-11-20 08:00:00+00"
T24 = ("law", "health", "agriculture", "vocational")
DECLARABLE = ("T1.1", "T1.3", "T1.4", "T2.1", "T2.2", "T2.3", "T2.4", "T3.1", "T3.2")
# (category, level) -> [(code, hours)]: the catalogue plus offline courses imported as evidence
CATALOGUE: dict[tuple[str, str | None], list[tuple[str, str]]] = {
    ("foreign_language", None): [(f"NN-{i:02d}", str(10 + i)) for i in range(1, 13)],
    ("numeracy", None): [(f"TOAN-{i:02d}", str(4 + i)) for i in range(1, 9)],
    ("law", None): [(f"PL-{i:02d}", str(2 + i % 5)) for i in range(1, 11)],
    ("health", None): [(f"SK-{i:02d}", str(2 + i % 4)) for i in range(1, 11)],
    ("agriculture", None): [(f"NNG-{i:02d}", str(3 + i % 6)) for i in range(1, 13)],
    ("vocational", None): [(f"NGHE-{i:02d}", str(20 + i)) for i in range(1, 9)],
    ("digital_skill", "basic"): [(f"KNS-CB-{i:02d}", str(4 + i)) for i in range(1, 7)],
    ("digital_skill", "proficient"): [(f"KNS-TT-{i:02d}", str(12 + i)) for i in range(1, 5)],
    ("criteria_study", None): [(f"TC-{i:02d}", "2") for i in range(1, 4)],
    ("culture_society", None): [(f"VH-{i:02d}", str(1 + i % 3)) for i in range(1, 11)],
}
ANY_CATEGORIES = ("foreign_language", "numeracy", *T24, "culture_society", "criteria_study")


def shape(citizens: int) -> dict[str, int]:
    """Return the counts of areas, clans and units for a province of `citizens`."""
    villages = max(4, round(citizens / 667))
    communes = max(1, round(villages / 4))
    districts = max(1, min(communes, round(citizens / 100_000)))
    return {
        "districts": districts,
        "communes": communes,
        "villages": villages,
        "clans": max(1, round(citizens / 333)),
        "units": max(2 * communes + districts, round(citizens / 1000)),
    }


def _split(total: int, parts: int, rng: random.Random, spread: float) -> list[int]:
    """Split `total` into `parts` positive integers varying by about ±spread (largest remainder)."""
    weights = [rng.uniform(1 - spread, 1 + spread) for _ in range(parts)]
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    sizes = [int(x) for x in raw]
    for i in sorted(range(parts), key=lambda i: raw[i] - sizes[i], reverse=True)[: total - sum(sizes)]:
        sizes[i] += 1
    return sizes


def _day(rng: random.Random, year: int) -> date:
    return date(year, 1, 1) + timedelta(days=rng.randrange(365))


def _year(rng: random.Random, p2025: float = 0.10, p2027: float = 0.04) -> int:
    x = rng.random()
    return 2025 if x < p2025 else 2027 if x < p2025 + p2027 else PERIOD


def _weighted(table: dict[str, int]) -> tuple[list[str], list[int]]:
    return list(table), list(table.values())


SURNAMES = _weighted(vocab.FAMILY_NAMES)
MIDDLE = {g: _weighted(vocab.MIDDLE_NAMES[g]) for g in ("nam", "nữ")}


def _n(value: object) -> str:
    """One COPY text field (our strings never hold tabs, newlines or backslashes)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


def _line(*values: object) -> str:
    return "\t".join(_n(v) for v in values) + "\n"


@dataclass
class Area:
    id: int
    code: str
    name: str
    level: str
    parent: "Area | None"
    disadvantaged: bool = False
    children: list["Area"] = field(default_factory=list)

    @property
    def path(self) -> str:
        return (self.parent.path if self.parent else "/") + f"{self.id}/"


@dataclass
class Counters:
    family: int = 0
    person: int = 0
    evidence: int = 0
    award: int = 0


class Province:
    """The area tree, clans and units (small: held in memory), and the commune-by-commune generator."""

    def __init__(self, citizens: int, seed: int) -> None:
        self.citizens, self.seed = citizens, seed
        self.shape = shape(citizens)
        rng = random.Random(f"{seed}:tree")
        s = self.shape
        ids = iter(range(1, 10**9))
        self.province = Area(next(ids), "TINH", "Tỉnh Tổng Hợp", "province", None)
        self.areas = [self.province]
        self.districts: list[Area] = []
        self.communes: list[Area] = []
        self.villages: list[Area] = []
        commune_split = _split(s["communes"], s["districts"], rng, 0.2)
        village_split = _split(s["villages"], s["communes"], rng, 0.25)
        for d in range(s["districts"]):
            dist = Area(next(ids), f"H{d + 1:02d}", f"Huyện {d + 1:02d}", "district", self.province)
            dist.disadvantaged = s["districts"] >= 5 and d == s["districts"] - 1
            self.province.children.append(dist)
            self.districts.append(dist)
        for d, dist in enumerate(self.districts):
            for c in range(commune_split[d]):
                com = Area(next(ids), f"{dist.code}-X{c + 1:03d}", f"Xã {dist.code[1:]}-{c + 1:03d}", "commune", dist)
                com.disadvantaged = rng.random() < 0.10
                dist.children.append(com)
                self.communes.append(com)
        for k, com in enumerate(self.communes):
            for v in range(max(1, village_split[k])):
                vil = Area(next(ids), f"{com.code}-T{v + 1}", f"Thôn {v + 1}", "village", com)
                vil.disadvantaged = rng.random() < 0.03
                com.children.append(vil)
                self.villages.append(vil)
        self.areas += self.districts + self.communes + self.villages
        self.village_sizes = dict(
            zip((v.id for v in self.villages), _split(citizens, len(self.villages), rng, 0.35), strict=True)
        )
        # clans: ~90% registered with a commune, ~10% with a district
        district_clans = max(1, round(s["clans"] * 0.1 / s["districts"])) if s["clans"] >= 10 else 0
        per_commune = _split(
            max(len(self.communes), s["clans"] - district_clans * s["districts"]), len(self.communes), rng, 0.3
        )
        self.clans: list[tuple[int, str, str, int]] = []
        self.clans_of: dict[int, list[int]] = {}
        cid = 0
        for dist in self.districts:
            for k in range(district_clans):
                cid += 1
                self.clans.append(
                    (cid, f"DH-{dist.code}-{k + 1:02d}", f"Họ {SURNAMES[0][k % len(SURNAMES[0])]} {dist.name}", dist.id)
                )
                self.clans_of.setdefault(dist.id, []).append(cid)
        for k, com in enumerate(self.communes):
            for j in range(per_commune[k]):
                cid += 1
                self.clans.append(
                    (cid, f"DH-{com.code}-{j + 1:02d}", f"Họ {SURNAMES[0][j % len(SURNAMES[0])]} {com.name}", com.id)
                )
                self.clans_of.setdefault(com.id, []).append(cid)
        # units: two per commune (People's Committee, school), the rest split over the districts
        self.units: list[tuple[int, str, str, str, int]] = []
        self.units_of: dict[int, list[int]] = {}
        uid = 0
        for com in self.communes:
            for suffix, name in (("UBND", "UBND"), ("TRUONG", "Trường")):
                uid += 1
                self.units.append((uid, f"DV-{com.code}-{suffix}", f"{name} {com.name}", "commune", com.id))
                self.units_of.setdefault(com.id, []).append(uid)
        district_units = _split(s["units"] - uid, len(self.districts), rng, 0.2)
        for k, dist in enumerate(self.districts):
            for j in range(max(1, district_units[k])):
                uid += 1
                self.units.append(
                    (uid, f"DV-{dist.code}-{j + 1:02d}", f"Đơn vị {j + 1:02d} {dist.name}", "district", dist.id)
                )
                self.units_of.setdefault(dist.id, []).append(uid)
        self.strong_clans = {cid for cid, *_ in self.clans if random.Random(f"{seed}:clan:{cid}").random() < 0.25}
        self.count = Counters()

    # ---- one commune --------------------------------------------------------------------------
    def commune_rows(self, com: Area) -> dict[str, list[str]]:
        """Generate the families, people, evidence, awards and group entries of one commune."""
        rng = random.Random(f"{self.seed}:commune:{com.id}")
        momentum = rng.uniform(0.15, 0.85)
        dist = com.parent
        assert dist is not None
        out: dict[str, list[str]] = {"family": [], "person": [], "evidence": [], "award": [], "group_entry": []}
        commune_clans = self.clans_of.get(com.id, [])
        district_clans = self.clans_of.get(dist.id, [])
        commune_units = self.units_of.get(com.id, [])
        district_units = self.units_of.get(dist.id, [])
        sessions = [f"SH-{com.id}-{k:03d}" for k in range(1, 41)]
        session_hours = {s: ("1.5", "2", "2.5", "3", "4")[k % 5] for k, s in enumerate(sessions)}
        for vil in com.children:
            remaining = self.village_sizes[vil.id]
            # a model village (thôn điển hình) learns more than its commune
            model = rng.random() < 0.15
            village_momentum = 2.2 if model else momentum
            # C2: the village's community learning activities
            if model or rng.random() < 0.8:
                lo = 66 if model else 30
                out["group_entry"].append(
                    _line("village", vil.id, "C2", PERIOD, _day(rng, PERIOD), rng.randrange(lo, 81) / 2)
                )
            if rng.random() < 0.1:
                out["group_entry"].append(
                    _line("village", vil.id, "C2", 2025, _day(rng, 2025), rng.randrange(30, 81) / 2)
                )
            while remaining > 0:
                size = min(remaining, rng.choices((1, 2, 3, 4, 5, 6, 7), weights=(9, 16, 21, 25, 15, 9, 5))[0])
                remaining -= size
                self._household(
                    rng,
                    out,
                    com,
                    vil,
                    size,
                    village_momentum,
                    commune_clans,
                    district_clans,
                    commune_units,
                    district_units,
                    sessions,
                    session_hours,
                )
        return out

    def _household(
        self,
        rng: random.Random,
        out: dict[str, list[str]],
        com: Area,
        vil: Area,
        size: int,
        momentum: float,
        commune_clans: list[int],
        district_clans: list[int],
        commune_units: list[int],
        district_units: list[int],
        sessions: list[str],
        session_hours: dict[str, str],
    ) -> None:
        c = self.count
        family_id = None
        if size > 1 or rng.random() < 0.9:
            c.family += 1
            family_id = c.family
            surname = rng.choices(*SURNAMES)[0]
            out["family"].append(_line(family_id, f"HGD{family_id:08d}", f"Hộ {surname}", vil.id))
        else:
            surname = rng.choices(*SURNAMES)[0]
        x = rng.random()
        activity = "high" if x < 0.10 + 0.40 * momentum else "low" if x > 0.55 + 0.30 * momentum else "mid"
        clan = None
        if family_id is not None and rng.random() < 0.65:
            pool = district_clans if district_clans and rng.random() < 0.12 else commune_clans
            clan = rng.choice(pool) if pool else None
        if clan is not None and clan in self.strong_clans and rng.random() < 0.92:
            activity = "high"  # a clan's study-promotion fund keeps its households learning
        elif clan is not None and activity == "low" and rng.random() < 0.4:
            activity = "mid"
        # F3: learning conditions and children's schooling
        if family_id is not None:
            p_entry, lo, hi = {"high": (0.95, 48, 61), "mid": (0.6, 20, 57), "low": (0.3, 0, 41)}[activity]
            if rng.random() < p_entry:
                out["group_entry"].append(
                    _line("family", family_id, "F3", PERIOD, _day(rng, PERIOD), rng.randrange(lo, hi) / 2)
                )
            if rng.random() < 0.05:
                out["group_entry"].append(
                    _line("family", family_id, "F3", 2025, _day(rng, 2025), rng.randrange(0, 61) / 2)
                )
        head_age = rng.randrange(22, 75) if size > 1 else rng.randrange(18, 90)
        ages = [head_age]
        if size >= 2:
            ages.append(max(18, head_age + rng.randrange(-6, 5)))
        for k in range(size - len(ages)):
            if k == 0 and size >= 5 and rng.random() < 0.5 and head_age < 62:
                ages.append(head_age + rng.randrange(22, 30))
            else:
                ages.append(rng.randrange(0, max(1, min(30, head_age - 18))))
        for k, age in enumerate(ages):
            self._person(
                rng,
                out,
                com,
                vil,
                family_id,
                surname,
                clan,
                activity,
                age,
                k,
                commune_clans,
                commune_units,
                district_units,
                sessions,
                session_hours,
            )

    def _person(
        self,
        rng: random.Random,
        out: dict[str, list[str]],
        com: Area,
        vil: Area,
        family_id: int | None,
        surname: str,
        clan: int | None,
        activity: str,
        age: int,
        k: int,
        commune_clans: list[int],
        commune_units: list[int],
        district_units: list[int],
        sessions: list[str],
        session_hours: dict[str, str],
    ) -> None:
        c = self.count
        c.person += 1
        pid = c.person
        gender = "nam" if (k == 0) == (rng.random() < 0.8) else "nữ"
        middle = rng.choices(*MIDDLE[gender])[0]
        given = rng.choice(vocab.GIVEN_NAMES[gender])
        full_name = f"{surname} {middle} {given}"
        adult = age >= 18
        person_clan = clan
        if k == 1 and clan is not None and rng.random() < 0.3:  # married in from another clan, or none
            person_clan = rng.choice(commune_clans) if commune_clans and rng.random() < 0.5 else None
        unit = None
        official = False
        if adult and 22 <= age <= 60:
            x = rng.random()
            if x < 0.045:
                official = True
                if rng.random() < 0.98:
                    unit = (
                        rng.choice(district_units)
                        if district_units and rng.random() < 0.2
                        else rng.choice(commune_units)
                    )
            elif x < 0.055:
                unit = rng.choice(commune_units)  # an employee who is not an official
        khuyen_hoc = adult and rng.random() < (0.15 if activity == "high" else 0.05)
        x = rng.random()
        group = rng.choice(("resident", "worker", "official", "student")) if x < 0.012 else "" if x < 0.015 else None
        phone = f"09{pid % 100_000_000:08d}" if rng.random() < 0.3 else None
        out["person"].append(
            _line(
                pid,
                f"P{pid:08d}",
                full_name,
                fold(full_name),
                PERIOD - age,
                gender,
                vil.id,
                family_id,
                person_clan,
                unit,
                official,
                khuyen_hoc,
                group,
                phone,
                None,
            )
        )
        # learning profile
        if not adult:
            profile = "some" if rng.random() < 0.45 else "none"
        else:
            p_engaged, p_some = {"high": (0.70, 0.25), "mid": (0.18, 0.45), "low": (0.04, 0.30)}[activity]
            if official:
                p_engaged += 0.45
            x = rng.random()
            profile = "engaged" if x < p_engaged else "some" if x < p_engaged + p_some else "none"
        self._evidence(rng, out, pid, profile, khuyen_hoc, sessions, session_hours)
        if profile == "engaged" and rng.random() < 0.7:
            self._award(rng, out, pid, PERIOD, revoked=rng.random() < 0.04)
        if profile == "engaged" and rng.random() < 0.15:
            self._award(rng, out, pid, 2025, revoked=False)

    def _award(self, rng: random.Random, out: dict[str, list[str]], pid: int, period: int, revoked: bool) -> None:
        c = self.count
        c.award += 1
        when = date(period, 11, 20) + timedelta(days=rng.randrange(25))
        out["award"].append(
            _line(
                c.award,
                pid,
                period,
                f"{c.award % 997}/QĐ-UBND",
                when,
                "bench",
                f"{when} 09:00:00+07",
                f"{when} 10:00:00+07" if revoked else None,
                "bench" if revoked else None,
                "Kê khai không đúng" if revoked else None,
            )
        )
        if revoked and rng.random() < 0.35:  # re-awarded after the revocation
            self._award(rng, out, pid, period, revoked=False)

    def _evidence(
        self,
        rng: random.Random,
        out: dict[str, list[str]],
        pid: int,
        profile: str,
        khuyen_hoc: bool,
        sessions: list[str],
        session_hours: dict[str, str],
    ) -> None:
        seen: set[tuple[str, str, date]] = set()
        rows = out["evidence"]
        c = self.count

        def add(
            kind: str,
            ref: str,
            when: date,
            category: str | None = None,
            hours: str | None = None,
            level: str | None = None,
            points: float | None = None,
        ) -> None:
            key = (kind, ref, when)
            if key in seen:
                return
            seen.add(key)
            c.evidence += 1
            source = "online" if kind == "course" and rng.random() < 0.6 else "import"
            rows.append(_line(c.evidence, pid, kind, ref, category, when, hours, level, points, source, CREATED_AT))

        late = 0.03 if profile == "engaged" else 0.06

        def course(category: str, level: str | None = None) -> None:
            code, hours = rng.choice(CATALOGUE[(category, level)])
            stored_level = level if rng.random() < 0.98 else None
            when = _day(rng, _year(rng, 0.25 if category == "digital_skill" else 0.06, late))
            add("course", code, when, category, hours, stored_level if category == "digital_skill" else None)
            if rng.random() < 0.03:  # the same course again on another date: it counts once
                add(
                    "course",
                    code,
                    _day(rng, _year(rng)),
                    category,
                    hours,
                    stored_level if category == "digital_skill" else None,
                )

        def session() -> None:
            ref = rng.choice(sessions)
            add(
                "session",
                ref,
                _day(rng, _year(rng, 0.06, late)),
                hours=session_hours[ref] if rng.random() < 0.99 else None,
            )

        def declaration(item: str, lo: int = 2, hi: int = 21) -> None:
            add("declaration", item, _day(rng, _year(rng, 0.08, 0.02)), points=rng.randrange(lo, hi) / 2)

        if profile == "engaged":
            for _ in range(rng.randrange(1, 3)):
                course(rng.choice(ANY_CATEGORIES))
            course("foreign_language")
            if rng.random() < 0.5:
                course("foreign_language")
            course("numeracy")
            for _ in range(rng.randrange(1, 4)):
                course(rng.choice(T24))
            course("digital_skill", rng.choice(("basic", "proficient")))
            if rng.random() < (0.7 if khuyen_hoc else 0.2):
                course("criteria_study")
            for _ in range(rng.randrange(2, 5)):
                session()
            if rng.random() < 0.95:
                add("plan", f"KH-{PERIOD}", _day(rng, PERIOD))
            if rng.random() < 0.92:
                declaration("T3.1", 10, 21)
            for _ in range(rng.randrange(0, 4)):
                declaration(rng.choice(DECLARABLE))
        elif profile == "some":
            for _ in range(rng.randrange(2, 7)):
                x = rng.random()
                if x < 0.45:
                    cat = rng.choice(ANY_CATEGORIES + ("digital_skill",))
                    course(cat, rng.choice(("basic", "proficient")) if cat == "digital_skill" else None)
                elif x < 0.70:
                    session()
                elif x < 0.82:
                    add("plan", f"KH-{PERIOD}", _day(rng, _year(rng, 0.2, 0.0)))
                elif x < 0.97:
                    declaration(rng.choice(DECLARABLE))
                else:
                    declaration("T1.2")  # T1.2 has no declaration rule: must count 0
            if khuyen_hoc and rng.random() < 0.5:
                course("criteria_study")
        elif rng.random() < 0.2:
            session()

    # ---- groups held in memory ----------------------------------------------------------------
    def small_group_entries(self) -> list[str]:
        """Entered items of clans (D2) and units (U1, U2.2, U2.4, U3.2)."""
        rng = random.Random(f"{self.seed}:groups")
        rows = []
        for cid, *_ in self.clans:
            if cid in self.strong_clans or rng.random() < 0.6:
                lo = 44 if cid in self.strong_clans else 20
                rows.append(_line("clan", cid, "D2", PERIOD, _day(rng, PERIOD), rng.randrange(lo, 61) / 2))
        for uid, *_ in self.units:
            for item, lo, hi in (("U1", 40, 61), ("U2.2", 4, 11), ("U2.4", 4, 11), ("U3.2", 10, 31)):
                if rng.random() < 0.85:
                    rows.append(_line("unit", uid, item, PERIOD, _day(rng, PERIOD), rng.randrange(lo, hi) / 2))
                if rng.random() < 0.05:
                    rows.append(_line("unit", uid, item, 2027, _day(rng, 2027), rng.randrange(lo, hi) / 2))
        return rows


COLUMNS = {
    "area": "id, code, name, level, parent_id, disadvantaged, path",
    "clan": "id, code, name, area_id",
    "unit": "id, code, name, level, area_id",
    "family": "id, code, name, village_id",
    "person": "id, code, full_name, name_folded, birth_year, gender, village_id, family_id, clan_id, unit_id, "
    'is_official, khuyen_hoc_member, "group", phone, email',
    "evidence": "id, person_id, kind, ref, category, date, hours, level, points, source, created_at",
    "award": "id, person_id, period, decision_no, decision_date, awarded_by, awarded_at, revoked_at, revoked_by, "
    "revoke_reason",
    "group_entry": "subject, subject_id, item, period, date, points",
}


def _copy(cur: psycopg.Cursor, table: str, lines: list[str]) -> None:
    if not lines:
        return
    with cur.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:
        for start in range(0, len(lines), 5000):
            copy.write("".join(lines[start : start + 5000]))


def conninfo(url: str) -> str:
    """Turn a SQLAlchemy URL (postgresql+psycopg://…) into a libpq one."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def database_name(url: str) -> str:
    return url.rsplit("/", 1)[1].split("?", 1)[0]


def admin_url(url: str) -> str:
    return conninfo(url).rsplit("/", 1)[0] + "/postgres"


def recreate_database(url: str) -> None:
    """Drop and create the benchmark database (only names starting with bench_ are accepted)."""
    name = database_name(url)
    if not name.startswith("bench_"):
        raise SystemExit(f"refusing to touch database {name!r}: benchmark databases are named bench_*")
    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def flask(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `flask --app lms ARGS` against the benchmark database, as an operator would."""
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("LMS_CONFIG", None)
    exe = str(Path(sys.executable).parent / "flask")
    return subprocess.run(
        [exe, "--app", "lms", *args], cwd=CODE_ROOT["path"], env=env, check=True, capture_output=True, text=True
    )


def generate(citizens: int, seed: int, url: str, log=print) -> dict[str, int]:  # noqa: ANN001
    """Create the database, its schema and framework, and load the synthetic province."""
    started = time.perf_counter()
    recreate_database(url)
    flask(url, "db", "upgrade")
    flask(url, "framework", "load", str(FRAMEWORK_FILE))
    prov = Province(citizens, seed)
    log(f"shape: {prov.shape}")
    with psycopg.connect(conninfo(url)) as conn, conn.cursor() as cur:
        cur.execute("SET session_replication_role = replica")  # bulk load: rows are consistent by construction
        _copy(
            cur,
            "area",
            [
                _line(a.id, a.code, a.name, a.level, a.parent.id if a.parent else None, a.disadvantaged, a.path)
                for a in prov.areas
            ],
        )
        _copy(cur, "clan", [_line(*c) for c in prov.clans])
        _copy(cur, "unit", [_line(*u) for u in prov.units])
        # the course catalogue is not loaded: evidence carries its category and level, which is all
        # the engine reads (and the course table's shape moves with the learning features)
        for k, com in enumerate(prov.communes):
            rows = prov.commune_rows(com)
            for table in ("family", "person", "evidence", "award", "group_entry"):
                _copy(cur, table, rows[table])
            if (k + 1) % 50 == 0:
                log(
                    f"  {k + 1}/{len(prov.communes)} communes, {prov.count.person} people, "
                    f"{prov.count.evidence} evidence, {time.perf_counter() - started:.0f}s"
                )
        _copy(cur, "group_entry", prov.small_group_entries())
        for table in ("area", "clan", "unit", "family", "person", "evidence", "award"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.commit()
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    c = prov.count
    counts = {
        "citizens": c.person,
        "families": c.family,
        "clans": len(prov.clans),
        "units": len(prov.units),
        "areas": len(prov.areas),
        "villages": len(prov.villages),
        "communes": len(prov.communes),
        "districts": len(prov.districts),
        "evidence": c.evidence,
        "awards": c.award,
    }
    log(f"generated {counts} in {time.perf_counter() - started:.0f}s")
    return counts


def main(argv: list[str] | None = None) -> None:
    """Command line: python -m bench.generate --citizens N --seed S --database-url URL."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citizens", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", required=True, help="postgresql+psycopg://…/bench_NAME")
    args = parser.parse_args(argv)
    generate(args.citizens, args.seed, args.database_url)


if __name__ == "__main__":
    main()
