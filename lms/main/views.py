"""Home page, language switch and health check."""

from flask import Blueprint, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user

bp = Blueprint("main", __name__)


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    """Show the home page: the programme, links for each role."""
    return render_template("main/index.html", user=current_user)


@bp.get("/lang/<code>")
def set_language(code: str):  # type: ignore[no-untyped-def]
    """Switch the interface language (vi or en) and go back."""
    if code in ("vi", "en"):
        session["lang"] = code
    target = request.referrer or url_for("main.index")
    if not target.startswith(request.host_url):
        target = url_for("main.index")
    return redirect(target)


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    """Report that the app answers (no database call: a baseline for benchmarks)."""
    return jsonify({"ok": True})
