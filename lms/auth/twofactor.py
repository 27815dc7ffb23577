"""Two-factor sign-in: TOTP codes (RFC 6238, pyotp) from an authenticator app, and recovery codes.

Required for the roles of TWO_FACTOR_ROLES (officers and admins), optional for the others. A code is
accepted once (the time step of the last accepted code is kept) and within one step of the server's
clock. After TOTP_MAX_FAILURES wrong codes in a row only a recovery code (or an admin's reset) gets
the account in: someone who knows the password must not get to try a million codes. Recovery codes
are 80 bits from `secrets`, stored as SHA-256 and spent when used.
"""

import base64
import hashlib
import hmac
import io
import secrets
import time

import pyotp
import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from lms.audit.services import audit
from lms.auth.errors import AuthError
from lms.auth.models import RecoveryCode, User
from lms.extensions import db
from lms.util import utcnow

ISSUER = "Học Tập Suốt Đời"
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1
RECOVERY_LENGTH = 16  # 80 bits
STEP_SECONDS = 30


class TwoFactorError(AuthError):
    """A code was refused; the message (translated) is shown to the user."""


def required_for(user: User) -> bool:
    """True when the user's role must sign in with a second factor."""
    return user.role in current_app.config["TWO_FACTOR_ROLES"]


def start_enrolment(user: User) -> str:
    """Give the account a new secret to confirm (an unconfirmed one is kept: the app may have scanned it)."""
    if user.two_factor_enabled:
        raise TwoFactorError(_("Tài khoản đã bật xác thực hai bước."))
    if user.totp_secret is None:
        user.totp_secret = pyotp.random_base32()
        db.session.flush()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(user.totp_secret or "").provisioning_uri(name=user.login, issuer_name=ISSUER)


def qr_data_uri(text: str) -> str:
    """A QR code of `text` as a data: URI of an SVG image (drawn here, never by an outside service)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _matching_step(secret: str, code: str, after: int | None) -> int | None:
    """The time step (within one of now) whose code is `code` and that was not used yet, else None."""
    totp = pyotp.TOTP(secret)
    now = int(time.time()) // STEP_SECONDS
    for step in (now, now - 1, now + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _clean(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isalnum()).upper()


def confirm_enrolment(user: User, code: str, *, actor: str) -> list[str]:
    """Turn two-factor sign-in on once a code from the app matches; return new recovery codes. Audited."""
    if user.totp_secret is None or user.two_factor_enabled:
        raise TwoFactorError(_("Hãy bắt đầu lại việc cài đặt xác thực hai bước."))
    step = _matching_step(user.totp_secret, _clean(code), None)
    if step is None:
        raise TwoFactorError(_("Mã xác thực không đúng. Hãy nhập mã 6 chữ số đang hiện trên ứng dụng."))
    user.totp_enabled_at, user.totp_last_step, user.totp_failures = utcnow(), step, 0
    codes = new_recovery_codes(user)
    audit(actor, "user.2fa_enable", f"user {user.login}", area_id=user.area_id)
    db.session.flush()
    return codes


def verify(user: User, code: str) -> str:
    """Check a second factor at sign-in: 'totp' or 'recovery' when accepted, else TwoFactorError."""
    cleaned = _clean(code)
    if not user.two_factor_enabled:
        raise TwoFactorError(_("Tài khoản chưa bật xác thực hai bước."))
    if len(cleaned) == RECOVERY_LENGTH:
        return _spend_recovery_code(user, cleaned)
    if user.totp_failures >= current_app.config["TOTP_MAX_FAILURES"]:
        raise TwoFactorError(
            _(
                "Đã nhập sai mã quá nhiều lần. Hãy dùng một mã khôi phục, hoặc nhờ quản trị viên đặt lại xác "
                "thực hai bước. Mật khẩu của bạn có thể đã lộ: hãy đổi mật khẩu sau khi đăng nhập."
            )
        )
    step = _matching_step(user.totp_secret or "", cleaned, user.totp_last_step)
    if step is None:
        user.totp_failures += 1
        raise TwoFactorError(_("Mã xác thực không đúng hoặc đã được dùng. Hãy nhập mã mới trên ứng dụng."))
    user.totp_last_step, user.totp_failures = step, 0
    return "totp"


def _recovery_hash(code: str) -> str:
    return hashlib.sha256(_clean(code).encode("ascii")).hexdigest()


def _spend_recovery_code(user: User, cleaned: str) -> str:
    found = db.session.scalar(
        sa.select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _recovery_hash(cleaned),
            RecoveryCode.used_at.is_(None),
        )
    )
    if found is None:
        user.totp_failures += 1
        raise TwoFactorError(_("Mã khôi phục không đúng hoặc đã được dùng."))
    found.used_at = utcnow()
    user.totp_failures = 0
    audit(user.login, "user.2fa_recovery", f"user {user.login}", area_id=user.area_id)
    return "recovery"


def new_recovery_codes(user: User) -> list[str]:
    """Replace the account's recovery codes with new ones; return them (shown once)."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _n in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, RECOVERY_LENGTH, 4)))
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(c)) for c in codes)
    db.session.flush()
    return codes


def recovery_codes_left(user: User) -> int:
    """How many unused recovery codes the account has."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(RecoveryCode.id)).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        )
        or 0
    )


def turn_off(user: User, *, actor: str, action: str = "user.2fa_reset") -> None:
    """Remove the account's second factor and end its sessions (an admin's reset, or the holder's choice)."""
    from lms.auth.services import end_sessions

    had = user.two_factor_enabled
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    user.totp_failures = 0
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    end_sessions(user)
    audit(
        actor,
        action,
        f"user {user.login}",
        area_id=user.area_id,
        before={"two_factor": had},
        after={"two_factor": False},
    )
    db.session.flush()
