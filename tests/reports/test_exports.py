"""Exports: the indicator report (XLSX read back, PDF), holders lists with and without contacts, audited."""

import io
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.extensions import db
from lms.indicators.services import report
from lms.people.models import Unit
from tests.web.conftest import make_eligible, score, sign_in, submit

PERIOD = 2026


@pytest.fixture
def holders(tree, make_person, default_framework):  # type: ignore[no-untyped-def]
    """Two holders in commune A (one an official of a unit), one in commune B; figures computed."""
    from lms.titles.services import award_titles

    unit = Unit(code="U-A", name="UBND xã Hòa Ân", level="commune", area_id=tree["A"].id)
    db.session.add(unit)
    db.session.flush()
    a1 = make_person(
        tree["A1"],
        full_name="Nguyễn Văn An",
        phone="0912000111",
        email="an@example.vn",
        unit_id=unit.id,
        is_official=True,
        khuyen_hoc_member=True,
    )
    a2 = make_person(tree["A2"], full_name="Phạm Thị Bình", phone="0912000222")
    b1 = make_person(tree["B1"], full_name="Lê Văn Cường", phone="0912000333")
    make_person(tree["A1"], full_name="Chưa Đạt")
    for person in (a1, a2, b1):
        make_eligible(person)
    score()
    award_titles([a1.id, a2.id], PERIOD, "15/QĐ-UBND", date(PERIOD, 11, 20), "test", tree["A"])
    award_titles([b1.id], PERIOD, "16/QĐ-UBND", date(PERIOD, 11, 20), "test", tree["B"])
    db.session.commit()
    score()
    return {"unit": unit, "a1": a1, "a2": a2, "b1": b1}


def _export(client, action: str, data: dict):  # type: ignore[no-untyped-def]
    return submit(client, f"/officer/reports?period={PERIOD}", action, {"period": str(PERIOD), **data})


def _header_row(sheet) -> list:  # type: ignore[no-untyped-def]
    return [c.value for c in sheet[4]]


def test_report_xlsx_has_a_sheet_per_level_vietnamese_headers_and_numbers(client, tree, holders, make_user):
    make_user("officer", area=tree["D"], login="huyen@example.vn")
    sign_in(client, "huyen@example.vn")
    response = _export(client, "/officer/reports/indicators.xlsx", {"area": "D"})
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Tổng hợp", "Huyện", "Xã", "Thôn, khu phố", "Đơn vị"]

    summary = book["Tổng hợp"]
    assert _header_row(summary)[:5] == ["Chỉ số", "Nội dung", "Tử số", "Mẫu số", "Tỷ lệ (%)"]
    expected = report("D", tree["D"].id, PERIOD)
    by_code = {row[0]: row for row in summary.iter_rows(min_row=5, max_row=9, values_only=True)}
    assert set(by_code) == {"I1", "I2", "I3", "I4", "I5"}
    for code, ind in expected["indicators"].items():
        row = by_code[code]
        assert (row[2], row[3], row[4], row[5], row[6]) == (
            ind["numerator"],
            ind["denominator"],
            ind["value"],
            ind["target_2025"],
            ind["target_2030"],
        )
        assert isinstance(row[2], int) and isinstance(row[5], int | float)

    communes = book["Xã"]
    header = _header_row(communes)
    assert header[:6] == [
        "Mã địa bàn",
        "Tên địa bàn",
        "Trực thuộc",
        "Số người dân",
        "Công dân học tập đạt chuẩn",
        "Công dân học tập đã công nhận",
    ]
    assert "I2 – Tỷ lệ (%)" in header and "I2 – Chỉ tiêu 2030 (%)" in header
    rows = {r[0]: dict(zip(header, r, strict=False)) for r in communes.iter_rows(min_row=5, values_only=True)}
    assert set(rows) == {"A", "B"}
    a = report("A", tree["A"].id, PERIOD)
    assert rows["A"]["Số người dân"] == a["counts"]["people"] == 3
    assert rows["A"]["Công dân học tập đã công nhận"] == 2
    assert rows["A"]["I4 – Mẫu số"] == a["indicators"]["I4"]["denominator"]
    assert rows["A"]["I2 – Chỉ tiêu 2025 (%)"] == 40
    for row in rows.values():
        for key, value in row.items():
            if key not in ("Mã địa bàn", "Tên địa bàn", "Trực thuộc"):
                assert value is None or isinstance(value, int | float), (key, value)
    villages = {r[0] for r in book["Thôn, khu phố"].iter_rows(min_row=5, values_only=True)}
    assert villages == {"A1", "A2", "B1"}
    units = list(book["Đơn vị"].iter_rows(min_row=5, values_only=True))
    assert units[0][:7] == ("U-A", "UBND xã Hòa Ân", "Cấp xã", "Xã Hòa Ân", 1, 1, 1)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "export.report_xlsx"))
    assert entry.actor == "huyen@example.vn" and entry.area_id == tree["D"].id
    assert entry.after == {"of": "D", "period": PERIOD}


def test_commune_officer_exports_only_their_commune(client, tree, holders, officer_a):
    sign_in(client, "canbo.a@example.vn")
    response = _export(client, "/officer/reports/indicators.xlsx", {"area": ""})
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Tổng hợp", "Xã", "Thôn, khu phố", "Đơn vị"]
    assert [r[0] for r in book["Thôn, khu phố"].iter_rows(min_row=5, values_only=True)] == ["A1", "A2"]
    assert _export(client, "/officer/reports/indicators.xlsx", {"area": "B"}).status_code == 404
    assert _export(client, "/officer/reports/indicators.pdf", {"area": "D"}).status_code == 404
    assert _export(client, "/officer/reports/holders.xlsx", {"area": "B1"}).status_code == 404


def test_report_pdf_is_a_pdf_and_audited(client, tree, holders, officer_a):
    sign_in(client, "canbo.a@example.vn")
    response = _export(client, "/officer/reports/indicators.pdf", {"area": "A"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF") and b"DejaVuSans" in response.data
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "export.report_pdf"))
    assert entry.actor == "canbo.a@example.vn" and entry.after["of"] == "A"


def _cells(data: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_holders_list_leaves_out_phone_and_email_unless_asked(client, tree, holders, officer_a):
    sign_in(client, "canbo.a@example.vn")
    response = _export(client, "/officer/reports/holders.xlsx", {"area": "A"})
    rows = _cells(response.data)
    header = rows[2]
    assert header == [
        "STT",
        "Mã người dân",
        "Họ và tên",
        "Năm sinh",
        "Giới tính",
        "Thôn, khu phố",
        "Đơn vị công tác",
        "Số quyết định",
        "Ngày quyết định",
    ]
    data = rows[3:]
    assert [r[2] for r in data] == ["Nguyễn Văn An", "Phạm Thị Bình"]
    assert isinstance(data[0][0], int) and isinstance(data[0][3], int) and data[0][7] == "15/QĐ-UBND"
    flat = " ".join(str(c) for r in rows for c in r)
    assert "0912000111" not in flat and "an@example.vn" not in flat and "Lê Văn Cường" not in flat

    response = _export(client, "/officer/reports/holders.xlsx", {"area": "A1", "contacts": "y"})
    rows = _cells(response.data)
    assert rows[2][-2:] == ["Số điện thoại", "Email"]
    assert rows[3][-2:] == ["0912000111", "an@example.vn"] and len(rows) == 4

    response = _export(client, "/officer/reports/holders.xlsx", {"unit": "U-A"})
    assert [r[2] for r in _cells(response.data)[3:]] == ["Nguyễn Văn An"]
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "export.holders_xlsx").order_by(AuditEntry.id)
    ).all()
    assert [(e.after["of"], e.after["contacts"], e.after["rows"]) for e in entries] == [
        ("A", False, 2),
        ("A1", True, 1),
        ("U-A", False, 1),
    ]
    assert all(e.actor == "canbo.a@example.vn" for e in entries)


def test_exports_page_lists_the_forms(client, tree, holders, officer_a):
    sign_in(client, "canbo.a@example.vn")
    html = client.get(f"/officer/reports?period={PERIOD}").get_data(as_text=True)
    assert "Tải Excel (XLSX)" in html and "Kèm số điện thoại và email" in html and "Tính toán lại" in html
    assert _export(client, "/officer/reports/indicators.xlsx", {"period": "1800"}).status_code == 302


def test_report_verdict_column_in_both_languages_says_met_not_passed(client, tree, holders, make_user):
    """Against a target, "Đạt" is "Met" in English (a quiz's "Đạt" is "Passed": another context)."""
    make_user("officer", area=tree["D"], login="huyen@example.vn")
    sign_in(client, "huyen@example.vn")
    expected = report("D", tree["D"].id, PERIOD)["indicators"]
    assert any(ind["value"] is not None for ind in expected.values()), "some indicator must have a value"

    def verdicts() -> dict:
        response = _export(client, "/officer/reports/indicators.xlsx", {"area": "D"})
        sheet = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]
        return {row[0]: row[7] for row in sheet.iter_rows(min_row=5, max_row=9, values_only=True)}

    def wanted(met: str, not_met: str) -> dict:
        return {
            code: (None if ind["value"] is None else met if ind["value"] >= ind["target_2025"] else not_met)
            for code, ind in expected.items()
        }

    assert {k: v or None for k, v in verdicts().items()} == wanted("Đạt", "Chưa đạt")
    client.get("/lang/en")
    assert {k: v or None for k, v in verdicts().items()} == wanted("Met", "Not met")
