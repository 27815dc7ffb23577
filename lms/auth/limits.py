"""Rate limits of the sign-in forms (Flask-Limiter, lms.extensions.limiter): per client and per account.

Only failed attempts count. Each form has a limit per client (its address, as the proxy configuration
gives it) and one per account (the login typed, whether or not it exists, so a 429 says nothing about
who has an account). The windows are short and nothing is ever locked for longer:

- one client that keeps guessing is refused by its own limit long before it can exhaust an account's
  (LOGIN_CLIENT_LIMIT is below LOGIN_ACCOUNT_LIMIT), so the holder, from any other client, gets in;
- many clients together can exhaust an account's limit, but only for the window (one minute) after
  they stop, and a browser that has signed in to the account before carries a signed device cookie
  that exempts it from the account's limit: the holder's own phone or office computer always gets in.

A view calls `failed()` when an attempt fails; that is what the limits count (deduct_when).
"""

import hashlib
import hmac
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, request, session
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse_many

from lms.extensions import limiter

F = TypeVar("F", bound=Callable[..., Any])

DEVICE_COOKIE = "lms_device"
DEVICE_DAYS = 180
DEVICE_MAX_ACCOUNTS = 5
PENDING_USER = "_pending_user"  # the session key of a sign-in waiting for its second factor (lms.auth.views)


def failed() -> None:
    """Count this request against the form's limits (a wrong password, code or person code)."""
    g.auth_failed = True


def _counted(_response: Response) -> bool:
    return bool(g.get("auth_failed"))


def _config(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def client_key() -> str:
    """The client a per-client limit counts: its address."""
    return get_remote_address()


def login_key() -> str:
    """The account a login attempt names: the login typed, normalised like the accounts' logins."""
    from lms.auth.services import normalise_login

    return "login:" + normalise_login(request.form.get("login", ""))[:200]


def account_key() -> str:
    """The account a second factor or a password change is for: the sign-in waiting for its second
    factor, else the signed-in user (else the client: nobody's account)."""
    from flask_login import current_user

    pending = session.get(PENDING_USER)
    if pending:
        return f"user:{str(pending).split(':')[0]}"
    if current_user.is_authenticated:
        return f"user:{current_user.get_id().split(':')[0]}"
    return "client:" + client_key()


def person_code_key() -> str:
    """The account an activation attempt names: the person code typed (any case)."""
    return "person:" + request.form.get("person_code", "").strip().upper()[:64]


# ---- the device cookie: a browser that signed in to an account before --------------------------------
def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.secret_key), salt="lms-device")


def _digest(login: str) -> str:
    key = str(current_app.secret_key).encode()
    return hmac.new(key, login.encode(), hashlib.sha256).hexdigest()[:24]


def _known_digests() -> list[str]:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return []
    try:
        found = _device_serializer().loads(raw, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return []
    return [d for d in found if isinstance(d, str)] if isinstance(found, list) else []


def known_device(login: str) -> bool:
    """True when this browser has signed in to the account `login` before (the device cookie says so)."""
    return bool(login) and _digest(login) in _known_digests()


def remember_device(response: Response, login: str) -> None:
    """Mark this browser as one the account `login` signs in from (exempt from the account's limit)."""
    digests = [d for d in _known_digests() if d != _digest(login)]
    digests = [_digest(login), *digests][:DEVICE_MAX_ACCOUNTS]
    response.set_cookie(
        DEVICE_COOKIE,
        _device_serializer().dumps(digests),
        max_age=DEVICE_DAYS * 86400,
        path="/auth",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )


def _login_from_known_device() -> bool:
    from lms.auth.services import normalise_login

    return known_device(normalise_login(request.form.get("login", "")))


def _pending_from_known_device() -> bool:
    return known_device(str(session.get("_pending_login", "")))


# ---- the limits of each form -----------------------------------------------------------------------
def _limits(client: str, account: str, account_key: Callable[[], str], exempt: Callable[[], bool] | None) -> Any:
    by_client = limiter.limit(
        _config(client), key_func=client_key, methods=["POST"], deduct_when=_counted, scope=client.lower()
    )
    by_account = limiter.shared_limit(
        _config(account),
        scope=account.lower(),
        key_func=account_key,
        methods=["POST"],
        deduct_when=_counted,
        exempt_when=exempt,
    )

    def decorate(view: F) -> F:
        return by_client(by_account(view))  # type: ignore[return-value]

    return decorate


login_limits = _limits("LOGIN_CLIENT_LIMIT", "LOGIN_ACCOUNT_LIMIT", login_key, _login_from_known_device)
two_factor_limits = _limits("LOGIN_CLIENT_LIMIT", "TWO_FACTOR_ACCOUNT_LIMIT", account_key, _pending_from_known_device)
activation_limits = _limits("ACTIVATION_CLIENT_LIMIT", "ACTIVATION_ACCOUNT_LIMIT", person_code_key, None)
password_limits = _limits("LOGIN_CLIENT_LIMIT", "PASSWORD_ACCOUNT_LIMIT", account_key, None)
# every registration counts (a successful one most of all), per client
register_limit = limiter.limit(
    _config("REGISTER_CLIENT_LIMIT"), key_func=client_key, methods=["POST"], scope="register_client_limit"
)
verify_limit = limiter.limit(_config("VERIFY_CLIENT_LIMIT"), key_func=client_key, scope="verify_client_limit")

_verify_views: dict[Callable[..., Any], Callable[..., Any]] = {}


def limit_public_lookups(app: Flask) -> None:
    """Put VERIFY_CLIENT_LIMIT on every route under /verify (certificate codes must not be guessed fast).

    Applied to the registered routes, so a /verify route added later is limited without a decorator
    of its own. Each view function is wrapped once per process: every app shares the limiter."""
    for rule in app.url_map.iter_rules():
        if rule.rule == "/verify" or rule.rule.startswith("/verify/"):
            view = app.view_functions[rule.endpoint]
            if view in _verify_views.values():
                continue
            if view not in _verify_views:
                _verify_views[view] = verify_limit(view)
            app.view_functions[rule.endpoint] = _verify_views[view]


def clear_account_limits(login: str, user_id: int) -> None:
    """Forget the failed attempts counted against an account (an admin unlocks it)."""
    config = current_app.config
    keys = {
        "LOGIN_ACCOUNT_LIMIT": f"login:{login}",
        "TWO_FACTOR_ACCOUNT_LIMIT": f"user:{user_id}",
        "PASSWORD_ACCOUNT_LIMIT": f"user:{user_id}",
    }
    for name, key in keys.items():
        for item in parse_many(config[name]):
            limiter.limiter.clear(item, key, name.lower())


def retry_after() -> int:
    """Seconds until the limit this request broke lets a new attempt through (at least 1)."""
    import time

    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, int(current.reset_at - time.time()))
