"""The review report: a DOCX in the administrative layout whose figures are the CLI's own JSON."""

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from docx import Document

from lms.audit.models import AuditEntry
from lms.extensions import db
from tests.reviews.conftest import PERIOD
from tests.web.conftest import sign_in, submit


def _number(text: str) -> float | None:
    """Read a figure written the Vietnamese way (1.234 / 85,2) back; "—" is no value."""
    text = text.strip()
    if text == "—":
        return None
    return float(text.replace(".", "").replace(",", "."))


def _table(doc, first_header: str):  # type: ignore[no-untyped-def]
    return next(t for t in doc.tables if t.rows[0].cells[0].text == first_header)


def _cli_json(runner, area: str) -> dict:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["indicators", "--period", str(PERIOD), "--area", area, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_review_report_has_the_administrative_heading_and_the_cli_figures(runner, tree, figures, tmp_path):
    out = tmp_path / "bao-cao.docx"
    result = runner.invoke(
        args=["review-report", "--area", "D", "--period", str(PERIOD), "--number", "12", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    doc = Document(str(out))

    heading = doc.tables[0]
    left, right = (cell.text.splitlines() for cell in heading.rows[0].cells)
    assert left == ["UBND TỈNH P", "UBND HUYỆN D", "Số: 12/BC-UBND"]
    assert right[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert right[2].startswith("D, ngày ") and f"năm {right[2].split('năm ')[-1]}" in right[2]
    assert heading.rows[0].cells[1].paragraphs[0].runs[0].bold
    texts = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in texts
    assert any(t.startswith("Sơ kết thực hiện Kế hoạch xây dựng mô hình “Công dân học tập” năm 2026") for t in texts)
    assert [t for t in texts if t.startswith(("I.", "II.", "III.", "IV.", "V."))] == [
        "I. ĐẶC ĐIỂM TÌNH HÌNH",
        "II. KẾT QUẢ THỰC HIỆN",
        "III. ĐÁNH GIÁ CHUNG",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ GIAI ĐOẠN TỚI",
        "V. ĐỀ XUẤT, KIẾN NGHỊ",
    ]
    assert "{{" not in "\n".join(texts) and all("{{" not in c.text for t in doc.tables for r in t.rows for c in r.cells)
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (30, 15)
    foot = doc.tables[-1].rows[0].cells
    assert foot[0].text.startswith("Nơi nhận:") and "Lưu: VT" in foot[0].text
    assert foot[1].text.startswith("TM. ỦY BAN NHÂN DÂN")

    expected = _cli_json(runner, "D")
    rows = {row.cells[0].text: [c.text for c in row.cells] for row in _table(doc, "Chỉ số").rows[1:]}
    assert set(rows) == set(expected["indicators"]) == {"I1", "I2", "I3", "I4", "I5"}
    for code, figure in expected["indicators"].items():
        row = rows[code]
        assert _number(row[2]) == figure["numerator"]
        assert _number(row[3]) == figure["denominator"]
        assert _number(row[4]) == figure["value"]
        assert _number(row[5]) == figure["target_2025"]
        assert _number(row[7]) == figure["target_2030"]
        assert row[6] in ("Đạt", "Chưa đạt") if figure["value"] is not None else row[6] == "—"
    assert expected["indicators"]["I1"]["denominator"] == 3  # the members, as the CLI counts them

    below = _table(doc, "Địa bàn")
    for row in below.rows[1:]:
        child = {"Xã Hòa Ân": "A", "Xã Bình Lâm": "B"}[row.cells[0].text]
        theirs = _cli_json(runner, child)["indicators"]
        for cell, code in zip(row.cells[1:], ["I1", "I2", "I3", "I4", "I5"], strict=True):
            value, fraction = cell.text.split(" (")
            numerator, denominator = fraction.rstrip(")").split("/")
            assert (_number(value), int(numerator), int(denominator)) == (
                theirs[code]["value"],
                theirs[code]["numerator"],
                theirs[code]["denominator"],
            )
    titles = {row.cells[0].text: (row.cells[1].text, row.cells[2].text) for row in _table(doc, "Danh hiệu").rows[1:]}
    assert titles["Công dân học tập"] == (str(expected["counts"]["eligible"]), str(expected["counts"]["holders"]))
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "export.review_docx"))
    assert entry is not None and entry.actor == "cli" and entry.subject == "D"


def test_the_assessment_names_targets_not_met_and_lagging_communes(runner, tree, figures, tmp_path):
    out = tmp_path / "r.docx"
    assert (
        runner.invoke(args=["review-report", "--area", "D", "--period", str(PERIOD), "--out", str(out)]).exit_code == 0
    )
    texts = [p.text for p in Document(str(out)).paragraphs]
    unmet = next(t for t in texts if t.startswith("Các chỉ tiêu chưa đạt mức năm 2030"))
    assert "I1:" in unmet  # 2 of 3 members studied the criteria: below 100 %
    lagging = next(t for t in texts if t.startswith("Các địa bàn còn chậm"))
    assert "Xã Hòa Ân" in lagging


def test_cli_refuses_an_unknown_area_and_a_comparison_year_after_the_period(runner, tree, tmp_path):
    out = tmp_path / "r.docx"
    result = runner.invoke(args=["review-report", "--area", "NOPE", "--period", "2026", "--out", str(out)])
    assert result.exit_code == 1 and "unknown area code" in result.output
    result = runner.invoke(
        args=["review-report", "--area", "D", "--period", "2026", "--since", "2026", "--out", str(out)]
    )
    assert result.exit_code == 1 and not out.exists()


def test_an_admin_replaces_the_template(app, runner, tree, figures, tmp_path):
    from docx import Document as New

    custom = New()
    custom.add_paragraph("SỞ GIÁO DỤC — {{ issuer }}")
    custom.add_paragraph("{{ body }}")
    custom.add_paragraph("Ký tên: {{ signer_name }}")
    path = tmp_path / "mau.docx"
    custom.save(str(path))
    app.config["REVIEW_TEMPLATE"] = str(path)
    out = tmp_path / "r.docx"
    assert (
        runner.invoke(args=["review-report", "--area", "A", "--period", str(PERIOD), "--out", str(out)]).exit_code == 0
    )
    texts = [p.text for p in Document(str(out)).paragraphs]
    assert texts[0] == "SỞ GIÁO DỤC — UBND XÃ HÒA ÂN"
    assert "I. ĐẶC ĐIỂM TÌNH HÌNH" in texts and texts[-1] == "Ký tên: …"


def test_review_template_command_writes_the_shipped_layout(runner, tmp_path):
    target = tmp_path / "review-report.docx"
    assert runner.invoke(args=["review-template", str(target)]).exit_code == 0
    assert any("{{ body }}" in p.text for p in Document(str(target)).paragraphs)


@pytest.mark.parametrize(("login_area", "asked", "status"), [("A", "A", 200), ("A", "B", 404), ("D", "B", 200)])
def test_reports_page_button_downloads_the_report_of_the_officers_area(
    client, tree, figures, make_user, login_area, asked, status
):
    make_user("officer", area=tree[login_area], login="canbo@example.vn")
    sign_in(client, "canbo@example.vn")
    page = f"/officer/reports?period={PERIOD}"
    assert "/officer/reports/review.docx" in client.get(page).get_data(as_text=True)
    response = submit(client, page, "/officer/reports/review.docx", {"period": str(PERIOD), "area": asked})
    assert response.status_code == status
    if status == 200:
        assert response.mimetype.endswith("wordprocessingml.document")
        doc = Document(io.BytesIO(response.data))
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in doc.tables[0].rows[0].cells[1].text
        assert db.session.scalar(sa.select(AuditEntry.actor).where(AuditEntry.action == "export.review_docx")) == (
            "canbo@example.vn"
        )


def test_a_comparison_year_after_the_period_is_refused_with_a_message(client, tree, figures, make_user):
    make_user("officer", area=tree["A"], login="canbo@example.vn")
    sign_in(client, "canbo@example.vn")
    page = f"/officer/reports?period={PERIOD}"
    response = submit(
        client, page, "/officer/reports/review.docx", {"period": str(PERIOD), "since": "2027"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "Năm so sánh phải trước năm báo cáo." in response.get_data(as_text=True)


def test_the_shipped_template_is_the_one_build_template_writes(tmp_path):
    from lms.reviews.document import SHIPPED_TEMPLATE, build_template

    build_template(tmp_path / "t.docx")
    ours = [p.text for p in Document(str(tmp_path / "t.docx")).paragraphs]
    shipped = [p.text for p in Document(str(SHIPPED_TEMPLATE)).paragraphs]
    assert ours == shipped and Path(SHIPPED_TEMPLATE).is_file()


def test_a_final_review_compares_with_the_first_year_and_names_what_moved_most(runner, tree, figures, tmp_path):
    from lms.indicators.models import FIGURE_COLUMNS, AreaIndicator
    from lms.util import utcnow

    earlier = dict.fromkeys(FIGURE_COLUMNS, 0) | {"i4_num": 1, "i4_den": 4}  # I4 was 25.0 % in 2022
    db.session.add(AreaIndicator(area_id=tree["D"].id, period=2022, computed_at=utcnow(), **earlier))
    db.session.commit()
    out = tmp_path / "tong-ket.docx"
    args = ["review-report", "--area", "D", "--period", str(PERIOD), "--since", "2022", "--out", str(out)]
    assert runner.invoke(args=args).exit_code == 0
    texts = [p.text for p in Document(str(out)).paragraphs]
    assert any(t.startswith("Tổng kết thực hiện Kế hoạch") and "2022–2026" in t for t in texts)
    now = _cli_json(runner, "D")["indicators"]["I4"]["value"]
    moved = next(t for t in texts if t.startswith("Các chỉ số tăng, giảm nhiều nhất so với năm 2022"))
    assert f"I4 ({now - 25.0:+.1f})" in moved


def test_money_values_read_the_vietnamese_way():
    from lms.imports.values import BadValue, money

    assert money("1.500.000") == 1500000 and money("1500000,5") == Decimal("1500000.5")
    for bad in ("", "0", "-5", "1.5.0", "12345678901234567"):
        with pytest.raises(BadValue):
            money(bad)
