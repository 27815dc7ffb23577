"""Schedule training sessions, keep their materials, take attendance; attendance becomes `session` evidence."""

import hashlib
import hmac
import re
import secrets
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_datetime
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import ColumnElement, Select

from courses.sessions.models import Attendance, Material, Registration, TrainingSession
from lms.areas.models import Area
from lms.areas.services import within
from lms.auth.models import User
from lms.bulk import id_values, upsert
from lms.evidence.models import Evidence
from lms.evidence.services import add_evidence, affected_years
from lms.extensions import db
from lms.people.models import Person, Unit
from lms.recompute.services import mark_dirty
from lms.trainers.services import covers, in_trainer_areas
from lms.uploads.services import StoredUpload
from lms.util import CODE_ALPHABET, LOCAL_TZ, fold, typed_code, utcnow

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,31}$")
TOKEN_SALT = "training-session-checkin"  # noqa: S105 - a signing salt, not a secret
TYPED_LENGTH = 6  # the session code typed on a phone that cannot scan: 30 bits, valid only while check-in is open
OPENS_BEFORE = timedelta(minutes=30)
CLOSES_AFTER = timedelta(hours=2)
SEARCH_LIMIT = 20  # people a trainer's search shows at most: narrow it down, never page through residents
SEARCH_MIN_LETTERS = 3


class SessionError(ValueError):
    """A refused change to a session; the message (already translated) says why."""


class CheckinError(ValueError):
    """A check-in code that cannot be used; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def aware(value: datetime) -> datetime:
    """Return a timestamp with its time zone (SQLite hands back naive UTC values)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def local_start(ts: TrainingSession) -> datetime:
    """Return the session's start in Vietnam's time zone."""
    return aware(ts.starts_at).astimezone(LOCAL_TZ)


def session_date(ts: TrainingSession) -> date:
    """Return the local date the session is held on (the date of its evidence)."""
    return local_start(ts).date()


def audience_area(ts: TrainingSession) -> Area:
    """Return the area the session belongs to: its audience area, or the area of its unit."""
    if ts.area is not None:
        return ts.area
    assert ts.unit is not None
    return ts.unit.area


# ---- who may see what ---------------------------------------------------------------------------
def in_audience(ts: TrainingSession, person: Person) -> bool:
    """True when the person is in the session's audience (lives in its area, or is an official of its unit)."""
    if ts.unit_id is not None:
        return person.unit_id == ts.unit_id and person.is_official
    assert ts.area is not None
    return within(person.village, ts.area)


def audience(ts: TrainingSession, search: str = "") -> Select[Person]:
    """Return the people of the session's audience, by name, optionally filtered by a folded name search."""
    if ts.unit_id is not None:
        query = sa.select(Person).where(Person.unit_id == ts.unit_id, Person.is_official.is_(True))
    else:
        assert ts.area is not None
        query = sa.select(Person).join(Area, Area.id == Person.village_id).where(Area.path.startswith(ts.area.path))
    for word in fold(search).split():
        query = query.where(Person.name_folded.contains(word, autoescape=True))
    return query.order_by(Person.name_folded, Person.id)


def sessions_for(person: Person, *, upcoming: bool = True) -> Select[TrainingSession]:
    """Return the sessions whose audience includes the person (not yet ended when `upcoming`)."""
    ancestors = [int(x) for x in person.village.path.strip("/").split("/") if x]
    reach: ColumnElement[bool] = TrainingSession.area_id.in_(ancestors)
    if person.is_official and person.unit_id is not None:
        reach = sa.or_(reach, TrainingSession.unit_id == person.unit_id)
    query = sa.select(TrainingSession).where(reach)
    if upcoming:
        query = query.where(TrainingSession.ends_at >= utcnow())
    return query.order_by(TrainingSession.starts_at)


def attended_by(person: Person) -> Select[TrainingSession, Attendance]:
    """Return the sessions the person attended, newest first, with the attendance."""
    return (
        sa.select(TrainingSession, Attendance)
        .join(Attendance, Attendance.session_id == TrainingSession.id)
        .where(Attendance.person_id == person.id)
        .order_by(TrainingSession.starts_at.desc())
    )


def sessions_of(trainer: User) -> Select[TrainingSession]:
    """Return a trainer's sessions, newest first."""
    return (
        sa.select(TrainingSession)
        .where(TrainingSession.trainer_id == trainer.id)
        .order_by(TrainingSession.starts_at.desc())
    )


def sessions_in(scope: Area) -> Select[TrainingSession]:
    """Return the sessions held in an area (for an area audience or a unit of the area), newest first."""
    area_ids = sa.select(Area.id).where(Area.path.startswith(scope.path))
    unit_ids = sa.select(Unit.id).where(Unit.area_id.in_(area_ids))
    return (
        sa.select(TrainingSession)
        .where(sa.or_(TrainingSession.area_id.in_(area_ids), TrainingSession.unit_id.in_(unit_ids)))
        .order_by(TrainingSession.starts_at.desc())
    )


def attendance_count(ts: TrainingSession) -> int:
    """Return how many people attended the session."""
    return db.session.scalar(sa.select(sa.func.count()).where(Attendance.session_id == ts.id)) or 0


def attendance_counts(session_ids: list[int]) -> dict[int, int]:
    """Return {session id: number attending} for a page of sessions."""
    if not session_ids:
        return {}
    rows = db.session.execute(
        sa.select(Attendance.session_id, sa.func.count())
        .where(Attendance.session_id.in_(session_ids))
        .group_by(Attendance.session_id)
    )
    return {session_id: count for session_id, count in rows}


def present_among(ts: TrainingSession, person_ids: list[int]) -> set[int]:
    """Return which of these people are marked present."""
    if not person_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Attendance.person_id).where(
                Attendance.session_id == ts.id, Attendance.person_id.in_(id_values(person_ids))
            )
        )
    )


# ---- the audience a trainer may choose ----------------------------------------------------------
def audience_options(trainer: User) -> dict[str, Any]:
    """Return the communes (with their villages) and units inside the trainer's areas (none without one)."""
    areas = sa.select(Area).where(
        Area.level.in_(("commune", "village")), Area.valid_to.is_(None), in_trainer_areas(Area.path, trainer)
    )
    units = sa.select(Unit).join(Area, Area.id == Unit.area_id).where(in_trainer_areas(Area.path, trainer))
    found = list(db.session.scalars(areas.order_by(Area.path)))
    communes: dict[int | None, dict[str, Any]] = {
        a.id: {"commune": a, "villages": []} for a in found if a.level == "commune"
    }
    loose: list[Area] = []
    for area in found:
        if area.level == "village":
            if area.parent_id in communes:
                communes[area.parent_id]["villages"].append(area)
            else:
                loose.append(area)
    groups = sorted(communes.values(), key=lambda g: fold(g["commune"].name))
    for group in groups:
        group["villages"].sort(key=lambda v: fold(v.name))
    return {"groups": groups, "loose": loose, "units": list(db.session.scalars(units.order_by(Unit.name)))}


def parse_audience(value: str, trainer: User) -> tuple[Area | None, Unit | None]:
    """Turn a form value `area:CODE` or `unit:CODE` into the audience, checked against the trainer's areas."""
    kind, _sep, code = value.partition(":")
    if kind == "area":
        area = db.session.scalar(sa.select(Area).where(Area.code == code, Area.level.in_(("commune", "village"))))
        if area is not None and area.valid_to is None and covers(trainer, area):
            return area, None
    elif kind == "unit":
        unit = db.session.scalar(sa.select(Unit).where(Unit.code == code))
        if unit is not None and covers(trainer, unit.area):
            return None, unit
    raise SessionError(_("Hãy chọn đối tượng (xã, thôn hoặc đơn vị) trong địa bàn được giao cho bạn."))


def trainer_works_here(ts: TrainingSession, trainer: User) -> bool:
    """True when the session's audience lies inside the trainer's areas: only then may they see or mark
    its people (an area taken back leaves the session, but nobody in it, to the trainer)."""
    return covers(trainer, audience_area(ts))


def audience_value(ts: TrainingSession) -> str:
    """Return the form value of a session's audience."""
    if ts.unit is not None:
        return f"unit:{ts.unit.code}"
    assert ts.area is not None
    return f"area:{ts.area.code}"


# ---- scheduling ---------------------------------------------------------------------------------
def new_code(starts_at: datetime) -> str:
    """Return a fresh session code such as TH2026-3FA9C1."""
    return f"TH{starts_at.astimezone(LOCAL_TZ).year}-{secrets.token_hex(3).upper()}"


def _clean_code(code: str, starts_at: datetime) -> str:
    code = (code or "").strip().upper() or new_code(starts_at)
    if not CODE_PATTERN.match(code):
        raise SessionError(_("Mã lớp chỉ gồm chữ không dấu, số và các dấu . _ - (tối đa 32 ký tự)."))
    return code


def _check_times(starts_at: datetime, ends_at: datetime, hours: Decimal) -> None:
    if ends_at <= starts_at:
        raise SessionError(_("Giờ kết thúc phải sau giờ bắt đầu."))
    if hours <= 0 or hours > Decimal(str((ends_at - starts_at).total_seconds() / 3600)) + Decimal("0.01"):
        raise SessionError(_("Số giờ được tính phải lớn hơn 0 và không quá thời lượng của lớp."))


def schedule_session(
    trainer: User,
    *,
    code: str,
    title: str,
    description: str,
    audience: str,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    hours: Decimal,
) -> TrainingSession:
    """Schedule a session for an area or a unit of the trainer's scope."""
    area, unit = parse_audience(audience, trainer)
    _check_times(starts_at, ends_at, hours)
    code = _clean_code(code, starts_at)
    ts = TrainingSession(
        code=code,
        title=title.strip(),
        description=description.strip(),
        area=area,
        unit=unit,
        place=place.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        hours=hours,
        trainer_id=trainer.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(ts)
    except IntegrityError:
        raise SessionError(_("Mã lớp %(code)s đã được dùng. Hãy chọn mã khác.", code=code)) from None
    return ts


def update_session(
    ts: TrainingSession,
    trainer: User,
    *,
    code: str,
    title: str,
    description: str,
    audience: str,
    place: str,
    starts_at: datetime,
    ends_at: datetime,
    hours: Decimal,
) -> TrainingSession:
    """Change a session; once people attended, its code, date and hours (their evidence) stay as they were."""
    area, unit = parse_audience(audience, trainer)
    _check_times(starts_at, ends_at, hours)
    code = _clean_code(code or ts.code, starts_at)
    if attendance_count(ts):
        same_day = starts_at.astimezone(LOCAL_TZ).date() == session_date(ts)
        if code != ts.code or not same_day or Decimal(hours) != Decimal(ts.hours):
            raise SessionError(_("Lớp đã có người điểm danh: không đổi được mã lớp, ngày học và số giờ."))
    ts.code, ts.title, ts.description, ts.place = code, title.strip(), description.strip(), place.strip()
    ts.area, ts.unit = area, unit
    ts.starts_at, ts.ends_at, ts.hours = starts_at, ends_at, hours
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise SessionError(_("Mã lớp %(code)s đã được dùng. Hãy chọn mã khác.", code=code)) from None
    return ts


# ---- materials ----------------------------------------------------------------------------------
def material_with(ts: TrainingSession, sha256: str) -> Material | None:
    """Return the session's material with this content, if it has one already."""
    return db.session.scalar(sa.select(Material).where(Material.session_id == ts.id, Material.sha256 == sha256))


def add_material(ts: TrainingSession, stored: StoredUpload) -> Material:
    """Attach a stored file to the session (the same content twice is kept once)."""
    existing = db.session.scalar(
        sa.select(Material).where(Material.session_id == ts.id, Material.sha256 == stored.sha256)
    )
    if existing is not None:
        return existing
    material = Material(session_id=ts.id, sha256=stored.sha256, size=stored.size, kind=stored.kind, name=stored.name)
    try:
        with db.session.begin_nested():
            db.session.add(material)
    except IntegrityError:
        found = db.session.scalar(
            sa.select(Material).where(Material.session_id == ts.id, Material.sha256 == stored.sha256)
        )
        assert found is not None
        return found
    return material


def remove_material(material: Material) -> None:
    """Detach a file from its session (the stored content may still serve other records)."""
    db.session.delete(material)
    db.session.flush()


# ---- registration and the trainer's list -----------------------------------------------------------
def registration(ts: TrainingSession, person: Person) -> Registration | None:
    """Return the person's registration for the session, if any."""
    return db.session.scalar(
        sa.select(Registration).where(Registration.session_id == ts.id, Registration.person_id == person.id)
    )


def register(ts: TrainingSession, person: Person) -> bool:
    """Register a person of the audience for a session not yet ended; True if new (twice is harmless)."""
    if not in_audience(ts, person):
        raise SessionError(_("Lớp này dành cho đối tượng khác."))
    if aware(ts.ends_at) < utcnow():
        raise SessionError(_("Lớp đã kết thúc."))
    if registration(ts, person) is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(Registration(session_id=ts.id, person_id=person.id))
    except IntegrityError:
        return False
    return True


def unregister(ts: TrainingSession, person: Person) -> bool:
    """Withdraw a registration; True if there was one."""
    found = registration(ts, person)
    if found is None:
        return False
    db.session.delete(found)
    db.session.flush()
    return True


def expected_people(ts: TrainingSession) -> Select[Person]:
    """Return the trainer's list: the audience who registered or checked in, by name."""
    registered = sa.select(Registration.person_id).where(Registration.session_id == ts.id)
    present = sa.select(Attendance.person_id).where(Attendance.session_id == ts.id)
    return audience(ts).where(sa.or_(Person.id.in_(registered), Person.id.in_(present)))


def find_in_audience(ts: TrainingSession, text: str) -> tuple[list[Person], bool]:
    """Return the audience matching an exact person code, or else a name search (at least three letters),
    at most SEARCH_LIMIT people, and whether more matched (then the trainer narrows the search)."""
    text = (text or "").strip()
    if not text:
        return [], False
    by_code = list(db.session.scalars(audience(ts).where(sa.func.upper(Person.code) == text.upper()).limit(1)))
    if by_code:
        return by_code, False
    if len("".join(fold(text).split())) < SEARCH_MIN_LETTERS:
        return [], False
    found = list(db.session.scalars(audience(ts, text).limit(SEARCH_LIMIT + 1)))
    return found[:SEARCH_LIMIT], len(found) > SEARCH_LIMIT


def registered_among(ts: TrainingSession, person_ids: list[int]) -> set[int]:
    """Return which of these people registered for the session."""
    if not person_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Registration.person_id).where(
                Registration.session_id == ts.id, Registration.person_id.in_(id_values(person_ids))
            )
        )
    )


# ---- attendance ---------------------------------------------------------------------------------
def _attendance(ts: TrainingSession, person: Person) -> Attendance | None:
    return db.session.scalar(
        sa.select(Attendance).where(Attendance.session_id == ts.id, Attendance.person_id == person.id)
    )


def check_in(ts: TrainingSession, person: Person, method: str = "qr") -> bool:
    """Mark the person present and record `session` evidence; True if new (checking in twice is harmless)."""
    if _attendance(ts, person) is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(Attendance(session_id=ts.id, person_id=person.id, method=method))
    except IntegrityError:  # a concurrent check-in of the same person won
        return False
    add_evidence(person, kind="session", ref=ts.code, when=session_date(ts), hours=ts.hours, source="session")
    return True


def undo_check_in(ts: TrainingSession, person: Person) -> bool:
    """Remove a person's attendance and its evidence (a trainer's correction); True if there was one."""
    found = _attendance(ts, person)
    if found is None:
        return False
    db.session.delete(found)
    when = session_date(ts)
    db.session.execute(
        sa.delete(Evidence).where(
            Evidence.person_id == person.id,
            Evidence.kind == "session",
            Evidence.ref == ts.code,
            Evidence.date == when,
            Evidence.source == "session",
        )
    )
    mark_dirty("person", [person.id], when.year)
    db.session.flush()
    return True


def take_attendance(
    ts: TrainingSession, shown_ids: list[int], present_ids: list[int], trainer: User
) -> tuple[int, int]:
    """Apply the trainer's checklist for the people shown (inside the audience and the trainer's areas):
    tick → present with `session` evidence, untick → not (the evidence the session gave goes too); audited
    with the people's codes. Set-based: one statement marks the page's ticks, one removes its unticks, the
    evidence follows by INSERT … SELECT, whatever the page's size. Return (added, removed)."""
    if not trainer_works_here(ts, trainer):
        raise SessionError(_("Lớp này không còn nằm trong địa bàn được giao cho bạn."))
    shown = set(shown_ids)
    if not shown:
        return 0, 0
    people = db.session.execute(
        audience(ts).with_only_columns(Person.id, Person.code).where(Person.id.in_(id_values(shown)))
    ).all()
    codes = {int(i): str(code) for i, code in people}
    ticked = set(present_ids) & set(codes)
    added = _mark_present(ts, ticked)
    removed = _mark_absent(ts, set(codes) - ticked)
    if added or removed:
        from lms.audit.services import audit

        audit(
            trainer.login,
            "session.attendance",
            f"session {ts.code}",
            area_id=audience_area(ts).id,
            after={
                "present": [codes[i] for i in codes if i in added],
                "absent": [codes[i] for i in codes if i in removed],
            },
        )
    db.session.flush()
    return len(added), len(removed)


def _mark_present(ts: TrainingSession, person_ids: set[int]) -> set[int]:
    """Mark these people present by the list and record their `session` evidence, as check_in does for
    one (set-based); a concurrent check-in of the same person wins. Return whom this marked."""
    if not person_ids:
        return set()
    wanted = id_values(person_ids).subquery("wanted")
    now = sa.literal(utcnow(), sa.DateTime(timezone=True))
    rows = sa.select(sa.literal(ts.id), wanted.c[0], sa.literal("list"), now).where(sa.true())
    stmt = upsert(Attendance.__table__).from_select(["session_id", "person_id", "method", "checked_in_at"], rows)
    stmt = stmt.on_conflict_do_nothing(index_elements=["session_id", "person_id"])
    marked = {int(i) for i in db.session.scalars(stmt.returning(Attendance.__table__.c.person_id))}
    if not marked:
        return marked
    when = session_date(ts)
    mine = id_values(marked).subquery("marked")
    hours = sa.literal(Decimal(str(ts.hours)), sa.Numeric(8, 2))
    evidence = sa.select(
        mine.c[0],
        sa.literal("session"),
        sa.literal(ts.code),
        sa.literal(when, sa.Date),
        hours,
        sa.literal("session"),
        now,
    ).where(sa.true())
    columns = ["person_id", "kind", "ref", "date", "hours", "source", "created_at"]
    insert = upsert(Evidence.__table__).from_select(columns, evidence)
    # an item already there (the same code and date, imported say) becomes the session's, as add_evidence does
    insert = insert.on_conflict_do_update(
        index_elements=["person_id", "kind", "ref", "date"],
        set_={"category": None, "level": None, "points": None, "hours": insert.excluded.hours, "source": "session"},
    )
    db.session.execute(insert)
    for period in affected_years("session", None, when):
        mark_dirty("person", sa.select(mine.c[0]), period)
    return marked


def _mark_absent(ts: TrainingSession, person_ids: set[int]) -> set[int]:
    """Remove these people's attendance and the evidence the session gave them, as undo_check_in does for
    one (set-based). Return whom it removed (those marked present)."""
    if not person_ids:
        return set()
    gone = {
        int(i)
        for i in db.session.scalars(
            sa.delete(Attendance)
            .where(Attendance.session_id == ts.id, Attendance.person_id.in_(id_values(person_ids)))
            .returning(Attendance.person_id)
            .execution_options(synchronize_session=False)
        )
    }
    if not gone:
        return gone
    when = session_date(ts)
    db.session.execute(
        sa.delete(Evidence)
        .where(
            Evidence.person_id.in_(id_values(gone)),
            Evidence.kind == "session",
            Evidence.ref == ts.code,
            Evidence.date == when,
            Evidence.source == "session",
        )
        .execution_options(synchronize_session=False)
    )
    mark_dirty("person", gone, when.year)
    return gone


# ---- QR check-in --------------------------------------------------------------------------------
def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def checkin_token(ts: TrainingSession) -> str:
    """Return the signed check-in code of a session (valid for its own start time only)."""
    return _serializer().dumps([ts.id, int(aware(ts.starts_at).timestamp())])


def checkin_window(ts: TrainingSession) -> tuple[datetime, datetime]:
    """Return when self check-in opens (30 minutes before the start) and closes (2 hours after the end)."""
    return aware(ts.starts_at) - OPENS_BEFORE, aware(ts.ends_at) + CLOSES_AFTER


def session_for_token(token: str, now: datetime | None = None) -> TrainingSession:
    """Return the session of a valid check-in code, or raise CheckinError (forged, rescheduled, out of time)."""
    try:
        session_id, start = _serializer().loads(token[:500])
        session_id, start = int(session_id), int(start)
    except (BadSignature, ValueError, TypeError):
        raise CheckinError(_("Mã điểm danh không hợp lệ. Hãy quét lại mã QR trên màn hình lớp học."), 400) from None
    ts = db.session.get(TrainingSession, session_id)
    if ts is None or int(aware(ts.starts_at).timestamp()) != start:
        raise CheckinError(_("Mã điểm danh không còn dùng được: lớp đã bị hủy hoặc đổi giờ."), 410)
    opens, closes = checkin_window(ts)
    now = now or utcnow()
    if now < opens:
        raise CheckinError(
            _("Lớp chưa mở điểm danh. Điểm danh mở từ %(time)s.", time=format_datetime(opens, "short")), 400
        )
    if now > closes:
        raise CheckinError(_("Mã điểm danh đã hết hạn: lớp đã kết thúc."), 410)
    return ts


def typed_checkin_code(ts: TrainingSession) -> str:
    """Return the short code shown beside the QR code (ABC-DEF), for phones that cannot scan it.

    Derived from the session and its start time with the app's secret (like the QR code: rescheduling
    retires it); it leads to the same confirmation as the QR code, only while check-in is open."""
    message = f"{TOKEN_SALT}:{ts.id}:{int(aware(ts.starts_at).timestamp())}".encode()
    digest = hmac.new(str(current_app.config["SECRET_KEY"]).encode(), message, hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = [CODE_ALPHABET[(number >> (5 * i)) & 31] for i in range(TYPED_LENGTH)]
    half = TYPED_LENGTH // 2
    return "".join(chars[:half]) + "-" + "".join(chars[half:])


def session_for_typed_code(text: str, now: datetime | None = None) -> TrainingSession:
    """Return the session whose check-in is open now and whose typed code this is, else raise CheckinError."""
    wanted = typed_code(text, 40)
    now = now or utcnow()
    if len(wanted) == TYPED_LENGTH:
        # only the sessions open for check-in now (a handful at any time): each one's code is computed
        open_now = sa.select(TrainingSession).where(
            TrainingSession.starts_at <= now + OPENS_BEFORE, TrainingSession.ends_at >= now - CLOSES_AFTER
        )
        for ts in db.session.scalars(open_now):
            if hmac.compare_digest(typed_code(typed_checkin_code(ts)), wanted):
                return ts
    raise CheckinError(
        _("Không có lớp nào đang mở điểm danh với mã này. Hãy kiểm tra lại mã trên màn hình lớp học."), 400
    )


def attended(ts: TrainingSession, person: Person) -> Attendance | None:
    """Return the person's attendance at the session, if any."""
    return _attendance(ts, person)


def qr_svg(url: str) -> bytes:
    """Return a QR code of the URL as an SVG image (drawn here, no external service)."""
    import io

    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()
