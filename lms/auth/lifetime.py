"""The life of a signed-in session: how it starts, when it ends, and what browsers may keep of its pages.

- A sign-in rotates the session and records, in the (signed) session, when it started, when it was
  last used and the role: an idle session ends after SESSION_IDLE_MINUTES of its role (officers and
  admins 30 by default), any session after SESSION_MAX_HOURS. Both are checked before every request,
  the page cache's fast path included (lms.pagecache), from the session alone: no database read.
  "Last used" is rewritten at most once a minute, so the cookie does not change on every request.
- A password still to be changed (an admin's temporary one) keeps the session on the password page.
- Every response to a signed-in session (or one halfway through its second factor), and the public
  pages that show a person's name, carry `Cache-Control: no-store`: no browser or proxy keeps a
  page of personal data. Static files and what a view marked `public` are left alone.
"""

import time

from flask import Flask, Response, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user

from lms.auth.limits import PENDING_USER
from lms.auth.models import User

LOGIN_AT, SEEN, ROLE, MUST_CHANGE = "_login_at", "_seen", "_role", "_must_change"
SEEN_RESOLUTION = 60  # seconds: "last used" is rewritten at most this often
# pages a session with a password still to change may open
PASSWORD_PENDING_ENDPOINTS = {"auth.password", "auth.logout", "static", "main.set_language", "main.healthz"}
# public pages with personal data (a certificate's holder): never stored by a browser or proxy
PERSONAL_PUBLIC_ENDPOINTS = {"catalogue.verify"}


def fresh_session() -> None:
    """Empty the session (a new cookie), keeping only the chosen language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def start_session(user: User) -> None:
    """Sign the user in on a fresh session, stamped with its start, last use and role."""
    unwrap = getattr(user, "_get_current_object", None)  # current_user itself: the object, not the proxy
    if unwrap is not None:
        user = unwrap()
    fresh_session()
    login_user(user)
    now = int(time.time())
    session[LOGIN_AT], session[SEEN], session[ROLE] = now, now, user.role
    if user.must_change_password:
        session[MUST_CHANGE] = True


def end_session() -> None:
    """Forget the signed-in user of this session (the account's other sessions are untouched)."""
    from flask_login import logout_user

    logout_user()
    fresh_session()


def _expired(now: int) -> bool:
    config = current_app.config
    role = str(session.get(ROLE, ""))
    login_at, seen = session.get(LOGIN_AT), session.get(SEEN)
    if not isinstance(login_at, int) or not isinstance(seen, int):
        return True  # a session from before these checks, or not made by start_session
    idle = config["SESSION_IDLE_MINUTES"].get(role, min(config["SESSION_IDLE_MINUTES"].values()))
    longest = config["SESSION_MAX_HOURS"].get(role, min(config["SESSION_MAX_HOURS"].values()))
    return now - seen > idle * 60 or now - login_at > longest * 3600


def check_session() -> Response | None:
    """Before each request: end an idle or too old session; keep a must-change session on its page."""
    if "_user_id" not in session:
        return None
    now = int(time.time())
    if _expired(now):
        end_session()
        flash(_("Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại."), "info")
        return None  # the view goes on anonymously: a protected page sends the visitor to the login form
    if now - int(session[SEEN]) >= SEEN_RESOLUTION:
        session[SEEN] = now
    if session.get(MUST_CHANGE) and request.endpoint not in PASSWORD_PENDING_ENDPOINTS:
        return redirect(url_for("auth.password"))  # type: ignore[return-value]
    return None


def no_store(response: Response) -> Response:
    """After each request: no-store on every page of a signed-in session and on public personal pages."""
    if request.endpoint == "static" or "public" in (response.headers.get("Cache-Control") or ""):
        return response
    if "_user_id" in session or PENDING_USER in session or request.endpoint in PERSONAL_PUBLIC_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    return response


def register(app: Flask) -> None:
    """Install the session checks and the no-store rule on the app."""
    app.before_request(check_session)
    app.after_request(no_store)
