"""Rendered pages cached by data version (Flask-Caching: Redis in production, in-process otherwise).

A page is cached whole, layout included, for one viewer: the key holds the page's data version (read
by the view in one indexed query: the figures' computed_at, a person's scores and evidence, a course's
updated_at and the learner's progress…), the viewer (user id, role, name, area), the language, the
path and query. What differs per request is left out of the stored text: the CSRF token is rendered
as a placeholder and the current session's token is put in on the way out. A request carrying flash
messages is rendered fresh (the messages are part of the page once). A cache that cannot be reached
costs a render, never an error. Redis holds each page as UTF-8 text behind a marker, never a pickle
(TextRedisCache): whoever can write to Redis can at worst make a page miss, never run code here.
"""

import hashlib
import hmac
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from flask import Flask, current_app, g, request, session
from flask_babel import get_locale
from flask_caching import Cache
from flask_caching.backends.rediscache import RedisCache
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from itsdangerous import URLSafeTimedSerializer

cache = Cache()
log = logging.getLogger(__name__)

CSRF_FIELD = "csrf_token"
REDIS_TYPES = ("RedisCache", "flask_caching.backends.RedisCache", "flask_caching.backends.rediscache.RedisCache")


class TextSerializer:
    """Pages as UTF-8 text behind a marker. What Redis hands back without the marker (a pickle someone
    wrote there, say) is a miss: nothing read from Redis is ever unpickled."""

    MARK = b"page:"

    def dumps(self, value: Any) -> bytes:
        """Return a page as the bytes stored in Redis."""
        if not isinstance(value, str):
            raise TypeError("the page cache stores text only")
        return self.MARK + value.encode()

    def loads(self, value: bytes | None) -> str | None:
        """Return the page stored as these bytes, or None (a miss) for anything else."""
        if not isinstance(value, bytes) or not value.startswith(self.MARK):
            return None
        try:
            return value[len(self.MARK) :].decode()
        except UnicodeDecodeError:
            return None


class TextRedisCache(RedisCache):
    """Flask-Caching's Redis backend storing text pages, never pickles."""

    serializer = TextSerializer()  # type: ignore[assignment]


def init_app(app: Flask) -> None:
    """Bind the page cache: Redis (text only) when the configuration asks for it, else an in-process cache."""
    app.config.setdefault("CACHE_TYPE", "SimpleCache")
    if app.config["CACHE_TYPE"] in REDIS_TYPES:
        app.config["CACHE_TYPE"] = "lms.pagecache.TextRedisCache"
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", 600)
    app.config.setdefault("CACHE_KEY_PREFIX", "lms:page:")
    app.config.setdefault("CACHE_THRESHOLD", 2000)  # SimpleCache: entries kept per process
    if app.config["CACHE_TYPE"] == "lms.pagecache.TextRedisCache":
        app.config.setdefault("CACHE_REDIS_URL", app.config.get("REDIS_URL"))
    app.config.setdefault("PAGE_CACHE_LOCAL_BYTES", 32 * 1024 * 1024)  # per process; 0: no local copies
    app.config.setdefault("PAGE_CACHE_LOCAL_TIMEOUT", 60)
    cache.init_app(app)
    secret = str(app.config.get("SECRET_KEY") or "").encode()
    # unguessable: content written by users cannot carry it (it would be replaced by the viewer's token)
    app.extensions["page_cache_csrf"] = "csrf-" + hmac.new(secret, b"page-cache-csrf", hashlib.sha256).hexdigest()[:32]
    budget = int(app.config["PAGE_CACHE_LOCAL_BYTES"])
    app.extensions["page_cache_local"] = LocalPages(budget, app.extensions["page_cache_csrf"]) if budget > 0 else None


VIEWER_FIELDS = ("id", "session_version", "role", "display_name", "login", "area_id", "person_id")


def viewer() -> tuple[Any, ...]:
    """What the layout shows of the viewer: id, role, name and area (anonymous: nothing)."""
    user = current_user
    if not user.is_authenticated:
        return ("anonymous",)
    return tuple(getattr(user, f) for f in VIEWER_FIELDS)


def locale_name() -> str:
    """The request's language, as str(flask_babel.get_locale()) gives it, without parsing a Locale when
    the app's selector gives one of the configured languages (whose names parse to themselves)."""
    from flask_babel import get_babel

    selector = get_babel().locale_selector
    if selector is not None and getattr(g.get("_flask_babel"), "babel_locale", None) is None:
        chosen = selector()
        if chosen in current_app.config["LANGUAGES"]:
            return str(chosen)
    return str(get_locale() or "vi")


def page_key(name: str, version: Iterable[Any], who: tuple[Any, ...] | None = None) -> str:
    """Return the cache key of a page: its name, data version, viewer, language and request path."""
    who = viewer() if who is None else who
    parts = (name, tuple(version), who, locale_name(), request.script_root, request.full_path)
    return name + ":" + hashlib.sha256(repr(parts).encode()).hexdigest()


class LocalPages:
    """This process's copy of recently served pages, in front of the shared cache (Redis).

    A key names its content completely (page, data version, viewer, language, path: the same key
    always stands for the same page), so a copy is as good as the shared entry. Copies are kept
    PAGE_CACHE_LOCAL_TIMEOUT seconds at most (the shared cache: CACHE_DEFAULT_TIMEOUT), the least
    recently used going first past `budget` bytes (a page counts twice its length: the text and its
    UTF-8 bytes). Safe under threads (one lock)."""

    def __init__(self, budget: int, placeholder: str) -> None:
        self.budget, self.size = budget, 0
        self.mark = placeholder.encode()
        # key -> (expiry, page, the page's UTF-8 bytes split around the CSRF placeholder)
        self.pages: OrderedDict[str, tuple[float, str, tuple[bytes, ...]]] = OrderedDict()
        self.lock = threading.Lock()

    def _get(self, key: str) -> tuple[float, str, tuple[bytes, ...]] | None:
        with self.lock:
            found = self.pages.get(key)
            if found is None:
                return None
            if found[0] < time.monotonic():
                self._drop(key)
                return None
            self.pages.move_to_end(key)
            return found

    def get(self, key: str) -> str | None:
        found = self._get(key)
        return None if found is None else found[1]

    def get_parts(self, key: str) -> tuple[bytes, ...] | None:
        """The page as bytes around its CSRF placeholders (join them with the token: the response)."""
        found = self._get(key)
        return None if found is None else found[2]

    def put(self, key: str, html: str, timeout: float) -> tuple[bytes, ...]:
        parts = tuple(html.encode().split(self.mark))
        if 2 * len(html) > self.budget // 4:
            return parts
        with self.lock:
            self._drop(key)
            self.pages[key] = (time.monotonic() + timeout, html, parts)
            self.size += 2 * len(html)
            while self.size > self.budget:
                self._drop(next(iter(self.pages)))
        return parts

    def _drop(self, key: str) -> None:
        found = self.pages.pop(key, None)
        if found is not None:
            self.size -= 2 * len(found[1])

    def clear(self) -> None:
        """Forget every page of this process."""
        with self.lock:
            self.pages.clear()
            self.size = 0


def forget_all_pages() -> None:
    """Drop every cached page: the shared cache (its own key prefix only) and this process's copies (an
    erasure: no page holding the erased person's name may be served again; other processes' copies end
    within PAGE_CACHE_LOCAL_TIMEOUT)."""
    try:
        cache.clear()
    except Exception:  # noqa: BLE001 - a cache that cannot be reached holds nothing it could serve
        log.warning("page cache could not be cleared")
    local = _local()
    if local is not None:
        local.clear()


def _local() -> LocalPages | None:
    return current_app.extensions.get("page_cache_local")


def _cache_get(key: str) -> str | None:
    local = _local()
    html = local.get(key) if local is not None else None
    if html is not None:
        return html
    try:
        html = cache.get(key)
    except Exception:  # a cache that cannot be reached costs a render, never an error
        log.warning("page cache unreachable", exc_info=True)
        return None
    if html is not None and local is not None:
        local.put(key, html, current_app.config["PAGE_CACHE_LOCAL_TIMEOUT"])
    return html


def _cached_response(key: str) -> bytes | None:
    """The cached page under `key` as the response body (UTF-8, this session's CSRF token in), or None."""
    local = _local()
    parts = local.get_parts(key) if local is not None else None
    if parts is None:
        try:
            html = cache.get(key)
        except Exception:  # a cache that cannot be reached costs a render, never an error
            log.warning("page cache unreachable", exc_info=True)
            return None
        if html is None:
            return None
        if local is not None:
            parts = local.put(key, html, current_app.config["PAGE_CACHE_LOCAL_TIMEOUT"])
        else:
            parts = tuple(html.encode().split(current_app.extensions["page_cache_csrf"].encode()))
    return parts[0] if len(parts) == 1 else csrf_token().encode().join(parts)


def _cache_set(key: str, html: str) -> None:
    local = _local()
    if local is not None:
        local.put(key, html, current_app.config["PAGE_CACHE_LOCAL_TIMEOUT"])
    try:
        cache.set(key, html)
    except Exception:
        log.warning("page cache unreachable", exc_info=True)


@lru_cache(maxsize=4096)
def _signed_token(secret: str, raw: str) -> str:
    return URLSafeTimedSerializer(secret, salt="wtf-csrf-token").dumps(raw)


def csrf_token() -> str:
    """This session's CSRF token, as Flask-WTF's generate_csrf() gives it.

    Signed once per session token and remembered when tokens do not expire (WTF_CSRF_TIME_LIMIT
    None: the signature's timestamp is never checked, so a token signed earlier is just as valid)."""
    config = current_app.config
    if (
        CSRF_FIELD in g
        or config.get("WTF_CSRF_TIME_LIMIT", 3600) is not None
        or config.get("WTF_CSRF_FIELD_NAME", CSRF_FIELD) != CSRF_FIELD
        or not isinstance(session.get(CSRF_FIELD), str)
    ):
        return generate_csrf()
    secret = config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    token = _signed_token(str(secret), session[CSRF_FIELD])
    setattr(g, CSRF_FIELD, token)
    return token


def _with_token(html: str) -> str:
    placeholder = current_app.extensions["page_cache_csrf"]
    return html.replace(placeholder, csrf_token()) if placeholder in html else html


def cached_page(name: str, version: Iterable[Any], render: Callable[[], str]) -> str:
    """Return the page from the cache under (name, version, viewer, language, path), else render and store it."""
    if not current_app.config.get("PAGE_CACHE", True) or session.get("_flashes"):
        return render()
    key = page_key(name, version)
    # the fast path has just asked for this very key and found nothing: not asked again (a page another
    # worker stored meanwhile is rendered once more and stored again: the same key, the same page)
    html = None if g.pop("page_cache_missed_key", None) == key else _cache_get(key)
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
            return _with_token(html)
        _cache_set(key, html)
    return _with_token(html)


# ---- the fast path of a hit: the session's user and the page's version in one statement -------------
# Through Flask-Login a hit costs the ORM user load (pool checkout and ping, BEGIN, a SELECT), then the
# version statement and a ROLLBACK. fast_page() reads the user's row and the page's version in ONE
# statement on a connection in autocommit mode (no BEGIN/ROLLBACK, no ping: an error there falls back
# to the normal path, whose pool pings), checks what the normal path checks — Flask-Login's session
# protection, the user exists and is active, the session version of the cookie is the user's (logout
# everywhere, password change), then the view's role and scope test — and returns the page cached under
# the very key the normal path stores it under. Anything else (a remember cookie without a session
# user, a failed check, a miss, an unreachable database or cache) returns None: the view goes on along
# its normal path, which decides (401, 403, 404, render).
Binds = dict[str, Callable[[Any], Any]]  # bound parameter -> expression of the user_account columns
_user_statements: dict[tuple[Any, ...], Any] = {}
_readers: dict[tuple[int, str], Any] = {}
_compiled_statements: dict[Any, tuple[str, dict[str, Any], frozenset[str]]] = {}


def _reader() -> Any:
    """The engine of fast-path reads (one per process and database): autocommit, no pre-ping.

    PostgreSQL only; elsewhere (SQLite) the reads go through the request's session."""
    import os

    found = current_app.extensions.get("page_cache_reader")
    if found is not None and found[0] == os.getpid():
        return found[1]
    import sqlalchemy as sa

    from lms.extensions import db

    engine, reader = db.engine, None
    if engine.dialect.name == "postgresql":
        key = (os.getpid(), engine.url.render_as_string(hide_password=False))
        reader = _readers.get(key)
        if reader is None:
            options = dict(current_app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
            options.update(isolation_level="AUTOCOMMIT", pool_pre_ping=False)
            reader = _readers[key] = sa.create_engine(engine.url, **options)
    current_app.extensions["page_cache_reader"] = (os.getpid(), reader)
    return reader


def _compiled(stmt: Any, dialect: Any) -> tuple[str, dict[str, Any], frozenset[str]]:
    """The statement's SQL for the driver, its constant parameters and the names the caller must give."""
    found = _compiled_statements.get(stmt)
    if found is None:
        compiled = stmt.compile(dialect=dialect)
        required = frozenset(name for name, bind in compiled.binds.items() if bind.required)
        # constant lists (IN, separators) expanded once: the given parameters are only placeholders here
        state = compiled.construct_expanded_state(dict.fromkeys(required))
        constants = {k: v for k, v in state.parameters.items() if k not in required}
        found = _compiled_statements[stmt] = (state.statement, constants, required)
    return found


def _read(stmt: Any, params: dict[str, Any]) -> Any:
    """Run one read-only statement: inside the session's transaction if one is open (a request that
    already read or wrote, or a test), else straight on the driver connection of the autocommit
    reader (no SQLAlchemy result machinery: the driver's own values, as the dialect passes them on).
    None if the reader fails."""
    import sqlalchemy as sa

    from lms.extensions import db

    if db.session.registry.has() and db.session().in_transaction():
        return db.session.connection().execute(stmt, params).first()
    reader = _reader()
    if reader is None:
        return db.session.connection().execute(stmt, params).first()
    sql, constants, required = _compiled(stmt, reader.dialect)
    if not required <= params.keys():
        raise TypeError(f"missing parameters: {sorted(required - params.keys())}")
    failures = (sa.exc.DBAPIError, reader.dialect.loaded_dbapi.Error, OSError)
    try:
        raw = reader.raw_connection()
    except failures:  # the server cannot be reached: the normal path decides
        log.warning("page cache fast path: no database connection", exc_info=True)
        return None
    try:
        cursor = raw.cursor()
        try:
            cursor.execute(sql, {**constants, **params})
            return cursor.fetchone()
        finally:
            cursor.close()
    except failures:  # e.g. a connection the server dropped: discard it; the normal path (pinged) serves
        log.warning("page cache fast path: database read failed", exc_info=True)
        raw.invalidate()
        return None
    finally:
        raw.close()


def _with_user(stmt: Any, binds: Binds) -> Any:
    """The version statement with its user-dependent parameters bound to the user's row, selected with
    the viewer's columns from user_account: one row, or none when there is no such user."""
    key = (stmt, tuple(binds.items()))
    found = _user_statements.get(key)
    if found is None:
        import sqlalchemy as sa
        from sqlalchemy.sql import visitors
        from sqlalchemy.sql.elements import BindParameter

        from lms.auth.models import User

        # the user's columns as plain "fast_user.x" references (no FROM of their own): every subquery,
        # however deep, then refers to the one outer row instead of adding user_account to its FROM
        table = User.__table__.alias("fast_user")
        refs = SimpleNamespace(**{c.name: sa.literal_column(f"fast_user.{c.name}", c.type) for c in table.c})
        mapping = {name: make(refs) for name, make in binds.items()}

        def replace(element: Any) -> Any:
            if isinstance(element, BindParameter) and element.key in mapping:
                return mapping[element.key]
            return None

        bound = visitors.replacement_traverse(stmt, {}, replace)  # type: ignore[call-overload]
        found = sa.select(*(table.c[f] for f in VIEWER_FIELDS), *bound.selected_columns).where(
            table.c.id == sa.bindparam("fast_user_id")
        )
        _user_statements[key] = found
    return found


def _session_user() -> tuple[int, int] | None | bool:
    """The (user id, session version) the session names; None: anonymous; False: ask Flask-Login."""
    from flask_login import UserMixin

    from lms.auth.models import User

    manager = current_app.login_manager  # type: ignore[attr-defined]
    if User.is_active is not UserMixin.is_active:  # accounts that can be deactivated: not handled here
        return False
    if manager._request_callback is not None or manager._header_callback is not None:  # noqa: SLF001
        return False
    if manager._session_protection_failed():  # noqa: SLF001  Flask-Login's own test, side effects included
        return False
    user_key = session.get("_user_id")
    if user_key is None:
        remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
        if remember in request.cookies and session.get("_remember") != "clear":
            return False  # Flask-Login would log the user in from the cookie
        return None
    try:
        user_id, version = (int(x) for x in str(user_key).split(":"))
    except ValueError:
        return False
    return user_id, version


def fast_page(
    name: str,
    stmt: Any,
    params: dict[str, Any],
    *,
    binds: Binds,
    accept: Callable[[tuple[Any, ...] | None, tuple[Any, ...]], tuple[Any, ...] | None],
    anonymous: dict[str, Any] | None = None,
) -> bytes | None:
    """Return the cached page for this request (the response body), checked as the normal path checks it,
    else None.

    `stmt` is the page's version statement; `params` its parameters known from the request; `binds`
    gives the user-dependent ones as expressions of the user_account columns. `accept(viewer, row)`
    is the view's role and scope test: the version tuple the normal path passes to cached_page, or
    None to take the normal path. `anonymous`: the parameters for a visitor without an account (None:
    such visitors take the normal path)."""
    if not current_app.config.get("PAGE_CACHE", True) or session.get("_flashes"):
        return None
    who = _session_user()
    if who is False:
        return None
    if who is None:
        if anonymous is None:
            return None
        row = _read(stmt, {**params, **anonymous})
        viewer_row = None
    else:
        user_id, session_version = who  # type: ignore[misc]
        row = _read(_with_user(stmt, binds), {**params, "fast_user_id": user_id})
        if row is None or row[1] != session_version:  # no such user, or its sessions were ended
            return None
        viewer_row, row = tuple(row[: len(VIEWER_FIELDS)]), row[len(VIEWER_FIELDS) :]
    if row is None:
        return None
    version = accept(viewer_row, tuple(row))
    if version is None:
        return None
    key = page_key(name, version, viewer_row or ("anonymous",))
    response = _cached_response(key)
    if response is None:  # a miss: the normal path renders under this very version (missed_version)
        g.page_cache_missed = (name, version, viewer_row or ("anonymous",))
        g.page_cache_missed_key = key  # and cached_page need not ask the cache again for this key
    return response


def missed_version(name: str) -> tuple[Any, ...] | None:
    """The version fast_page() read for this request's page `name` and found no page under, else None.

    The normal path renders and stores the page under it instead of reading the version again: it is
    the tuple the view would compute (the same statement, the same viewer, checked the same way), read
    before anything the render reads — a page never goes under a version newer than its data. Only for
    the viewer the fast path read (Flask-Login may have refused that user: then the version is read
    again for whoever the request now is)."""
    found = g.pop("page_cache_missed", None)
    if found is None or found[0] != name or found[2] != viewer():  # not this page, or not this viewer
        return None
    return tuple(found[1])


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


def packed(*columns: Any) -> Any:
    """Several values of one row (or aggregates of one scan) as one text — each as text, NULL as '~',
    joined by '|' — so that a version reads the row once instead of once per value."""
    import sqlalchemy as sa

    texts = [sa.func.coalesce(sa.cast(c, sa.String), "~") for c in columns]
    out: sa.ColumnElement[str] = texts[0]
    for text in texts[1:]:
        out = out + "|" + text
    return out


def site_parts() -> list[Any]:
    """What every cached page depends on beyond its own data: the published frameworks (year pickers,
    scoring rules) and the area tree's names and flags (through their audited changes)."""
    import sqlalchemy as sa

    from lms.areas.models import AreaChange
    from lms.audit.models import AuditEntry
    from lms.criteria.models import Framework

    published = Framework.published.is_(True)
    years = sa.select(Framework.period).where(published).distinct().subquery()
    return [
        sa.select(sa.func.max(Framework.id)).where(published).scalar_subquery(),
        sa.select(sa.func.count(Framework.id)).where(published).scalar_subquery(),
        sa.select(sa.func.max(AuditEntry.id)).where(AuditEntry.action.in_(AREA_ACTIONS)).scalar_subquery(),
        # last two, read here rather than again by the render: whether areas were ever reorganised
        # (lms.areas.history.reorganised: site_reorganised) and the years with a published framework
        # (the year picker's: published_periods)
        sa.exists().where(AreaChange.id.is_not(None)).select().scalar_subquery(),
        sa.select(sa.func.aggregate_strings(sa.cast(years.c.period, sa.String), ",")).scalar_subquery(),
    ]


def published_periods(version: tuple[Any, ...]) -> list[int]:
    """The years with a published framework, as read with a version whose row ends with site_parts()
    and which ends with site_version() — what periods_with_framework() returns, in any order."""
    listed = version[-1 - len(site_version())]  # "2025,2026" (any order), None: none published
    return [int(p) for p in listed.split(",")] if listed else []


def site_reorganised(version: tuple[Any, ...]) -> bool:
    """lms.areas.history.reorganised(), as read with such a version (the site part before the years)."""
    return bool(version[-2 - len(site_version())])


def site_version() -> tuple[Any, ...]:
    """What every cached page depends on beyond the database: the current year (year pickers offer it)."""
    from lms.web import current_period

    return (current_period(),)
