"""Rendered pages cached by data version (Flask-Caching: Redis in production, in-process otherwise).

A page is cached whole, layout included, for one viewer: the key holds the page's data version (read
by the view in one indexed query: the figures' computed_at, a person's scores and evidence, a course's
updated_at and the learner's progress…), the viewer (user id, role, name, area), the language, the
path and query. What differs per request is left out of the stored text: the CSRF token is rendered
as a placeholder and the current session's token is put in on the way out. A request carrying flash
messages is rendered fresh (the messages are part of the page once). A cache that cannot be reached
costs a render, never an error.
"""

import hashlib
import hmac
import logging
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, current_app, g, request, session
from flask_babel import get_locale
from flask_caching import Cache
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

cache = Cache()
log = logging.getLogger(__name__)

CSRF_FIELD = "csrf_token"


def init_app(app: Flask) -> None:
    """Bind the page cache: Redis when the configuration asks for it, else an in-process cache."""
    app.config.setdefault("CACHE_TYPE", "SimpleCache")
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", 600)
    app.config.setdefault("CACHE_KEY_PREFIX", "lms:page:")
    app.config.setdefault("CACHE_THRESHOLD", 2000)  # SimpleCache: entries kept per process
    if app.config["CACHE_TYPE"] == "RedisCache":
        app.config.setdefault("CACHE_REDIS_URL", app.config.get("REDIS_URL"))
    cache.init_app(app)
    secret = str(app.config.get("SECRET_KEY") or "").encode()
    # unguessable: content written by users cannot carry it (it would be replaced by the viewer's token)
    app.extensions["page_cache_csrf"] = "csrf-" + hmac.new(secret, b"page-cache-csrf", hashlib.sha256).hexdigest()[:32]


def viewer() -> tuple[Any, ...]:
    """What the layout shows of the viewer: id, role, name and area (anonymous: nothing)."""
    user = current_user
    if not user.is_authenticated:
        return ("anonymous",)
    return (user.id, user.session_version, user.role, user.display_name, user.login, user.area_id, user.person_id)


def page_key(name: str, version: Iterable[Any]) -> str:
    """Return the cache key of a page: its name, data version, viewer, language and request path."""
    parts = (name, tuple(version), viewer(), str(get_locale() or "vi"), request.script_root, request.full_path)
    return name + ":" + hashlib.sha256(repr(parts).encode()).hexdigest()


def cached_page(name: str, version: Iterable[Any], render: Callable[[], str]) -> str:
    """Return the page from the cache under (name, version, viewer, language, path), else render and store it."""
    if not current_app.config.get("PAGE_CACHE", True) or session.get("_flashes"):
        return render()
    key = page_key(name, version)
    try:
        html = cache.get(key)
    except Exception:  # a cache that cannot be reached costs a render, never an error
        log.warning("page cache unreachable", exc_info=True)
        html = None
    placeholder = current_app.extensions["page_cache_csrf"]
    if html is None:
        had = CSRF_FIELD in g
        token = g.get(CSRF_FIELD)
        setattr(g, CSRF_FIELD, placeholder)  # forms render the placeholder instead of this session's token
        try:
            html = render()
        finally:
            if had:
                setattr(g, CSRF_FIELD, token)
            else:
                g.pop(CSRF_FIELD, None)
        if session.get("_flashes"):  # the view flashed something while rendering: keep it out of the cache
            return html.replace(placeholder, generate_csrf()) if placeholder in html else html
        try:
            cache.set(key, html)
        except Exception:
            log.warning("page cache unreachable", exc_info=True)
    if placeholder in html:
        html = html.replace(placeholder, generate_csrf())
    return html


# ---- data versions: one statement of indexed scalar subqueries per page ----------------------------
# audited actions that change area names, flags or the tree (lms.audit; every such change is audited)
AREA_ACTIONS = (
    "village.create",
    "village.update",
    "import.areas",
    "area.merge",
    "area.move",
    "area.dissolve",
)


def version_of(stmt: Any, **params: Any) -> tuple[Any, ...]:
    """Run a version statement (built once, with bound parameters) and return its row."""
    from lms.extensions import db

    return tuple(db.session.connection().execute(stmt, params).one())


def site_parts() -> list[Any]:
    """What every cached page depends on beyond its own data: the published frameworks (year pickers,
    scoring rules) and the area tree's names and flags (through their audited changes)."""
    import sqlalchemy as sa

    from lms.audit.models import AuditEntry
    from lms.criteria.models import Framework

    published = Framework.published.is_(True)
    return [
        sa.select(sa.func.max(Framework.id)).where(published).scalar_subquery(),
        sa.select(sa.func.count(Framework.id)).where(published).scalar_subquery(),
        sa.select(sa.func.max(AuditEntry.id)).where(AuditEntry.action.in_(AREA_ACTIONS)).scalar_subquery(),
    ]


def site_version() -> tuple[Any, ...]:
    """What every cached page depends on beyond the database: the current year (year pickers offer it)."""
    from lms.web import current_period

    return (current_period(),)
