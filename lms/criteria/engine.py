"""The criteria engine: a framework compiled into set-based SQL, run for any scope.

Each rule kind is a small function returning a column expression. The same compiled statements
score one person, a commune or a whole province: only the scope (a SELECT of ids) differs. Nothing
here loops over people or evidence in Python.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.sql.functions import FunctionElement

from lms.areas.models import Area
from lms.bulk import IdSet
from lms.criteria.models import GroupResult, PersonResult
from lms.evidence.models import Evidence, GroupEntry
from lms.people.models import Clan, Family, Person, Unit, counted
from lms.titles.models import Award

ev = Evidence.__table__
person = Person.__table__
area = Area.__table__
family = Family.__table__
award = Award.__table__
group_result = GroupResult.__table__
person_result = PersonResult.__table__

ZERO = sa.literal(0)
GROUP_TABLES = {"family": family, "clan": Clan.__table__, "village": area, "unit": Unit.__table__}


def _num(value: Any) -> ColumnElement[Any]:
    return sa.literal(Decimal(str(value)), sa.Numeric(12, 4))


def round2(expr: ColumnElement[Any]) -> ColumnElement[Any]:
    """Round to 2 decimals, half up, once (points are never negative).

    Cast to an unconstrained NUMERIC: a scale of its own would round first (9.50495 → 9.5050 → 9.51).
    """
    return sa.func.round(sa.cast(expr, sa.Numeric()), 2)


class _Least(FunctionElement[Any]):
    """LEAST(a, b) on PostgreSQL, the scalar MIN(a, b) on SQLite."""

    name = "least"
    inherit_cache = True


@compiles(_Least)
def _least_default(element: _Least, compiler: Any, **kw: Any) -> str:
    return f"LEAST({compiler.process(element.clauses, **kw)})"


@compiles(_Least, "sqlite")
def _least_sqlite(element: _Least, compiler: Any, **kw: Any) -> str:
    return f"MIN({compiler.process(element.clauses, **kw)})"


def cap(expr: ColumnElement[Any], maximum: Any) -> ColumnElement[Any]:
    """Return min(expr, maximum) without repeating expr."""
    return _Least(expr, _num(maximum))


def flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """1 when the condition holds, else 0."""
    return sa.case((condition, 1), else_=0)


@dataclass(frozen=True)
class Window:
    """The evaluation year: evidence counts if dated inside it (digital level: up to its end)."""

    period: int

    @property
    def start(self) -> date:
        return date(self.period, 1, 1)

    @property
    def end(self) -> date:
        return date(self.period, 12, 31)

    def inside(self) -> ColumnElement[bool]:
        return ev.c.date.between(self.start, self.end)


def rule_condition(rule: dict[str, Any], item: str, window: Window) -> ColumnElement[bool] | None:
    """Return which evidence rows a person rule reads (None: it reads other people's learning).

    The score aggregates these rows and the explanation lists them, so the two cannot disagree.
    """
    kind = rule["kind"]
    inside = window.inside()
    if kind == "courses_completed":
        cond = sa.and_(ev.c.kind == "course", inside)
        if rule["categories"] != "any":
            cond = sa.and_(cond, ev.c.category.in_(sorted(rule["categories"])))
        return cond
    if kind == "learning_hours":
        return sa.and_(ev.c.kind.in_(sorted(rule["evidence"])), inside)
    if kind == "sessions_attended":
        return sa.and_(ev.c.kind == "session", inside)
    if kind == "digital_level":
        return sa.and_(
            ev.c.kind == "course",
            ev.c.category == "digital_skill",
            ev.c.level.in_(("basic", "proficient")),
            ev.c.date <= window.end,
        )
    if kind == "declaration":
        return sa.and_(ev.c.kind == "declaration", ev.c.ref == item, inside)
    if kind == "learning_plan":
        return sa.and_(ev.c.kind == "plan", inside)
    return None


LEARNED_RULE = {"kind": "learning_hours", "evidence": ["course", "session"]}


class PersonFeatures:
    """Aggregates over a person's evidence, one column per distinct rule need (deduplicated)."""

    def __init__(self, window: Window) -> None:
        self.window = window
        self.columns: dict[str, ColumnElement[Any]] = {}
        # always available: the predicates and indicator inputs
        self.add("learned", sa.func.max(flag(rule_condition(LEARNED_RULE, "", window))))  # type: ignore[arg-type]
        self.add("has_plan", sa.func.max(flag(rule_condition({"kind": "learning_plan"}, "", window))))  # type: ignore[arg-type]
        level = sa.case((ev.c.level == "proficient", 2), (ev.c.level == "basic", 1), else_=0)
        digital = rule_condition({"kind": "digital_level"}, "", window)
        self.add("digital_level", sa.func.max(sa.case((digital, level), else_=0)))  # type: ignore[arg-type]
        self.add(
            "studied_criteria",
            sa.func.max(
                flag(sa.and_(ev.c.kind == "course", ev.c.category == "criteria_study", ev.c.date <= window.end))
            ),
        )

    def add(self, name: str, aggregate: ColumnElement[Any]) -> str:
        self.columns.setdefault(name, aggregate)
        return name

    def _cond(self, rule: dict[str, Any], item: str = "") -> ColumnElement[bool]:
        cond = rule_condition(rule, item, self.window)
        assert cond is not None
        return cond

    def courses(self, rule: dict[str, Any]) -> str:
        cats = rule["categories"]
        name = "courses_" + ("any" if cats == "any" else "_".join(sorted(cats)))
        return self.add(name, sa.func.count(sa.distinct(sa.case((self._cond(rule), ev.c.ref)))))

    def hours(self, rule: dict[str, Any]) -> str:
        name = "hours_" + "_".join(sorted(rule["evidence"]))
        return self.add(name, sa.func.coalesce(sa.func.sum(sa.case((self._cond(rule), ev.c.hours))), 0))

    def sessions(self, rule: dict[str, Any]) -> str:
        return self.add("sessions", sa.func.count(sa.distinct(sa.case((self._cond(rule), ev.c.ref)))))

    def declaration(self, rule: dict[str, Any], item: str) -> str:
        return self.add(
            f"decl_{item}", sa.func.coalesce(sa.func.max(sa.case((self._cond(rule, item), ev.c.points))), 0)
        )


class CompiledFramework:
    """A validated framework document turned into SQL expressions for one evaluation year."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.period: int = document["period"]
        self.window = Window(self.period)
        self.adult_min_age: int = (document.get("parameters") or {}).get("adult_min_age", 18)
        self.titles: dict[str, dict[str, Any]] = {t["subject"]: t for t in document["titles"].values()}
        self.citizen = self.titles["person"]

    # ---- people -------------------------------------------------------------------------------
    def _person_rule(self, rule: dict[str, Any], item: str, feats: PersonFeatures, cols: Any) -> ColumnElement[Any]:
        """Return the points of one person rule as an expression over the feature columns."""
        kind = rule["kind"]
        if kind == "courses_completed":
            return cols[feats.courses(rule)] * _num(rule["points_each"])
        if kind == "learning_hours":
            return cols[feats.hours(rule)] * _num(rule["points_per_hour"])
        if kind == "sessions_attended":
            return cols[feats.sessions(rule)] * _num(rule["points_each"])
        if kind == "digital_level":
            dl = cols["digital_level"]
            return sa.case((dl == 2, _num(rule["proficient"])), (dl == 1, _num(rule["basic"])), else_=_num(0))
        if kind == "declaration":
            return cols[feats.declaration(rule, item)]
        if kind == "learning_plan":
            return cols["has_plan"] * _num(rule["points"])
        if kind == "family_members_learning":
            return cols["others_learned"] * _num(rule["points_each"])
        raise ValueError(f"unknown person rule kind {kind}")

    def _item_expr(self, item: dict[str, Any], rules: list[dict[str, Any]], feats: PersonFeatures, cols: Any) -> Any:
        total = sum((round2(self._person_rule(r, item["code"], feats, cols)) for r in rules), start=_num(0))
        return cap(total, item["max"])

    def person_items(self, feats: PersonFeatures, cols: Any, audience: ColumnElement[str]) -> dict[str, Any]:
        """Return {item code: score expression}, with per-audience overrides as CASE branches."""
        overrides = self.citizen.get("overrides") or {}
        result = {}
        for item in self.citizen["items"]:
            expr = self._item_expr(item, item["rules"], feats, cols)
            branches = [
                (audience == aud, self._item_expr(item, items[item["code"]], feats, cols))
                for aud, items in overrides.items()
                if item["code"] in items
            ]
            result[item["code"]] = sa.case(*branches, else_=expr) if branches else expr
        return result

    def adult(self, birth_year: ColumnElement[int]) -> ColumnElement[bool]:
        return (sa.literal(self.period) - birth_year) >= self.adult_min_age


def family_closure(persons: Select[Any]) -> Select[Any]:
    """Return the ids of the given persons and of every member of their families."""
    fams = sa.select(person.c.family_id).where(person.c.id.in_(persons), person.c.family_id.is_not(None))
    # a UNION of two indexed lookups: `id IN … OR family_id IN …` would scan every person
    closure = sa.union(
        sa.select(person.c.id).where(person.c.id.in_(persons)),
        sa.select(person.c.id).where(person.c.family_id.in_(fams)),
    ).subquery("closure")
    return sa.select(closure.c.id)


def audience_expr() -> ColumnElement[str]:
    """A person's audience group: `group` if given, else official (with a unit), else resident."""
    derived = sa.case(
        (sa.and_(person.c.is_official.is_(True), person.c.unit_id.is_not(None)), "official"), else_="resident"
    )
    return sa.func.coalesce(sa.func.nullif(person.c.group, ""), derived)


def disadvantaged_villages() -> Select[Any]:
    """Return the ids of areas lying in (or being) an area flagged disadvantaged: the flagged areas,
    then level by level the areas below them (the parent links the paths are built from). A few hash
    joins over the area table, where testing every area's path against every flagged area's
    (`LIKE flagged.path || '%'`) took a quarter of a people step's statement at 1M citizens."""
    below = area.alias("below")
    flagged = sa.select(area.c.id).where(area.c.disadvantaged.is_(True)).cte("disadvantaged", recursive=True)
    flagged = flagged.union(sa.select(below.c.id).join(flagged, below.c.parent_id == flagged.c.id))
    return sa.select(flagged.c.id)


Bounds = tuple[int, int]


class Listed(IdSet):
    """A scope given as a list of ids (one parameter), whose bounds are known without a query."""

    def __init__(self, ids: list[int]) -> None:
        super().__init__(ids)
        self.bounds: Bounds | None = (self.ids[0], self.ids[-1]) if self.ids else None


class Slot(Listed):
    """A listed scope whose ids and bounds are named parameters (PostgreSQL), given at each execution:
    the statements of a full recompute's steps differ only in them, so each is built and compiled
    once per framework (see `write_scoped`) — building and compiling the people's statement took
    ~100 ms of Python a step."""

    def __init__(self) -> None:  # noqa: D107  # no ids of its own: IdSet's constructor is not wanted
        self.ids = []
        self.text = ""
        self._array = sa.cast(sa.bindparam("slot_ids", "", type_=sa.Text), ARRAY(sa.BigInteger))
        self.select = sa.select(sa.func.unnest(self._array).column_valued("id"))
        self.bounds = None
        # the bounds as parameters, where the engine's functions take a scope's bounds
        lo, hi = (sa.bindparam(name, 0, type_=sa.Integer) for name in ("slot_lo", "slot_hi"))
        self.slots: Bounds = (lo, hi)  # type: ignore[assignment]


Scope = Select[Any] | Listed


def resolve(conn: sa.Connection, scope: Scope) -> tuple[Scope, Bounds | None]:
    """Return a scope and its bounds (None: the scope is empty)."""
    if isinstance(scope, Listed):
        return scope, scope.bounds
    return scope, scope_bounds(conn, scope)


def within(column: Any, scope: Scope) -> ColumnElement[bool]:
    """SQL: the column's value is in the scope. A listed scope is tested as `column = ANY(ids)` on
    PostgreSQL: an index on the column then returns its rows in key order, one descent per id, where
    a join against the unnested ids hashes them, probes per id and sorts the rows again."""
    return scope.has(column) if isinstance(scope, Listed) else column.in_(scope)


def scope_bounds(conn: sa.Connection, ids: Select[Any]) -> Bounds | None:
    """Return the smallest and largest id of a scope (None: the scope is empty).

    Given as constants next to `IN (scope)`: the planner then knows how many rows of each table's
    key range a statement reads (a scalar subquery would leave it guessing, and it nests loops over
    what it takes for a few rows), and a merge join over an index never walks it from its start.
    """
    sub = ids.subquery("bounds")
    lo, hi = conn.execute(sa.select(sa.func.min(sub.c[0]), sa.func.max(sub.c[0]))).one()
    return None if lo is None else (lo, hi)


def family_learning(fw: CompiledFramework, families: Select[Any]) -> Any:
    """Return a subquery (family_id, n): how many adult members of each of `families` learned in the
    year (what "other members learning" counts), read from the members' evidence directly."""
    member = person.alias("member")
    learned = sa.exists().where(ev.c.person_id == member.c.id, rule_condition(LEARNED_RULE, "", fw.window))  # type: ignore[arg-type]
    return (
        sa.select(member.c.family_id, sa.func.sum(flag(sa.and_(fw.adult(member.c.birth_year), learned))).label("n"))
        .where(member.c.family_id.in_(families))
        .group_by(member.c.family_id)
        .subquery("fam")
    )


def scored_people(fw: CompiledFramework, persons: Scope, bounds: Bounds) -> tuple[Any, list[str]]:
    """Return a CTE scoring every person of `persons` (ids within `bounds`) and the item codes.

    A person's T1.4 reads the learning of the other members of their family, wherever they live
    (`family_learning`): `persons` need not hold them. Which persons a change touches is another
    matter (see family_closure).
    """
    feats = PersonFeatures(fw.window)
    # first pass registers the features the rules need; columns resolved on the CTE afterwards
    placeholder: dict[str, Any] = _Recorder()
    fw.person_items(feats, placeholder, sa.literal("resident"))

    scope = persons
    lo, hi = bounds
    agg = (
        sa.select(ev.c.person_id, *(col.label(name) for name, col in feats.columns.items()))
        .where(within(ev.c.person_id, scope), ev.c.person_id.between(lo, hi), ev.c.date <= fw.window.end)
        .group_by(ev.c.person_id)
        .subquery("feats")
    )
    audience = audience_expr()
    adult = fw.adult(person.c.birth_year)
    base = (
        sa.select(
            person.c.id.label("person_id"),
            person.c.family_id,
            audience.label("audience"),
            flag(adult).label("adult"),
            flag(person.c.village_id.in_(disadvantaged_villages())).label("disadvantaged"),
            *(sa.func.coalesce(agg.c[name], 0).label(name) for name in feats.columns),
        )
        .select_from(person.outerjoin(agg, agg.c.person_id == person.c.id))
        .where(within(person.c.id, scope), person.c.id.between(lo, hi))
        .cte("base")
    )
    fam = family_learning(fw, sa.select(base.c.family_id).where(base.c.family_id.is_not(None)))
    others = sa.case((fam.c.n.is_(None), 0), else_=fam.c.n - base.c.adult * base.c.learned).label("others_learned")
    inner = sa.select(base, others).select_from(base.outerjoin(fam, fam.c.family_id == base.c.family_id)).subquery("pc")
    items = fw.person_items(feats, inner.c, inner.c.audience)
    codes = list(items)
    per_item_rows = sa.select(
        inner.c.person_id,
        inner.c.audience,
        inner.c.learned,
        inner.c.has_plan,
        inner.c.digital_level,
        inner.c.studied_criteria,
        inner.c.disadvantaged,
        *(expr.label(f"i{n}") for n, expr in enumerate(items.values())),
    )
    # computed once per person: without the fence the planner would inline every item's expression
    # into the total, the eligibility test and the JSON (four times the arithmetic)
    per_item = per_item_rows.offset(0).subquery("per_item")
    item_cols = [per_item.c[f"i{n}"] for n in range(len(codes))]
    threshold = fw.citizen["threshold"]
    total = sum(item_cols, start=_num(0))
    normal = _num(threshold["total"])
    lowered = _num(threshold.get("total_disadvantaged", threshold["total"]))
    thr = sa.case((per_item.c.disadvantaged == 1, lowered), else_=normal)
    each_min = threshold.get("each_item_min")
    eligible = total >= thr
    if each_min is not None:
        eligible = sa.and_(eligible, *(c >= _num(each_min) for c in item_cols))
    scored = sa.select(
        *(c for c in per_item.c if c.name != "disadvantaged"),
        thr.label("threshold"),
        total.label("total"),
        flag(eligible).label("eligible"),
    ).cte("scored")
    return scored, codes


class _Recorder(dict[str, Any]):
    """A stand-in for the columns during the first pass: any name resolves to a dummy literal."""

    def __getitem__(self, key: str) -> ColumnElement[Any]:
        return sa.literal(0)


def upserts(conn: sa.Connection, fresh: bool) -> bool:
    """Whether results are written as upserts (PostgreSQL, over a year holding results) rather than
    a delete of the scope then inserts (SQLite, or a year being filled from empty: no conflicts to
    look for). Either way one transaction, under the year's advisory lock."""
    return conn.dialect.name == "postgresql" and not fresh


def write_sql(
    conn: sa.Connection,
    table: sa.Table,
    columns: list[str],
    rows: Select[Any],
    *,
    upsert: bool,
    key: str,
    bounds: Bounds,
) -> tuple[str, dict[str, Any]]:
    """The statement writing `rows` (one per `columns`) into `table`, compiled: its text and parameters.

    Upsert: a MERGE that updates a row only when its values changed and inserts the missing ones, so
    a nightly full recompute of an unchanged year writes (and bloats, and locks) nothing; `key` within
    `bounds` lets it read only the scope's range of the primary key. Otherwise a plain insert after
    `clear_rows`.
    """
    if not upsert:
        # the columns not given take their server defaults (person_result.updated_at: now(), as the MERGE's)
        insert = table.insert().from_select(columns, rows, include_defaults=False)
        done = insert.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
        return str(done), dict(done.params)
    source = rows.with_only_columns(*(c.label(n) for c, n in zip(rows.selected_columns, columns, strict=True)))
    compiled = source.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    keys = [c.name for c in table.primary_key.columns]
    values = [c for c in columns if c not in keys]
    sets = [f'"{c}" = s."{c}"' for c in values]
    if "updated_at" in table.c and "updated_at" not in columns:
        sets.append("updated_at = now()")  # person_result: when its values last changed
    lo, hi = (f"%({b.key})s" if isinstance(b, sa.BindParameter) else int(b) for b in bounds)

    def cols(prefix: str, names: list[str]) -> str:
        return ", ".join(f'{prefix}"{c}"' for c in names)

    on = " AND ".join(f't."{k}" = s."{k}"' for k in keys)
    on += "".join(f' AND t."{k}" = {v}' for k, v in _constant_keys(conn, source, keys).items())
    # names from the table's own metadata, bounds are integers, values travel as bound parameters
    merge = (
        f"MERGE INTO {table.name} AS t USING ({compiled}) AS s"  # noqa: S608  # nosec B608
        f' ON {on} AND t."{key}" BETWEEN {lo} AND {hi}'
        f" WHEN MATCHED AND ({cols('t.', values)}) IS DISTINCT FROM ({cols('s.', values)})"
        f" THEN UPDATE SET {', '.join(sets)}"
        f" WHEN NOT MATCHED THEN INSERT ({cols('', columns)}) VALUES ({cols('s.', columns)})"
    )
    return merge, dict(compiled.params)


def write_scoped(
    conn: sa.Connection,
    fw: CompiledFramework,
    table: sa.Table,
    columns: list[str],
    rows_for: Callable[[Scope, Bounds], Select[Any]],
    scope: Scope,
    bounds: Bounds,
    *,
    name: str,
    upsert: bool,
    key: str,
) -> None:
    """Write `rows_for(scope, bounds)` into `table` (see `write_sql`). For a listed scope on PostgreSQL
    (a full recompute's steps) the statement is built and compiled once per framework, table and write
    mode, the scope's ids and bounds given as parameters (a `Slot`)."""
    if conn.dialect.name != "postgresql":  # SQLite: inserts after `clear_rows` (`upserts`), SQLAlchemy's paramstyle
        conn.execute(table.insert().from_select(columns, rows_for(scope, bounds)))
        return
    if not isinstance(scope, Listed):
        conn.exec_driver_sql(
            *write_sql(conn, table, columns, rows_for(scope, bounds), upsert=upsert, key=key, bounds=bounds)
        )
        return
    statements = fw.__dict__.setdefault("_statements", {})
    cached = (table.name, name, upsert)
    if cached not in statements:
        slot = Slot()
        rows = rows_for(slot, slot.slots)
        statements[cached] = write_sql(conn, table, columns, rows, upsert=upsert, key=key, bounds=slot.slots)
    sql, params = statements[cached]
    lo, hi = bounds
    conn.exec_driver_sql(sql, {**params, "slot_ids": scope.text, "slot_lo": lo, "slot_hi": hi})


def _constant_keys(conn: sa.Connection, source: Select[Any], keys: list[str]) -> dict[str, str]:
    """The key columns the rows give one literal value (the year, the group kind), rendered as SQL
    literals: said of the target too, they let the MERGE read the target's rows by its primary key
    (kind, subject_id, period) rather than every group of every kind (a sequential scan of group_result
    per family step: a quarter of the statement at 1M citizens)."""
    found: dict[str, str] = {}
    for column in source.selected_columns:
        value = getattr(column, "element", column)
        if column.name in keys and isinstance(value, sa.BindParameter) and isinstance(value.value, int | str):
            found[column.name] = str(value.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    return found


def clear_rows(
    conn: sa.Connection,
    table: sa.Table,
    scope: ColumnElement[bool],
    key: Any,
    ids: Scope,
    bounds: Bounds,
    codes: list[str],
    *,
    upsert: bool,
) -> None:
    """Delete the scope's rows before they are written again: all of them, or with upserts only item
    rows whose item is no longer in the framework. The id bounds let the delete read the scope's
    range of the primary key, not the whole year."""
    where = sa.and_(scope, within(key, ids), key.between(*bounds))
    if upsert:
        if "item_code" not in table.c:
            return
        where = sa.and_(where, table.c.item_code.not_in(codes))
    conn.execute(table.delete().where(where))


# what the engine computes for a person and year (the drift check compares the same columns)
PERSON_RESULT_VALUES = (
    "audience",
    "total",
    "threshold",
    "eligible",
    "learned",
    "has_plan",
    "digital_level",
    "studied_criteria",
    "items",
)
PERSON_RESULT_COLUMNS = ["person_id", "period", *PERSON_RESULT_VALUES]


def item_points(conn: sa.Connection, scored: Any, codes: list[str]) -> Any:
    """SQL: a person's or group's points per item as one JSON object {code: points} (2 decimals)."""
    build = sa.func.jsonb_build_object if conn.dialect.name == "postgresql" else sa.func.json_object
    pairs: list[Any] = []
    for n, code in enumerate(codes):
        pairs += [sa.literal(code), sa.cast(scored.c[f"i{n}"], sa.Numeric(8, 2))]
    return build(*pairs)


def score_people(conn: sa.Connection, fw: CompiledFramework, scope: Scope, *, fresh: bool = False) -> None:
    """Recompute the results of the persons (closed over families) for the year: total, eligibility,
    predicates and the points of each item (person_result.items), one row per person.

    `fresh`: the year held no results when this full recompute began (see `upserts`).
    """
    persons, bounds = resolve(conn, scope)
    if bounds is None:
        return
    upsert = upserts(conn, fresh)
    clear_rows(
        conn,
        person_result,
        person_result.c.period == fw.period,
        person_result.c.person_id,
        persons,
        bounds,
        [],  # person_result has no item rows
        upsert=upsert,
    )

    def people_rows(persons: Scope, bounds: Bounds) -> Select[Any]:
        scored, codes = scored_people(fw, persons, bounds)
        return sa.select(
            scored.c.person_id,
            sa.literal(fw.period),
            scored.c.audience,
            scored.c.total,
            scored.c.threshold,
            scored.c.eligible == 1,
            scored.c.learned == 1,
            scored.c.has_plan == 1,
            scored.c.digital_level,
            scored.c.studied_criteria == 1,
            item_points(conn, scored, codes),
        )

    write_scoped(
        conn,
        fw,
        person_result,
        PERSON_RESULT_COLUMNS,
        people_rows,
        persons,
        bounds,
        name="people",
        upsert=upsert,
        key="person_id",
    )


# ---- groups -------------------------------------------------------------------------------------
def holders(period: int) -> Select[Any]:
    """Return the ids of persons holding the citizen title for the year (awarded, not revoked)."""
    return sa.select(award.c.person_id).where(award.c.period == period, award.c.revoked_at.is_(None))


def members_of(fw: CompiledFramework, kind: str, period: int, groups: Scope) -> Select[Any]:
    """Return (gid, member, predicate flags...) rows for the members of the groups (scores and explanations)."""
    if kind in ("family", "unit"):
        pr = person_result
        gid = person.c.family_id if kind == "family" else person.c.unit_id
        cond = fw.adult(person.c.birth_year) if kind == "family" else person.c.is_official.is_(True)
        held = holders(period).subquery("held")
        return (
            sa.select(
                gid.label("gid"),
                person.c.id.label("member"),
                flag(pr.c.learned.is_(True)).label("learned"),
                flag(pr.c.has_plan.is_(True)).label("has_learning_plan"),
                flag(pr.c.eligible.is_(True)).label("eligible"),
                flag(held.c.person_id.is_not(None)).label("holds_title"),
            )
            .select_from(
                person.outerjoin(pr, sa.and_(pr.c.person_id == person.c.id, pr.c.period == period)).outerjoin(
                    held, held.c.person_id == person.c.id
                )
            )
            .where(cond, within(gid, groups), counted(person))
        )
    gr = group_result
    if kind == "clan":
        pairs = (
            sa.select(person.c.clan_id.label("gid"), person.c.family_id.label("member"))
            .where(within(person.c.clan_id, groups), person.c.family_id.is_not(None), counted(person))
            .distinct()
            .subquery("pairs")
        )
    else:  # village: families living there
        pairs = (
            sa.select(family.c.village_id.label("gid"), family.c.id.label("member"))
            .where(within(family.c.village_id, groups))
            .subquery("pairs")
        )
    return sa.select(pairs.c.gid, pairs.c.member, flag(gr.c.attained.is_(True)).label("attains_title")).select_from(
        pairs.outerjoin(gr, sa.and_(gr.c.kind == "family", gr.c.subject_id == pairs.c.member, gr.c.period == period))
    )


def score_groups(conn: sa.Connection, fw: CompiledFramework, kind: str, scope: Scope, *, fresh: bool = False) -> None:
    """Recompute the title items and attainment of the groups (family, clan, village or unit)."""
    title = fw.titles.get(kind)
    if title is None:
        return
    groups, bounds = resolve(conn, scope)
    if bounds is None:
        return
    period = fw.period
    upsert = upserts(conn, fresh)
    where = sa.and_(group_result.c.kind == kind, group_result.c.period == period)
    clear_rows(conn, group_result, where, group_result.c.subject_id, groups, bounds, [], upsert=upsert)

    def group_rows(groups: Scope, bounds: Bounds) -> Select[Any]:
        members = members_of(fw, kind, period, groups).subquery("m")
        predicates = [c.name for c in members.c if c.name not in ("gid", "member")]
        agg = (
            sa.select(
                members.c.gid,
                sa.func.count().label("n"),
                *(sa.func.sum(members.c[p]).label(p) for p in predicates),
            )
            .group_by(members.c.gid)
            .subquery("agg")
        )
        table = GROUP_TABLES[kind]
        ge = GroupEntry.__table__
        n = sa.func.coalesce(agg.c.n, 0)
        items = {}
        for item in title["items"]:
            parts: list[ColumnElement[Any]] = []
            for rule in item["rules"]:
                if rule["kind"] == "entered":
                    entered = (
                        sa.select(ge.c.points)
                        .where(
                            ge.c.subject == kind,
                            ge.c.subject_id == table.c.id,
                            ge.c.item == item["code"],
                            ge.c.period == period,
                        )
                        .scalar_subquery()
                    )
                    parts.append(sa.func.coalesce(entered, 0))
                else:
                    count = sa.func.coalesce(agg.c[rule["predicate"]], 0)
                    points = _num(rule["points"])
                    if rule.get("mode") == "all":
                        parts.append(sa.case((sa.and_(n > 0, count == n), points), else_=_num(0)))
                    else:
                        parts.append(sa.case((n > 0, points * count / sa.cast(n, sa.Numeric(14, 4))), else_=_num(0)))
            items[item["code"]] = cap(sum((round2(p) for p in parts), start=_num(0)), item["max"])
        codes = list(items)
        per_item = (
            sa.select(table.c.id.label("gid"), *(e.label(f"i{i}") for i, e in enumerate(items.values())))
            .select_from(table.outerjoin(agg, agg.c.gid == table.c.id))
            .where(within(table.c.id, groups))
            .offset(0)  # computed once per group (see scored_people): an entered item's look-up ran three times
            .subquery("per_item")
        )
        total = sum((per_item.c[f"i{i}"] for i in range(len(codes))), start=_num(0))
        scored = sa.select(per_item, total.label("total")).cte("gscored")
        return sa.select(
            sa.literal(kind),
            scored.c.gid,
            sa.literal(period),
            scored.c.total,
            scored.c.total >= _num(title["threshold"]["total"]),
            item_points(conn, scored, codes),
        )

    columns = ["kind", "subject_id", "period", "total", "attained", "items"]
    write_scoped(
        conn, fw, group_result, columns, group_rows, groups, bounds, name=kind, upsert=upsert, key="subject_id"
    )
