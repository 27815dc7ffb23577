"""The recompute pipeline: the dirty-subject outbox, its batched drain, and full recomputes.

Services that change evidence, membership or decisions call `mark_dirty` in the same transaction.
The worker calls `drain_batch` (persons → their families, clans, villages, units → area figures),
and `run_full_recompute` for a whole year in chunks by commune. Both run the same engine statements;
only the scope differs, so the incremental state always equals a full recompute.
"""

import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.sql import CompoundSelect, Select

from lms.areas.models import Area
from lms.bulk import id_values
from lms.criteria.engine import CompiledFramework, Listed, family_closure, score_groups, score_people
from lms.criteria.models import GroupResult
from lms.criteria.services import NoFramework, compiled_framework
from lms.extensions import db
from lms.indicators import services as indicators
from lms.people.models import Clan, Family, Person, Unit
from lms.recompute.models import DirtySubject, FailedBatch, RecomputeJob, ScopeMember
from lms.util import utcnow

dirty = DirtySubject.__table__
scope_table = ScopeMember.__table__
person = Person.__table__
family = Family.__table__
clan = Clan.__table__
unit = Unit.__table__
area = Area.__table__


def _insert(table: sa.Table) -> Any:
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    return insert(table)


def mark_dirty(kind: str, ids: Iterable[int] | Select[Any], period: int, *, fresh: bool = False) -> None:
    """Record that subjects must be recomputed for the year; repeated marks collapse (seq bumps).

    One set-based statement whatever the number of subjects: a list of ids travels as one parameter
    (lms.bulk.id_values), never one parameter per row. `fresh`: the subjects were created by the caller's
    transaction, so none can have a mark yet — a plain INSERT, without the conflict check of each row
    (1,000,000 imported people: 2.8 s against 4–5.6 s)."""
    if not isinstance(ids, Select):
        ids = list(ids)
        if not ids:
            return
        ids = id_values(ids)
    source = ids.subquery()
    rows = sa.select(
        sa.literal(kind),
        source.c[0],
        sa.literal(period),
        sa.literal(1),
        sa.literal(utcnow(), sa.DateTime(timezone=True)),
    ).where(sa.true())
    # in key order: the outbox's index is written leaf after leaf (about twice as fast for 100,000s of
    # subjects as in hash order), and two writers lock their rows in the same order
    rows = rows.order_by(source.c[0])
    stmt = _insert(dirty).from_select(["subject_kind", "subject_id", "period", "seq", "created_at"], rows)
    if not fresh:
        stmt = stmt.on_conflict_do_update(
            index_elements=["subject_kind", "subject_id", "period"], set_={"seq": dirty.c.seq + 1}
        )
    db.session.execute(stmt)


def _ids(table: sa.Table, ids: list[int]) -> Select[Any]:
    return sa.select(table.c.id).where(table.c.id.in_(id_values(ids)))


def _union(*selects: Select[Any] | None) -> Select[Any] | None:
    parts = [s for s in selects if s is not None]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    u = sa.union(*parts).subquery()
    return sa.select(u.c[0])


def _lock(conn: sa.Connection, period: int) -> None:
    """Serialise recompute writers of a year (PostgreSQL); SQLite serialises writers anyway."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k, :p)"), {"k": 7301, "p": period})
        _plan_settings(conn)


def _plan_settings(conn: sa.Connection) -> None:
    """How the engine's statements are planned in this transaction (PostgreSQL)."""
    if conn.dialect.name == "postgresql":
        # JIT compilation costs more than it saves on these short, many-join statements
        conn.execute(sa.text("SET LOCAL jit = off"))
        # every step runs the same statement text with other ids: psycopg prepares it from the 6th
        # run, and PostgreSQL would then switch to a generic plan made without the ids (it cannot
        # know how many, nor their range) — one that scans the evidence per person; plan each run
        conn.execute(sa.text("SET LOCAL plan_cache_mode = force_custom_plan"))


class Scope:
    """The subjects one recompute batch touches, materialised in `recompute_scope` step by step,
    so every statement reads a flat list instead of re-deriving nested subqueries."""

    def __init__(self) -> None:
        self.batch = secrets.randbits(62)
        self.kinds: set[str] = set()
        self.stale = False

    def add(self, kind: str, *sources: Select[Any] | None) -> None:
        for source in sources:
            if source is None:
                continue
            sub = source.subquery()
            rows = sa.select(sa.literal(self.batch), sa.literal(kind), sub.c[0]).where(sub.c[0].is_not(None)).distinct()
            stmt = _insert(scope_table).from_select(["batch", "kind", "subject_id"], rows)
            db.session.execute(stmt.on_conflict_do_nothing())
            self.kinds.add(kind)
            self.stale = True

    def ids(self, kind: str) -> Select[Any] | None:
        if kind not in self.kinds:
            return None
        if self.stale and db.session.get_bind().dialect.name == "postgresql":
            # fresh statistics: otherwise the planner assumes one row and nests loops per subject
            db.session.execute(sa.text("ANALYZE recompute_scope"))
        self.stale = False
        return sa.select(scope_table.c.subject_id).where(scope_table.c.batch == self.batch, scope_table.c.kind == kind)

    def clear(self) -> None:
        db.session.execute(scope_table.delete().where(scope_table.c.batch == self.batch))


def recompute_subjects(
    fw: CompiledFramework,
    *,
    persons: Select[Any] | None = None,
    families: Select[Any] | None = None,
    clans: Select[Any] | None = None,
    villages: Select[Any] | None = None,
    units: Select[Any] | None = None,
    areas: Select[Any] | None = None,
    cascade: bool = True,
    fresh: bool = False,
) -> None:
    """Recompute the given subjects and cascade: persons → groups they touch → area figures.

    With cascade=False only the subjects given are recomputed (persons with their families): a
    full recompute's commune steps, whose clans, units and area figures its last step does once.
    `fresh`: the year held no results when the full recompute began (rows are inserted, not upserted).
    """
    conn = db.session.connection()
    _lock(conn, fw.period)
    scope = Scope()
    if persons is not None:
        scope.add("person", family_closure(persons))
    people = scope.ids("person")
    if people is not None:
        score_people(conn, fw, people, fresh=fresh)

    def of_people(col: Any) -> Select[Any] | None:
        return sa.select(col).where(person.c.id.in_(people)) if people is not None else None

    scope.add("family", families, of_people(person.c.family_id))
    fams = scope.ids("family")
    if fams is not None:
        score_groups(conn, fw, "family", fams, fresh=fresh)
    if not cascade:
        scope.add("village", villages)
        vil = scope.ids("village")
        if vil is not None:
            score_groups(conn, fw, "village", vil, fresh=fresh)
        scope.clear()
        return
    scope.add(
        "clan",
        clans,
        of_people(person.c.clan_id),
        sa.select(person.c.clan_id).where(person.c.family_id.in_(fams)) if fams is not None else None,
    )
    scope.add(
        "village",
        villages,
        of_people(person.c.village_id),
        sa.select(family.c.village_id).where(family.c.id.in_(fams)) if fams is not None else None,
    )
    scope.add("unit", units, of_people(person.c.unit_id))
    cl = scope.ids("clan")
    if cl is not None:  # a clan's attainment counts in I2 for every village its people live in
        scope.add("clan_was", _attained_among("clan", fw.period, cl))
    for kind in ("clan", "village", "unit"):
        ids = scope.ids(kind)
        if ids is not None:
            score_groups(conn, fw, kind, ids)
    vil, un = scope.ids("village"), scope.ids("unit")
    changed_clans = _attainment_changed("clan", fw.period, cl, scope.ids("clan_was")) if cl is not None else None
    scope.add(
        "area",
        areas,
        vil,
        sa.select(person.c.village_id).where(person.c.clan_id.in_(changed_clans)) if cl is not None else None,  # type: ignore[arg-type]
        sa.select(clan.c.area_id).where(clan.c.id.in_(cl)) if cl is not None else None,
        sa.select(unit.c.area_id).where(unit.c.id.in_(un)) if un is not None else None,
    )
    touched = scope.ids("area")
    if touched is not None:
        indicators.refresh(conn, fw, touched)
    scope.clear()


def _attained_among(kind: str, period: int, ids: Select[Any]) -> Select[Any]:
    gr = GroupResult.__table__
    return sa.select(gr.c.subject_id).where(
        gr.c.kind == kind, gr.c.period == period, gr.c.attained.is_(True), gr.c.subject_id.in_(ids)
    )


def _attainment_changed(kind: str, period: int, ids: Select[Any], before: Select[Any] | None) -> Select[Any]:
    """Return the groups among `ids` whose attainment differs from `before` (the ids attained before)."""
    gr = GroupResult.__table__
    now = gr.c.attained.is_(True)
    if before is None:
        return _attained_among(kind, period, ids)
    return sa.select(gr.c.subject_id).where(
        gr.c.kind == kind,
        gr.c.period == period,
        gr.c.subject_id.in_(ids),
        sa.or_(sa.and_(now, gr.c.subject_id.not_in(before)), sa.and_(~now, gr.c.subject_id.in_(before))),
    )


GROUP_KINDS = {"family": "families", "clan": "clans", "village": "villages", "unit": "units", "area": "areas"}
TABLES = {"person": person, "family": family, "clan": clan, "village": area, "unit": unit, "area": area}


@dataclass
class Batch:
    """Dirty subjects claimed for one recompute transaction: (kind, id, seq) rows of one year."""

    period: int
    rows: list[tuple[str, int, int]]


def claim_batch(limit: int = 1000) -> Batch | None:
    """Lock up to `limit` dirty subjects of the oldest year (other workers skip them)."""
    oldest = db.session.execute(sa.select(dirty.c.period).order_by(dirty.c.created_at).limit(1)).scalar()
    if oldest is None:
        return None
    query = (
        sa.select(dirty.c.subject_kind, dirty.c.subject_id, dirty.c.seq)
        .where(dirty.c.period == oldest)
        .order_by(dirty.c.created_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = [tuple(r) for r in db.session.execute(query).all()]
    return Batch(oldest, rows) if rows else None


def recompute_batch(batch: Batch) -> None:
    """Recompute the batch's subjects and cascade (nothing to do for a year without a framework)."""
    try:
        fw = compiled_framework(batch.period)
    except NoFramework:
        return
    by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, subject_id, _seq in batch.rows:
        by_kind[kind].append(subject_id)
    scopes: dict[str, Any] = {
        GROUP_KINDS.get(kind, "persons"): _ids(TABLES[kind], ids) for kind, ids in by_kind.items()
    }
    recompute_subjects(fw, **scopes)


def release_batch(batch: Batch) -> None:
    """Delete the batch's marks, unless a subject was marked again meanwhile (its seq moved on)."""
    db.session.execute(
        dirty.delete().where(
            dirty.c.subject_kind == sa.bindparam("k"),
            dirty.c.subject_id == sa.bindparam("i"),
            dirty.c.period == batch.period,
            dirty.c.seq == sa.bindparam("s"),
        ),
        [{"k": k, "i": i, "s": s} for k, i, s in batch.rows],
    )


def drain_batch(limit: int = 1000) -> int:
    """Recompute one batch of dirty subjects in the caller's transaction; return its size."""
    batch = claim_batch(limit)
    if batch is None:
        return 0
    recompute_batch(batch)
    release_batch(batch)
    return len(batch.rows)


def park_batch(batch: Batch, error: str) -> FailedBatch:
    """Keep a batch that failed for a reason retrying cannot fix, so the outbox is not blocked."""
    failed = FailedBatch(period=batch.period, subjects=[[k, i] for k, i, _ in batch.rows], error=error[:4000])
    db.session.add(failed)
    release_batch(batch)
    db.session.flush()
    return failed


def rerun_failed_batch(failed: FailedBatch, actor: str) -> None:
    """Mark a parked batch's subjects dirty again (an admin's re-run after a fix); audited."""
    from lms.audit.services import audit

    by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, subject_id in failed.subjects:
        by_kind[kind].append(subject_id)
    for kind, ids in by_kind.items():
        mark_dirty(kind, ids, failed.period)
    audit(actor, "recompute.rerun", f"failed batch {failed.id}", before={"error": failed.error[:200]})
    db.session.delete(failed)
    db.session.flush()


def pending_count() -> int:
    """Return how many subjects wait to be recomputed."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(dirty)) or 0


# ---- full recompute -----------------------------------------------------------------------------
def _under(root: Area | None) -> Select[Any]:
    query = sa.select(area.c.id)
    return query.where(area.c.path.startswith(root.path)) if root is not None else query


RESULT_TABLES = ("person_result", "group_result")


def _commune_groups(communes: list[tuple[int, str]], step_people: int) -> list[list[str]]:
    """Group communes into steps of about `step_people` people each, in the order of their people's ids.

    Whole communes always: a step never splits one. Small steps cost a fixed overhead each; a
    province of 1,000,000 people in 25,000-people steps is 40 steps. Ordered by the communes' first
    person id, a step's people lie in a narrow id range (people are created commune by commune, by
    import or registration), which the engine's statements read as a range of their keys.
    """
    index = {path: n for n, (_id, path) in enumerate(communes)}
    people = [0] * len(communes)
    first: list[int | None] = [None] * len(communes)
    rows = db.session.execute(
        sa.select(area.c.path, sa.func.count(person.c.id), sa.func.min(person.c.id))
        .select_from(person.join(area, area.c.id == person.c.village_id))
        .group_by(area.c.path)
    )
    for path, count, lowest in rows:
        parts = path.strip("/").split("/")
        for depth in range(len(parts), 0, -1):
            n = index.get("/" + "/".join(parts[:depth]) + "/")
            if n is not None:
                people[n] += count
                first[n] = lowest if first[n] is None else min(first[n], lowest)
                break
    order = sorted(range(len(communes)), key=lambda n: (first[n] is None, first[n] or 0, communes[n][1]))
    groups: list[list[str]] = []
    size = step_people
    for n in order:
        if size >= step_people:
            groups.append([])
            size = 0
        groups[-1].append(communes[n][1])
        size += people[n]
    return groups


def _year_is_empty(period: int) -> bool:
    from lms.criteria.models import PersonResult

    return not db.session.scalar(sa.select(sa.exists().where(PersonResult.period == period)))


# the columns later statements join or filter the result tables on: their statistics (and the table's
# size) are what the planner needs; the JSON of items is costly to sample and never filtered on
_PLANNED_COLUMNS = {
    "person_result": "person_id, period, eligible, learned, has_plan, studied_criteria",
    "group_result": "kind, subject_id, period, attained",
}


def _refresh_statistics(table: str, step: int) -> None:
    """ANALYZE the result table a phase of a year's first full recompute fills from empty (person_result
    in the people steps, group_result in the groups steps) after its steps 1, 2, 4, 8, …: plans made on
    "empty" statistics nest loops over what the steps wrote."""
    if step & (step - 1) == 0 and db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text(f"ANALYZE {table} ({_PLANNED_COLUMNS[table]})"))


def recompute_plan(root: Area | None) -> list[list[str]]:
    """Return the communes (paths) of each commune step of a full recompute under `root` (None: everywhere)."""
    communes_q = sa.select(area.c.id, area.c.path).where(area.c.level == "commune")
    if root is not None:
        communes_q = communes_q.where(area.c.path.startswith(root.path))
        if root.level in ("commune", "village"):
            communes_q = sa.select(area.c.id, area.c.path).where(area.c.id == root.id)
    communes = [tuple(r) for r in db.session.execute(communes_q.order_by(area.c.path)).all()]
    return _commune_groups(communes, current_app.config.get("RECOMPUTE_STEP_PEOPLE", 25_000))


def _listed(ids: Select[Any] | CompoundSelect[Any]) -> list[int]:
    """Return the ids of a step's scope, in order: bound as one parameter (engine.Listed), the planner
    knows exactly how many rows each statement reads (a subquery over areas it can only guess)."""
    return sorted(db.session.execute(ids).scalars())


def in_parts(
    conn: sa.Connection,
    ids: list[int],
    work: Callable[[sa.Connection, Listed], None],
    parts: int,
    confirm: Callable[[], None] | None = None,
) -> None:
    """Run `work` over the ids in up to `parts` slices of consecutive ids at once (PostgreSQL): the first
    slice on `conn` (the step's transaction, which holds the year's lock), each other one on a
    connection of its own, in a thread; those commit when every slice has succeeded (after `confirm`,
    the worker's lease check), else all roll back. The slices' key ranges are disjoint, so the writers
    never meet. A crash between the slices' commits and the step's leaves the step undone in the job:
    it runs again (over rows that are there: the same results)."""
    size = -(-len(ids) // max(parts, 1)) if ids else 0
    slices = [ids[n : n + size] for n in range(0, len(ids), size)] if size else []
    if len(slices) <= 1 or conn.dialect.name != "postgresql":
        work(conn, Listed(ids))
        return
    others = [db.engine.connect() for _ in slices[1:]]
    try:
        for other in others:
            _plan_settings(other)
        with ThreadPoolExecutor(max_workers=len(others)) as pool:
            futures = [pool.submit(work, other, Listed(part)) for other, part in zip(others, slices[1:], strict=True)]
            try:
                work(conn, Listed(slices[0]))
            finally:
                wait(futures)
            for future in futures:
                future.result()  # re-raises a slice's error
        if confirm is not None:
            confirm()
        for other in others:
            other.commit()
    finally:
        for other in others:
            other.close()  # rolls back what was not committed


def full_recompute_chunks(
    period: int,
    root: Area | None,
    fw: CompiledFramework | None = None,
    plan: list[list[str]] | None = None,
    *,
    connections: int = 1,
    confirm: Callable[[], None] | None = None,
) -> list[Callable[[], None]]:
    """Return the steps of a full recompute of the year under `root` (None: everywhere).

    First the people of each group of whole communes (about RECOMPUTE_STEP_PEOPLE people, or as
    `plan` fixed them), then the families and villages of each group — once every person's result
    is final, so each family is scored once — then one step for clans, units and the area figures.
    A step reads its communes' rows directly (no staged scope): it is one set-based statement per
    table. Each step is one transaction when the caller commits between steps. `fw` replaces the
    published framework (a dry run of a candidate). With `connections` > 1 (PostgreSQL) the people
    and the families of a step are scored in that many slices at once (`in_parts`), the other slices
    committing at the step's end — only for a caller that commits every step (never a dry run).
    """
    fw = fw or compiled_framework(period)
    groups = plan if plan is not None else recompute_plan(root)
    filling = _year_is_empty(period)  # else the statistics already describe a year's worth of rows
    steps: list[Callable[[], None]] = []

    def inside(paths: list[str]) -> Select[Any]:
        return sa.select(area.c.id).where(sa.or_(*(area.c.path.startswith(p) for p in paths)))

    def people_step(number: int, paths: list[str]) -> Callable[[], None]:
        def step() -> None:
            conn = db.session.connection()
            _lock(conn, fw.period)
            persons = sa.select(person.c.id).where(person.c.village_id.in_(inside(paths)))

            def score(on: sa.Connection, ids: Listed) -> None:
                score_people(on, fw, ids, fresh=filling)

            in_parts(conn, _listed(persons), score, connections, confirm)
            if filling:
                _refresh_statistics("person_result", number)

        return step

    def groups_step(number: int, paths: list[str]) -> Callable[[], None]:
        def step() -> None:
            conn = db.session.connection()
            _lock(conn, fw.period)
            here = inside(paths)
            families = sa.union(  # those living here, and those of people living here (a commune root)
                sa.select(family.c.id).where(family.c.village_id.in_(here)),
                sa.select(person.c.family_id).where(person.c.village_id.in_(here), person.c.family_id.is_not(None)),
            )

            def score(on: sa.Connection, ids: Listed) -> None:
                score_groups(on, fw, "family", ids, fresh=filling)

            in_parts(conn, _listed(families), score, connections, confirm)
            villages = sa.select(area.c.id).where(area.c.id.in_(here), area.c.level == "village")
            score_groups(conn, fw, "village", villages, fresh=filling)
            if filling:
                _refresh_statistics("group_result", number)

        return step

    steps.extend(people_step(n, paths) for n, paths in enumerate(groups, start=1))
    steps.extend(groups_step(n, paths) for n, paths in enumerate(groups, start=1))
    # people living directly in an area above commune level (no commune chunk covers them)
    under = _under(root)

    def final_step() -> None:
        in_root = sa.select(person.c.id).where(person.c.village_id.in_(under))
        recompute_subjects(
            fw,
            clans=_union(
                sa.select(clan.c.id).where(clan.c.area_id.in_(under)),
                sa.select(person.c.clan_id).where(person.c.id.in_(in_root), person.c.clan_id.is_not(None)),
            ),
            units=_union(
                sa.select(unit.c.id).where(unit.c.area_id.in_(under)),
                sa.select(person.c.unit_id).where(person.c.id.in_(in_root), person.c.unit_id.is_not(None)),
            ),
            areas=under,
        )

    steps.append(final_step)
    return steps


def run_full_recompute(
    period: int,
    root: Area | None,
    job: RecomputeJob | None = None,
    before_commit: Callable[[], None] | None = None,
) -> None:
    """Run every step of a full recompute, committing after each and updating the job's progress.

    A job already running (its worker died) resumes after its last finished step, over the
    communes its plan fixed. `before_commit` runs before each commit (the worker checks its lease).
    """

    def commit() -> None:
        if before_commit is not None:
            before_commit()
        db.session.commit()

    resume = job is not None and job.status == "running" and job.plan is not None
    plan = job.plan if resume and job is not None else recompute_plan(root)
    connections = current_app.config.get("RECOMPUTE_CONNECTIONS", 1)
    steps = full_recompute_chunks(period, root, plan=plan, connections=connections, confirm=before_commit)
    start = min(job.done, len(steps)) if resume and job is not None else 0
    if job is not None:
        if start:
            current_app.logger.warning("resuming recompute job %s after step %d of %d", job.id, start, len(steps))
        job.plan, job.total, job.done, job.status = plan, len(steps), start, "running"
    commit()  # what the caller wrote before is read by the steps' other connections too
    for step in steps[start:]:
        step()
        if job is not None:
            job.done += 1
        commit()
    if job is not None:
        job.status, job.finished_at = "done", utcnow()
        commit()


def fail_job(job_id: int, message: str) -> None:
    """Mark a full-recompute job failed (what its steps committed stays: each step is whole)."""
    job = db.session.get(RecomputeJob, job_id)
    if job is not None and job.status not in ("done", "failed"):
        job.status, job.error, job.finished_at = "failed", message[:2000], utcnow()
        db.session.flush()


def create_job(period: int, root: Area | None, actor: str) -> RecomputeJob:
    """Create a queued full-recompute job (the worker or --inline runs it)."""
    job = RecomputeJob(period=period, area_id=root.id if root else None, requested_by=actor, status="queued")
    db.session.add(job)
    db.session.flush()
    return job
