"""One importer per kind: look up what a chunk of rows refers to, stage the good rows, write and mark dirty.

Lookups are one query per referenced table per chunk of rows; writes and dirty marks are set-based
statements over the staged rows, never a statement per row.
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, ClassVar

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.sql import Select

from lms.areas.models import LEVELS as AREA_LEVELS
from lms.areas.models import Area
from lms.areas.services import rebuild_paths
from lms.association.models import Branch, Member
from lms.bulk import among
from lms.contributions.models import Contribution
from lms.criteria.services import periods_with_framework, published_framework
from lms.evidence.models import Evidence, GroupEntry
from lms.evidence.services import LASTING_CATEGORIES
from lms.extensions import db
from lms.imports.specs import Refs, Row, RowError, Spec, unknown_code
from lms.imports.staging import CHANGED, NEW, SAME, WORK_MEM, Stage, dialect_insert
from lms.people.models import Clan, Family, Person, Unit
from lms.recompute.services import mark_dirty
from lms.util import today_local

area = Area.__table__
CODE_TABLES: dict[str, sa.Table] = {
    "families": Family.__table__,
    "clans": Clan.__table__,
    "units": Unit.__table__,
    "persons": Person.__table__,
    "branches": Branch.__table__,
}
CACHE_LIMIT = 100_000  # codes kept between chunks; beyond it the cache starts over
Counts = dict[str, int]


def recompute_periods() -> list[int]:
    """Return the years a membership change must be recomputed for: this year and every framework year."""
    return sorted({today_local().year, *periods_with_framework()})


def framework_items(year: int, subject: str) -> dict[str, Decimal] | None:
    """Return {item code: max} of the subject's title in the year's framework (group titles: `entered` items)."""
    fw = published_framework(year)
    if fw is None:
        return None
    for title in fw.document.get("titles", {}).values():
        if title.get("subject") != subject:
            continue
        items = title.get("items", [])
        if subject != "person":
            items = [i for i in items if any(r.get("kind") == "entered" for r in i.get("rules", []))]
        return {i["code"]: Decimal(str(i["max"])) for i in items}
    return {}


class Importer:
    """Stage checked rows; once the whole file is good, classify them against the target and merge."""

    target: ClassVar[sa.Table]
    needs: ClassVar[dict[str, str]] = {}  # column → the Refs map its codes are looked up in
    compare: ClassVar[tuple[str, ...] | None] = None  # fields that make a row "changed" (None: every non-key field)
    updates: ClassVar[tuple[str, ...] | None] = None  # fields a re-import overwrites (None: as compare)
    extra: ClassVar[dict[str, sa.types.TypeEngine[Any]]] = {}  # staged fields that are not target columns
    scope: Area | None = None  # an officer's area: rows outside it are faults (lms.imports.scope)
    counts: Counts | None = None  # new / changed / same, once classified

    def __init__(self, spec: Spec, present: Iterable[str], dry_run: bool) -> None:
        self.spec, self.dry_run = spec, dry_run
        self.refs = Refs()
        present = set(present)
        self.fields = [f for f in spec.fields if f not in spec.optional or spec.optional[f] in present]
        self.stage = Stage(self.target, self.fields, self.extra)
        if "areas" in self.needs.values():
            self.refs.areas = load_areas()

    @property
    def compared(self) -> tuple[str, ...]:
        """Return the staged fields that, when they differ from the stored row, make a row "changed"."""
        if self.compare is not None:
            return self.compare
        return tuple(f for f in self.fields if f not in self.spec.key and f in self.target.c)

    def prepare(self, rows: list[Row]) -> None:
        """Look up the codes the rows refer to: one query per referenced table."""
        wanted: dict[str, set[str]] = defaultdict(set)
        for row in rows:
            for column, refs_name in self.needs.items():
                if value := row.cells.get(column):
                    wanted[refs_name].add(value)
        for refs_name, codes in wanted.items():
            if refs_name != "areas":
                fetch_codes(getattr(self.refs, refs_name), CODE_TABLES[refs_name], codes)

    def add(self, records: list[dict[str, Any]]) -> None:
        """Stage good records (also after a fault: duplicates are found among the staged rows)."""
        self.stage.add(records)

    def finish(self, errors: list[RowError], room: int) -> Counts:
        """Report duplicate keys (and rows outside `scope`); with no fault, count new / changed / same rows
        and (unless a dry run) write."""
        before = len(errors)
        for row, first in self.stage.duplicates(self.spec.key, room):
            errors.append(RowError(row, self.spec.key_column, _("Trùng với dòng %(row)s", row=first)))
        if self.scope is not None:
            from lms.imports.scope import scope_errors

            errors.extend(scope_errors(self, self.scope, room - (len(errors) - before)))
        if errors:
            return {NEW: 0, CHANGED: 0, SAME: 0}
        if not self.dry_run:
            serialise_writes(self.target.name)
        return self.classify_and_write()

    def classify_and_write(self) -> Counts:
        """Count new / changed / same rows against the target and (unless a dry run) write."""
        counts = self.counts = self.stage.classify(self.spec.key, self.compared)
        if not self.dry_run and (counts[NEW] or counts[CHANGED]):
            self.write()
        return counts

    def write(self) -> None:
        """Merge the staged rows into the target."""
        self.stage.merge(self.spec.key, self.updates if self.updates is not None else self.compared)

    def close(self) -> None:
        """Drop the staging table."""
        self.stage.drop()


def serialise_writes(table_name: str) -> None:
    """Let one import at a time write a table (PostgreSQL, until commit): a second one waits, then counts
    against what the first wrote. The upserts alone already prevent duplicates; this keeps counts exact."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(7302, hashtext(:t))"), {"t": table_name})


def load_areas() -> dict[str, tuple[int, str]]:
    """Return every area as code → (id, level) (areas are thousands at most)."""
    return {code: (i, level) for i, code, level in db.session.execute(sa.select(area.c.id, area.c.code, area.c.level))}


def fetch_codes(known: dict[str, int], table: sa.Table, codes: set[str]) -> None:
    """Add code → id for the codes not known yet, in one query (the cache starts over when it grows large)."""
    if len(known) + len(codes) > CACHE_LIMIT:
        known.clear()
    missing = codes - known.keys()
    if not missing:
        return
    # one parameter (an array): cheaper than 5,000 binds, and no limit on their number
    known.update(db.session.execute(sa.select(table.c.code, table.c.id).where(among(table.c.code, missing))).all())


class CodeImporter(Importer):
    """Upsert rows keyed by code; mark the written subjects and, for changed rows, the groups they left.

    On PostgreSQL the merge notes the ids it wrote in a second temporary table (`written`, with `noted`
    columns and the state, new or changed); the marks (and the people's roll) read it, in id order,
    instead of joining the staged rows to the whole target by code once more."""

    subject: ClassVar[str]  # the recompute kind of the written rows
    old_refs: ClassVar[dict[str, str]] = {}  # field → recompute kind of the group a changed row leaves
    noted: ClassVar[tuple[str, ...]] = ("id",)  # target columns of the written rows the merge notes

    def __init__(self, spec: Spec, present: Iterable[str], dry_run: bool) -> None:
        super().__init__(spec, present, dry_run)
        self.written: Stage | None = None

    def write(self) -> None:
        """Mark the groups changed rows leave, merge, then mark every written row."""
        periods = recompute_periods()
        t, s = self.target, self.stage.c
        joined = t.join(self.stage.table, self.stage.match(self.spec.key))
        for field, kind in self.old_refs.items():
            if field not in self.fields or (self.counts is not None and not self.counts[CHANGED]):
                continue  # only changed rows can leave a group
            left = (
                sa.select(t.c[field])
                .select_from(joined)
                .where(s.state == CHANGED, t.c[field].is_not(None), t.c[field].is_distinct_from(s[field]))
                .distinct()
            )
            for period in periods:
                mark_dirty(kind, left, period)
        if db.session.get_bind().dialect.name != "postgresql":
            super().write()
            for period in periods:
                mark_dirty(self.subject, self.written_ids(), period)
            return
        self.written = Stage(self.target, self.noted)
        self.stage.merge(self.spec.key, self.updates if self.updates is not None else self.compared, self.written)
        w = self.written.c
        for period in periods:
            mark_dirty(self.subject, self.written_ids(w.state == CHANGED), period)
            mark_dirty(self.subject, self.written_ids(w.state == NEW), period, fresh=True)  # ids just made

    def written_ids(self, where: sa.ColumnElement[bool] | None = None) -> Select[Any]:
        """Return the ids of the rows the merge wrote (and that meet `where`, on the noted columns)."""
        if self.written is None:  # SQLite: the staged rows joined to the target
            t = self.target
            joined = t.join(self.stage.table, self.stage.match(self.spec.key))
            query = sa.select(t.c.id).select_from(joined).where(self.stage.written())
            return query if where is None else query.where(where)
        query = sa.select(self.written.c.id)
        return query if where is None else query.where(where)

    def close(self) -> None:
        """Drop the staging tables."""
        super().close()
        if self.written is not None:
            self.written.drop()


class UnitImporter(CodeImporter):
    """Units: code, name, level, area."""

    target = Unit.__table__
    needs = {"area_code": "areas"}
    subject = "unit"
    old_refs = {"area_id": "area"}


class FamilyImporter(CodeImporter):
    """Families: code, name, village."""

    target = Family.__table__
    needs = {"village_code": "areas"}
    subject = "family"
    old_refs = {"village_id": "village"}


class ClanImporter(CodeImporter):
    """Clans: code, name, area."""

    target = Clan.__table__
    needs = {"area_code": "areas"}
    subject = "clan"
    old_refs = {"area_id": "area"}


class PersonImporter(CodeImporter):
    """People: membership changes also mark the groups they leave."""

    target = Person.__table__
    needs = {"village_code": "areas", "family_code": "families", "clan_code": "clans", "unit_code": "units"}
    subject = "person"
    old_refs = {"family_id": "family", "village_id": "village", "clan_id": "clan", "unit_id": "unit"}
    noted = ("id", "village_id", "khuyen_hoc_member")

    def write(self) -> None:
        """Write the people; with a khuyen_hoc_member column, bring the association's roll in step."""
        super().write()
        if "khuyen_hoc_member" in self.fields:
            from lms.association.services import sync_roll

            t = self.target
            if self.written is None:
                sync_roll(self.written_ids().with_only_columns(t.c.id, t.c.village_id, t.c.khuyen_hoc_member))
                return
            # a person created by this import has no place on the roll yet: unmarked, it has nothing to
            # leave, so the roll looks only at members and at the people who existed before; the merge
            # noted what the roll needs of each (no second look at `person`)
            w = self.written.c
            picked = sa.or_(w.khuyen_hoc_member.is_(True), w.state == CHANGED)
            sync_roll(sa.select(w.id, w.village_id, w.khuyen_hoc_member).where(picked))


def _years(rows: list[Row]) -> set[int]:
    """Return the years of the rows' dates that look valid (bad dates are reported by the checks)."""
    # isascii: "²" is a digit to str.isdigit, not to int()
    prefixes = {row.cells.get("date", "")[:4] for row in rows}  # few distinct: convert each once
    return {int(y) for y in prefixes if y.isascii() and y.isdigit()}


class EvidenceImporter(Importer):
    """Upsert evidence keyed by person, kind, ref and date; mark each written person for its year.

    People are resolved set-based: the rows are staged with the person's code, and once the file is
    staged one UPDATE … FROM person fills in the ids; the rows it leaves without one are reported
    ("Không tìm thấy mã …", their row and column), as are the codes of rows left out for other faults.
    """

    target = Evidence.__table__
    compare = ("category", "hours", "level", "points")
    updates = ("category", "hours", "level", "points", "source")
    extra = {"period": sa.Integer(), "person_code": sa.String(64)}

    def __init__(self, spec: Spec, present: Iterable[str], dry_run: bool) -> None:
        super().__init__(spec, present, dry_run)
        self.stage = Stage(self.target, [*self.fields, "person_code"], self.extra)
        self.written = Stage(self.target, ["person_id", "kind", "category", "period"], self.extra)  # by the merge
        self.refs.persons_later = True
        self.looked_up: set[str] = set()
        self.periods: set[int] = set()
        self.lookup = current_app.extensions.get("course_lookup")

    def prepare(self, rows: list[Row]) -> None:
        """Look up people, catalogue courses and the framework items of the rows' years."""
        super().prepare(rows)
        wanted = {r.cells.get("ref", "") for r in rows if r.cells.get("kind", "").lower() == "course"}
        if len(self.looked_up) + len(wanted) > CACHE_LIMIT:  # memory flat in the file size: start over
            self.looked_up.clear()
            self.refs.courses.clear()
        courses = wanted - self.looked_up
        courses.discard("")
        if courses and self.lookup is not None:
            self.refs.courses.update(self.lookup(courses))
        self.looked_up |= courses
        for year in _years(rows):
            if (year, "person") not in self.refs.items:
                self.refs.items[(year, "person")] = framework_items(year, "person")

    def add(self, records: list[dict[str, Any]]) -> None:
        """Stage good records and remember their years."""
        self.periods.update(r["period"] for r in records)
        super().add(records)

    def finish(self, errors: list[RowError], room: int) -> Counts:
        """Resolve the people (reporting unknown codes), then as every importer."""
        before = len(errors)
        self.resolve_people(errors, room)
        return super().finish(errors, room - (len(errors) - before))

    def resolve_people(self, errors: list[RowError], room: int) -> None:
        """Fill in the staged rows' person ids in one statement; report the rows whose code names no one
        (staged, and left out for other faults), in file order, at most `room`; unstage the former."""
        person, s = Person.__table__, self.stage.c
        missing: list[tuple[int, str]] = []
        if self.stage.created:
            resolve = self.stage.table.update().where(person.c.code == s.person_code).values(person_id=person.c.id)
            db.session.execute(resolve)
            unresolved = sa.select(s.row_no, s.person_code).where(s.person_id.is_(None))
            missing = [(row, code) for row, code in db.session.execute(unresolved.order_by(s.row_no).limit(room))]
            if missing:
                db.session.execute(self.stage.table.delete().where(s.person_id.is_(None)))
        if self.refs.unresolved:
            codes = {code for _, code in self.refs.unresolved}
            found = set(db.session.scalars(sa.select(person.c.code).where(among(person.c.code, codes))))
            missing += [(row, code) for row, code in self.refs.unresolved if code not in found]
            self.refs.unresolved.clear()
        for row, code in sorted(missing)[: max(room, 0)]:
            errors.append(RowError(row, "person_code", unknown_code(code)))

    def classify_and_write(self) -> Counts:
        """On PostgreSQL the merge itself classifies the rows (its look-up of each key is the one a
        classification would make): one INSERT … ON CONFLICT DO UPDATE … WHERE the row differs, whose
        RETURNING notes the rows written in a second temporary table, new or changed; the others are
        the same. A dry run, or SQLite, classifies first and writes nothing or then writes."""
        if self.dry_run or db.session.get_bind().dialect.name != "postgresql" or not self.stage.created:
            return super().classify_and_write()
        conn = db.session.connection()
        conn.execute(sa.text(f"SET LOCAL work_mem = '{WORK_MEM}'"))
        self.written.create()
        conn.execute(self._merge_noting())
        w = self.written.c
        staged = sa.select(sa.func.count()).select_from(self.stage.table).scalar_subquery()
        total, new, changed = conn.execute(
            sa.select(staged, sa.func.count().filter(w.state == NEW), sa.func.count().filter(w.state == CHANGED))
        ).one()
        counts = self.counts = {NEW: new, CHANGED: changed, SAME: total - new - changed}
        if new or changed:
            self.mark(self.written)
        return counts

    def _merge_noting(self) -> Any:
        """INSERT … ON CONFLICT DO UPDATE of every staged row, in key order, updating only rows that
        differ; the rows it wrote go to `written` (person, kind, category, year, new or changed)."""
        t, s = self.target, self.stage.c
        fields = [f for f in self.stage.fields if f in t.c]
        source = sa.select(*[s[f] for f in fields]).order_by(*[s[k] for k in self.spec.key])
        stmt = dialect_insert(t).from_select(fields, source)
        differs = sa.or_(*[t.c[f].is_distinct_from(stmt.excluded[f]) for f in self.compare])
        stmt = stmt.on_conflict_do_update(
            index_elements=list(self.spec.key), set_={f: stmt.excluded[f] for f in self.updates}, where=differs
        )
        # a row the conflict updated carries this transaction's lock (xmax); an inserted one has none
        state = sa.case((sa.literal_column(f"{t.name}.xmax = 0"), NEW), else_=CHANGED)
        period = sa.cast(sa.extract("year", t.c.date), sa.Integer)
        merged = stmt.returning(t.c.person_id, t.c.kind, t.c.category, period.label("period"), state.label("state"))
        m = merged.cte("merged")
        columns = ["person_id", "kind", "category", "period", "state"]
        return self.written.table.insert().from_select(columns, sa.select(*[m.c[f] for f in columns]))

    def write(self) -> None:
        """Merge, then mark (SQLite: the rows classified beforehand)."""
        super().write()
        self.mark()

    def mark(self, rows: Stage | None = None) -> None:
        """Mark each written person (of `rows`, else the staged rows) for the evidence's year."""
        stage = rows or self.stage
        s = stage.c
        for period in sorted(self.periods):
            people = sa.select(s.person_id).where(stage.written(), s.period == period).distinct()
            mark_dirty("person", people, period)
        # digital-skill and criteria-study courses also count in later years (see affected_years)
        for later in periods_with_framework():
            lasting = (
                sa.select(s.person_id)
                .where(stage.written(), s.kind == "course", s.category.in_(LASTING_CATEGORIES), s.period < later)
                .distinct()
            )
            mark_dirty("person", lasting, later)

    def close(self) -> None:
        """Drop the staging tables."""
        super().close()
        self.written.drop()


class GroupScoreImporter(Importer):
    """Upsert entered group items keyed by subject, group, item and year; mark each written group."""

    target = GroupEntry.__table__
    compare = ("date", "points")
    GROUP_REFS: ClassVar[dict[str, str]] = {"family": "families", "clan": "clans", "unit": "units"}

    def __init__(self, spec: Spec, present: Iterable[str], dry_run: bool) -> None:
        super().__init__(spec, present, dry_run)
        self.refs.areas = load_areas()
        self.pairs: set[tuple[str, int]] = set()

    def prepare(self, rows: list[Row]) -> None:
        """Look up the groups by subject and the framework items of the rows' years."""
        wanted: dict[str, set[str]] = defaultdict(set)
        subjects: set[str] = set()
        for row in rows:
            subject = row.cells.get("subject", "").lower()
            subjects.add(subject)
            if subject in self.GROUP_REFS and (value := row.cells.get("code")):
                wanted[self.GROUP_REFS[subject]].add(value)
        for refs_name, codes in wanted.items():
            fetch_codes(getattr(self.refs, refs_name), CODE_TABLES[refs_name], codes)
        for year in _years(rows):
            for subject in subjects:
                if (year, subject) not in self.refs.items:
                    self.refs.items[(year, subject)] = framework_items(year, subject)

    def add(self, records: list[dict[str, Any]]) -> None:
        """Stage good records and remember their subjects and years."""
        self.pairs.update((r["subject"], r["period"]) for r in records)
        super().add(records)

    def write(self) -> None:
        """Merge, then mark each written group for its year."""
        super().write()
        s = self.stage.c
        for subject, period in sorted(self.pairs):
            written = sa.select(s.subject_id).where(self.stage.written(), s.subject == subject, s.period == period)
            mark_dirty(subject, written.distinct(), period)


class AreaImporter:
    """Areas are few: keep the file's rows, resolve parents against the file and the database, check the tree."""

    scope: Area | None = None  # set like the other importers' (areas are imported by admins: never narrowed)

    def __init__(self, spec: Spec, present: Iterable[str], dry_run: bool) -> None:
        self.spec, self.dry_run = spec, dry_run
        self.refs = Refs()
        present = set(present)
        self.has_parent, self.has_flag = "parent_code" in present, "disadvantaged" in present
        self.has_admin_code = "admin_code" in present
        self.records: list[dict[str, Any]] = []
        self.file_codes: set[str] = set()

    def prepare(self, rows: list[Row]) -> None:
        """Note every code of the file, bad rows included (the tree is checked in `finish`)."""
        self.file_codes.update(row.cells.get("code", "") for row in rows)

    def add(self, records: list[dict[str, Any]]) -> None:
        """Keep the good records."""
        self.records.extend(records)

    def close(self) -> None:
        """Nothing to clean up."""

    def finish(self, errors: list[RowError], room: int) -> Counts:
        """Check codes, parents, levels and cycles; count; unless a dry run, upsert, link parents, rebuild paths."""
        self._drop_duplicates(errors)
        if not self.dry_run:
            serialise_writes("area")
        existing = {
            r.code: r
            for r in db.session.execute(
                sa.select(
                    area.c.id,
                    area.c.code,
                    area.c.parent_id,
                    area.c.name,
                    area.c.level,
                    area.c.disadvantaged,
                    area.c.admin_code,
                )
            )
        }
        code_of = {r.id: r.code for r in existing.values()}
        parent_of = {code: code_of.get(r.parent_id) for code, r in existing.items()}
        level_of = {code: r.level for code, r in existing.items()}
        for rec in self.records:
            level_of[rec["code"]] = rec["level"]
            if self.has_parent or rec["code"] not in existing:
                parent_of[rec["code"]] = rec["parent_code"]
        self._check_tree(parent_of, level_of, errors)
        if errors:  # this file's faults, found here or on the rows
            return {NEW: 0, CHANGED: 0, SAME: 0}
        new, changed = [], []
        for rec in self.records:
            old = existing.get(rec["code"])
            if old is None:
                new.append(rec)
            elif (
                (old.name, old.level, code_of.get(old.parent_id))
                != (
                    rec["name"],
                    rec["level"],
                    parent_of[rec["code"]],
                )
                or (self.has_flag and old.disadvantaged != rec["disadvantaged"])
                or (self.has_admin_code and old.admin_code != rec["admin_code"])
            ):
                changed.append(rec)
        counts = {NEW: len(new), CHANGED: len(changed), SAME: len(self.records) - len(new) - len(changed)}
        if not self.dry_run and (new or changed):
            self._write(new + changed, parent_of)
            self._mark(changed, existing, code_of, parent_of)
        return counts

    def _drop_duplicates(self, errors: list[RowError]) -> None:
        """Report each code a previous row of the file has already, and keep only the first."""
        first: dict[str, int] = {}
        kept = []
        for rec in self.records:
            found = first.setdefault(rec["code"], rec["row"])
            if found != rec["row"]:
                errors.append(RowError(rec["row"], "code", _("Trùng với dòng %(row)s", row=found)))
            else:
                kept.append(rec)
        self.records = kept

    def _check_tree(self, parent_of: dict[str, str | None], level_of: dict[str, str], errors: list[RowError]) -> None:
        """Report unknown parents, a parent not above its child, and cycles, on the rows that cause them."""
        for rec in self.records:
            code, parent = rec["code"], parent_of[rec["code"]]
            if parent is None or (parent not in level_of and parent in self.file_codes):
                continue  # no parent, or a parent on a bad row (reported there)
            if parent not in level_of:
                errors.append(
                    RowError(rec["row"], "parent_code", _("Không tìm thấy vùng cha có mã %(code)s", code=parent))
                )
            elif (chain := _cycle(code, parent_of)) is not None:
                loop = " → ".join([*chain, code])
                errors.append(RowError(rec["row"], "parent_code", _("Vòng lặp trong cây vùng: %(chain)s", chain=loop)))
            elif AREA_LEVELS.index(level_of[parent]) >= AREA_LEVELS.index(rec["level"]):
                message = _(
                    "Vùng cha %(code)s (cấp %(parent)s) phải ở cấp cao hơn cấp %(level)s",
                    code=parent,
                    parent=level_of[parent],
                    level=rec["level"],
                )
                errors.append(RowError(rec["row"], "parent_code", message))

    def _write(self, records: list[dict[str, Any]], parent_of: dict[str, str | None]) -> None:
        """Upsert the areas, then set their parents (new parents may be in the same file), then the paths."""
        fields = [
            "code",
            "name",
            "level",
            *(["disadvantaged"] if self.has_flag else []),
            *(["admin_code"] if self.has_admin_code else []),
        ]
        stmt = dialect_insert(area)
        stmt = stmt.on_conflict_do_update(index_elements=["code"], set_={f: stmt.excluded[f] for f in fields[1:]})
        db.session.execute(stmt, [{f: r[f] for f in fields} for r in records])
        ids = dict(db.session.execute(sa.select(area.c.code, area.c.id)).all())
        db.session.execute(
            sa.update(area).where(area.c.code == sa.bindparam("b_code")).values(parent_id=sa.bindparam("b_parent")),
            [{"b_code": r["code"], "b_parent": ids.get(parent_of[r["code"]])} for r in records],
            execution_options={"synchronize_session": False},
        )
        rebuild_paths()

    def _mark(
        self,
        changed: list[dict[str, Any]],
        existing: dict[str, Any],
        code_of: dict[int, str],
        parent_of: dict[str, str | None],
    ) -> None:
        """Mark everyone living in or below an area that moved or changed its disadvantaged flag."""
        moved = [
            r["code"]
            for r in changed
            if code_of.get(existing[r["code"]].parent_id) != parent_of[r["code"]]
            or (self.has_flag and existing[r["code"]].disadvantaged != r["disadvantaged"])
        ]
        if not moved:
            return
        paths = db.session.scalars(sa.select(area.c.path).where(area.c.code.in_(moved))).all()
        under = sa.select(area.c.id).where(sa.or_(*[area.c.path.startswith(p) for p in paths]))
        people: Select[Any] = sa.select(Person.__table__.c.id).where(Person.__table__.c.village_id.in_(under))
        for period in recompute_periods():
            mark_dirty("person", people, period)


def _cycle(start: str, parent_of: dict[str, str | None]) -> list[str] | None:
    """Return the chain start → … back to start if following parents loops through start, else None."""
    chain, node = [start], parent_of.get(start)
    while node is not None:
        if node == start:
            return chain
        if node in chain:
            return None  # a loop above `start`, reported on the rows that form it
        chain.append(node)
        node = parent_of.get(node)
    return None


class ContributionImporter(Importer):
    """Contributions (lms.contributions): upserted by area and decision or receipt number."""

    target = Contribution.__table__
    needs = {"area_code": "areas"}


class BranchImporter(Importer):
    """Khuyến học branches (lms.association): upserted by code."""

    target = Branch.__table__
    needs = {"area_code": "areas", "unit_code": "units"}


class MemberImporter(Importer):
    """The Khuyến học roll: a person's place (one branch each); the people join I1's population."""

    target = Member.__table__
    needs = {"branch_code": "branches", "person_code": "persons"}

    def write(self) -> None:
        """Merge the roll, then mark the people who were not members yet (I1 reads the flag) and recompute them."""
        person = Person.__table__
        joining = list(
            db.session.scalars(
                sa.select(person.c.id).where(
                    person.c.id.in_(sa.select(self.stage.c.person_id)), person.c.khuyen_hoc_member.is_(False)
                )
            )
        )
        super().write()
        if joining:
            db.session.execute(sa.update(person).where(person.c.id.in_(joining)).values(khuyen_hoc_member=True))
            for period in recompute_periods():
                mark_dirty("person", joining, period)


IMPORTERS: dict[str, type[Importer] | type[AreaImporter]] = {
    "areas": AreaImporter,
    "units": UnitImporter,
    "families": FamilyImporter,
    "clans": ClanImporter,
    "people": PersonImporter,
    "evidence": EvidenceImporter,
    "group-scores": GroupScoreImporter,
    "contributions": ContributionImporter,
    "kh-branches": BranchImporter,
    "kh-members": MemberImporter,
}
