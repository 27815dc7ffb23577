"""The API's request and response shapes (marshmallow): flask-smorest validates with them and writes the
OpenAPI document from them, so the document cannot drift from the code.

Points and hours are strings with two decimals ("62.50"), dates ISO 8601, lists paged by an opaque
keyset cursor. Successful answers are {"ok": true, "data": …}; errors are problem details (lms.api.problems).
"""

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from lms.evidence.models import KINDS
from lms.web import FIRST_PERIOD, LAST_PERIOD

DECIMAL = {"pattern": r"^\d+\.\d{2}$", "example": "62.50"}
CODE = validate.Length(min=1, max=64)
YEAR = validate.Range(min=FIRST_PERIOD, max=LAST_PERIOD)


class Schema(ma.Schema):
    """Query and body schemas refuse unknown fields (a typo is an error, never silently ignored)."""

    class Meta:
        unknown = ma.RAISE


def _decimal(**kwargs: Any) -> fields.String:
    return fields.String(allow_none=kwargs.pop("allow_none", False), metadata=DECIMAL, **kwargs)


def envelope(name: str, data: type[ma.Schema] | ma.Schema) -> type[ma.Schema]:
    """Return the schema of a successful answer: {"ok": true, "data": <data>}."""
    return ma.Schema.from_dict(
        {"ok": fields.Boolean(required=True), "data": fields.Nested(data, required=True)}, name=name
    )


# ---- errors -------------------------------------------------------------------------------------
class FaultSchema(ma.Schema):
    """One fault of a request: where (a query parameter, or an item of the body and its field) and why."""

    in_ = fields.String(data_key="in", metadata={"description": "query, path, body, header or files"})
    index = fields.Integer(metadata={"description": "the item of the pushed list (0 is the first)"})
    field = fields.String()
    message = fields.String(required=True)


class ErrorSchema(ma.Schema):
    code = fields.Integer()
    message = fields.String()


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, in the language asked for (Accept-Language or ?lang=)."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String()
    errors = fields.List(fields.Nested(FaultSchema))
    ok = fields.Boolean()
    error = fields.Nested(ErrorSchema)


# ---- query arguments ----------------------------------------------------------------------------
class LangArgs(Schema):
    lang = fields.String(validate=validate.OneOf(["vi", "en"]), metadata={"description": "vi (default) or en"})


class CoursesArgs(LangArgs):
    q = fields.String(validate=validate.Length(max=100))
    category = fields.String(validate=validate.Length(max=32))
    page = fields.Integer(validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(validate=validate.Range(min=1, max=200))


class IndicatorsArgs(LangArgs):
    area = fields.String(validate=CODE, metadata={"description": "public: a province, district or commune"})
    period = fields.Integer(validate=YEAR, metadata={"description": "with area: the year (default: this year)"})
    under = fields.String(validate=CODE, metadata={"description": "token: this area and every area below it"})
    from_ = fields.Integer(data_key="from", validate=YEAR, metadata={"description": "with under: first year"})
    to = fields.Integer(validate=YEAR, metadata={"description": "with under: last year (at most 10 years)"})


class ResultsArgs(LangArgs):
    area = fields.String(required=True, validate=CODE)
    period = fields.Integer(required=True, validate=YEAR)
    updated_since = fields.AwareDateTime(
        default_timezone=None, metadata={"description": "only results (or titles) changed after this instant"}
    )
    cursor = fields.String(validate=validate.Length(max=600), metadata={"description": "next_cursor of a page"})
    limit = fields.Integer(validate=validate.Range(min=1, max=1000), metadata={"description": "default 500"})


class RecordArgs(LangArgs):
    period = fields.Integer(validate=YEAR, metadata={"description": "default: this year"})


class ExportArgs(LangArgs):
    area = fields.String(required=True, validate=CODE)
    period = fields.Integer(required=True, validate=YEAR)
    format = fields.String(validate=validate.OneOf(["xlsx", "csv"]), metadata={"description": "default xlsx"})
    sheet = fields.String(
        validate=validate.OneOf(["indicators", "titles"]),
        metadata={"description": "csv: which sheet (default indicators)"},
    )


# ---- areas --------------------------------------------------------------------------------------
class AreaSchema(ma.Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    level = fields.String(required=True, metadata={"enum": ["province", "district", "commune", "village"]})
    parent = fields.String(allow_none=True)
    admin_code = fields.String(allow_none=True, metadata={"description": "mã đơn vị hành chính"})
    disadvantaged = fields.Boolean()
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True, metadata={"description": "set once a reorganisation closed the area"})
    successors = fields.List(fields.String(), metadata={"description": "codes of the areas its territory went to"})


class AreasSchema(ma.Schema):
    areas = fields.List(fields.Nested(AreaSchema), required=True)


# ---- indicators ---------------------------------------------------------------------------------
class FigureSchema(ma.Schema):
    numerator = fields.Integer(required=True, allow_none=True, metadata={"description": "null: withheld"})
    denominator = fields.Integer(required=True, allow_none=True, metadata={"description": "null: withheld (public)"})
    value = fields.Float(allow_none=True, metadata={"description": "percent, one decimal (SPEC §7 shape)"})
    target_2025 = fields.Float(allow_none=True)
    target_2030 = fields.Float(allow_none=True)


class SuccessorSchema(ma.Schema):
    area = fields.String()
    name = fields.String()


class ReportSchema(ma.Schema):
    area = fields.String(required=True)
    period = fields.Integer(required=True)
    level = fields.String()
    indicators = fields.Dict(keys=fields.String(), values=fields.Nested(FigureSchema), required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True), required=True)
    min_cell = fields.Integer(metadata={"description": "public figures: counts below it are null"})
    exists = fields.Boolean(metadata={"description": "false: the area was closed by then"})
    successors = fields.List(fields.Nested(SuccessorSchema))


class ReportsSchema(ma.Schema):
    under = fields.String(required=True)
    from_ = fields.Integer(data_key="from", required=True)
    to = fields.Integer(required=True)
    areas = fields.List(fields.Nested(ReportSchema), required=True)


# ---- results and records ------------------------------------------------------------------------
class TitleSchema(ma.Schema):
    awarded = fields.Boolean(required=True)
    decision_no = fields.String(allow_none=True)
    decision_date = fields.Date(allow_none=True)


class ResultSchema(ma.Schema):
    code = fields.String(required=True)
    total = _decimal(required=True)
    threshold = _decimal(required=True)
    eligible = fields.Boolean(required=True)
    audience = fields.String()
    title = fields.Nested(TitleSchema, required=True)
    updated_at = fields.AwareDateTime(default_timezone=None, allow_none=True)


class ResultsSchema(ma.Schema):
    area = fields.String(required=True)
    period = fields.Integer(required=True)
    results = fields.List(fields.Nested(ResultSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class EvidenceOutSchema(ma.Schema):
    kind = fields.String()
    ref = fields.String()
    category = fields.String(allow_none=True)
    date = fields.Date()
    hours = _decimal(allow_none=True)
    level = fields.String(allow_none=True)
    points = _decimal(allow_none=True)
    source = fields.String()


class ItemSchema(ma.Schema):
    code = fields.String(required=True)
    competency = fields.String()
    name = fields.Dict(keys=fields.String(), values=fields.String())
    max = _decimal()
    points = _decimal()
    missing = _decimal()
    below_min = fields.Boolean()
    evidence = fields.List(fields.Nested(EvidenceOutSchema))


class CourseRefSchema(ma.Schema):
    code = fields.String()
    title = fields.String()


class EnrolmentSchema(ma.Schema):
    course = fields.String()
    completed_at = fields.AwareDateTime(default_timezone=None, allow_none=True)
    percent = fields.Integer(allow_none=True)


class RecordSchema(ma.Schema):
    person = fields.String(required=True)
    period = fields.Integer(required=True)
    framework = fields.String()
    computed = fields.Boolean(metadata={"description": "false: not scored yet for the year"})
    audience = fields.String()
    total = _decimal()
    threshold = _decimal()
    threshold_reason = fields.String()
    each_item_min = _decimal(allow_none=True)
    eligible = fields.Boolean()
    missing_total = _decimal()
    title = fields.Nested(TitleSchema)
    items = fields.List(fields.Nested(ItemSchema))
    recommended = fields.List(fields.Nested(CourseRefSchema))
    enrolments = fields.List(fields.Nested(EnrolmentSchema))


# ---- evidence push ------------------------------------------------------------------------------
class Cell(fields.Field[Any]):
    """A cell of the evidence columns: text, or a number (hours, points) taken as its text."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise self.make_error("invalid")

    default_error_messages = {"invalid": "Not a valid string."}


def _cell(description: str, **kwargs: Any) -> Cell:
    return Cell(
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"type": "string", "nullable": True, "maxLength": 200, "description": description, **kwargs},
    )


class EvidenceRowSchema(Schema):
    """One evidence row: the columns of the evidence file (SPEC §6), checked by the evidence import."""

    person_code = fields.String(required=True, validate=CODE)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    ref = _cell("course or session code, criterion item code; empty for a plan")
    category = _cell("course category (required for a course not in the catalogue)")
    date = fields.String(required=True, validate=validate.Length(max=10), metadata={"example": "2026-03-15"})
    hours = _cell('hours, e.g. "8" or "1.5"')
    level = _cell("digital skill level: basic or proficient")
    points = _cell("declaration: verified points")


class EvidencePushSchema(Schema):
    evidence = fields.List(fields.Nested(EvidenceRowSchema), required=True, validate=validate.Length(min=1, max=1000))


class IdempotencyHeaders(ma.Schema):
    """The optional Idempotency-Key header of a push (other headers are not the API's business)."""

    class Meta:
        unknown = ma.EXCLUDE

    key = fields.String(
        data_key="Idempotency-Key",
        validate=validate.Regexp(r"^[\x21-\x7e]{1,200}$"),
        metadata={"description": "a retry with the same key gets the first answer back, nothing done twice"},
    )


class PushResultSchema(ma.Schema):
    rows = fields.Integer(required=True)
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)


# ---- imports ------------------------------------------------------------------------------------
class ImportFileSchema(ma.Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class RowErrorSchema(ma.Schema):
    row = fields.Integer()
    column = fields.String()
    message = fields.String()


class ImportJobSchema(ma.Schema):
    id = fields.Integer(required=True)
    url = fields.String(required=True)
    kind = fields.String(required=True)
    status = fields.String(
        required=True,
        metadata={"enum": ["checking", "checked", "invalid", "queued", "importing", "done", "failed", "cancelled"]},
    )
    rows_done = fields.Integer()
    rows_total = fields.Integer()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), allow_none=True)
    errors = fields.List(fields.Nested(RowErrorSchema))
    message = fields.String(allow_none=True)
    created_at = fields.AwareDateTime(default_timezone=None)
    finished_at = fields.AwareDateTime(default_timezone=None, allow_none=True)


# ---- courses (the public catalogue, as in the first version) ------------------------------------
class CourseSchema(ma.Schema):
    code = fields.String(required=True)
    title = fields.String(required=True)
    title_en = fields.String(allow_none=True)
    category = fields.String()
    hours = fields.Float()
    digital_level = fields.String(allow_none=True)
    lessons = fields.Integer()


class CoursesSchema(ma.Schema):
    courses = fields.List(fields.Nested(CourseSchema), required=True)
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
