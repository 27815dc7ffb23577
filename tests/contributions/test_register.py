"""The register of contributions: recorded by officers of the area, with files, exported, imported,
and shown to the public only as totals that pass the small-cell rule."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import sqlalchemy as sa

from lms.audit.models import AuditEntry
from lms.contributions import services
from lms.contributions.models import Contribution
from lms.extensions import db
from lms.imports.services import run_import
from tests.web.conftest import sign_in, submit

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _record(area, reference: str, kind: str = "money", value: str = "1000000", who: str = "Công ty Minh Phát"):  # type: ignore[no-untyped-def]
    return services.record(
        area,
        contributor_kind="business" if who else "anonymous",
        contributor=who,
        kind=kind,
        value=Decimal(value),
        purpose="Học bổng",
        when=date(2026, 3, 8),
        reference=reference,
        actor="test",
    )


def test_an_officer_records_a_contribution_and_sees_it_in_the_totals(client, tree, officer_a):
    sign_in(client, "canbo.a@example.vn")
    response = submit(
        client,
        "/officer/contributions?period=2026",
        "/officer/contributions?period=2026",
        {
            "area": str(tree["A1"].id),
            "contributor_kind": "business",
            "contributor": "Công ty TNHH Minh Phát",
            "kind": "scholarship",
            "value": "15000000",
            "purpose": "Học bổng cho học viên",
            "date": "2026-03-08",
            "reference": "05/BN-KH",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "05/BN-KH" in response.get_data(as_text=True)
    page = client.get("/officer/contributions?period=2026").get_data(as_text=True)
    assert "Công ty TNHH Minh Phát" in page and "15.000.000" in page
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "contribution.create"))
    assert entry.actor == "canbo.a@example.vn" and entry.subject == "05/BN-KH"


def test_a_reference_already_in_the_register_is_refused_and_nothing_written(client, tree, officer_a):
    _record(tree["A"], "01/BN")
    db.session.commit()
    sign_in(client, "canbo.a@example.vn")
    data = {"area": str(tree["A"].id), "contributor_kind": "person", "contributor": "Ông Ba", "kind": "money",
            "value": "200000", "date": "2026-04-01", "reference": "01/BN"}  # fmt: skip
    response = submit(client, "/officer/contributions", "/officer/contributions", data)
    assert response.status_code == 400
    assert "01/BN đã có trong sổ" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contribution)) == 1


def test_anonymous_contributions_keep_no_name_and_others_need_one(tree):
    item = services.record(tree["A"], contributor_kind="anonymous", contributor="Bà Tư", kind="money",
                           value=Decimal(5), purpose="", when=date(2026, 1, 2), reference="A-1", actor="t")  # fmt: skip
    assert item.contributor == ""
    try:
        services.record(tree["A"], contributor_kind="person", contributor=" ", kind="money", value=Decimal(5),
                        purpose="", when=date(2026, 1, 2), reference="A-2", actor="t")  # fmt: skip
    except services.ContributionError as exc:
        assert "Ẩn danh" in str(exc)
    else:
        raise AssertionError("a named contributor without a name was accepted")


def test_another_communes_officer_cannot_see_a_contribution(client, tree, officer_a, officer_b):
    item = _record(tree["A1"], "02/BN")
    db.session.commit()
    sign_in(client, "canbo.b@example.vn")
    assert client.get(f"/officer/contributions/{item.id}").status_code == 404
    assert "02/BN" not in client.get("/officer/contributions?period=2026").get_data(as_text=True)


def test_files_are_attached_and_downloaded_by_officers_of_the_area(client, tree, officer_a, officer_b):
    item = _record(tree["A"], "03/BN")
    db.session.commit()
    sign_in(client, "canbo.a@example.vn")
    page = f"/officer/contributions/{item.id}"
    response = submit(client, page, page, {"file": (io.BytesIO(PDF), "bien-nhan.pdf")},
                      content_type="multipart/form-data", follow_redirects=True)  # fmt: skip
    assert response.status_code == 200 and "bien-nhan.pdf" in response.get_data(as_text=True)
    db.session.refresh(item)
    found = item.files[0]
    download = client.get(f"/officer/contributions/{item.id}/files/{found.id}")
    assert download.status_code == 200 and download.data == PDF
    refused = submit(client, page, page, {"file": (io.BytesIO(b"<script>x</script>"), "x.pdf")},
                     content_type="multipart/form-data")  # fmt: skip
    assert refused.status_code == 400
    other = client.application.test_client()
    sign_in(other, "canbo.b@example.vn")
    assert other.get(f"/officer/contributions/{item.id}/files/{found.id}").status_code == 404


def test_the_register_exports_as_xlsx_and_pdf_audited(client, tree, officer_a):
    _record(tree["A1"], "04/BN", kind="volunteer_hours", value="12")
    _record(tree["A1"], "05/BN", value="2500000")
    db.session.commit()
    sign_in(client, "canbo.a@example.vn")
    response = submit(
        client, "/officer/contributions?period=2026", "/officer/contributions/report.xlsx", {"period": "2026"}
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    totals = {row[0]: (row[1], row[2]) for row in book["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert totals["Tiền mặt"] == (1, 2500000) and totals["Giờ dạy tình nguyện"] == (1, 12)
    pdf = submit(client, "/officer/contributions?period=2026", "/officer/contributions/report.pdf", {"period": "2026"})
    assert pdf.data.startswith(b"%PDF")
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"export.contributions_xlsx", "export.contributions_pdf"} <= actions


def test_a_paper_register_is_imported_all_or_nothing_and_reimporting_changes_nothing(tree):
    header = "area_code,date,contributor_kind,contributor,kind,value,purpose,reference\n"
    good = header + "A1,2026-02-01,business,Công ty An Phú,money,3000000,Quỹ khuyến học,10/BN\n" \
        "A,2026-02-03,anonymous,,in_kind,1.500.000,Sách,11/BN\n"  # fmt: skip
    report = run_import("contributions", io.BytesIO(good.encode()), "so.csv", actor="canbo", scope=tree["A"])
    db.session.commit()
    assert report.ok and report.created == 2
    assert db.session.scalar(sa.select(Contribution.value).where(Contribution.reference == "11/BN")) == 1500000
    again = run_import("contributions", io.BytesIO(good.encode()), "so.csv", actor="canbo", scope=tree["A"])
    assert again.ok and again.unchanged == 2 and again.created == 0
    bad = header + "A1,2026-02-05,person,,money,100,,12/BN\nB1,2026-02-05,anonymous,,money,-3,,13/BN\n"
    refused = run_import("contributions", io.BytesIO(bad.encode()), "bad.csv", actor="canbo", scope=tree["A"])
    db.session.rollback()
    columns = {(e.row, e.column) for e in refused.errors}
    assert (2, "contributor") in columns and (3, "value") in columns
    outside = header + "B1,2026-02-05,anonymous,,money,100,,14/BN\n"
    refused = run_import("contributions", io.BytesIO(outside.encode()), "b.csv", actor="canbo", scope=tree["A"])
    db.session.rollback()
    assert [(e.row, e.column) for e in refused.errors] == [(2, "area_code")]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contribution)) == 2


def test_public_statistics_show_totals_only_past_the_small_cell_rule(client, app, tree):
    app.config["PUBLIC_MIN_CELL"] = 2
    _record(tree["A1"], "20/BN", value="1000000")
    _record(tree["A1"], "21/BN", value="2000000")
    _record(tree["B1"], "22/BN", kind="scholarship", value="7000000")
    db.session.commit()
    page = client.get("/stats?area=D&period=2026").get_data(as_text=True)
    assert "3.000.000" in page  # two gifts of money: their total is shown
    assert "7.000.000" not in page and "&lt;2" in page  # one scholarship: neither its count nor its value
    totals = services.public_totals(tree["D"], 2026, 2)
    assert {t["kind"]: t["count"] for t in totals} == {"money": 2, "scholarship": None}


def test_an_entry_made_by_mistake_is_deleted_and_audited(client, tree, officer_a):
    item = _record(tree["A"], "30/BN")
    db.session.commit()
    sign_in(client, "canbo.a@example.vn")
    page = f"/officer/contributions/{item.id}"
    response = submit(client, page, f"{page}/delete", {}, follow_redirects=True)
    assert "Đã xóa đóng góp khỏi sổ." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contribution)) == 0
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "contribution.delete"))
    assert entry.subject == "30/BN" and entry.before["value"] == "1000000.00"
