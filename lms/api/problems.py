"""Errors of the JSON API as RFC 9457 problem details (application/problem+json), in the caller's language.

The body carries the standard members (type, title, status, detail, instance), the faults of the
request when there are some (`errors`: index or parameter, field, message) and, for clients written
against the first version of the API, `ok: false` and `error: {code, message}`.
"""

import re
from typing import Any

from flask import Response, current_app, json, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

PROBLEM_JSON = "application/problem+json"

TITLES = {
    400: _l("Yêu cầu không hợp lệ"),
    401: _l("Cần mã truy cập hợp lệ"),
    403: _l("Không có quyền"),
    404: _l("Không tìm thấy"),
    405: _l("Phương thức không được hỗ trợ"),
    406: _l("Không có định dạng phù hợp"),
    409: _l("Xung đột"),
    413: _l("Dữ liệu quá lớn"),
    415: _l("Kiểu nội dung không được hỗ trợ"),
    422: _l("Dữ liệu không hợp lệ"),
    429: _l("Quá nhiều yêu cầu"),
    500: _l("Lỗi máy chủ"),
    503: _l("Dịch vụ tạm thời không sẵn sàng"),
}

# marshmallow's and webargs' messages, translated (the rest are shown as they are)
_FIXED = {
    "Missing data for required field.": _l("Bắt buộc nhập."),
    "Unknown field.": _l("Trường không được phép."),
    "Field may not be null.": _l("Không được để trống (null)."),
    "Not a valid string.": _l("Phải là chuỗi ký tự."),
    "Not a valid integer.": _l("Phải là số nguyên."),
    "Not a valid number.": _l("Phải là số."),
    "Not a valid boolean.": _l("Phải là true hoặc false."),
    "Not a valid date.": _l("Ngày không hợp lệ; dùng dạng YYYY-MM-DD."),
    "Not a valid datetime.": _l("Thời điểm không hợp lệ; dùng dạng ISO 8601, ví dụ 2026-12-01T00:00:00Z."),
    "Not a valid aware datetime.": _l("Thời điểm phải có múi giờ, ví dụ 2026-12-01T00:00:00+07:00."),
    "Not a valid list.": _l("Phải là một danh sách."),
    "Invalid input type.": _l("Kiểu dữ liệu không hợp lệ."),
    "Invalid value.": _l("Giá trị không hợp lệ."),
    "String does not match expected pattern.": _l("Giá trị không đúng dạng."),
}
_BETWEEN = re.compile(r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\.")
_LENGTH = re.compile(r"Length must be between (\d+) and (\d+)\.")
_SHORTER = re.compile(r"Shorter than minimum length (\d+)\.")
_LONGER = re.compile(r"Longer than maximum length (\d+)\.")
_ONE_OF = re.compile(r"Must be one of: (.*)\.")


class Problem(Exception):
    """An API error the handler turns into a problem response (message already translated)."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail, self.errors, self.headers = status, detail, errors, headers or {}


def translate(message: str) -> str:
    """Return a validation message of marshmallow or webargs in the current language."""
    if message in _FIXED:
        return str(_FIXED[message])
    if found := _BETWEEN.fullmatch(message):
        return _("Phải từ %(low)s đến %(high)s.", low=found[1], high=found[2])
    if found := _LENGTH.fullmatch(message):
        return _("Độ dài phải từ %(low)s đến %(high)s ký tự.", low=found[1], high=found[2])
    if found := _SHORTER.fullmatch(message):
        return _("Ngắn hơn %(n)s ký tự.", n=found[1])
    if found := _LONGER.fullmatch(message):
        return _("Dài quá %(n)s ký tự.", n=found[1])
    if found := _ONE_OF.fullmatch(message):
        return _("Dùng một trong: %(allowed)s.", allowed=found[1])
    return message


def problem_response(
    status: int,
    detail: str | None = None,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Return a problem+json response for `status` in the current language."""
    title = str(TITLES.get(status, TITLES[500] if status >= 500 else TITLES[400]))
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail or title,
        "instance": request.path,
        "ok": False,
        "error": {"code": status, "message": detail or title},
    }
    if errors:
        body["errors"] = errors
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_JSON, headers=headers
    )
    response.headers["Content-Language"] = str(_current_language())
    return response


def _current_language() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "vi")


def _flatten(messages: Any, location: str, path: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    """Turn webargs' nested {location: {field: [messages]}} into a flat list of faults."""
    out: list[dict[str, Any]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            out.extend(_flatten(value, location, (*path, key)))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        for message in messages:
            out.append(_fault(location, path, translate(message)))
    elif isinstance(messages, list):
        for index, value in enumerate(messages):
            out.extend(_flatten(value, location, (*path, index)))
    else:
        out.append(_fault(location, path, translate(str(messages))))
    return out


def _fault(location: str, path: tuple[Any, ...], message: str) -> dict[str, Any]:
    """One fault: where it is (query parameter, or the body's item index and field) and why."""
    fault: dict[str, Any] = {"in": location, "field": ".".join(str(p) for p in path if not isinstance(p, int))}
    indexes = [p for p in path if isinstance(p, int)]
    if indexes:
        fault["index"] = indexes[0]
    fault["message"] = message
    return fault


def from_http_exception(exc: HTTPException) -> Response:
    """Return the problem response of an HTTP error raised in an API view (webargs' 422 included)."""
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    errors: list[dict[str, Any]] = []
    messages = data.get("messages")
    if isinstance(messages, dict):
        for location, faults in messages.items():
            errors.extend(_flatten(faults, "body" if location == "json" else str(location)))
    if status == 422 and errors:
        return problem_response(422, _("Yêu cầu có dữ liệu không hợp lệ."), errors=errors)
    headers = {}
    if status == 405 and exc.get_response().headers.get("Allow"):
        headers["Allow"] = exc.get_response().headers["Allow"]
    return problem_response(status, errors=errors or None, headers=headers)


def handle_problem(exc: Problem) -> Response:
    """Return the response of a Problem raised by an API view (whatever the request flushed is dropped)."""
    from lms.extensions import db

    db.session.rollback()
    return problem_response(exc.status, exc.detail, errors=exc.errors, headers=exc.headers)
