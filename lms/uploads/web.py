"""Answers of an upload form: a redirect (or JSON for the progress-bar script), or the form with its errors."""

from collections.abc import Callable

from flask import Response, jsonify, redirect, request
from flask_wtf import FlaskForm

from lms.uploads.services import UploadError
from lms.web import form_errors


def wants_json() -> bool:
    """True when the upload came from the progress-bar script (it asks for JSON)."""
    return request.accept_mimetypes.best == "application/json"


def upload_done(target: str) -> Response:
    """Answer a successful upload: go to `target` (the flashed message shows there)."""
    if wants_json():
        return jsonify({"ok": True, "redirect": target})
    return redirect(target)  # type: ignore[return-value]


def upload_failed(form: FlaskForm, page: Callable[[], str]) -> tuple[Response | str, int]:
    """Answer a refused upload: JSON errors for the script (all of them, and per field so the failing
    field can be marked), else the page with the form's errors (400)."""
    if wants_json():
        fields = {name: [str(m) for m in messages] for name, messages in form.errors.items() if messages}
        return jsonify({"ok": False, "errors": form_errors(form), "fields": fields}), 400
    return page(), 400


def add_upload_error(form: FlaskForm, field_name: str, error: UploadError) -> None:
    """Show a refused upload's reason under the file field."""
    field = getattr(form, field_name)
    field.errors = [*field.errors, str(error)]
