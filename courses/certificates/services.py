"""Certificates of completion: an A4 PDF with the learner's name, course, hours, date, code and a QR code.

The PDF states exactly what the public verification page shows (and nothing more): name, course,
hours, completion date and the verification code, whose QR code opens that page; and who issues it
(CERTIFICATE_ISSUER) with a signature block (CERTIFICATE_SIGNER_TITLE, CERTIFICATE_SIGNER).
"""

import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _

from courses.catalogue.forms import category_label, course_title
from courses.catalogue.models import Enrolment
from lms.web import LEVEL_LABELS, external_url, label, number

if TYPE_CHECKING:  # fpdf is imported when a certificate is drawn: a tenth of every process's start-up
    from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "NotoSerif"
GREEN = (11, 107, 79)
INK = (28, 39, 35)
MUTED = (86, 98, 93)


def verify_url(code: str) -> str:
    """Return the absolute address of a certificate's public verification page."""
    return external_url("catalogue.verify", code=code)


def _nfc(text: str) -> str:
    """Compose diacritics (a name typed as "e" + combining marks prints as one letter)."""
    return unicodedata.normalize("NFC", text or "")


def _signature_block(pdf: "FPDF", issuer: str, enrolment: Enrolment, *, x: float, y: float, w: float) -> None:
    """The issuing body's block: date, body, the signer's title, room to sign, and the signer's name."""
    signer, title = (
        current_app.config.get("CERTIFICATE_SIGNER") or "",
        current_app.config.get("CERTIFICATE_SIGNER_TITLE") or "",
    )

    def centred(text: str, size: float, style: str = "", color: tuple[int, int, int] = INK) -> None:
        pdf.set_font(FAMILY, style, size)
        pdf.set_text_color(*color)
        pdf.set_x(x)
        pdf.cell(w, size * 0.45, _nfc(text), align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.set_y(y)
    centred(_("Ngày %(date)s", date=format_date(enrolment.completed_at, "short")), 9, "", MUTED)
    pdf.ln(1)
    centred(issuer.upper(), 9, "B")
    if title:
        centred(str(title).upper(), 9, "B")
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(0.2)
    line_y = y + 30
    pdf.line(x + 12, line_y, x + w - 12, line_y)
    pdf.set_y(line_y + 1)
    centred(signer or _("(ký, ghi rõ họ tên)"), 10 if signer else 8, "B" if signer else "", INK if signer else MUTED)


def certificate_pdf(enrolment: Enrolment) -> bytes:
    """Return the certificate of a completed enrolment as PDF bytes."""
    if enrolment.completed_at is None or not enrolment.certificate_code:
        raise ValueError("the enrolment is not completed")
    course, code = enrolment.course, enrolment.certificate_code
    address = verify_url(code)
    from fpdf import FPDF

    from lms.reports.pdf import draw_qr as _qr

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.add_font(FAMILY, "", str(FONT_DIR / "NotoSerif-Regular.ttf"))
    pdf.add_font(FAMILY, "B", str(FONT_DIR / "NotoSerif-Bold.ttf"))
    pdf.set_title(_nfc(_("Chứng nhận hoàn thành khóa học") + " — " + course_title(course)))
    pdf.set_author(_("Học Tập Suốt Đời"))
    pdf.set_creator(_("Học Tập Suốt Đời"))
    pdf.set_lang("vi")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    width = pdf.w

    pdf.set_draw_color(*GREEN)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, width - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, width - 26, pdf.h - 26)

    def line(text: str, size: float, style: str = "", color: tuple[int, int, int] = INK, gap: float = 2) -> None:
        pdf.set_font(FAMILY, style, size)
        pdf.set_text_color(*color)
        pdf.set_x(25)
        pdf.multi_cell(width - 50, size * 0.45, _nfc(text), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    issuer = str(current_app.config.get("CERTIFICATE_ISSUER") or _("Học Tập Suốt Đời"))
    pdf.set_y(26)
    line(issuer.upper(), 12, "B", GREEN, 0)
    line(_('Phong trào "Công dân học tập"') + " · " + _("Học Tập Suốt Đời"), 11, "", MUTED, 10)
    line(_("Chứng nhận").upper(), 32, "B", GREEN, 1)
    line(_("Hoàn thành khóa học").upper(), 13, "B", MUTED, 10)
    line(_("Học viên"), 12, "", MUTED, 1)
    line(enrolment.person.full_name, 28, "B", INK, 6)
    line(_("đã hoàn thành khóa học trực tuyến"), 12, "", MUTED, 2)
    line(course_title(course), 19, "B", INK, 6)
    field = category_label(course.category)
    if course.category == "digital_skill" and course.digital_level:
        field += f" ({label(LEVEL_LABELS, course.digital_level)})"
    hours = enrolment.completed_hours if enrolment.completed_hours is not None else course.hours
    line(field + " · " + _("Thời lượng: %(hours)s giờ", hours=number(hours)), 12, "", INK, 1)
    line(_("Ngày hoàn thành: %(date)s", date=format_date(enrolment.completed_at, "short")), 12, "", INK, 0)

    qr_size, bottom = 34.0, pdf.h - 20
    _qr(pdf, address, width - 22 - qr_size, bottom - qr_size - 5, qr_size)
    pdf.set_font(FAMILY, "", 8)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(width - 22 - qr_size - 6, bottom - 4.5)
    pdf.cell(qr_size + 12, 4, _nfc(_("Quét mã để xác thực")), align="C")

    _signature_block(pdf, issuer, enrolment, x=150, y=bottom - 40, w=85)

    pdf.set_xy(25, bottom - 20)
    pdf.set_font(FAMILY, "", 10)
    pdf.set_text_color(*INK)
    pdf.cell(0, 5, _nfc(_("Mã xác thực:")) + " ", new_x="END")
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(0, 5, code, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(25)
    pdf.set_font(FAMILY, "", 9)
    pdf.set_text_color(*MUTED)
    pdf.cell(120, 5, _nfc(_("Xác thực chứng nhận tại:")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(25)
    pdf.set_text_color(*GREEN)
    pdf.cell(120, 5, address, link=address)
    return bytes(pdf.output())
