"""Announcements: publish for an audience, show to the citizens in it, count who saw them (reach).

The audience is one SQL predicate over an announcement and a person (`in_audience`): the citizen's
home and notifications, and the officers' reach by commune, all read it, so they cannot disagree.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.sql import ColumnElement, Select

from lms.areas.models import Area
from lms.audit.services import audit
from lms.communication.models import AUDIENCES, KINDS, LINK_KINDS, Announcement, AnnouncementRead
from lms.criteria.models import PersonResult
from lms.extensions import db
from lms.people.models import Person, Unit, counted
from lms.util import utcnow

announcement = Announcement.__table__
person = Person.__table__
area = Area.__table__
pr = PersonResult.__table__
read = AnnouncementRead.__table__
TITLE_MAX, BODY_MAX = 200, 20_000


class AnnouncementError(ValueError):
    """A refused announcement; the message (already translated) says why."""


def in_audience(ann: Any, who: Any, village: Any) -> ColumnElement[bool]:
    """SQL: the person `who` (living in `village`) is in the audience of the announcement `ann`."""
    a, p = ann.c, who.c
    result = pr.alias("result")
    inside = sa.exists().where(area.c.id == a.area_id, village.c.path.startswith(area.c.path))
    eligible = sa.exists().where(result.c.person_id == p.id, result.c.period == a.period, result.c.eligible.is_(True))
    nearly = sa.exists().where(
        result.c.person_id == p.id,
        result.c.period == a.period,
        result.c.eligible.is_(False),
        result.c.total >= result.c.threshold,
    )
    return sa.and_(
        inside,
        counted(who),
        sa.or_(
            a.audience == "everyone",
            sa.and_(a.audience == "village", a.village_id == p.village_id),
            sa.and_(a.audience == "khuyen_hoc", p.khuyen_hoc_member.is_(True)),
            sa.and_(a.audience == "unit", a.unit_id == p.unit_id, p.is_official.is_(True)),
            sa.and_(a.audience == "not_eligible", sa.not_(eligible)),
            sa.and_(a.audience == "missing_one", nearly),
        ),
    )


def showing(at: datetime) -> ColumnElement[bool]:
    """SQL: the announcement is published and not over at `at`."""
    a = announcement.c
    return sa.and_(a.withdrawn_at.is_(None), a.starts_at <= at, sa.or_(a.ends_at.is_(None), a.ends_at > at))


def for_person(who: Person, at: datetime | None = None) -> Select[Announcement, bool]:
    """Return the announcements a citizen sees now, newest first, with whether they were read."""
    at = at or utcnow()
    p = person.alias("me")
    village = area.alias("village")
    was_read = sa.exists().where(read.c.announcement_id == announcement.c.id, read.c.person_id == who.id)
    return (
        sa.select(Announcement, was_read.label("read"))
        .where(
            showing(at),
            sa.exists()
            .where(p.c.id == who.id, village.c.id == p.c.village_id)
            .where(in_audience(announcement, p, village)),
        )
        .order_by(Announcement.starts_at.desc(), Announcement.id.desc())
    )


def unread_count(who: Person, at: datetime | None = None) -> int:
    """Return how many announcements shown to the citizen they have not opened."""
    listed = for_person(who, at).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(listed).where(listed.c.read.is_(False))) or 0


def shown_to(ann: Announcement, who: Person, at: datetime | None = None) -> bool:
    """True when the citizen is in the announcement's audience and it is showing."""
    listed = for_person(who, at).subquery()
    return bool(db.session.scalar(sa.select(sa.func.count()).select_from(listed).where(listed.c.id == ann.id)))


def mark_read(ann: Announcement, who: Person) -> None:
    """Record that the citizen opened the announcement (once)."""
    if db.session.get(AnnouncementRead, (ann.id, who.id)) is None:
        db.session.add(AnnouncementRead(announcement_id=ann.id, person_id=who.id))
        db.session.flush()


def announcements_in(scope: Area, period: int | None = None) -> Select[Any]:
    """Return the announcements of the area and every area below it (a year's, when given), newest first."""
    query = sa.select(Announcement).join(Area, Area.id == Announcement.area_id).where(Area.path.startswith(scope.path))
    if period is not None:
        query = query.where(Announcement.period == period)
    return query.order_by(Announcement.starts_at.desc(), Announcement.id.desc())


def publish(
    scope_area: Area,
    *,
    kind: str,
    title: str,
    body: str,
    audience: str,
    starts_at: datetime,
    ends_at: datetime | None,
    period: int,
    actor: str,
    village: Area | None = None,
    unit: Unit | None = None,
    link_kind: str | None = None,
    link_ref: str | None = None,
) -> Announcement:
    """Publish an announcement or campaign for an audience of the area; audited."""
    title, body = title.strip(), body.replace("\x00", "").strip()
    if kind not in KINDS or audience not in AUDIENCES:
        raise AnnouncementError(_("Loại tin hoặc đối tượng không hợp lệ."))
    if not title or len(title) > TITLE_MAX:
        raise AnnouncementError(_("Tiêu đề phải có từ 1 đến 200 ký tự."))
    if len(body) > BODY_MAX:
        raise AnnouncementError(_("Nội dung dài quá 20.000 ký tự."))
    if ends_at is not None and ends_at <= starts_at:
        raise AnnouncementError(_("Ngày kết thúc phải sau ngày bắt đầu."))
    if audience == "village" and (village is None or village.level != "village"):
        raise AnnouncementError(_("Hãy chọn thôn, khu phố nhận tin."))
    if audience == "unit" and unit is None:
        raise AnnouncementError(_("Hãy chọn đơn vị nhận tin."))
    if link_kind is not None and (link_kind not in LINK_KINDS or not link_ref):
        raise AnnouncementError(_("Liên kết không hợp lệ."))
    ann = Announcement(
        area_id=scope_area.id,
        kind=kind,
        title=title,
        body=body,
        audience=audience,
        village_id=village.id if audience == "village" and village else None,
        unit_id=unit.id if audience == "unit" and unit else None,
        link_kind=link_kind,
        link_ref=link_ref if link_kind else None,
        starts_at=starts_at,
        ends_at=ends_at,
        period=period,
        created_by=actor,
    )
    db.session.add(ann)
    db.session.flush()
    audit(actor, "announcement.publish", title, area_id=scope_area.id, after={"id": ann.id, "audience": audience})
    return ann


def withdraw(ann: Announcement, actor: str) -> None:
    """Stop showing an announcement (its reach stays); audited."""
    if ann.withdrawn_at is None:
        ann.withdrawn_at = utcnow()
        audit(actor, "announcement.withdraw", ann.title, area_id=ann.area_id, before={"id": ann.id})
        db.session.flush()


@dataclass
class Reach:
    """Of one commune (or the whole audience): how many people the announcement is for, how many saw it."""

    area_name: str
    audience: int
    seen: int

    @property
    def share(self) -> float | None:
        """Return the share who saw it, in percent (None for an empty audience)."""
        return round(100 * self.seen / self.audience, 1) if self.audience else None


def reach(ann: Announcement) -> tuple[Reach, list[Reach]]:
    """Return the announcement's reach in total and by commune (the parent of each village)."""
    village = area.alias("village")
    commune = area.alias("commune")
    seen = sa.exists().where(read.c.announcement_id == ann.id, read.c.person_id == person.c.id)
    one = announcement.alias("one")
    rows = db.session.execute(
        sa.select(
            commune.c.name,
            sa.func.count(person.c.id),
            sa.func.count(sa.case((seen, 1))),
        )
        .select_from(
            person.join(village, village.c.id == person.c.village_id)
            .join(commune, commune.c.id == village.c.parent_id)
            .join(one, one.c.id == ann.id)
        )
        .where(in_audience(one, person, village))
        .group_by(commune.c.id, commune.c.name, commune.c.path)
        .order_by(commune.c.path)
    ).all()
    by_commune = [Reach(name, int(n), int(s)) for name, n, s in rows]
    total = Reach("", sum(r.audience for r in by_commune), sum(r.seen for r in by_commune))
    return total, by_commune


def year_summary(scope: Area, period: int) -> dict[str, int]:
    """Return the year's announcements and campaigns of the area and their reach (for the review report)."""
    items = list(db.session.scalars(announcements_in(scope, period)))
    audience = seen = 0
    for ann in items:
        total, _rows = reach(ann)
        audience += total.audience
        seen += total.seen
    return {
        "announcements": sum(1 for a in items if a.kind == "announcement"),
        "campaigns": sum(1 for a in items if a.kind == "campaign"),
        "audience": audience,
        "seen": seen,
    }


def link_target(kind: str | None, ref: str | None) -> tuple[str, dict[str, Any]] | None:
    """Return (endpoint, values) of the course or session an announcement links to, None when it has none
    or it no longer exists. The learning package's tables are read through the shared metadata."""
    if not kind or not ref:
        return None
    if kind == "course":
        course = db.metadata.tables["course"]
        found = db.session.scalar(sa.select(course.c.code).where(course.c.code == ref))
        return ("catalogue.course", {"code": found}) if found else None
    session = db.metadata.tables["training_session"]
    session_id = db.session.scalar(sa.select(session.c.id).where(session.c.code == ref))
    return ("sessions.show", {"session_id": session_id}) if session_id else None


def poster_pdf(ann: Announcement) -> bytes:
    """Return an A4 notice for the village board: title, text, and a QR code to the course or session
    (else to the platform's home), whose address starts with PUBLIC_BASE_URL (lms.web.external_url)."""
    import nh3

    from lms.markup import render_markdown
    from lms.reports.pdf import FAMILY, ReportPDF, draw_qr
    from lms.web import external_url

    target = link_target(ann.link_kind, ann.link_ref)
    address = external_url(target[0], **target[1]) if target else external_url("main.index")
    pdf = ReportPDF(ann.title, page_label=_("Trang %(page)s/%(pages)s", page="{page}", pages="{pages}"))
    pdf.set_margins(20, 20, 20)
    pdf.set_y(22)
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(0, 8, _("THÔNG BÁO") if ann.kind == "announcement" else _("TUYÊN TRUYỀN"), align="C",
             new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.set_font(FAMILY, "B", 22)
    pdf.multi_cell(0, 11, ann.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    html = str(render_markdown(ann.body))
    text = nh3.clean(html.replace("</p>", "</p>\n").replace("</li>", "</li>\n").replace("<li>", "<li>• "), tags=set())
    import html as html_lib

    pdf.set_font(FAMILY, size=14)
    for line in html_lib.unescape(text).splitlines():
        if line.strip():
            pdf.multi_cell(0, 7.5, line.strip(), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
    size = 60.0
    y = max(pdf.get_y() + 6, 190.0)
    if y + size + 24 > pdf.h - 15:
        pdf.add_page()
        y = 30.0
    draw_qr(pdf, address, (pdf.w - size) / 2, y, size)
    pdf.set_y(y + size + 4)
    pdf.set_font(FAMILY, size=11)
    pdf.multi_cell(0, 6, _("Quét mã QR bằng điện thoại để xem và đăng ký:"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, address, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.multi_cell(0, 6, ann.area.name, align="C", new_x="LMARGIN", new_y="NEXT")
    return pdf.to_bytes()
