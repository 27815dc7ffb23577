"""The JSON API (/api/v1) for provincial and national systems, documented by flask-smorest from this code.

Public: the course catalogue and an area's indicators. Everything else needs `Authorization: Bearer
TOKEN` (lms.api.tokens.authenticate): a read token reads inside its area, a write token also pushes
evidence and imports. Answers are {"ok": true, "data": …}; errors are problem details (lms.api.problems);
reads carry an ETag and answer 304 to a matching If-None-Match.
"""

from functools import wraps
from typing import Any

from flask import Response, current_app, g, request, url_for
from flask_babel import gettext as _
from flask_smorest import Blueprint

from lms.api import imports, national, schemas, services
from lms.api.problems import PROBLEM_JSON, Problem, problem_response
from lms.api.tokens import area_in_scope, authenticate, note_read, optional_token, token_required
from lms.areas.models import Area
from lms.cli import poke_worker
from lms.extensions import db
from lms.imports.models import ImportJob
from lms.imports.services import KINDS
from lms.indicators.views import public_area
from lms.paging import decode, encode
from lms.web import current_period

bp = Blueprint(
    "api",
    __name__,
    description="Học Tập Suốt Đời: areas, indicators, results, learning records, evidence and imports.",
)

BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
PUBLIC_OR_BEARER: list[dict[str, list[str]]] = [{}, {"bearer": []}]
MAX_JSON_BYTES = 2 * 1024 * 1024  # 1,000 evidence rows fit many times over
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_PATH = "any(" + ", ".join(f'"{k}"' for k in KINDS) + ")"


def errors(*codes: int) -> Any:
    """Document the problem responses a view can give (besides 400, which any request can get)."""
    names = {
        400: "BAD_REQUEST",
        401: "UNAUTHORIZED",
        403: "FORBIDDEN",
        404: "NOT_FOUND",
        405: "METHOD_NOT_ALLOWED",
        409: "CONFLICT",
        413: "REQUEST_ENTITY_TOO_LARGE",
        422: "UNPROCESSABLE_ENTITY",
        429: "TOO_MANY_REQUESTS",
    }

    def decorator(view: Any) -> Any:
        for code in sorted({400, *codes}, reverse=True):
            view = bp.alt_response(code, response=names[code])(view)
        return view

    return decorator


def conditional(view: Any) -> Any:
    """Give a read's answer an ETag (a hash of its body) and answer 304 when the client has it already."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code == 200:
            response.add_etag()
            response.make_conditional(request)
        return response

    return bp.alt_response(304, response="NOT_MODIFIED")(wrapper)


def ok(data: Any) -> dict[str, Any]:
    """Wrap data in the envelope of a successful answer."""
    return {"ok": True, "data": data}


def body_limit(max_bytes: int) -> Any:
    """Decorate a view: 413 for a body over `max_bytes`, before it is read (files go to the imports)."""

    def decorator(view: Any) -> Any:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if (request.content_length or 0) > max_bytes:
                raise Problem(413, _("Dữ liệu gửi lên quá lớn (tối đa %(n)s MB).", n=max_bytes // (1024 * 1024)))
            return view(*args, **kwargs)

        return wrapper

    return decorator


# ---- public --------------------------------------------------------------------------------------
@bp.route("/courses", methods=["GET"])
@conditional
@bp.arguments(schemas.CoursesArgs, location="query")
@bp.response(200, schemas.envelope("CoursesAnswer", schemas.CoursesSchema))
@errors(422)
@bp.doc(security=[{}], summary="The published course catalogue (public)")
def courses(args: dict[str, Any]) -> Any:
    """List the published courses: search with ?q=, filter with ?category=, page with ?page= and ?per_page=."""
    listing = current_app.extensions.get("course_catalogue")
    if listing is None:
        raise Problem(503, _("Danh mục khóa học chưa sẵn sàng."))
    query = (args.get("q") or "").replace("\x00", "").strip()
    category = (args.get("category") or "").strip() or None
    return ok(listing(query, category, args.get("page", 1), args.get("per_page", 50)))


@bp.route("/indicators", methods=["GET"])
@conditional
@bp.arguments(schemas.IndicatorsArgs, location="query")
@bp.doc(
    responses={
        "200": {
            "description": "One area's figures (area=), or every area's below one for each year (under=)",
            "content": {
                "application/json": {
                    "schema": {
                        "oneOf": [
                            schemas.envelope("IndicatorsAnswer", schemas.ReportSchema),
                            schemas.envelope("IndicatorsUnderAnswer", schemas.ReportsSchema),
                        ]
                    }
                }
            },
        }
    }
)
@errors(401, 403, 404, 422)
@bp.doc(security=PUBLIC_OR_BEARER, summary="Indicators I1–I5 of an area (public), or of every area below one (token)")
def indicators(args: dict[str, Any]) -> Any:
    """`?area=CODE&period=YEAR`: a public area's figures (no token). `?under=CODE&from=YEAR&to=YEAR` (read
    token): the figures of that area and every area below it for each year, in one call."""
    if args.get("under"):
        return _indicators_under(args)
    token = optional_token()
    if any(args.get(k) is not None for k in ("from_", "to")):
        raise Problem(400, _("Tham số from và to chỉ dùng với under."), errors=[_fault("from", _("Cần under."))])
    code = args.get("area")
    if not code:
        raise Problem(400, _("Cần mã địa bàn."), errors=[_fault("area", _("Bắt buộc nhập."))])
    period = args.get("period") or current_period()
    area = public_area(code)
    data = services.public_figures(area, period)
    if token is not None:
        db.session.commit()
    return ok(data)


def _fault(field: str, message: str) -> dict[str, str]:
    return {"in": "query", "field": field, "message": message}


def _indicators_under(args: dict[str, Any]) -> Any:
    token = authenticate("read")
    if args.get("area") or args.get("period"):
        raise Problem(400, _("Dùng area/period hoặc under/from/to, không dùng cả hai."))
    root = area_in_scope(token, args["under"])
    first = args.get("from_") or current_period()
    last = args.get("to") or first
    if last < first:
        raise Problem(400, _("Năm cuối phải sau năm đầu."), errors=[_fault("to", _("Phải từ năm from trở đi."))])
    if last - first + 1 > services.MAX_YEARS:
        message = _("Tối đa %(n)s năm mỗi lần gọi.", n=services.MAX_YEARS)
        raise Problem(400, message, errors=[_fault("to", message)])
    data = {"under": root.code, "from": first, "to": last, "areas": services.figures_under(root, first, last)}
    note_read(token, "indicators", root.code)
    db.session.commit()
    return ok(data)


# ---- token: areas, results, records ---------------------------------------------------------------
@bp.route("/areas", methods=["GET"])
@token_required("read")
@conditional
@bp.arguments(schemas.LangArgs, location="query")
@bp.response(200, schemas.envelope("AreasAnswer", schemas.AreasSchema))
@errors(401, 403, 422, 429)
@bp.doc(security=BEARER, summary="The area tree of the token's area, with national codes and reorganisations")
def areas(args: dict[str, Any]) -> Any:
    """Return the token's area and every area below it (and the closed areas whose territory it took
    over): level, parent, validity dates, successors and the national administrative-unit code."""
    token = g.api_token
    data = {"areas": services.area_tree(token.area)}
    note_read(token, "areas", token.area.code if token.area else "*")
    db.session.commit()
    return ok(data)


@bp.route("/results", methods=["GET"])
@token_required("read")
@conditional
@bp.arguments(schemas.ResultsArgs, location="query")
@bp.response(200, schemas.envelope("ResultsAnswer", schemas.ResultsSchema))
@errors(401, 403, 404, 422, 429)
@bp.doc(security=BEARER, summary="Person results of an area and year, a page at a time")
def results(args: dict[str, Any]) -> Any:
    """Return the year's results of the people living in the area (code, total, eligibility, title and its
    decision), ordered by person; `next_cursor` continues. Never a name, phone or email."""
    token = g.api_token
    area = area_in_scope(token, args["area"])
    after = None
    if args.get("cursor"):
        key = decode(args["cursor"], 1)
        if key is None or not isinstance(key[0], int):
            raise Problem(400, _("Con trỏ trang không hợp lệ."), errors=[_fault("cursor", _("Giá trị không hợp lệ."))])
        after = key[0]
    items, last = services.results_page(
        area, args["period"], since=args.get("updated_since"), after=after, limit=args.get("limit", 500)
    )
    note_read(token, "results", f"{area.code}/{args['period']}")
    db.session.commit()
    return ok(
        {"area": area.code, "period": args["period"], "results": items, "next_cursor": encode([last]) if last else None}
    )


@bp.route("/people/<code>/record", methods=["GET"])
@token_required("read")
@conditional
@bp.arguments(schemas.RecordArgs, location="query")
@bp.response(200, schemas.envelope("RecordAnswer", schemas.RecordSchema))
@errors(401, 404, 422, 429)
@bp.doc(security=BEARER, summary="A person's learning record with the explanation of the score")
def person_record(args: dict[str, Any], code: str) -> Any:
    """Return the learning record of a person of the token's area for a year: points per criterion item,
    the evidence behind them, what is missing, the title. 404 for anyone outside the token's area."""
    token = g.api_token
    person = services.person_in(token.area, code[:64])
    if person is None:
        raise Problem(404, _("Không tìm thấy người dân có mã này trong phạm vi của mã truy cập."))
    period = args.get("period") or current_period()
    data = services.person_record(person, period)
    if data is None:
        raise Problem(404, _("Chưa có bộ tiêu chí cho năm %(year)s.", year=period))
    note_read(token, "person_record", person.code)
    db.session.commit()
    return ok(data)


# ---- write: evidence and imports ------------------------------------------------------------------
@bp.route("/evidence", methods=["POST"])
@token_required("write")
@body_limit(MAX_JSON_BYTES)
@bp.arguments(schemas.IdempotencyHeaders, location="headers")
@bp.arguments(schemas.EvidencePushSchema, location="json")
@bp.response(200, schemas.envelope("EvidenceAnswer", schemas.PushResultSchema))
@errors(401, 403, 409, 413, 422, 429)
@bp.doc(security=BEARER, summary="Push up to 1,000 evidence rows (all or nothing)")
def push_evidence(headers: dict[str, Any], body: dict[str, Any]) -> Any:
    """Record learning done elsewhere: the evidence file's columns as JSON, checked whole by the evidence
    import (any fault: nothing written, every fault by index and field), upserted by person, kind, ref and
    date, the people marked for recompute in the same transaction. With an Idempotency-Key, a retry gets
    the first answer back."""
    token = g.api_token
    key = headers.get("key")
    request_hash = services.fingerprint(request.get_data())
    if key:
        kept = services.kept_answer(token, key)
        if kept is not None:
            return _replay(kept, request_hash)
    items = body["evidence"]
    if token.area is not None and (outside := services.outside_rows(items, token.area)):
        message = _("Có người dân ngoài phạm vi của mã truy cập: không ghi dòng nào.")
        faults = [{"in": "body", "index": n, "field": "person_code", "message": message} for n in outside]
        return _answer(token, key, request_hash, 403, problem_response(403, message, errors=faults))
    report = services.push_evidence(items, token.actor, token.area)
    if not report.ok:
        db.session.rollback()
        faults = [{"in": "body", "index": e.row, "field": e.column, "message": e.message} for e in report.errors]
        answer = problem_response(422, _("Có dòng không hợp lệ: không ghi dòng nào."), errors=faults)
        return _answer(token, key, request_hash, 422, answer)
    answer = current_app.make_response(ok(report.counts()))
    _answer(token, key, request_hash, 200, answer)
    poke_worker()
    return answer


def _answer(token: Any, key: str | None, request_hash: str, status: int, response: Response) -> Response:
    """Commit the request's work with the answer kept for its Idempotency-Key (a concurrent twin that
    committed first wins: its answer is replayed)."""
    from sqlalchemy.exc import IntegrityError

    if key:
        services.keep_answer(token, key, request_hash, status, response.get_json())
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        kept = services.kept_answer(token, key) if key else None
        if kept is None:
            raise
        return _replay(kept, request_hash)
    return response


def _replay(kept: Any, request_hash: str) -> Response:
    """Answer a retry with the kept answer, or 409 when the key was used for another request."""
    if kept.request_hash != request_hash:
        db.session.rollback()
        return problem_response(409, _("Idempotency-Key này đã dùng cho một yêu cầu khác."))
    db.session.commit()  # the token's last use
    mimetype = PROBLEM_JSON if kept.status >= 400 else "application/json"
    response = current_app.response_class(
        current_app.json.dumps(kept.body),
        status=kept.status,
        mimetype=mimetype,
        headers={"Idempotent-Replayed": "true"},
    )
    return response


@bp.route(f"/imports/<{KIND_PATH}:kind>", methods=["POST"])
@token_required("write")
@bp.arguments(schemas.ImportFileSchema, location="files")
@bp.response(202, schemas.envelope("ImportAccepted", schemas.ImportJobSchema))
@errors(401, 403, 404, 405, 409, 413, 422, 429)  # 405: a kind that is a job's id
@bp.doc(security=BEARER, summary="Import a CSV or XLSX file (SPEC §6): answered 202 with the job's URL")
def start_import(files: dict[str, Any], kind: str) -> Any:
    """Store the file and import it: checked whole, nothing written on any fault. Small files are done
    before the answer, larger ones by a worker; follow the job's URL for its status, counts and errors."""
    token = g.api_token
    job = imports.start(token, kind, files["file"])
    return ok(job_data(job)), 202, {"Location": job_url(job)}


@bp.route("/imports/<int(max=2147483647):job_id>", methods=["GET"])
@token_required("read")
@bp.arguments(schemas.LangArgs, location="query")
@bp.response(200, schemas.envelope("ImportJobAnswer", schemas.ImportJobSchema))
@errors(401, 404, 422, 429)
@bp.doc(security=BEARER, summary="An import job: status, counts and errors")
def import_job(args: dict[str, Any], job_id: int) -> Any:
    """Return an import job of the token's area: status, rows done, counts and every row's fault."""
    job = imports.visible_job(g.api_token, job_id)
    db.session.commit()
    return ok(job_data(job))


def job_url(job: ImportJob) -> str:
    """Return the API URL of an import job."""
    return url_for("api.import_job", job_id=job.id)


def job_data(job: ImportJob) -> dict[str, Any]:
    """Return an import job as the API shows it."""
    aware = services.aware
    return {
        "id": job.id,
        "url": job_url(job),
        "kind": job.kind,
        "status": job.status,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "counts": job.summary,
        "errors": job.errors or [],
        "message": job.message,
        "created_at": aware(job.created_at),
        "finished_at": aware(job.finished_at),
    }


# ---- the national report form ----------------------------------------------------------------------
@bp.route("/exports/national", methods=["GET"])
@token_required("read")
@bp.arguments(schemas.ExportArgs, location="query")
@bp.doc(
    security=BEARER,
    summary="A year's indicators and titles in the national system's form layout (XLSX or CSV)",
    responses={
        "200": {
            "description": "The file (XLSX: both sheets; CSV: the sheet asked for)",
            "content": {
                XLSX: {"schema": {"type": "string", "format": "binary"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
@errors(401, 403, 404, 422, 429)
def national_export(args: dict[str, Any]) -> Any:
    """Export the indicators of the area and the areas below it, and its title holders, for a year, laid
    out as the national form (the column mapping is data: lms/api/data/national-form.yaml). Audited."""
    token = g.api_token
    area: Area = area_in_scope(token, args["area"])
    fmt = args.get("format", "xlsx")
    if fmt == "csv":
        sheet = args.get("sheet", "indicators")
        content, mimetype, suffix = national.csv_bytes(area, args["period"], sheet), "text/csv", f"{sheet}.csv"
    else:
        content, mimetype, suffix = national.xlsx_bytes(area, args["period"]), XLSX, "xlsx"
    national.audit_export(token, area, args["period"], fmt)
    db.session.commit()
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="national-{area.code}-{args["period"]}-{suffix}"'
    response.headers["Cache-Control"] = "no-store"
    return response
