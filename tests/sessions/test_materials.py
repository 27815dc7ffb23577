"""Materials: type by content, stored once by hash outside static/, served as attachments to the right people;
every bad upload from QUALITY.md gets a clear message and writes nothing."""

import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from lms.extensions import db
from tests.sessions import files
from tests.sessions.conftest import stored_files, upload
from tests.web.conftest import sign_in, submit


@pytest.fixture
def trainer_client(client, trainer, training):  # type: ignore[no-untyped-def]
    sign_in(client, "trainer@example.vn")
    return client


def _materials():  # type: ignore[no-untyped-def]
    from courses.sessions.models import Material

    return list(db.session.scalars(sa.select(Material)))


@pytest.mark.parametrize(("name", "data"), list(files.GOOD.items()))
def test_every_accepted_type_is_stored_by_content_hash(app, trainer_client, training, name, data):
    import hashlib

    response = upload(trainer_client, training, name, data)
    assert response.status_code == 302
    (material,) = _materials()
    assert material.name == name and material.size == len(data)
    digest = hashlib.sha256(data).hexdigest()
    assert material.sha256 == digest
    path = Path(app.config["UPLOAD_DIR"]) / digest[:2] / digest
    assert path.read_bytes() == data
    assert "static" not in path.parts
    page = trainer_client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Đã tải lên tài liệu: {name}" in page


def test_same_content_is_stored_once(app, trainer_client, training, make_session):
    other = make_session(code="TH-OTHER")
    upload(trainer_client, training, "slides.pdf", files.PDF)
    upload(trainer_client, training, "slides-copy.pdf", files.PDF)
    upload(trainer_client, other, "again.pdf", files.PDF)
    assert len([p for p in stored_files(app) if ".tmp" not in p.parts]) == 1
    assert len(_materials()) == 2  # one per session: the copy in the same session is the same material


def test_a_duplicate_upload_says_so_and_asks_before_deleting(trainer_client, training):
    upload(trainer_client, training, "slides.pdf", files.PDF)
    response = upload(trainer_client, training, "slides-copy.pdf", files.PDF)
    page = trainer_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tệp slides-copy.pdf trùng nội dung với tài liệu đã có của lớp (slides.pdf)" in page
    assert "Đã tải lên tài liệu: slides" not in page
    # deleting sits behind a disclosure that names the file and what happens
    assert '<details class="confirm-inline">' in page and 'Xóa tài liệu "slides.pdf"?' in page


def test_download_is_an_attachment_with_nosniff(trainer_client, training):
    upload(trainer_client, training, "Bài giảng VNeID.pdf", files.PDF)
    (material,) = _materials()
    response = trainer_client.get(f"/sessions/{training.id}/materials/{material.id}")
    assert response.status_code == 200
    assert response.data == files.PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''B%C3%A0i%20gi%E1%BA%A3ng%20VNeID.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


BAD = [
    ("type does not match content", "bai-giang.pdf", files.PNG, "nhưng nội dung là tệp PNG"),
    ("docx named pdf", "bai-giang.pdf", files.DOCX, "nhưng nội dung là tệp DOCX"),
    ("svg", "logo.svg", files.SVG, "Không nhận tệp HTML, SVG hay XML"),
    ("svg renamed png", "logo.png", files.SVG_BARE, "Không nhận tệp HTML, SVG hay XML"),
    ("html", "trang.html", files.HTML, "Không nhận tệp HTML, SVG hay XML"),
    ("html renamed pdf", "bai.pdf", files.HTML_LOWER, "Không nhận tệp HTML, SVG hay XML"),
    ("plain zip", "tai-lieu.docx", files.PLAIN_ZIP, "Loại tệp không được hỗ trợ"),
    ("macro document", "tai-lieu.docx", files.DOCM, "Không nhận tệp có macro"),
    ("executable", "setup.exe", files.EXE, "Loại tệp không được hỗ trợ"),
    ("text", "ghi-chu.txt", files.TEXT, "Loại tệp không được hỗ trợ"),
    ("zero bytes", "rong.pdf", b"", "Tệp rỗng (0 byte)"),
]


@pytest.mark.parametrize(("case", "name", "data", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_uploads_get_a_clear_message_and_store_nothing(app, trainer_client, training, case, name, data, message):
    response = upload(trainer_client, training, name, data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _materials() == []
    assert stored_files(app) == []


def test_no_file_chosen(app, trainer_client, training):
    response = submit(trainer_client, f"/sessions/{training.id}", f"/sessions/{training.id}/materials", {})
    assert response.status_code == 400
    assert "Hãy chọn tệp cần tải lên." in response.get_data(as_text=True)


def test_oversized_upload_gets_the_friendly_413_page(app, trainer_client, training):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = upload(trainer_client, training, "video.mp4", files.MP4 + b"\x00" * (128 * 1024))
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Tệp quá lớn so với giới hạn cho phép." in page
    assert "Về trang chủ" in page  # the site's own error page, in the user's language
    assert _materials() == [] and stored_files(app) == []


def test_oversized_upload_from_the_progress_script_gets_json(app, trainer_client, training):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = upload(
        trainer_client,
        training,
        "video.mp4",
        files.MP4 + b"\x00" * (128 * 1024),
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 413
    assert response.json["error"]["message"] == "Tệp quá lớn so với giới hạn cho phép."


def test_progress_script_gets_json_answers(trainer_client, training):
    ok = upload(trainer_client, training, "a.pdf", files.PDF, headers={"Accept": "application/json"})
    assert ok.status_code == 200 and ok.json == {"ok": True, "redirect": f"/sessions/{training.id}"}
    bad = upload(trainer_client, training, "a.svg", files.SVG, headers={"Accept": "application/json"})
    assert bad.status_code == 400 and bad.json["ok"] is False
    assert "SVG" in bad.json["errors"][0]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\x.pdf", "*x.pdf"),  # multipart quoting may eat the backslashes
        ("../", "tai-lieu.pdf"),
        ("bai\x00giang.pdf", "baigiang.pdf"),
        ("evil\u202efdp.exe.pdf", "evilfdp.exe.pdf"),
        ("  .hidden.pdf  ", "hidden.pdf"),
        ("Tài liệu tập huấn.pdf", "Tài liệu tập huấn.pdf"),
        ("khong-duoi", "khong-duoi.pdf"),
    ],
)
def test_odd_names_are_kept_only_as_clean_display_names(app, trainer_client, training, raw, expected):
    response = upload(trainer_client, training, raw, files.PDF)
    assert response.status_code == 302
    (material,) = _materials()
    if expected.startswith("*"):
        assert material.name.endswith(expected[1:]) and "\\" not in material.name and ".." not in material.name
    else:
        assert material.name == expected
    assert "/" not in material.name and "\x00" not in material.name
    root = Path(app.config["UPLOAD_DIR"]).resolve()
    for path in stored_files(app):
        assert path.resolve().is_relative_to(root)
        assert re.fullmatch(r"[0-9a-f]{64}", path.name)


def test_a_300_character_name_is_shortened_keeping_its_extension(app, trainer_client, training):
    response = upload(trainer_client, training, "t" * 300 + ".pdf", files.PDF)
    assert response.status_code == 302
    (material,) = _materials()
    assert len(material.name) <= 150 and material.name.endswith(".pdf")


def test_materials_are_served_only_to_those_who_may_see_the_session(
    client, app, training, tree, make_person, make_user, officer_a, officer_b
):
    from werkzeug.datastructures import FileStorage

    from courses.sessions.services import add_material
    from lms.uploads.services import store_upload

    with app.test_request_context():
        material = add_material(training, store_upload(FileStorage(io.BytesIO(files.PDF), "slides.pdf")))
    db.session.commit()
    audience = make_person(tree["A2"], full_name="Người Trong Xã")
    outsider = make_person(tree["B1"], full_name="Người Xã Khác")
    make_user("citizen", person=audience, login="audience@example.vn")
    make_user("citizen", person=outsider, login="outsider@example.vn")
    make_user("trainer", login="other.trainer@example.vn")
    url = f"/sessions/{training.id}/materials/{material.id}"
    assert client.get(url).status_code == 302  # to the login page
    for login, status in [
        ("audience@example.vn", 200),
        ("canbo.a@example.vn", 200),
        ("trainer@example.vn", 200),
        ("outsider@example.vn", 404),
        ("canbo.b@example.vn", 404),
        ("other.trainer@example.vn", 404),
    ]:
        fresh = app.test_client()
        sign_in(fresh, login)
        assert fresh.get(url).status_code == status, login
    assert client.get(f"/sessions/{training.id}/materials/99999").status_code in (302, 404)


def test_only_the_trainer_uploads_or_deletes(app, client, training, tree, make_person, make_user, officer_a):
    person = make_person(tree["A1"], full_name="Người Dân")
    make_user("citizen", person=person, login="dan@example.vn")
    sign_in(client, "dan@example.vn")
    assert upload(client, training, "x.pdf", files.PDF).status_code == 403
    assert stored_files(app) == []
    trainer = app.test_client()
    sign_in(trainer, "trainer@example.vn")
    upload(trainer, training, "x.pdf", files.PDF)
    (material,) = _materials()
    response = submit(
        trainer, f"/sessions/{training.id}", f"/sessions/{training.id}/materials/{material.id}/delete", {}
    )
    assert response.status_code == 302
    assert _materials() == []


def test_upload_form_has_the_progress_bar_and_works_without_it(trainer_client, training):
    page = trainer_client.get(f"/sessions/{training.id}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and "data-upload" in page
    assert "<progress" in page and "/static/js/upload.js" in page
    assert trainer_client.get("/static/js/upload.js").status_code == 200
