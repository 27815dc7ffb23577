"""The register_* steps create_app runs: extensions, blueprints, request hooks, CLI."""

from pathlib import Path
from typing import Any

import click
from flask import Flask, Response, current_app, g, request, session

from lms.extensions import babel, celery_init_app, csrf, db, limiter, login_manager

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")
# no page needs these browser features: deny them to the page and anything embedded in it
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class MigrationCommands(click.Group):
    """`flask db …`: Flask-Migrate's commands, loaded when one is run. Importing Flask-Migrate imports
    Alembic, 0.2 s of the 1.2 s every process spent importing — the worker, the web server and each
    `flask` command, of which only this one needs it."""

    def _commands(self) -> click.Group:
        from flask_migrate import Migrate
        from flask_migrate.cli import db as commands  # type: ignore[import-not-found]

        app = current_app._get_current_object()  # type: ignore[attr-defined]
        if "migrate" not in app.extensions:
            Migrate(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
        return commands

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        """Hand the command line to Flask-Migrate's own group (its options, its subcommands, its help)."""
        return self._commands().make_context(info_name, args, parent=parent, **extra)


def select_locale() -> str:
    """Use the language the user chose (vi by default, en as the second)."""
    wanted = request.args.get("lang") if request else None
    if request and request.path.startswith("/api/"):  # the API keeps no session: ?lang=, then Accept-Language
        return wanted if wanted in ("vi", "en") else (request.accept_languages.best_match(("vi", "en")) or "vi")
    if wanted in ("vi", "en"):
        session["lang"] = wanted
    return session.get("lang", "vi") if request else "vi"


DATE_FORMATS = {
    "date.short": "dd/MM/yyyy",
    "date.medium": "dd/MM/yyyy",
    "datetime.short": "HH:mm dd/MM/yyyy",
    "datetime.medium": "HH:mm:ss dd/MM/yyyy",
}


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions to the app."""
    from lms import models  # noqa: F401  (every table on the metadata)
    from lms.logs import init_app as init_logs

    init_logs(app)  # first: its request hooks time and label everything after them
    db.init_app(app)
    app.cli.add_command(MigrationCommands("db", help="Perform database migrations (Flask-Migrate, Alembic)."))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
    # one date format in every language: dd/mm/yyyy, four-digit years (the short and medium forms the
    # pages, PDFs and workbooks use; "long" stays the locale's words, e.g. on certificates)
    babel.date_formats.update(DATE_FORMATS)
    install_template_gettext(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    from lms.sessioncookie import RememberingSessionInterface

    app.session_interface = RememberingSessionInterface()
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    celery_init_app(app)
    from lms import pagecache

    pagecache.init_app(app)

    from lms.auth.services import load_user

    login_manager.user_loader(load_user)


def register_blueprints(app: Flask) -> None:
    """Register the blueprints of lms and of the learning package."""
    from lms.web import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any rule: ids past the database's range are 404
    from lms.activation.views import bp as activation_bp
    from lms.admin.views import bp as admin_bp
    from lms.auth.views import bp as auth_bp
    from lms.decisions.views import bp as decisions_bp
    from lms.declarations.views import bp as declarations_bp
    from lms.imports.views import bp as imports_bp
    from lms.indicators.views import bp as indicators_bp
    from lms.jobs.views import bp as jobs_bp
    from lms.main.views import bp as main_bp
    from lms.privacy.views import bp as privacy_bp
    from lms.recompute.views import bp as recompute_bp
    from lms.records.views import bp as records_bp
    from lms.registry.views import bp as registry_bp
    from lms.reports.views import bp as reports_bp
    from lms.titles.views import bp as titles_bp
    from lms.trainers.views import bp as trainers_bp
    from lms.users.views import bp as users_bp

    for bp in (main_bp, auth_bp, records_bp, titles_bp, decisions_bp, indicators_bp, admin_bp, declarations_bp):
        app.register_blueprint(bp)
    for bp in (
        registry_bp,
        activation_bp,
        imports_bp,
        reports_bp,
        recompute_bp,
        jobs_bp,
        users_bp,
        trainers_bp,
        privacy_bp,
    ):
        app.register_blueprint(bp)
    register_plan_blueprints(app)
    from lms.api.admin import bp as api_tokens_bp
    from lms.api.docs import init_app as init_api

    app.register_blueprint(api_tokens_bp)
    init_api(app)  # the JSON API under /api/v1, its OpenAPI document and docs page

    import courses

    courses.init_app(app)


def register_plan_blueprints(app: Flask) -> None:
    """Register the plan's own work: communication, training plans, contributions, the association, reviews."""
    from lms.association.views import bp as association_bp
    from lms.communication.views import bp as communication_bp
    from lms.contributions.views import bp as contributions_bp
    from lms.reviews.views import bp as reviews_bp
    from lms.training_plans.views import bp as training_plans_bp

    for bp in (reviews_bp, contributions_bp, communication_bp, association_bp, training_plans_bp):
        app.register_blueprint(bp)


def _holds_nul(value: object) -> bool:
    """True when a decoded JSON value has a NUL character in any string (keys included)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def register_hooks(app: Flask) -> None:
    """Security headers, error pages and per-request helpers."""
    from lms.main.errors import register_error_handlers

    register_error_handlers(app)
    from lms.auth import lifetime
    from lms.auth.limits import limit_public_lookups

    lifetime.register(app)  # idle and absolute session limits; no-store on personal pages
    limit_public_lookups(app)  # every /verify route: VERIFY_CLIENT_LIMIT per client

    @app.before_request
    def refuse_nul_bytes() -> None:
        """A NUL byte in a query or form value is never legitimate (and PostgreSQL rejects it): 400."""
        from flask import abort

        query = request.query_string
        if b"%00" in query or b"\x00" in query:  # else no query value can hold one: no need to decode them
            if any("\x00" in v for v in request.args.values()):
                abort(400)
        if request.content_type and request.mimetype.startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            if any("\x00" in v for v in request.form.values()):
                abort(400)
        if "\x00" in request.path:
            abort(400)
        if request.is_json and b"\\u0000" in request.get_data():  # JSON writes a NUL as \u0000 (the API)
            if _holds_nul(request.get_json(silent=True)):
                abort(400)

    @app.before_request
    def refuse_out_of_range_numbers() -> None:
        """A number past what the database holds (`?page=99999999999999999999`) is a 400, not a 500.
        Ids in paths are bounded by their converter (lms.web.IdConverter: 404)."""
        from flask import abort
        from werkzeug.datastructures import MultiDict

        from lms.web import out_of_range

        form = request.form if request.mimetype in FORM_TYPES else MultiDict()
        if out_of_range(request.args, form):
            abort(400)

    hsts = int(app.config.get("HSTS_SECONDS") or 0)

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if hsts:
            response.headers.setdefault("Strict-Transport-Security", f"max-age={hsts}")
        return response

    register_static_digests(app)
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n)  # type: ignore[method-assign]

    @app.context_processor
    def inject_locale() -> dict[str, Any]:
        from functools import partial

        from flask_babel import get_locale

        from lms.web import number_in

        locale = str(get_locale() or "vi")
        return {"current_locale": locale, "g": g, "number": partial(number_in, locale)}


def register_static_digests(app: Flask) -> None:
    """Add `?v=<digest of the file>` to every static URL: a changed file gets a new URL, so the proxy
    can let browsers keep static files for a year (deploy/nginx)."""
    import hashlib
    import os

    from werkzeug.security import safe_join

    seen: dict[str, tuple[int, str]] = {}

    @app.url_defaults
    def static_digest(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint != "static" or "filename" not in values or "v" in values or not app.static_folder:
            return
        path = safe_join(app.static_folder, values["filename"])
        try:
            stamp = os.stat(path).st_mtime_ns if path else None
        except OSError:
            return
        if path is None or stamp is None:
            return
        known = seen.get(path)
        if known is None or known[0] != stamp:
            with open(path, "rb") as stream:
                known = (stamp, hashlib.sha256(stream.read()).hexdigest()[:12])
            seen[path] = known
        values["v"] = known[1]


def register_cli(app: Flask) -> None:
    """Register the `flask --app lms …` commands."""
    from lms.cli import register

    register(app)


def request_translations() -> Any:
    """Flask-Babel's get_translations(), remembered on the request's Babel context for its locale and
    domain: a page translates a hundred labels, and each lookup otherwise walks the context four times
    and formats the locale's name. A changed locale (force_locale, refresh) is a new object: looked up."""
    from flask_babel import _get_current_context, get_translations

    ctx = _get_current_context()
    if ctx is None:
        return get_translations()
    memo = getattr(ctx, "lms_translations", None)
    locale, domain = getattr(ctx, "babel_locale", None), getattr(ctx, "babel_domain", None)
    if memo is not None and locale is not None and memo[0] is locale and memo[1] is domain:
        return memo[2]
    found = get_translations()
    ctx.lms_translations = (getattr(ctx, "babel_locale", None), getattr(ctx, "babel_domain", None), found)
    return found


def install_template_gettext(app: Flask) -> None:
    """Templates' _(), ngettext(), pgettext() and npgettext() as Flask-Babel installs them, through
    request_translations().

    _(), gettext() and ngettext() — a page calls them a hundred times — are then replaced by functions
    doing in one call what Jinja's newstyle wrappers do in three (`_` → gettext → the callable, each
    through Context.call): the same translation, the same Markup under autoescape, the same `%`
    formatting (always, even without variables: `%%` is `%`)."""
    from jinja2 import pass_context
    from markupsafe import Markup

    env = app.jinja_env
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )

    @pass_context
    def gettext(__context: Any, __string: str, **variables: Any) -> str:
        rv = request_translations().ugettext(__string)
        if __context.eval_ctx.autoescape:
            rv = Markup(rv)  # noqa: S704 (a translation of the template's own text, as Jinja does)  # nosec B704
        return rv % variables

    @pass_context
    def ngettext(__context: Any, __singular: str, __plural: str, __num: int, **variables: Any) -> str:
        variables.setdefault("num", __num)
        rv = request_translations().ungettext(__singular, __plural, __num)
        if __context.eval_ctx.autoescape:
            rv = Markup(rv)  # noqa: S704 (as above)  # nosec B704
        return rv % variables

    env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)
