"""The register of contributions: record, attach files, list, total by kind, report (XLSX, PDF), public totals."""

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font

from lms.areas.models import Area
from lms.audit.services import audit
from lms.contributions.models import CONTRIBUTORS, KINDS, Contribution, ContributionFile
from lms.exports import xlsx_row
from lms.extensions import db
from lms.uploads.services import StoredUpload

KIND_LABELS = {
    "money": _l("Tiền mặt"),
    "in_kind": _l("Hiện vật"),
    "scholarship": _l("Học bổng"),
    "learning_space": _l("Địa điểm học tập"),
    "volunteer_hours": _l("Giờ dạy tình nguyện"),
}
CONTRIBUTOR_LABELS = {
    "organisation": _l("Tổ chức"),
    "business": _l("Doanh nghiệp"),
    "person": _l("Cá nhân"),
    "anonymous": _l("Ẩn danh"),
}
VALUE_MAX = Decimal("99999999999999")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ContributionError(ValueError):
    """A refused contribution; the message (already translated) says why."""


def unit_of(kind: str) -> str:
    """Return the unit a kind's value is counted in: hours for volunteer teaching, đồng otherwise."""
    return _("giờ") if kind == "volunteer_hours" else _("đồng")


def record(
    area: Area,
    *,
    contributor_kind: str,
    contributor: str,
    kind: str,
    value: Decimal,
    purpose: str,
    when: date,
    reference: str,
    actor: str,
) -> Contribution:
    """Record a contribution to the area's register; audited. An anonymous contributor keeps no name."""
    if contributor_kind not in CONTRIBUTORS or kind not in KINDS:
        raise ContributionError(_("Loại người đóng góp hoặc hình thức đóng góp không hợp lệ."))
    if value <= 0 or value > VALUE_MAX:
        raise ContributionError(_("Giá trị phải lớn hơn 0."))
    reference = reference.strip()
    if not reference:
        raise ContributionError(_("Nhập số quyết định hoặc số biên nhận."))
    taken = db.session.scalar(
        sa.select(Contribution.id).where(Contribution.area_id == area.id, Contribution.reference == reference)
    )
    if taken is not None:
        raise ContributionError(_("Số quyết định hoặc biên nhận %(ref)s đã có trong sổ.", ref=reference))
    name = "" if contributor_kind == "anonymous" else contributor.strip()
    if contributor_kind != "anonymous" and not name:
        raise ContributionError(_("Nhập tên người đóng góp, hoặc chọn Ẩn danh."))
    item = Contribution(
        area_id=area.id,
        period=when.year,
        contributor_kind=contributor_kind,
        contributor=name,
        kind=kind,
        value=value,
        purpose=purpose.strip(),
        date=when,
        reference=reference,
        created_by=actor,
    )
    db.session.add(item)
    db.session.flush()
    audit(actor, "contribution.create", reference, area_id=area.id, after={"kind": kind, "value": str(value)})
    return item


def attach(item: Contribution, stored: StoredUpload, actor: str) -> ContributionFile:
    """Attach a stored file (receipt, decision, photo) to a contribution; audited."""
    found = ContributionFile(
        contribution_id=item.id, sha256=stored.sha256, size=stored.size, kind=stored.kind, name=stored.name
    )
    db.session.add(found)
    db.session.flush()
    audit(actor, "contribution.attach", item.reference, area_id=item.area_id, after={"file": stored.name})
    return found


def delete(item: Contribution, actor: str) -> None:
    """Remove a contribution entered by mistake (its files are pruned later); audited."""
    audit(
        actor,
        "contribution.delete",
        item.reference,
        area_id=item.area_id,
        before={"kind": item.kind, "value": str(item.value), "date": item.date.isoformat()},
    )
    db.session.delete(item)
    db.session.flush()


def contributions_in(scope: Area, period: int) -> sa.Select[Any]:
    """Return the year's contributions of the area and every area below it, by date."""
    return (
        sa.select(Contribution)
        .join(Area, Area.id == Contribution.area_id)
        .where(Area.path.startswith(scope.path), Contribution.period == period)
        .order_by(Contribution.date, Contribution.id)
    )


@dataclass
class KindTotal:
    """One kind of contribution in an area and year: how many, and their value."""

    kind: str
    count: int
    value: Decimal


def totals(scope: Area, period: int) -> list[KindTotal]:
    """Return the year's contributions of the area by kind (every kind, zero when none)."""
    rows = dict(
        (kind, (int(n), Decimal(v or 0)))
        for kind, n, v in db.session.execute(
            sa.select(Contribution.kind, sa.func.count(), sa.func.sum(Contribution.value))
            .join(Area, Area.id == Contribution.area_id)
            .where(Area.path.startswith(scope.path), Contribution.period == period)
            .group_by(Contribution.kind)
        )
    )
    return [KindTotal(k, *rows.get(k, (0, Decimal(0)))) for k in KINDS]


def public_totals(scope: Area, period: int, k: int) -> list[dict[str, Any]]:
    """Return the totals for the public statistics: counts through the small-cell suppression
    (lms.indicators.public), and a kind's value only when its count is shown (else one donor's gift shows)."""
    from lms.indicators.public import suppress_small_cells

    found = totals(scope, period)
    public = suppress_small_cells({"indicators": {}, "counts": {t.kind: t.count for t in found}}, k)["counts"]
    return [
        {"kind": t.kind, "count": public[t.kind], "value": t.value if public[t.kind] is not None else None}
        for t in found
        if t.count
    ]


def register_version(scope: Area) -> tuple[int, int]:
    """Return a cheap version of the area's register (count, last id): cached pages showing totals key on it."""
    n, last = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(Contribution.id))
        .join(Area, Area.id == Contribution.area_id)
        .where(Area.path.startswith(scope.path))
    ).one()
    return int(n or 0), int(last or 0)


def _header() -> list[str]:
    return [
        _("Ngày"),
        _("Địa bàn"),
        _("Người đóng góp"),
        _("Loại"),
        _("Hình thức"),
        _("Giá trị"),
        _("Đơn vị tính"),
        _("Mục đích"),
        _("Số quyết định / biên nhận"),
    ]


def _values(item: Contribution) -> list[Any]:
    return [
        item.date,
        item.area.name,
        item.contributor or str(CONTRIBUTOR_LABELS["anonymous"]),
        str(CONTRIBUTOR_LABELS[item.contributor_kind]),
        str(KIND_LABELS[item.kind]),
        item.value,
        unit_of(item.kind),
        item.purpose,
        item.reference,
    ]


def report_workbook(scope: Area, period: int) -> bytes:
    """Return the year's register of the area as XLSX: every contribution, then the totals by kind."""
    workbook = Workbook()
    sheet: Any = workbook.active
    sheet.title = _("Đóng góp")
    sheet.append(
        xlsx_row(sheet, [_("Sổ huy động nguồn lực xã hội hóa — %(area)s, năm %(year)s", area=scope.name, year=period)])
    )
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(xlsx_row(sheet, _header()))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for item in db.session.scalars(contributions_in(scope, period)):
        sheet.append(xlsx_row(sheet, _values(item)))
    summary = workbook.create_sheet(_("Tổng hợp"))
    summary.append(xlsx_row(summary, [_("Hình thức"), _("Số lượt"), _("Tổng giá trị"), _("Đơn vị tính")]))
    for cell in summary[1]:
        cell.font = Font(bold=True)
    for t in totals(scope, period):
        summary.append(xlsx_row(summary, [str(KIND_LABELS[t.kind]), t.count, t.value, unit_of(t.kind)]))
    for ws, widths in ((sheet, [12, 22, 30, 14, 20, 16, 10, 40, 22]), (summary, [24, 10, 18, 12])):
        for i, width in enumerate(widths):
            ws.column_dimensions[chr(65 + i)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_pdf(scope: Area, period: int) -> bytes:
    """Return the year's register of the area as PDF (A4 landscape)."""
    from lms.reports.pdf import ReportPDF
    from lms.web import number_in

    pdf = ReportPDF(
        _("Sổ huy động nguồn lực xã hội hóa"),
        landscape=True,
        page_label=_("Trang %(page)s/%(pages)s", page="{page}", pages="{pages}"),
    )
    pdf.heading(_("Sổ huy động nguồn lực xã hội hóa — %(area)s, năm %(year)s", area=scope.name, year=period))
    rows = []
    for item in db.session.scalars(contributions_in(scope, period)):
        v = _values(item)
        v[0] = item.date.strftime("%d/%m/%Y")
        v[5] = number_in("vi", item.value)
        rows.append(v)
    pdf.grid(_header(), rows, [20, 30, 40, 20, 28, 28, 16, 60, 31], numeric=[False] * 5 + [True] + [False] * 3, size=8)
    pdf.heading(_("Tổng hợp theo hình thức"), size=11)
    pdf.grid(
        [_("Hình thức"), _("Số lượt"), _("Tổng giá trị"), _("Đơn vị tính")],
        [[str(KIND_LABELS[t.kind]), t.count, number_in("vi", t.value), unit_of(t.kind)] for t in totals(scope, period)],
        [80, 40, 60, 40],
        numeric=[False, True, True, False],
    )
    return pdf.to_bytes()
