"""Home page, language switch, liveness and readiness checks."""

from flask import Blueprint, jsonify, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from lms.web import current_period, referrer_path

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    """Show the home page: the programme, links for each role; a citizen's points, next step and course
    in progress, and their newest announcements."""
    summary, notices, unread = None, None, 0
    if current_user.is_authenticated and current_user.role == "citizen" and current_user.person is not None:
        from lms.communication.views import home_notifications
        from lms.records.services import citizen_summary

        summary = citizen_summary(current_user.person.id, current_period())
        notices, unread = home_notifications(current_user.person)
    return render_template("main/index.html", user=current_user, summary=summary, notices=notices, unread=unread)


@bp.get("/login")
def login_alias() -> ResponseReturnValue:
    """/login, as people type it: the login page."""
    return redirect(url_for("auth.login"))


@bp.get("/admin")
def admin_alias() -> ResponseReturnValue:
    """/admin, as people type it: the officer accounts page (which asks non-admins to log in or refuses)."""
    return redirect(url_for("users.index"))


@bp.get("/lang/<code>")
def set_language(code: str) -> ResponseReturnValue:
    """Switch the interface language (vi or en) and go back."""
    if code in ("vi", "en"):
        session["lang"] = code
    return redirect(referrer_path() or url_for("main.index"))


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Report that the app answers (no database call: a baseline for benchmarks)."""
    return jsonify({"ok": True})


@bp.get("/readyz")
def readyz() -> ResponseReturnValue:
    """Report whether this instance can serve: database, broker and migration head (200, else 503)."""
    from lms.health import readiness

    state = readiness()
    response = jsonify(state)
    response.status_code = 200 if state["ok"] else 503
    response.headers["Cache-Control"] = "no-store"
    return response
