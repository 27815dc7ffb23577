"""An import page job on a real worker: the upload is checked, then imported, by the Celery worker process
(PostgreSQL + Redis); the page's status endpoint follows it to the end."""

import io
import re

import sqlalchemy as sa

from lms.extensions import db
from lms.imports.models import ImportJob
from lms.people.models import Person
from tests.web.conftest import sign_in, submit
from tests.worker.test_pipeline import wait_for


def test_a_large_import_is_checked_and_imported_by_the_worker(app, tree, make_user, worker):
    make_user("officer", area=tree["A"], login="canbo.a@example.vn")
    app.config["IMPORT_INLINE_MAX_BYTES"] = 1000  # "large": the worker does it
    rows = "".join(f"P{n:05d},Người Số {n},{1950 + n % 50},nam,A{1 + n % 2}\n" for n in range(3000))
    content = ("person_code,full_name,birth_year,gender,village_code\n" + rows).encode()
    web = app.test_client()
    sign_in(web, "canbo.a@example.vn")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', web.get("/officer/imports").get_data(as_text=True))
    web.post(
        "/officer/imports",
        data={"csrf_token": token.group(1), "kind": "people", "file": (io.BytesIO(content), "nguoi-dan.csv")},
        content_type="multipart/form-data",
    )
    job_id = db.session.scalar(sa.select(sa.func.max(ImportJob.id)))
    status = f"/officer/imports/{job_id}/status"
    checked = wait_for(lambda: (s := web.get(status).get_json())["finished"] and s, what="the worker's check")
    assert checked["status"] == "checked" and checked["total"] == 3000
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 0
    submit(web, f"/officer/imports/{job_id}", f"/officer/imports/{job_id}/confirm")
    done = wait_for(lambda: (s := web.get(status).get_json())["finished"] and s, what="the worker's import")
    assert done == {"status": "done", "done": 3000, "total": 3000, "percent": 100, "finished": True}
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 3000
