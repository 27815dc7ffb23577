"""Learning: catalogue, lessons, enrolment, progress and certificates. Records evidence through lms."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the learning blueprints and the demo catalogue loader."""
    from courses.catalogue import models  # noqa: F401  (the learning tables on the shared metadata)
    from courses.catalogue.views import bp as catalogue_bp
    from courses.plans import models as plan_models  # noqa: F401
    from courses.quizzes import models as quiz_models  # noqa: F401
    from courses.sessions import models as session_models  # noqa: F401

    app.register_blueprint(catalogue_bp)
    from courses.authoring.views import bp as authoring_bp
    from courses.certificates.views import bp as certificates_bp
    from courses.quizzes.views import bp as quizzes_bp

    for bp in (authoring_bp, quizzes_bp, certificates_bp):
        app.register_blueprint(bp)
    from courses.plans.views import bp as plans_bp
    from courses.sessions.views import bp as sessions_bp

    app.register_blueprint(sessions_bp)
    app.register_blueprint(plans_bp)
    from courses.catalogue.services import course_lookup

    app.extensions["course_lookup"] = course_lookup
    app.extensions.setdefault("lms_demo_loaders", []).append("courses.catalogue.demo:load_demo_catalogue")
    app.extensions["lms_demo_loaders"].append("courses.quizzes.demo:load_demo_quizzes")
