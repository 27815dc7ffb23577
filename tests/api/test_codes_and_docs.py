"""The national administrative-unit code travels with the areas file; the document and its docs page."""

import sqlalchemy as sa

from lms.areas.models import Area
from lms.extensions import db


def test_the_areas_file_carries_the_national_code_as_an_optional_column(app):
    import io

    from lms.imports.services import run_import

    def load(text: str):  # type: ignore[no-untyped-def]
        report = run_import("areas", io.BytesIO(text.encode()), "areas.csv", actor="test")
        db.session.commit()
        return report

    report = load(
        "code,name,level,parent_code,admin_code\nT,Tỉnh,province,,60\nX,Xã,commune,T,22960\nV,Thôn,village,X,\n"
    )
    assert report.ok, report.errors
    codes = dict(db.session.execute(sa.select(Area.code, Area.admin_code)).all())
    assert codes == {"T": "60", "X": "22960", "V": None}
    assert (load("code,name,level,parent_code\nX,Xã,commune,T\n").unchanged, codes["X"]) == (1, "22960")  # kept
    assert load("code,name,level,admin_code\nX,Xã,commune,22961\n").updated == 1
    assert db.session.scalar(sa.select(Area.admin_code).where(Area.code == "X")) == "22961"
    bad = load("code,name,level,admin_code\nX,Xã,commune,2296A\n")
    assert [(e.row, e.column) for e in bad.errors] == [(2, "admin_code")]


def test_the_document_is_openapi_3_with_a_bearer_scheme_and_problem_errors(client):
    response = client.get("/api/v1/openapi.json")
    document = response.get_json()
    assert response.status_code == 200 and document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    assert "application/problem+json" in document["components"]["responses"]["UNAUTHORIZED"]["content"]
    assert client.get("/api/v1/openapi.json", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_the_docs_page_is_served_by_the_app_with_no_inline_script(client):
    html = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in html and "/static/js/api-docs.js" in html
    assert "<script>" not in html and "http" not in html.split("<body>", 1)[1]  # no inline script, no CDN
    asset = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.get_data()) > 100_000
    assert client.get("/api/v1/docs/assets/index.html").status_code == 404  # only the files the page uses
