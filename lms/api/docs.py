"""The OpenAPI document (/api/v1/openapi.json) and its docs page (/api/v1/docs), Swagger UI served by the app.

flask-smorest writes the document from the views and schemas of lms.api.views. The Swagger UI assets come
from the flask-swagger-ui package (a PyPI copy of swagger-ui-dist) and are served from here: no CDN, and no
inline script (the page's script is static/js/api-docs.js), so the app's Content-Security-Policy holds.
"""

import http
from pathlib import Path

import flask_smorest
from flask import Blueprint, Flask, abort, current_app, jsonify, render_template, send_from_directory
from flask.typing import ResponseReturnValue
from flask_smorest.utils import prepare_response

from lms.api.problems import PROBLEM_JSON, Problem, handle_problem
from lms.api.schemas import ProblemSchema

bp = Blueprint("api_docs", __name__)

ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png")


class Api(flask_smorest.Api):
    """flask-smorest's Api with errors as problem details: the app's error handlers answer them
    (lms.main.errors → lms.api.problems), so no handler of its own is installed, and no catch-all
    "default" response hides an undocumented status code."""

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self) -> None:
        """Leave error handling to the app (problem+json under /api/)."""

    def _register_responses(self) -> None:
        """Register a response per status code: problem+json for errors, nothing for 304."""
        for status in http.HTTPStatus:
            response: dict[str, object] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)


def init_app(app: Flask) -> None:
    """Create the app's API document, register the API and its docs, and answer Problems as problem+json."""
    from lms.api.views import bp as api_bp
    from lms.extensions import csrf

    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    api = Api(
        app,
        spec_kwargs={
            "title": "Học Tập Suốt Đời API",
            "version": "1",
            "openapi_version": app.config["OPENAPI_VERSION"],
            "info": {
                "description": (
                    "Integration API for provincial and national systems. Send `Authorization: Bearer TOKEN` "
                    "(tokens: `flask --app lms api-tokens create`). Errors are RFC 9457 problem details in "
                    "the language of `Accept-Language` or `?lang=vi|en`."
                )
            },
        },
    )
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.register_blueprint(api_bp, url_prefix="/api/v1")
    csrf.exempt(api_bp)
    app.register_blueprint(bp, url_prefix="/api/v1")
    app.register_error_handler(Problem, handle_problem)
    app.extensions["lms_api"] = api


def _assets_dir() -> Path:
    import flask_swagger_ui

    return Path(flask_swagger_ui.__file__).resolve().parent / "dist"


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """Return the OpenAPI 3 document of the API."""
    from flask import request

    response = jsonify(current_app.extensions["lms_api"].spec.to_dict())
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/docs")
def docs() -> ResponseReturnValue:
    """Show the API's documentation (Swagger UI on the OpenAPI document)."""
    return render_template("api/docs.html")


@bp.get("/docs/assets/<name>")
def asset(name: str) -> ResponseReturnValue:
    """Serve one of the Swagger UI files (only those the page uses)."""
    if name not in ASSETS:
        abort(404)
    return send_from_directory(_assets_dir(), name, max_age=86400)
