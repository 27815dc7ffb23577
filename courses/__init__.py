"""Learning: catalogue, lessons, enrolment, progress and certificates. Records evidence through lms."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the learning blueprints and the demo catalogue loader."""
    from courses.catalogue import models  # noqa: F401  (the learning tables on the shared metadata)
    from courses.catalogue.views import bp as catalogue_bp

    app.register_blueprint(catalogue_bp)
    from courses.catalogue.services import course_lookup

    app.extensions["course_lookup"] = course_lookup
    app.extensions.setdefault("lms_demo_loaders", []).append("courses.catalogue.demo:load_demo_catalogue")
