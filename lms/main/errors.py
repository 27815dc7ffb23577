"""Error pages as HTML, or JSON for the API and clients that ask for it."""

from flask import Flask, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def register_error_handlers(app: Flask) -> None:
    """Render every HTTP error (and unexpected ones) in the user's language."""

    messages = {
        400: lambda: _("Yêu cầu không hợp lệ."),
        401: lambda: _("Vui lòng đăng nhập."),
        403: lambda: _("Bạn không có quyền truy cập trang này."),
        404: lambda: _("Không tìm thấy trang."),
        405: lambda: _("Phương thức không được hỗ trợ."),
        413: lambda: _("Tệp quá lớn so với giới hạn cho phép."),
        429: lambda: _("Quá nhiều yêu cầu. Vui lòng thử lại sau."),
        500: lambda: _("Đã có lỗi xảy ra. Vui lòng thử lại."),
    }

    def render(code: int, description: str | None = None, **context: object) -> tuple[Response | str, int]:
        message = messages.get(code, messages[500])()
        if _wants_json():
            return jsonify({"ok": False, "error": {"code": code, "message": description or message}}), code
        return render_template("error.html", code=code, message=message, **context), code

    def too_many() -> ResponseReturnValue:
        """A rate limit was hit (lms.auth.limits): say when to try again, in words and in Retry-After."""
        from lms.auth.limits import retry_after

        seconds = retry_after()
        body, code = render(429, retry_after=seconds)
        return body, code, {"Retry-After": str(seconds)}

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        if request.path.startswith("/api/"):  # RFC 9457 problem details (lms.api.problems)
            from lms.api.problems import from_http_exception

            return from_http_exception(exc)
        if exc.code == 401 and not _wants_json():
            from flask import redirect, url_for

            return redirect(url_for("auth.login", next=request.full_path))
        if exc.code == 429:
            return too_many()
        return render(exc.code or 500)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> ResponseReturnValue:
        app.logger.exception("unhandled error")
        from lms.extensions import db

        db.session.rollback()
        if request.path.startswith("/api/"):
            from lms.api.problems import problem_response

            return problem_response(500)
        return render(500)
