"""Reports: the indicator report of an area (XLSX with a sheet per level, or PDF) and lists of title
holders (XLSX). Everything reads the stored aggregates and decisions, never the evidence; every export
is audited ("export.*").
"""

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import format_datetime, format_decimal, pgettext
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import aliased

from lms.areas.models import LEVELS, Area
from lms.areas.services import areas_under
from lms.audit.services import audit
from lms.criteria.models import GroupResult
from lms.decisions.services import title_rows
from lms.exports import xlsx_row
from lms.extensions import db
from lms.indicators.definitions import definitions
from lms.indicators.models import COUNT_COLUMNS, AreaIndicator
from lms.indicators.services import indicator_value
from lms.people.models import Person, Unit, counted
from lms.titles.models import Award, GroupConfirmation
from lms.web import localized

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERCENT = "0.0"
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E3F2EC")
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass
class AreaFigures:
    """One area with its stored figures for a year (zeros when nothing was computed)."""

    area: Area
    parent_name: str
    counts: dict[str, int]
    indicators: dict[str, dict[str, Any]]  # code → numerator, denominator, value, targets
    computed_at: datetime | None


def level_names() -> dict[str, str]:
    """Return the sheet name of each area level, and of units."""
    return {
        "province": _("Tỉnh"),
        "district": _("Huyện"),
        "commune": _("Xã"),
        "village": _("Thôn, khu phố"),
        "unit": _("Đơn vị"),
    }


def _figures(area: Area, parent_name: str, row: AreaIndicator | None) -> AreaFigures:
    indicators = {}
    for d in definitions():
        code = d["code"]
        num = getattr(row, f"{code.lower()}_num") if row else 0
        den = getattr(row, f"{code.lower()}_den") if row else 0
        indicators[code] = {
            "numerator": num,
            "denominator": den,
            "value": indicator_value(num, den),
            "target_2025": d["targets"][2025],
            "target_2030": d["targets"][2030],
        }
    counts = {c: (getattr(row, c) if row else 0) for c in COUNT_COLUMNS}
    return AreaFigures(area, parent_name, counts, indicators, row.computed_at if row else None)


def areas_by_level(root: Area, period: int) -> dict[str, list[AreaFigures]]:
    """Return the root and every area below it with its stored figures, grouped by level (one query).
    Once areas were reorganised: the areas of that year's tree (lms.indicators.former)."""
    from lms.areas.history import reorganised

    if reorganised():
        from lms.indicators.former import areas_in_year

        by_level: dict[str, list[AreaFigures]] = {level: [] for level in LEVELS}
        for found, parent_name, figures in areas_in_year(root, period):
            by_level.setdefault(found.level, []).append(_figures(found, parent_name, figures))
        return {level: items for level, items in by_level.items() if items}
    parent = aliased(Area)
    rows = db.session.execute(
        sa.select(Area, parent.name, AreaIndicator)
        .outerjoin(parent, parent.id == Area.parent_id)
        .outerjoin(AreaIndicator, sa.and_(AreaIndicator.area_id == Area.id, AreaIndicator.period == period))
        .where(
            Area.path.startswith(root.path),
            sa.or_(Area.valid_to.is_(None), AreaIndicator.area_id.is_not(None), Area.id == root.id),
        )
        .order_by(Area.path)
    ).all()
    grouped: dict[str, list[AreaFigures]] = {level: [] for level in LEVELS}
    for area, parent_name, figures in rows:
        grouped.setdefault(area.level, []).append(_figures(area, parent_name or "", figures))
    return {level: items for level, items in grouped.items() if items}


def unit_rows(root: Area, period: int) -> list[dict[str, Any]]:
    """Return each unit registered in the area: officials, title holders among them, its own title."""
    units = list(
        db.session.execute(
            sa.select(Unit, Area.name)
            .join(Area, Area.id == Unit.area_id)
            .where(Unit.area_id.in_(areas_under(root)))
            .order_by(Area.path, Unit.code)
        ).all()
    )
    ids = [u.id for u, _name in units]
    if not ids:
        return []
    held = sa.select(Award.person_id).where(Award.period == period, Award.revoked_at.is_(None)).subquery()
    is_official = Person.is_official.is_(True)
    stats = {
        unit_id: (members, officials, holders)
        for unit_id, members, officials, holders in db.session.execute(
            sa.select(
                Person.unit_id,
                sa.func.count(),
                sa.func.sum(sa.case((is_official, 1), else_=0)),
                sa.func.sum(sa.case((sa.and_(is_official, held.c.person_id.is_not(None)), 1), else_=0)),
            )
            .outerjoin(held, held.c.person_id == Person.id)
            .where(Person.unit_id.in_(ids), counted())
            .group_by(Person.unit_id)
        )
    }
    results = {
        r.subject_id: r
        for r in db.session.scalars(
            sa.select(GroupResult).where(
                GroupResult.kind == "unit", GroupResult.period == period, GroupResult.subject_id.in_(ids)
            )
        )
    }
    confirmed = {
        c.subject_id: c
        for c in db.session.scalars(
            sa.select(GroupConfirmation).where(
                GroupConfirmation.kind == "unit",
                GroupConfirmation.period == period,
                GroupConfirmation.subject_id.in_(ids),
                GroupConfirmation.revoked_at.is_(None),
            )
        )
    }
    out = []
    for unit, area_name in units:
        members, officials, holders = stats.get(unit.id, (0, 0, 0))
        result = results.get(unit.id)
        out.append(
            {
                "unit": unit,
                "area_name": area_name,
                "members": int(members or 0),
                "officials": int(officials or 0),
                "holders": int(holders or 0),
                "share": indicator_value(int(holders or 0), int(officials or 0)),
                "total": float(result.total) if result else None,
                "attained": bool(result and result.attained),
                "decision": confirmed[unit.id].decision_no if unit.id in confirmed else "",
            }
        )
    return out


# ---- XLSX -----------------------------------------------------------------------------------------
def _title_rows(sheet: Any, title: str, subtitle: str) -> None:
    sheet.append(xlsx_row(sheet, [title]))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(xlsx_row(sheet, [subtitle]))
    sheet.append([])


def _header(sheet: Any, names: list[str], widths: list[int]) -> None:
    sheet.append(xlsx_row(sheet, names))
    row = sheet.max_row
    for column, width in enumerate(widths, start=1):
        cell = sheet.cell(row=row, column=column)
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, WRAP
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"C{row + 1}"  # a coordinate: sheet.cell() would create a row


HEADER_ROW = 4  # row of the column names in every sheet (rows 1-2: title, 3: blank)


def _area_header() -> tuple[list[str], list[int]]:
    names = [
        _("Mã địa bàn"),
        _("Tên địa bàn"),
        _("Trực thuộc"),
        _("Số người dân"),
        _("Công dân học tập đạt chuẩn"),
        _("Công dân học tập đã công nhận"),
        _("Gia đình học tập đạt chuẩn"),
        _("Dòng họ học tập đạt chuẩn"),
        _("Cộng đồng học tập đạt chuẩn"),
        _("Đơn vị học tập đạt chuẩn"),
    ]
    widths = [14, 26, 22, 12, 12, 14, 12, 12, 12, 12]
    for d in definitions():
        code = d["code"]
        names += [
            _("%(code)s – Tử số", code=code),
            _("%(code)s – Mẫu số", code=code),
            _("%(code)s – Tỷ lệ (%%)", code=code),
            _("%(code)s – Chỉ tiêu 2025 (%%)", code=code),
            _("%(code)s – Chỉ tiêu 2030 (%%)", code=code),
        ]
        widths += [10, 10, 10, 12, 12]
    return names, widths


def _area_values(item: AreaFigures) -> list[Any]:
    c = item.counts
    values: list[Any] = [
        item.area.code,
        item.area.name,
        item.parent_name,
        c["people"],
        c["eligible"],
        c["holders"],
        c["families_attained"],
        c["clans_attained"],
        c["villages_attained"],
        c["units_attained"],
    ]
    for d in definitions():
        ind = item.indicators[d["code"]]
        values += [ind["numerator"], ind["denominator"], ind["value"], ind["target_2025"], ind["target_2030"]]
    return values


def _percent_columns(sheet: Any, first_row: int) -> None:
    """Give the rate and target columns a one-decimal number format."""
    for index in range(len(definitions())):
        start = 11 + index * 5
        for offset in (2, 3, 4):
            letter = get_column_letter(start + offset)
            for row in range(first_row, sheet.max_row + 1):
                sheet[f"{letter}{row}"].number_format = PERCENT


def report_workbook(root: Area, period: int) -> bytes:
    """Return the report of an area as XLSX: a summary sheet, one sheet per level below, and units."""
    levels = areas_by_level(root, period)
    names = level_names()
    own = levels.get(root.level, [None])[0]
    computed = own.computed_at if own else None
    title = _("Báo cáo kết quả xây dựng mô hình “Công dân học tập” năm %(year)s", year=period)
    subtitle = _(
        "Địa bàn: %(area)s · Số liệu tính lúc: %(when)s",
        area=root.name,
        when=format_datetime(computed, "short") if computed else "—",
    )
    workbook = Workbook()
    summary = workbook.worksheets[0]  # the active sheet of a new workbook
    summary.title = _("Tổng hợp")
    _title_rows(summary, title, subtitle)
    _header(
        summary,
        [
            _("Chỉ số"),
            _("Nội dung"),
            _("Tử số"),
            _("Mẫu số"),
            _("Tỷ lệ (%)"),
            _("Chỉ tiêu 2025 (%)"),
            _("Chỉ tiêu 2030 (%)"),
            _("So với chỉ tiêu 2025"),
        ],
        [8, 60, 10, 10, 10, 12, 12, 16],
    )
    for d in definitions():
        ind = own.indicators[d["code"]] if own else {}
        value = ind.get("value")
        verdict = (
            ""
            if value is None
            else (pgettext("target", "Đạt") if value >= ind["target_2025"] else pgettext("target", "Chưa đạt"))
        )
        summary.append(
            xlsx_row(
                summary,
                [
                    d["code"],
                    localized(d["name"]),
                    ind.get("numerator", 0),
                    ind.get("denominator", 0),
                    value,
                    d["targets"][2025],
                    d["targets"][2030],
                    verdict,
                ],
            )
        )
        summary.cell(row=summary.max_row, column=2).alignment = WRAP
    for row_no in range(HEADER_ROW + 1, summary.max_row + 1):
        for column in ("E", "F", "G"):
            summary[f"{column}{row_no}"].number_format = PERCENT
    summary.append([])
    summary.append(xlsx_row(summary, ["", _("Số người dân"), own.counts["people"] if own else 0]))
    summary.append(xlsx_row(summary, ["", _("Danh hiệu"), _("Đạt chuẩn"), _("Đã công nhận")]))
    for label, meets, recognised in title_rows(root, period):
        summary.append(xlsx_row(summary, ["", label, meets or 0, recognised or 0]))

    header, widths = _area_header()
    for level in LEVELS[LEVELS.index(root.level) :] if root.level in LEVELS else LEVELS:
        items = levels.get(level)
        if not items:
            continue
        sheet = workbook.create_sheet(names[level])
        _title_rows(sheet, title, subtitle)
        _header(sheet, header, widths)
        for item in items:
            sheet.append(xlsx_row(sheet, _area_values(item)))
        _percent_columns(sheet, HEADER_ROW + 1)

    sheet = workbook.create_sheet(names["unit"])
    _title_rows(sheet, title, subtitle)
    _header(
        sheet,
        [
            _("Mã đơn vị"),
            _("Tên đơn vị"),
            _("Cấp"),
            _("Địa bàn"),
            _("Số người"),
            _("Số CBCCVC"),
            _("CBCCVC đạt danh hiệu CDHT"),
            _("Tỷ lệ CBCCVC đạt danh hiệu (%)"),
            _("Tổng điểm đơn vị"),
            _("Đạt chuẩn Đơn vị học tập"),
            _("Quyết định công nhận"),
        ],
        [14, 30, 10, 22, 10, 10, 14, 14, 12, 14, 18],
    )
    unit_levels = {"commune": _("Cấp xã"), "district": _("Cấp huyện")}
    for row in unit_rows(root, period):
        unit = row["unit"]
        sheet.append(
            xlsx_row(
                sheet,
                [
                    unit.code,
                    unit.name,
                    unit_levels.get(unit.level, unit.level),
                    row["area_name"],
                    row["members"],
                    row["officials"],
                    row["holders"],
                    row["share"],
                    row["total"],
                    _("Có") if row["attained"] else _("Không"),
                    row["decision"],
                ],
            )
        )
    for r in range(HEADER_ROW + 1, sheet.max_row + 1):
        sheet[f"H{r}"].number_format = PERCENT
        sheet[f"I{r}"].number_format = "0.00"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---- holders ------------------------------------------------------------------------------------
def holders_query(
    period: int, *, area: Area | None = None, unit: Unit | None = None
) -> sa.Select[Person, Award, str, str]:
    """Return (person, award, village name, unit name) of the title holders of a village/commune or a unit."""
    village = aliased(Area)
    query = (
        sa.select(Person, Award, village.name, Unit.name)
        .join(Award, sa.and_(Award.person_id == Person.id, Award.period == period, Award.revoked_at.is_(None)))
        .join(village, village.id == Person.village_id)
        .outerjoin(Unit, Unit.id == Person.unit_id)
    )
    if unit is not None:
        query = query.where(Person.unit_id == unit.id)
    if area is not None:
        query = query.where(Person.village_id.in_(areas_under(area)))
    return query.order_by(Person.name_folded, Person.id)


def _holder_rows(query: sa.Select[Person, Award, str, str], contacts: bool) -> Iterator[list[Any]]:
    genders = {"nam": _("Nam"), "nữ": _("Nữ"), "khác": _("Khác")}
    result = db.session.execute(query.execution_options(yield_per=1000))
    for n, (person, award, village_name, unit_name) in enumerate(result, start=1):
        row = [
            n,
            person.code,
            person.full_name,
            person.birth_year,
            genders.get(person.gender, person.gender),
            village_name,
            unit_name or "",
            award.decision_no,
            award.decision_date,
        ]
        if contacts:
            row += [person.phone or "", person.email or ""]
        yield row


def holders_workbook(
    period: int, *, title_of: str, area: Area | None, unit: Unit | None, contacts: bool
) -> tuple[bytes, int]:
    """Return the XLSX list of title holders (phone and email only when asked) and its row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Danh sách"))
    widths = [6, 14, 28, 10, 8, 20, 24, 16, 14] + ([16, 26] if contacts else [])
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.append(
        xlsx_row(sheet, [_("Danh sách đạt danh hiệu Công dân học tập năm %(year)s – %(of)s", year=period, of=title_of)])
    )
    sheet.append([])
    header = [
        _("STT"),
        _("Mã người dân"),
        _("Họ và tên"),
        _("Năm sinh"),
        _("Giới tính"),
        _("Thôn, khu phố"),
        _("Đơn vị công tác"),
        _("Số quyết định"),
        _("Ngày quyết định"),
    ]
    if contacts:
        header += [_("Số điện thoại"), _("Email")]
    sheet.append(xlsx_row(sheet, header))
    count = 0
    for row in _holder_rows(holders_query(period, area=area, unit=unit), contacts):
        sheet.append(xlsx_row(sheet, row))
        count += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count


# ---- PDF ----------------------------------------------------------------------------------------
def report_pdf(root: Area, period: int) -> bytes:
    """Return the report of an area as PDF: I1–I5 against the targets, counts, the areas just below, units."""
    from lms.reports.pdf import ReportPDF

    levels = areas_by_level(root, period)
    own = levels.get(root.level, [None])[0]
    pdf = ReportPDF(
        _("Báo cáo Công dân học tập"),
        landscape=True,
        page_label=_("Trang %(page)s/%(pages)s", page="{page}", pages="{pages}"),
    )
    pdf.heading(_("Báo cáo kết quả xây dựng mô hình “Công dân học tập” năm %(year)s", year=period))
    computed = own.computed_at if own else None
    pdf.paragraph(
        _(
            "Địa bàn: %(area)s · Số liệu tính lúc: %(when)s",
            area=root.name,
            when=format_datetime(computed, "short") if computed else "—",
        )
    )

    def pct(value: Any) -> str:  # one decimal, the language's decimal separator (72,5 / 72.5)
        return "—" if value is None else format_decimal(value, "#,##0.0")

    rows = []
    for d in definitions():
        ind = own.indicators[d["code"]] if own else {"numerator": 0, "denominator": 0, "value": None}
        rows.append(
            [
                d["code"],
                localized(d["name"]),
                ind["numerator"],
                ind["denominator"],
                pct(ind["value"]),
                d["targets"][2025],
                d["targets"][2030],
            ]
        )
    pdf.grid(
        [
            _("Chỉ số"),
            _("Nội dung"),
            _("Tử số"),
            _("Mẫu số"),
            _("Tỷ lệ (%)"),
            _("Chỉ tiêu 2025 (%)"),
            _("Chỉ tiêu 2030 (%)"),
        ],
        rows,
        [14, 140, 22, 22, 22, 26, 27],
        numeric=[False, False, True, True, True, True, True],
    )
    if own:
        pdf.paragraph(_("Người dân: %(people)s", people=own.counts["people"]))
        pdf.grid(
            [_("Danh hiệu"), _("Đạt chuẩn"), _("Đã công nhận")],
            [[label, meets or 0, recognised or 0] for label, meets, recognised in title_rows(root, period)],
            [120, 40, 40],
            numeric=[False, True, True],
        )
    below = [lvl for lvl in LEVELS if root.level in LEVELS and LEVELS.index(lvl) > LEVELS.index(root.level)]
    children = next((levels[lvl] for lvl in below if levels.get(lvl)), [])
    codes = [d["code"] for d in definitions()]
    if children:
        pdf.heading(_("Theo địa bàn trực thuộc"), size=11)
        pdf.grid(
            [_("Địa bàn"), _("Người dân"), _("CDHT đạt chuẩn"), _("CDHT đã công nhận"), *[f"{c} (%)" for c in codes]],
            [
                [
                    i.area.name,
                    i.counts["people"],
                    i.counts["eligible"],
                    i.counts["holders"],
                    *[pct(i.indicators[c]["value"]) for c in codes],
                ]
                for i in children
            ],
            [73, 30, 30, 30, *[22] * len(codes)],
            numeric=[False, True, True, True, *[True] * len(codes)],
        )
    units = unit_rows(root, period)
    if units:
        pdf.heading(_("Đơn vị"), size=11)
        pdf.grid(
            [_("Đơn vị"), _("Số CBCCVC"), _("Đạt danh hiệu CDHT"), _("Tỷ lệ (%)"), _("Đạt chuẩn Đơn vị học tập")],
            [
                [
                    u["unit"].name,
                    u["officials"],
                    u["holders"],
                    pct(u["share"]),
                    _("Có") if u["attained"] else _("Không"),
                ]
                for u in units
            ],
            [113, 35, 40, 35, 50],
            numeric=[False, True, True, True, False],
        )
    return pdf.to_bytes()


def audit_export(actor: str, action: str, area: Area, **details: Any) -> None:
    """Record an export in the audit log (what was exported, of which area, with or without contacts)."""
    audit(actor, f"export.{action}", str(details.get("of", area.code)), area_id=area.id, after=details)
    db.session.flush()
