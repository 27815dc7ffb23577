"""PDF documents with Vietnamese text: fpdf2 and the DejaVu Sans font shipped in lms/reports/fonts.

The font travels with the code (licence beside it), so a PDF looks the same on every machine,
whatever fonts the operating system has.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import qrcode
from fpdf import FPDF
from fpdf.fonts import FontFace
from qrcode.constants import ERROR_CORRECT_M

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVuSans"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
HEADER_FILL = (227, 242, 236)


class ReportPDF(FPDF):
    """An A4 document in DejaVu Sans with a page footer ("page 2/5"-style label given by the caller)."""

    def __init__(self, title: str, *, landscape: bool = False, page_label: str = "{page}/{pages}") -> None:
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        for style, name in FONT_FILES.items():
            self.add_font(FAMILY, style, str(FONT_DIR / name))
        self.page_label = page_label
        self.set_title(title)
        self.set_creator("Học Tập Suốt Đời")
        self.set_auto_page_break(auto=True, margin=14)
        self.set_margins(12, 12, 12)
        self.alias_nb_pages("{nb}")
        self.add_page()
        self.set_font(FAMILY, size=10)

    def footer(self) -> None:
        """Print the page number at the bottom of every page."""
        self.set_y(-10)
        self.set_font(FAMILY, size=8)
        self.cell(0, 5, self.page_label.format(page=self.page_no(), pages="{nb}"), align="C")

    def heading(self, text: str, size: int = 14) -> None:
        """Print a bold heading on its own line."""
        self.set_font(FAMILY, "B", size)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FAMILY, size=10)
        self.ln(1)

    def paragraph(self, text: str, size: int = 10) -> None:
        """Print a wrapped paragraph."""
        self.set_font(FAMILY, size=size)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def grid(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float],
        *,
        numeric: Sequence[bool] | None = None,
        size: int = 9,
    ) -> None:
        """Print a table whose heading row repeats on every page; numeric columns align right."""
        numeric = numeric or [False] * len(header)
        aligns = ["RIGHT" if n else "LEFT" for n in numeric]
        self.set_font(FAMILY, size=size)
        style = FontFace(emphasis="BOLD", fill_color=HEADER_FILL)
        with self.table(
            col_widths=tuple(widths),
            text_align=tuple(aligns),
            headings_style=style,
            line_height=size * 0.55,
            repeat_headings=1,
        ) as table:
            head = table.row()
            for text in header:
                head.cell(str(text))
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(_cell_text(value))
        self.ln(2)

    def to_bytes(self) -> bytes:
        """Return the finished document."""
        return bytes(self.output())


def draw_qr(pdf: FPDF, text: str, x: float, y: float, size: float) -> None:
    """Draw a QR code of `text` as vector squares (crisp at any zoom, no image library needed)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    module = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row, cells in enumerate(matrix):
        start = None
        for col, dark in enumerate([*cells, False]):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                pdf.rect(x + start * module, y + row * module, (col - start) * module, module, style="F")
                start = None


def _cell_text(value: Any) -> str:
    """A grid cell: numbers with the language's separators (1.234,5 in Vietnamese, 1,234.5 in English)."""
    from decimal import Decimal

    from lms.web import number

    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return number(value)
    return str(value)
