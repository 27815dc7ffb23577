"""Integration tokens: create (the secret shown once, stored hashed), list, revoke, check, and record use.

A token is scoped to an area subtree (none: the whole installation) and to read or write. Its use is
audited without one write per request: `last_used_at` moves at most once a minute; a read writes one
audit entry per token, endpoint, subject (area or person code) and day (`api_token_use` marks it, a
per-process memo skips the mark once seen); every write request is audited by the service it calls
(the import's own audit entry, with the token's name as actor).
"""

import hashlib
import re
import secrets
import time
from datetime import timedelta
from functools import wraps
from typing import Any

import sqlalchemy as sa
from flask import current_app, g, request
from flask_babel import gettext as _
from limits import parse_many

from lms.api.models import SCOPES, ApiToken, ApiTokenUse
from lms.api.problems import Problem
from lms.areas.models import Area
from lms.areas.services import area_by_code, within
from lms.audit.services import audit
from lms.extensions import db, limiter
from lms.imports.staging import dialect_insert
from lms.util import today_local, utcnow

SECRET_PREFIX = "hts_"  # noqa: S105 - not a secret: marks the platform's secrets, so scanners and people can recognise a leaked one
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
LAST_USED_EVERY = timedelta(minutes=1)
_MEMO_LIMIT = 10_000
_seen: set[tuple[str, str, str, str]] = set()  # (token hash, day, action, subject) marked by this process


class TokenError(ValueError):
    """A token cannot be created or revoked; the message is translated."""


def hash_secret(secret: str) -> str:
    """Return the stored form of a secret (SHA-256, hex)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(name: str, scope: str, area: Area | None, actor: str) -> tuple[ApiToken, str]:
    """Create a token; return it and its secret (shown once, never stored)."""
    name = (name or "").strip()
    if not NAME_RE.fullmatch(name):
        raise TokenError(_("Tên mã truy cập: 1–64 ký tự chữ, số, dấu chấm, gạch ngang hoặc gạch dưới."))
    if scope not in SCOPES:
        raise TokenError(_("Phạm vi phải là read hoặc write."))
    if db.session.scalar(sa.select(ApiToken.id).where(ApiToken.name == name)) is not None:
        raise TokenError(_("Đã có mã truy cập tên %(name)s.", name=name))
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name,
        secret_hash=hash_secret(secret),
        prefix=secret[:10],
        scope=scope,
        area_id=area.id if area else None,
        created_by=actor,
    )
    db.session.add(token)
    db.session.flush()
    audit(actor, "api_token.create", name, area_id=token.area_id, after={"scope": scope, "area": area_code(token)})
    return token, secret


def area_code(token: ApiToken) -> str | None:
    """Return the code of the token's area (None: the whole installation)."""
    return token.area.code if token.area is not None else None


def list_tokens() -> list[ApiToken]:
    """Return every token, the active ones first, by name."""
    return list(db.session.scalars(sa.select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.name)))


def revoke_token(name: str, actor: str) -> ApiToken:
    """Revoke a token by name: it stops working at once."""
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.name == (name or "").strip()))
    if token is None:
        raise TokenError(_("Không có mã truy cập tên %(name)s.", name=name))
    if token.revoked_at is not None:
        raise TokenError(_("Mã truy cập %(name)s đã bị thu hồi.", name=name))
    token.revoked_at, token.revoked_by = utcnow(), actor
    audit(actor, "api_token.revoke", token.name, area_id=token.area_id, before={"scope": token.scope})
    db.session.flush()
    return token


def find_token(secret: str) -> ApiToken | None:
    """Return the token with this secret (revoked ones too), by its hash."""
    return db.session.scalar(sa.select(ApiToken).where(ApiToken.secret_hash == hash_secret(secret)))


def bearer_secret() -> str | None:
    """Return the secret of the request's `Authorization: Bearer …` header, if any."""
    header = request.headers.get("Authorization", "")
    kind, _sep, value = header.partition(" ")
    if kind.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def rate_limit(token: ApiToken) -> None:
    """Count the request against its token's API_TOKEN_LIMIT (Flask-Limiter's storage); 429 when over it."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    key = str(token.id)
    try:
        for item in parse_many(current_app.config["API_TOKEN_LIMIT"]):
            if not limiter.limiter.hit(item, "api_token", key):
                reset = limiter.limiter.get_window_stats(item, "api_token", key).reset_time
                raise Problem(
                    429,
                    _("Mã truy cập này đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau."),
                    headers={"Retry-After": str(max(1, int(reset - time.time())))},
                )
    except Problem:
        raise
    except Exception:  # noqa: BLE001 - the limiter's storage away: serve (as the sign-in limits do)
        current_app.logger.warning("API rate limit storage unavailable; request for token %s not counted", key)


def authenticate(scope: str = "read") -> ApiToken:
    """Return the request's valid token with at least `scope`: 401 without one or with a bad or revoked
    one, 403 when a read token asks to write. The only place tokens are checked (and rate-limited)."""
    challenge = 'Bearer realm="api"'
    secret = bearer_secret()
    if secret is None:
        raise Problem(401, _("Cần mã truy cập: Authorization: Bearer <mã>."), headers={"WWW-Authenticate": challenge})
    token = find_token(secret) if len(secret) <= 200 else None
    if token is None or token.revoked_at is not None:
        raise Problem(
            401,
            _("Mã truy cập không hợp lệ hoặc đã bị thu hồi."),
            headers={"WWW-Authenticate": f'{challenge}, error="invalid_token"'},
        )
    rate_limit(token)
    if scope == "write" and token.scope != "write":
        raise Problem(403, _("Mã truy cập này chỉ được đọc, không được ghi."))
    g.api_token = token
    touch(token)
    return token


def token_required(scope: str = "read") -> Any:
    """Decorate a view: check the bearer token first (before its arguments are read)."""

    def decorator(view: Any) -> Any:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            authenticate(scope)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def optional_token() -> ApiToken | None:
    """Return the request's token if it sends one (checked like `authenticate`), else None."""
    if request.headers.get("Authorization") is None:
        return None
    return authenticate("read")


def touch(token: ApiToken) -> None:
    """Record the time of use, at most once a minute (a busy token is not a write per request)."""
    now = utcnow()
    last = token.last_used_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=now.tzinfo)
    if last is None or now - last >= LAST_USED_EVERY:
        token.last_used_at = now
        db.session.flush()


def note_read(token: ApiToken, action: str, subject: str) -> None:
    """Audit a read once per token, action, subject and day (personal data reads included)."""
    day = today_local()
    key = (token.secret_hash, day.isoformat(), action, subject[:200])
    if key in _seen:
        return
    stmt = dialect_insert(ApiTokenUse.__table__).values(
        token_id=token.id, day=day, action=action, subject=subject[:200]
    )
    inserted = db.session.execute(stmt.on_conflict_do_nothing()).rowcount  # type: ignore[attr-defined]
    if inserted:
        audit(token.actor, f"api.{action}", subject[:200], area_id=token.area_id, after={"token": token.name})
    db.session.flush()
    if len(_seen) >= _MEMO_LIMIT:
        _seen.clear()
    _seen.add(key)


# ---- the token's area --------------------------------------------------------------------------
def token_area(token: ApiToken) -> Area | None:
    """Return the area the token is confined to (None: the whole installation)."""
    return token.area


def covers(token: ApiToken, target: Area) -> bool:
    """True when `target` lies in the token's area (or is an area a reorganisation closed whose whole
    territory now lies there: lms.areas.history.inherited_by)."""
    root = token.area
    if root is None or within(target, root):
        return True
    from lms.areas.history import inherited_by

    return inherited_by(target, root)


def area_in_scope(token: ApiToken, code: str) -> Area:
    """Return the area with this code if the token may read it: 404 unknown, 403 outside its area
    (area codes are public: saying it exists leaks nothing)."""
    found = area_by_code(code)
    if found is None:
        raise Problem(404, _("Không tìm thấy địa bàn có mã %(code)s.", code=code))
    if not covers(token, found):
        raise Problem(403, _("Địa bàn %(code)s nằm ngoài phạm vi của mã truy cập.", code=code))
    return found
