"""The review report as a DOCX in the administrative layout of Nghị định 30/2020/NĐ-CP (python-docx).

The layout lives in a template an admin can replace (REVIEW_TEMPLATE, else instance/review-report.docx,
else the shipped lms/reviews/data/review-report.docx; `flask --app lms review-template FILE` writes the
shipped one to start from). The template holds the page, the fonts, the two-column heading, the foot
and these fields, written `{{ name }}` in any paragraph or table cell:

    issuer_parent, issuer, number, place, day, month, year, subject, signer_capacity, signer_name,
    recipients (one per line), body (a paragraph of its own: the sections and tables go there)

The document is always in Vietnamese: it is an administrative document sent to the level above.
"""

import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.text.paragraph import Paragraph
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from lms.indicators.definitions import definitions
from lms.reviews.services import MILESTONES, ReviewData, met, milestone

SHIPPED_TEMPLATE = Path(__file__).resolve().parent / "data" / "review-report.docx"
FIELD = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
FONT = "Times New Roman"
LEVEL_WORDS = {"province": "Tỉnh", "district": "Huyện", "commune": "Xã", "village": "Thôn"}
PREFIXES = ("Thành phố ", "Thị trấn ", "Thị xã ", "Phường ", "Huyện ", "Tỉnh ", "Xã ", "Thôn ", "Khu phố ")


def template_path() -> Path:
    """Return the template in use: REVIEW_TEMPLATE, else instance/review-report.docx, else the shipped one."""
    configured = current_app.config.get("REVIEW_TEMPLATE") or ""
    if configured:
        return Path(configured)
    own = Path(current_app.instance_path) / "review-report.docx"
    return own if own.is_file() else SHIPPED_TEMPLATE


# ---- numbers the Vietnamese way: 1.234 and 85,2 ---------------------------------------------------
def whole(value: int | Decimal | None) -> str:
    """Return a whole number with "." between thousands (1.234)."""
    if value is None:
        return "—"
    return f"{int(value):,}".replace(",", ".")


def decimal(value: float | Decimal | None, places: int = 1) -> str:
    """Return a number with a decimal comma (85,2), "—" for none."""
    if value is None:
        return "—"
    text = f"{float(value):,.{places}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def money(value: Decimal) -> str:
    """Return an amount without decimals when it has none (1.500.000), else with two."""
    return whole(value) if value == value.to_integral_value() else decimal(value, 2)


# ---- names ------------------------------------------------------------------------------------------
def body_name(area: Any) -> str:
    """Return the People's Committee of an area, e.g. "UBND HUYỆN BẮC BÌNH"."""
    name = area.name
    if not name.startswith(PREFIXES):
        name = f"{LEVEL_WORDS.get(area.level, '')} {name}".strip()
    return f"UBND {name}".upper()


def place_name(area: Any) -> str:
    """Return the place written before the date: the area's name without its level word."""
    name = area.name
    for prefix in PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


# ---- the shipped template ---------------------------------------------------------------------------
def _font(run: Any, size: float, bold: bool = False, italic: bool = False) -> None:
    run.font.name, run.font.size, run.font.bold, run.font.italic = FONT, Pt(size), bold, italic


def _line(cell_or_doc: Any, text: str, size: float, *, bold: bool = False, italic: bool = False, first: bool = False,
          align: Any = WD_ALIGN_PARAGRAPH.CENTER, rule: bool = False) -> Paragraph:  # fmt: skip
    paragraph = cell_or_doc.paragraphs[0] if first else cell_or_doc.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.first_line_indent = Cm(0)
    _font(paragraph.add_run(text), size, bold, italic)
    if rule:  # the short rule under the issuing body and the motto: a bottom border on the paragraph
        p_pr = paragraph._p.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
            bottom.set(qn(key), value)
        borders.append(bottom)
        p_pr.append(borders)
    return paragraph


def _no_borders(table: Any) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _page_number(paragraph: Paragraph) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def build_template(target: Path) -> None:
    """Write the default template: A4, margins 20/20/30/15 mm, Times New Roman 14, heading, body field, foot."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.different_first_page_header_footer = True  # page numbers from page 2, centred in the header
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(number)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    normal.paragraph_format.first_line_indent = Cm(1.27)

    head = doc.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(head)
    left, right = head.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(10)
    _line(left, "{{ issuer_parent }}", 13, first=True)
    _line(left, "{{ issuer }}", 13, bold=True, rule=True)
    _line(left, "Số: {{ number }}/BC-UBND", 13)
    _line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, bold=True, first=True)
    _line(right, "Độc lập - Tự do - Hạnh phúc", 14, bold=True, rule=True)
    _line(right, "{{ place }}, ngày {{ day }} tháng {{ month }} năm {{ year }}", 14, italic=True)

    _line(doc, "", 14)
    _line(doc, "BÁO CÁO", 14, bold=True)
    _line(doc, "{{ subject }}", 14, bold=True)
    _line(doc, "", 14)
    body = doc.add_paragraph("{{ body }}")
    body.paragraph_format.first_line_indent = Cm(1.27)

    foot = doc.add_table(rows=1, cols=2)
    _no_borders(foot)
    left, right = foot.rows[0].cells
    _line(left, "Nơi nhận:", 12, bold=True, italic=True, first=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(left, "{{ recipients }}", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(right, "{{ signer_capacity }}", 14, bold=True, first=True)
    for _blank in range(4):
        _line(right, "", 14)
    _line(right, "{{ signer_name }}", 14, bold=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(target))


# ---- filling a template ------------------------------------------------------------------------------
def _paragraphs(doc: Any) -> list[Paragraph]:
    found = list(doc.paragraphs)
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                found.extend(cell.paragraphs)
    for section in doc.sections:
        for part in (section.header, section.first_page_header, section.footer, section.first_page_footer):
            found.extend(part.paragraphs)
    return found


def _fill(paragraph: Paragraph, fields: dict[str, str]) -> None:
    """Replace the fields of a paragraph (a field split across runs is joined into the first run)."""
    text = paragraph.text
    if "{{" not in text:
        return
    filled = FIELD.sub(lambda m: fields.get(m.group(1), m.group(0)), text)
    runs = paragraph.runs
    if not runs:
        return
    lines = filled.split("\n")
    runs[0].text = lines[0]
    for run in runs[1:]:
        run.text = ""
    for extra in lines[1:]:  # several lines (recipients): line breaks in the same run
        runs[0].add_break()
        runs[0].add_text(extra)


class Body:
    """Writes the sections and tables of the report where the template's `{{ body }}` paragraph stands."""

    def __init__(self, doc: Any, marker: Paragraph) -> None:
        self.doc, self.marker = doc, marker

    def heading(self, text: str) -> None:
        """A numbered section heading (I., II.…), bold, upper case, no indent."""
        paragraph = self.marker.insert_paragraph_before()
        paragraph.paragraph_format.first_line_indent = Cm(0)
        paragraph.paragraph_format.space_before = Pt(6)
        _font(paragraph.add_run(text.upper()), 14, bold=True)

    def subheading(self, text: str) -> None:
        """A numbered sub-section (1., 2.…), bold."""
        paragraph = self.marker.insert_paragraph_before()
        _font(paragraph.add_run(text), 14, bold=True)

    def text(self, text: str, *, italic: bool = False) -> None:
        """A body paragraph with the first-line indent of the style."""
        paragraph = self.marker.insert_paragraph_before()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _font(paragraph.add_run(text), 14, italic=italic)

    def table(self, header: list[str], rows: list[list[str]], numeric: list[bool], widths: list[float]) -> None:
        """A bordered table: a bold header row, numbers right-aligned, 12 pt."""
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = self.doc.styles["Table Grid"] if "Table Grid" in [s.name for s in self.doc.styles] else None
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for i, cell in enumerate(table.rows[0].cells):
            cell.width = Cm(widths[i])
            _line(cell, header[i], 12, bold=True, first=True)
        for values in rows:
            cells = table.add_row().cells
            for i, value in enumerate(values):
                cells[i].width = Cm(widths[i])
                align = WD_ALIGN_PARAGRAPH.RIGHT if numeric[i] else WD_ALIGN_PARAGRAPH.LEFT
                _line(cells[i], value, 12, first=True, align=align)
        self.marker._p.addprevious(table._tbl)
        self.marker.insert_paragraph_before()  # a little space after the table

    def finish(self) -> None:
        """Remove the `{{ body }}` paragraph."""
        element = self.marker._p
        element.getparent().remove(element)


def _verdict(figure: dict[str, Any], year: int) -> str:
    found = met(figure, year)
    return "—" if found is None else (_("Đạt") if found else _("Chưa đạt"))


def indicator_rows(figures: dict[str, Any]) -> list[list[str]]:
    """Return the rows of the targets table: code, content, numerator, denominator, %, each target and verdict."""
    rows = []
    for d in definitions():
        f = figures["indicators"][d["code"]]
        rows.append(
            [
                d["code"],
                d["name"]["vi"],
                whole(f["numerator"]),
                whole(f["denominator"]),
                decimal(f["value"]),
                *[item for year in MILESTONES for item in (decimal(f[f"target_{year}"], 0), _verdict(f, year))],
            ]
        )
    return rows


def _write_body(body: Body, data: ReviewData) -> None:
    from lms.contributions.services import KIND_LABELS, unit_of

    counts = data.own["counts"]
    year = milestone(data.period)
    body.heading(_("I. Đặc điểm tình hình"))
    body.text(
        _(
            "Năm %(year)s, %(area)s có %(people)s người dân trong sổ; %(eligible)s người đạt chuẩn "
            "danh hiệu “Công dân học tập”, %(holders)s người đã được công nhận.",
            year=data.period, area=data.area.name, people=whole(counts["people"]),
            eligible=whole(counts["eligible"]), holders=whole(counts["holders"]),
        )
    )  # fmt: skip
    body.heading(_("II. Kết quả thực hiện"))
    body.subheading(_("1. Kết quả thực hiện các chỉ tiêu"))
    header = [_("Chỉ số"), _("Nội dung"), _("Tử số"), _("Mẫu số"), _("Tỷ lệ (%)")]
    for target_year in MILESTONES:
        header += [_("Chỉ tiêu %(year)s (%%)", year=target_year), _("Đánh giá %(year)s", year=target_year)]
    body.table(header, indicator_rows(data.own), [False, False, True, True, True, True, False, True, False],
               [1.2, 4.6, 1.4, 1.4, 1.4, 1.5, 1.5, 1.5, 1.5])  # fmt: skip
    if data.below:
        body.text(_("Kết quả theo từng địa bàn trực thuộc (tỷ lệ %, tử số/mẫu số):"))
        codes = [d["code"] for d in definitions()]
        rows = []
        for child, figures in data.below:
            cells = [child.name]
            for code in codes:
                f = figures["indicators"][code]
                cells.append(f"{decimal(f['value'])} ({whole(f['numerator'])}/{whole(f['denominator'])})")
            rows.append(cells)
        body.table([_("Địa bàn"), *codes], rows, [False] + [True] * len(codes), [3.9] + [2.6] * len(codes))
    body.subheading(_("2. Danh hiệu theo loại"))
    c = data.confirmed
    body.table(
        [_("Danh hiệu"), _("Đạt chuẩn"), _("Đã công nhận")],
        [
            [_("Công dân học tập"), whole(counts["eligible"]), whole(counts["holders"])],
            [_("Gia đình học tập"), whole(counts["families_attained"]), whole(c["family"])],
            [_("Dòng họ học tập"), whole(counts["clans_attained"]), whole(c["clan"])],
            [_("Cộng đồng học tập (thôn, khu phố)"), whole(counts["villages_attained"]), whole(c["village"])],
            [_("Đơn vị học tập"), whole(counts["units_attained"]), whole(c["unit"])],
        ],
        [False, True, True],
        [8, 4, 4],
    )
    total, by_commune = data.training
    body.subheading(_("3. Tập huấn: kế hoạch và thực hiện"))
    body.table(
        [
            _("Địa bàn"),
            _("Lớp kế hoạch"),
            _("Lớp đã tổ chức"),
            _("Lượt người kế hoạch"),
            _("Lượt người tham dự"),
            _("Giờ kế hoạch"),
            _("Giờ đã tổ chức"),
        ],  # fmt: skip
        [
            [
                r.area.name,
                whole(r.planned_sessions),
                whole(r.held_sessions),
                whole(r.planned_participants),
                whole(r.participants),
                decimal(r.planned_hours),
                decimal(r.hours),
            ]  # fmt: skip
            for r in by_commune
        ]
        + [
            [
                _("Cộng"),
                whole(total.planned_sessions),
                whole(total.held_sessions),
                whole(total.planned_participants),
                whole(total.participants),
                decimal(total.planned_hours),
                decimal(total.hours),
            ]
        ],  # fmt: skip
        [False] + [True] * 6,
        [3.6, 2, 2, 2.2, 2.2, 2, 2],
    )
    comm = data.communication
    body.subheading(_("4. Công tác tuyên truyền"))
    body.text(
        _(
            "Đã đăng %(announcements)s thông báo và %(campaigns)s đợt tuyên truyền trên nền tảng; "
            "%(seen)s trong tổng số %(audience)s lượt người thuộc đối tượng đã xem.",
            announcements=whole(comm["announcements"]), campaigns=whole(comm["campaigns"]),
            seen=whole(comm["seen"]), audience=whole(comm["audience"]),
        )
    )  # fmt: skip
    body.subheading(_("5. Huy động nguồn lực xã hội hóa"))
    body.table(
        [_("Hình thức"), _("Số lượt"), _("Tổng giá trị"), _("Đơn vị tính")],
        [[str(KIND_LABELS[t.kind]), whole(t.count), money(t.value), unit_of(t.kind)] for t in data.contributions],
        [False, True, True, False],
        [6, 2.5, 4.5, 3],
    )
    body.heading(_("III. Đánh giá chung"))
    a = data.assessment
    body.subheading(_("1. Ưu điểm"))
    if a["moved"]:
        body.text(
            _(
                "Các chỉ số tăng, giảm nhiều nhất so với năm %(since)s: %(list)s.",
                since=data.since,
                list="; ".join(a["moved"]),
            )
        )
    else:
        body.text(_("Chưa có số liệu năm %(since)s để so sánh.", since=data.since))
    body.subheading(_("2. Hạn chế"))
    if a["unmet"]:
        body.text(_("Các chỉ tiêu chưa đạt mức năm %(year)s: %(list)s.", year=year, list="; ".join(a["names"])))
    else:
        body.text(_("Các chỉ tiêu đều đạt mức năm %(year)s.", year=year))
    if a["lagging"]:
        body.text(_("Các địa bàn còn chậm (chỉ tiêu chưa đạt): %(list)s.", list="; ".join(a["lagging"])))
    body.subheading(_("3. Nguyên nhân"))
    body.text(_("[Cán bộ bổ sung nguyên nhân trước khi trình ký.]"), italic=True)
    body.heading(_("IV. Phương hướng, nhiệm vụ giai đoạn tới"))
    body.text(_("[Cán bộ bổ sung trước khi trình ký.]"), italic=True)
    body.heading(_("V. Đề xuất, kiến nghị"))
    body.text(_("[Cán bộ bổ sung trước khi trình ký.]"), italic=True)


def render(data: ReviewData, *, number: str = "", signer_name: str = "", template: Path | None = None) -> bytes:
    """Return the review report as DOCX bytes, filled into the template."""
    with force_locale("vi"):
        doc = Document(str(template or template_path()))
        parent = data.area.parent
        subject = _(
            "Sơ kết thực hiện Kế hoạch xây dựng mô hình “Công dân học tập” năm %(year)s",
            year=data.period,
        )
        if data.since < data.period - 1:
            subject = _(
                "Tổng kết thực hiện Kế hoạch xây dựng mô hình “Công dân học tập” giai đoạn %(since)s–%(year)s",
                since=data.since,
                year=data.period,
            )
        fields = {
            "issuer_parent": body_name(parent) if parent is not None else "",
            "issuer": body_name(data.area),
            "number": number or "…",
            "place": place_name(data.area),
            "day": f"{data.issued_on.day:02d}",
            "month": f"{data.issued_on.month:02d}",
            "year": str(data.issued_on.year),
            "subject": subject,
            "signer_capacity": "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
            "signer_name": signer_name or "…",
            "recipients": "\n".join(
                [f"- {body_name(parent)};" if parent is not None else "- Cấp trên;", "- Hội Khuyến học;", "- Lưu: VT."]
            ),
        }
        marker = next((p for p in doc.paragraphs if p.text.strip() == "{{ body }}"), None)
        if marker is not None:
            body = Body(doc, marker)
            _write_body(body, data)
            body.finish()
        for paragraph in _paragraphs(doc):
            _fill(paragraph, fields)
        buffer = io.BytesIO()
        doc.save(buffer)
        return buffer.getvalue()
