"""Generate the demo population of Bắc Bình: families, clans, units, people, evidence, group entries."""

# Pure Python, no database: `generate` returns plain rows keyed by codes and the loader writes them.
# Every draw comes from one `random.Random`, so a seed always gives the same district. Evidence
# follows a learning profile per person (engaged, near, some, none) drawn from the household's
# activity and the commune's momentum; a small estimate of the default framework tops engaged people
# up to the threshold and keeps "near" ones just short. The engine decides who is eligible.

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from lms.demo import vocabulary as vocab
from lms.util import fold

PERIOD = 2026
THRESHOLD, THRESHOLD_DISADVANTAGED, ITEM_MIN, ITEM_MAX = 80, 70, 5, 10
ADULT_AGE = 18
T24 = ("law", "health", "agriculture", "vocational")
ITEMS = ("T1.1", "T1.2", "T1.3", "T1.4", "T2.1", "T2.2", "T2.3", "T2.4", "T3.1", "T3.2")
CITIZEN_COMMUNE = "BB-HAININH"
CITIZEN_CODE = "BB000002"  # her household is generated first: her husband is BB000001
YEAR_START, YEAR_END = date(PERIOD, 1, 12), date(PERIOD, 11, 15)


@dataclass
class Record:
    """A person's learning in the demo: what becomes their evidence rows."""

    courses: dict[str, tuple[str, str | None, date, Decimal]] = field(default_factory=dict)
    sessions: dict[str, tuple[date, Decimal]] = field(default_factory=dict)
    plan: date | None = None
    declarations: dict[str, tuple[date, Decimal]] = field(default_factory=dict)

    def learned(self) -> bool:
        """Return True with a course or session dated in the evaluation year."""
        return any(d.year == PERIOD for _c, _l, d, _h in self.courses.values()) or bool(self.sessions)


@dataclass
class Member:
    """One generated person, before it is written."""

    code: str
    full_name: str
    gender: str
    birth_year: int
    village: str
    commune: str
    family: str
    clan: str | None = None
    unit: str | None = None
    is_official: bool = False
    khuyen_hoc: bool = False
    profile: str = "none"
    record: Record = field(default_factory=Record)

    @property
    def adult(self) -> bool:
        return PERIOD - self.birth_year >= ADULT_AGE


@dataclass
class Population:
    """Everything the loader writes, keyed by codes."""

    villages: list[dict[str, Any]] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)
    clans: list[dict[str, Any]] = field(default_factory=list)
    families: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    group_entries: list[dict[str, Any]] = field(default_factory=list)
    citizen_code: str = ""


def villages_of(commune_code: str) -> list[tuple[str, str]]:
    """Return (code, name) of the demo villages of a commune."""
    return [
        (f"{commune_code}-{suffix}", name) for suffix, name in vocab.VILLAGES.get(commune_code, vocab.DEFAULT_VILLAGES)
    ]


def home_commune(communes: list[tuple[str, str]]) -> str:
    """Return the commune of the demo citizen and commune officer (Hải Ninh, else the first one)."""
    codes = [code for code, _name in communes]
    return CITIZEN_COMMUNE if CITIZEN_COMMUNE in codes else codes[0]


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _day(rng: random.Random, start: date = YEAR_START, end: date = YEAR_END) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _local_name(commune_name: str) -> str:
    """Lower-case the level word of a commune name: 'Xã Hải Ninh' → 'xã Hải Ninh'."""
    return commune_name[:1].lower() + commune_name[1:]


def _short(commune_code: str) -> str:
    return commune_code.split("-", 1)[-1]


class Generator:
    """Draws the demo district from one seeded random generator."""

    def __init__(self, rng: random.Random, communes: list[tuple[str, str]], catalogue: dict[str, dict[str, Any]]):
        self.rng = rng
        self.communes = communes
        self.names = dict(communes)
        self.pop = Population()
        self.members: list[Member] = []
        self.families: dict[str, list[Member]] = {}
        self.family_activity: dict[str, str] = {}
        self.model_villages: set[str] = set()
        self.person_seq = 0
        self.pools = self._course_pools(catalogue)
        self.sessions = self._sessions()

    # ---- courses and sessions -------------------------------------------------------------------
    @staticmethod
    def _course_pools(catalogue: dict[str, dict[str, Any]]) -> dict[tuple[str, str | None], list[tuple[str, Decimal]]]:
        """Group course codes by (category, digital level); catalogue courses first, then offline ones."""
        pools: dict[tuple[str, str | None], list[tuple[str, Decimal]]] = {}
        for code in sorted(catalogue):
            info = catalogue[code]
            level = info.get("level") if info["category"] == "digital_skill" else None
            pools.setdefault((info["category"], level), []).append((code, Decimal(str(info.get("hours") or 0))))
        for code, category, level, hours in vocab.OFFLINE_COURSES:
            pools.setdefault((category, level), []).append((code, Decimal(hours)))
        return pools

    def _sessions(self) -> dict[str, list[tuple[str, date, Decimal]]]:
        """Schedule the year's training sessions (tập huấn) of each commune, and district ones for officials."""
        result: dict[str, list[tuple[str, date, Decimal]]] = {}
        for code, _name in self.communes:
            result[code] = [
                (f"TH26-{_short(code)}-{n:02d}", _day(self.rng), Decimal(self.rng.choice((2, 2, 3, 3, 4))))
                for n in range(1, 9)
            ]
        result["district"] = [
            (f"TH26-BACBINH-{n:02d}", _day(self.rng), Decimal(self.rng.choice((4, 6, 8)))) for n in range(1, 5)
        ]
        return result

    def add_course(self, m: Member, category: str, level: str | None = None, year: int = PERIOD) -> bool:
        """Give the person one more course of the category (and digital level); False when none is left."""
        pool = [c for c in self.pools.get((category, level), []) if c[0] not in m.record.courses]
        if not pool:
            return False
        code, hours = self.rng.choice(pool)
        when = _day(self.rng) if year == PERIOD else _day(self.rng, date(year, 3, 1), date(year, 12, 15))
        m.record.courses[code] = (category, level, when, hours)
        return True

    def add_session(self, m: Member) -> bool:
        """Give the person one more training session of their commune (officials: also district ones)."""
        options = list(self.sessions[m.commune])
        if m.is_official:
            options += self.sessions["district"]
        options = [s for s in options if s[0] not in m.record.sessions]
        if not options:
            return False
        ref, when, hours = self.rng.choice(options)
        m.record.sessions[ref] = (when, hours)
        return True

    def declare(self, m: Member, item: str, points: float) -> None:
        m.record.declarations[item] = (_day(self.rng), Decimal(str(points)))

    # ---- the estimate of the default framework --------------------------------------------------
    def others_learned(self, m: Member) -> int:
        return sum(1 for o in self.families[m.family] if o is not m and o.adult and o.record.learned())

    def estimate(self, m: Member) -> dict[str, float]:
        """Approximate the default framework's item scores (the engine has the final word)."""
        r = m.record
        now = {c: v for c, v in r.courses.items() if v[2].year == PERIOD}
        cats = Counter(cat for cat, _lvl, _d, _h in now.values())
        levels = [lvl for cat, lvl, d, _h in r.courses.values() if cat == "digital_skill" and d.year <= PERIOD]
        basic = 5 if m.is_official and m.unit else 6
        digital = 10 if "proficient" in levels else basic if "basic" in levels else 0
        base = {
            "T1.1": 5 * len(now),
            "T1.2": 10 if r.plan else 0,
            "T1.3": float(sum(h for _d, h in r.sessions.values())),
            "T1.4": 5 * self.others_learned(m),
            "T2.1": digital,
            "T2.2": 5 * cats["foreign_language"],
            "T2.3": 5 * cats["numeracy"],
            "T2.4": 4 * sum(cats[c] for c in T24),
            "T3.1": 0,
            "T3.2": 3 * len(r.sessions),
        }
        return {i: min(ITEM_MAX, base[i] + float(r.declarations.get(i, (None, 0))[1])) for i in ITEMS}

    def threshold(self, m: Member) -> int:
        return THRESHOLD_DISADVANTAGED if m.commune in vocab.DISADVANTAGED_COMMUNES else THRESHOLD

    def eligible(self, m: Member) -> bool:
        s = self.estimate(m)
        return sum(s.values()) >= self.threshold(m) and min(s.values()) >= ITEM_MIN

    # ---- population -----------------------------------------------------------------------------
    def new_code(self) -> str:
        self.person_seq += 1
        return f"BB{self.person_seq:06d}"

    def name(self, gender: str, family_name: str, birth_year: int) -> str:
        middles = vocab.YOUNG_MIDDLE_NAMES if birth_year >= 1995 else vocab.MIDDLE_NAMES
        return f"{family_name} {_pick(self.rng, middles[gender])} {self.rng.choice(vocab.GIVEN_NAMES[gender])}"

    def person(self, family: str, village: str, commune: str, family_name: str, gender: str, year: int) -> Member:
        year = max(1940, min(2015, year))
        m = Member(self.new_code(), self.name(gender, family_name, year), gender, year, village, commune, family)
        self.members.append(m)
        self.families[family].append(m)
        return m

    def household(self, village: str, commune: str, family_name: str, size: int) -> list[Member]:
        """Create a household of `size` people sharing the family name; the first one is the head."""
        code = f"GD-{len(self.pop.families) + 1:06d}"
        self.families[code] = []
        r = self.rng
        head_gender = "nam" if r.random() < 0.78 else "nữ"
        head_year = r.choice((r.randint(1950, 1995), r.randint(1965, 1990)))
        head = self.person(code, village, commune, family_name, head_gender, head_year)
        left = size - 1
        if left and r.random() < 0.85:
            other = "nữ" if head_gender == "nam" else "nam"
            self.person(code, village, commune, family_name, other, head_year + r.randint(-3, 6))
            left -= 1
        if left >= 3 and head_year >= 1965 and r.random() < 0.5:
            self.person(code, village, commune, family_name, r.choice(("nam", "nữ")), head_year - r.randint(22, 30))
            left -= 1
        for _ in range(left):
            self.person(code, village, commune, family_name, r.choice(("nam", "nữ")), head_year + r.randint(20, 36))
        self.pop.families.append({"code": code, "name": f"Hộ {head.full_name}", "village": village})
        return self.families[code]

    def citizen_household(self, village: str, commune: str) -> None:
        """Create the demo citizen's household: she is a few points short; her husband and son learn."""
        code = f"GD-{len(self.pop.families) + 1:06d}"
        self.families[code] = []
        husband = self.person(code, village, commune, "Trần", "nam", 1984)
        husband.full_name = "Trần Văn Phúc"
        wife = self.person(code, village, commune, "Trần", "nữ", 1988)
        wife.full_name = "Trần Thị Hạnh"
        son = self.person(code, village, commune, "Trần", "nam", 2006)
        son.full_name = "Trần Minh Quân"
        daughter = self.person(code, village, commune, "Trần", "nữ", 2014)
        daughter.full_name = "Trần Ngọc Ánh"
        self.pop.families.append({"code": code, "name": f"Hộ {husband.full_name}", "village": village})
        husband.profile, son.profile, daughter.profile, wife.profile = "engaged", "some", "none", "citizen"
        if wife.code != CITIZEN_CODE:
            raise RuntimeError("the demo citizen's household must be generated first")
        self.pop.citizen_code = wife.code

    def build_people(self) -> None:
        """Create every household (the demo citizen's first), commune by commune, village by village."""
        home = home_commune(self.communes)
        self.citizen_household(villages_of(home)[0][0], home)
        for commune, _name in self.communes:
            villages = villages_of(commune)
            target = vocab.COMMUNE_SIZE.get(commune, vocab.COMMUNE_SIZE_DEFAULT)
            for v_code, v_name in villages:
                self.pop.villages.append({"code": v_code, "name": v_name, "commune": commune})
            names = dict(vocab.FAMILY_NAMES)
            if commune in vocab.DISADVANTAGED_COMMUNES:
                names.update({k: v * 10 for k, v in vocab.MINORITY_FAMILY_NAMES.items()})
            count, n = sum(1 for m in self.members if m.commune == commune), 0
            while count < target:
                village = villages[n % len(villages)][0]
                size = self.rng.choices((2, 3, 4, 5, 6), weights=(15, 25, 30, 20, 10))[0]
                count += len(self.household(village, commune, _pick(self.rng, names), size))
                n += 1

    def build_clans(self) -> None:
        """Create a few clans from common family names of some communes, with most of their households."""
        chosen = ["BB-HAININH", "BB-CHOLAU", "BB-PHANRITHANH", "BB-HOATHANG", "BB-HONGTHAI", "BB-BINHAN", "BB-LUONGSON"]
        for commune in [c for c in chosen if c in self.names]:
            by_name = Counter(
                fams[0].full_name.split()[0]
                for code, fams in self.families.items()
                if fams and fams[0].commune == commune and fams[0].full_name.split()[0] in vocab.FAMILY_NAMES
            )
            for family_name, _n in by_name.most_common(2 if commune in ("BB-HAININH", "BB-CHOLAU") else 1):
                code = f"DH-{_short(commune)}-{fold(family_name).upper()}"
                self.pop.clans.append(
                    {"code": code, "name": f"Họ {family_name} {_local_name(self.names[commune])}", "area": commune}
                )
                for fams in self.families.values():
                    if fams and fams[0].commune == commune and fams[0].full_name.split()[0] == family_name:
                        if self.rng.random() < 0.85:
                            for m in fams:
                                m.clan = code

    def build_units(self) -> None:
        """Create each commune's People's Committee and school, the district's committee and education office."""
        for n, (commune, name) in enumerate(self.communes):
            place = name.split(" ", 1)[1] if name.startswith("Xã ") else name.split(" ", 2)[-1]
            school = "Trường Tiểu học" if n % 2 == 0 else "Trường THCS"
            self.pop.units += [
                {
                    "code": f"DV-{_short(commune)}-UBND",
                    "name": f"UBND {_local_name(name)}",
                    "level": "commune",
                    "area": commune,
                },
                {
                    "code": f"DV-{_short(commune)}-TRUONG",
                    "name": f"{school} {place}",
                    "level": "commune",
                    "area": commune,
                },
            ]
        district = "BT-BB"
        self.pop.units += [
            {"code": "DV-BACBINH-UBND", "name": "UBND huyện Bắc Bình", "level": "district", "area": district},
            {
                "code": "DV-BACBINH-PGDDT",
                "name": "Phòng Giáo dục và Đào tạo huyện Bắc Bình",
                "level": "district",
                "area": district,
            },
        ]
        citizen_family = next((m.family for m in self.members if m.code == self.pop.citizen_code), "")
        for commune, _name in self.communes:
            working = [
                m
                for m in self.members
                if m.commune == commune and 1968 <= m.birth_year <= 2002 and m.family != citizen_family
            ]
            self.rng.shuffle(working)
            for m in working[:5]:
                m.unit, m.is_official = f"DV-{_short(commune)}-UBND", True
            for m in working[5:10]:
                m.unit, m.is_official = f"DV-{_short(commune)}-TRUONG", True
        towns = [
            m
            for m in self.members
            if m.commune in ("BB-CHOLAU", "BB-LUONGSON") and not m.unit and 1968 <= m.birth_year <= 2000
        ]
        self.rng.shuffle(towns)
        for m in towns[:10]:
            m.unit, m.is_official = "DV-BACBINH-UBND", True
        for m in towns[10:18]:
            m.unit, m.is_official = "DV-BACBINH-PGDDT", True

    # ---- profiles and evidence ------------------------------------------------------------------
    def assign_profiles(self) -> None:
        """Draw each household's activity and each person's learning profile."""
        r = self.rng
        self.model_villages = {v["code"] for v in self.pop.villages if r.random() < 0.3}
        for code, fams in self.families.items():
            if not fams or any(m.profile == "citizen" for m in fams):
                self.family_activity[code] = "high"
                continue
            momentum = vocab.MOMENTUM.get(fams[0].commune, 0)
            weights = {1: (45, 35, 20), 0: (30, 40, 30), -1: (22, 40, 38)}[momentum]
            if fams[0].clan:  # a clan's study-promotion fund keeps its households learning
                weights = (weights[0] + 40, weights[1], max(5, weights[2] - 20))
            elif fams[0].village in self.model_villages:
                weights = (weights[0] + 25, weights[1], max(5, weights[2] - 15))
            activity = r.choices(("high", "medium", "low"), weights=weights)[0]
            self.family_activity[code] = activity
            table = {
                "high": (50, 32, 12, 6),
                "medium": (11, 32, 37, 20),
                "low": (2, 10, 38, 50),
            }[activity]
            for m in fams:
                if not m.adult:
                    m.profile = "child"
                    continue
                m.khuyen_hoc = r.random() < (0.15 if m.birth_year < 1966 else 0.06)
                m.profile = r.choices(("engaged", "near", "some", "none"), weights=table)[0]
                if m.is_official:
                    boost = r.choices(("engaged", "near", "some"), weights=(50, 32, 18))[0]
                    order = ("none", "some", "near", "engaged")
                    m.profile = max(m.profile, boost, key=order.index)
                if PERIOD - m.birth_year >= 70 and r.random() < 0.6:
                    m.profile = {"engaged": "near", "near": "some", "some": "none"}.get(m.profile, "none")

    def core(self, m: Member, strong: bool) -> None:
        """Give an engaged (strong) or near person courses, sessions, a plan and declarations."""
        r = self.rng
        if strong and r.random() < 0.12:  # skills checked in practice by an officer, no course
            self.declare(m, "T2.1", r.choice((5, 6, 6, 7)))
        else:
            self.add_course(
                m,
                "digital_skill",
                "proficient" if r.random() < (0.4 if strong else 0.15) else "basic",
                year=PERIOD - 1 if r.random() < 0.1 else PERIOD,
            )
        for _ in range(1 + (r.random() < 0.25) if strong or r.random() < 0.55 else 0):
            self.add_course(m, "foreign_language")
        for _ in range(1 + (r.random() < 0.3) if strong or r.random() < 0.65 else 0):
            self.add_course(m, "numeracy")
        for _ in range((2 + (r.random() < 0.4)) if strong else r.choice((1, 2, 2))):
            self.add_course(m, r.choice(T24))
        if r.random() < 0.3:
            self.add_course(m, "culture_society")
        if r.random() < (0.97 if strong else 0.85):
            m.record.plan = _day(r, date(PERIOD, 1, 5), date(PERIOD, 3, 31))
        for _ in range(r.randint(2, 4) if strong else r.randint(1, 3)):
            self.add_session(m)
        if strong or r.random() < 0.7:
            self.declare(m, "T3.1", r.randint(6, 10) if strong else r.randint(5, 8))
        if r.random() < (0.25 if strong else 0.15):
            self.declare(m, "T1.4", r.randint(5, 8))

    def light(self, m: Member) -> None:
        """Give a light learner one to three courses and a session or two: far from the title."""
        r = self.rng
        for _ in range(r.randint(1, 3)):
            category = r.choice(("digital_skill", "foreign_language", "numeracy", *T24, "culture_society"))
            self.add_course(m, category, "basic" if category == "digital_skill" else None)
        for _ in range(r.choice((0, 0, 1, 2))):
            self.add_session(m)
        if r.random() < 0.4:
            m.record.plan = _day(r, date(PERIOD, 1, 5), date(PERIOD, 4, 30))
        if r.random() < 0.15:
            self.declare(m, "T3.1", r.randint(5, 9))

    def citizen(self, m: Member) -> None:
        """Give the citizen about 77 points and no foreign language: one English course from the title."""
        m.record.plan = date(PERIOD, 2, 3)
        for code, cat, level, when in (
            ("OFF-LAW-1", "law", None, date(PERIOD, 3, 14)),
            ("OFF-AGR-1", "agriculture", None, date(PERIOD, 5, 22)),
            ("OFF-DS-1", "digital_skill", "basic", date(PERIOD, 6, 18)),
            ("OFF-NUM-1", "numeracy", None, date(PERIOD, 8, 7)),
        ):
            hours = next((h for c, h in self.pools.get((cat, level), []) if c == code), Decimal(4))
            m.record.courses[code] = (cat, level, when, hours)
        picked = sorted(self.sessions[m.commune], key=lambda s: (-s[2], s[0]))[:4]
        for ref, when, hours in picked:
            m.record.sessions[ref] = (when, hours)
        m.record.declarations["T3.1"] = (date(PERIOD, 9, 12), Decimal(8))

    def build_evidence(self) -> None:
        """Generate each person's record from their profile, then settle eligibility."""
        r = self.rng
        for m in self.members:
            if m.profile == "engaged":
                self.core(m, strong=True)
            elif m.profile == "near":
                self.core(m, strong=False)
            elif m.profile == "some":
                self.light(m)
            elif m.profile == "none" and m.adult and r.random() < 0.15:
                m.record.plan = _day(r, date(PERIOD, 1, 5), date(PERIOD, 4, 30))
            elif m.profile == "child" and r.random() < 0.35:
                if r.random() < 0.5:
                    self.add_course(m, "foreign_language")
                else:
                    self.add_course(m, "digital_skill", "basic")
            elif m.profile == "citizen":
                self.citizen(m)
            if m.khuyen_hoc and r.random() < 0.85:
                self.add_course(m, "criteria_study", year=PERIOD if r.random() < 0.7 else PERIOD - 1)
            elif m.is_official and r.random() < 0.6:
                self.add_course(m, "criteria_study")
        for m in self.members:
            if m.profile == "engaged" and r.random() > 0.08:
                self.top_up(m)
            elif m.profile == "near":
                self.hold_back(m)

    def top_up(self, m: Member) -> None:
        """Add evidence to the weakest items until the person reaches the threshold."""
        raise_item = {
            "T1.1": lambda: self.add_course(m, self.rng.choice(T24)),
            "T1.2": lambda: setattr(m.record, "plan", _day(self.rng, date(PERIOD, 1, 5), date(PERIOD, 3, 31))) or True,
            "T1.3": lambda: self.add_session(m),
            "T1.4": lambda: (
                self.declare(m, "T1.4", min(10, float(m.record.declarations.get("T1.4", (0, 3))[1]) + 2)) or True
            ),
            "T2.1": lambda: self.add_course(
                m, "digital_skill", "basic" if self.estimate(m)["T2.1"] == 0 else "proficient"
            ),
            "T2.2": lambda: self.add_course(m, "foreign_language"),
            "T2.3": lambda: self.add_course(m, "numeracy"),
            "T2.4": lambda: self.add_course(m, self.rng.choice(T24)),
            "T3.1": lambda: (
                self.declare(m, "T3.1", min(10, float(m.record.declarations.get("T3.1", (0, 4))[1]) + 2)) or True
            ),
            "T3.2": lambda: self.add_session(m),
        }
        for _ in range(30):
            if self.eligible(m):
                return
            scores = self.estimate(m)
            weak = [i for i in ITEMS if scores[i] < ITEM_MIN] or [i for i in ITEMS if scores[i] < ITEM_MAX]
            raise_item[self.rng.choice(weak)]()

    def hold_back(self, m: Member) -> None:
        """Keep a 'near' person just short: no foreign language, no verified declaration, or no numeracy."""
        gaps = ["foreign_language", "T3.1", "numeracy"]
        self.rng.shuffle(gaps)
        for gap in gaps:
            if not self.eligible(m):
                return
            if gap == "T3.1":
                m.record.declarations.pop("T3.1", None)
            else:
                for code in [c for c, v in m.record.courses.items() if v[0] == gap]:
                    del m.record.courses[code]

    # ---- rows -----------------------------------------------------------------------------------
    def evidence_rows(self) -> None:
        for m in self.members:
            r = m.record
            rows = self.pop.evidence
            for code, (cat, level, when, hours) in r.courses.items():
                rows.append(
                    {
                        "person": m.code,
                        "kind": "course",
                        "ref": code,
                        "category": cat,
                        "date": when,
                        "hours": hours,
                        "level": level,
                        "points": None,
                    }
                )
            for ref, (when, hours) in r.sessions.items():
                rows.append(
                    {
                        "person": m.code,
                        "kind": "session",
                        "ref": ref,
                        "category": None,
                        "date": when,
                        "hours": hours,
                        "level": None,
                        "points": None,
                    }
                )
            for item, (when, points) in r.declarations.items():
                rows.append(
                    {
                        "person": m.code,
                        "kind": "declaration",
                        "ref": item,
                        "category": None,
                        "date": when,
                        "hours": None,
                        "level": None,
                        "points": points,
                    }
                )
            if r.plan is not None:
                rows.append(
                    {
                        "person": m.code,
                        "kind": "plan",
                        "ref": "",
                        "category": None,
                        "date": r.plan,
                        "hours": None,
                        "level": None,
                        "points": None,
                    }
                )

    def group_rows(self) -> None:
        """Generate the officer-entered items of the group titles for the year."""
        r, rows = self.rng, self.pop.group_entries

        def entry(subject: str, code: str, item: str, points: float) -> None:
            rows.append(
                {
                    "subject": subject,
                    "code": code,
                    "item": item,
                    "points": Decimal(str(points)),
                    "date": _day(r, date(PERIOD, 10, 15), date(PERIOD, 11, 20)),
                }
            )

        ranges = {"high": (22, 30), "medium": (14, 26), "low": (4, 18)}
        for fam in self.pop.families:
            activity = self.family_activity.get(fam["code"], "low")
            if activity == "low" and r.random() < 0.2:
                continue
            entry("family", fam["code"], "F3", r.randint(*ranges[activity]))
        for clan in self.pop.clans:
            entry("clan", clan["code"], "D2", r.randint(22, 30))
        for village in self.pop.villages:
            low, high = (26, 40) if vocab.MOMENTUM.get(village["commune"], 0) >= 0 else (16, 32)
            entry("village", village["code"], "C2", r.randint(low, high))
        for unit in self.pop.units:
            entry("unit", unit["code"], "U1", r.randint(14, 28))
            entry("unit", unit["code"], "U2.2", r.choice((3, 4, 5, 5)))
            entry("unit", unit["code"], "U2.4", r.choice((1, 2, 3, 4, 5)))
            entry("unit", unit["code"], "U3.2", r.randint(5, 14))

    def people_rows(self) -> None:
        for m in self.members:
            self.pop.people.append(
                {
                    "code": m.code,
                    "full_name": m.full_name,
                    "name_folded": fold(m.full_name),
                    "birth_year": m.birth_year,
                    "gender": m.gender,
                    "village": m.village,
                    "family": m.family,
                    "clan": m.clan,
                    "unit": m.unit,
                    "is_official": m.is_official,
                    "khuyen_hoc_member": m.khuyen_hoc,
                    "group": None if m.adult else "student",
                }
            )

    def run(self) -> Population:
        self.build_people()
        self.build_clans()
        self.build_units()
        self.assign_profiles()
        self.build_evidence()
        self.people_rows()
        self.evidence_rows()
        self.group_rows()
        return self.pop


def generate(communes: list[tuple[str, str]], catalogue: dict[str, dict[str, Any]], seed: int = 2026) -> Population:
    """Generate the demo population of the communes [(code, name)] with the catalogue's courses."""
    return Generator(random.Random(seed), communes, catalogue).run()
