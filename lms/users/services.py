"""Account management by an admin: every change is audited and ends the account's open sessions.

A new account, and a reset one, get a temporary password shown once to the admin; its holder must
choose their own at the next sign-in (User.must_change_password), and officers and admins then set up
their second factor (lms.auth.twofactor). Unlocking forgets the failed attempts the rate limits
counted against the account (lms.auth.limits) and its wrong second-factor codes.
"""

import secrets

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import Select

from lms.areas.models import Area
from lms.areas.services import area_by_code
from lms.audit.services import audit
from lms.auth import twofactor
from lms.auth.errors import AuthError
from lms.auth.limits import clear_account_limits
from lms.auth.models import AREA_ROLES, STAFF_ROLES, User
from lms.auth.services import create_user, end_sessions, find_login, hash_password, normalise_login
from lms.extensions import db
from lms.util import utcnow

TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes: read out or copied by hand
TEMP_LENGTH = 16  # about 79 bits


def temporary_password() -> str:
    """Return a random temporary password, grouped for reading: xxxx-xxxx-xxxx-xxxx."""
    raw = "".join(secrets.choice(TEMP_ALPHABET) for _ in range(TEMP_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, TEMP_LENGTH, 4))


def accounts(q: str = "", role: str = "") -> Select[User]:
    """Officer, trainer and admin accounts (or, with a search, any account whose login or name matches)."""
    query = sa.select(User)
    if q:
        pattern = f"%{q}%"
        query = query.where(sa.or_(User.login.ilike(pattern), User.display_name.ilike(pattern)))
    else:
        query = query.where(User.role.in_(STAFF_ROLES))
    if role:
        query = query.where(User.role == role)
    return query


class AccountFaults(AuthError):
    """Every fault of an account form at once, by field name (login, role, area)."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(" ".join(fields.values()))
        self.fields = fields


def _area_for(role: str, code: str) -> Area | None:
    """The area an account of this role is given: required for officers and approvers, optional for
    trainers, none for admins."""
    code = code.strip()
    if role == "admin":
        return None
    if not code:
        if role in AREA_ROLES:
            raise AuthError(_("Cán bộ cần có địa bàn: nhập mã địa bàn."))
        return None
    area = area_by_code(code)
    if area is None or area.valid_to is not None:
        raise AuthError(_("Không có địa bàn đang hoạt động với mã %(code)s.", code=code))
    return area


def create_account(login: str, display_name: str, role: str, area_code: str, *, actor: str) -> tuple[User, str]:
    """Create an officer, trainer or admin account with a temporary password; return both. Audited."""
    faults: dict[str, str] = {}
    if role not in STAFF_ROLES:
        faults["role"] = _("Vai trò không hợp lệ.")
    if find_login(login) is not None:
        faults["login"] = _("Số điện thoại hoặc email này đã được đăng ký.")
    area = None
    try:
        area = _area_for(role, area_code)
    except AuthError as exc:
        faults["area"] = str(exc)
    if faults:
        raise AccountFaults(faults)
    password = temporary_password()
    user = create_user(login, password, role, display_name=display_name.strip(), area=area, actor=actor)
    user.must_change_password = True
    audit(actor, "user.create", f"user {user.login}", area_id=area.id if area else None, after=_state(user))
    db.session.flush()
    return user, password


def _state(user: User) -> dict[str, object]:
    return {
        "role": user.role,
        "area": user.area.code if user.area is not None else None,
        "name": user.display_name,
        "disabled": user.disabled_at is not None,
    }


def _follow_trainer_area(user: User, old: Area | None, new: Area | None, actor: str) -> None:
    """Keep a trainer's working areas (lms.trainers) in step with the area set on this page."""
    from lms.trainers.services import assign_trainer_area, remove_trainer_area

    if old is not None and old != new:
        remove_trainer_area(user, old, actor)
    if new is not None and user.role == "trainer":
        assign_trainer_area(user, new, actor)


def update_account(user: User, display_name: str, role: str, area_code: str, *, actor: User) -> bool:
    """Change an account's name, role and area; return whether anything changed. Audited as a role change."""
    if role not in STAFF_ROLES or user.role not in STAFF_ROLES:
        raise AuthError(_("Vai trò không hợp lệ."))
    if user.id == actor.id and role != "admin":
        raise AuthError(_("Bạn không thể tự bỏ quyền quản trị của mình."))
    area = _area_for(role, area_code)
    before = _state(user)
    old_area = user.area
    user.display_name, user.role, user.area = display_name.strip(), role, area
    db.session.flush()
    _follow_trainer_area(user, old_area, area, actor.login)
    after = _state(user)
    if after == before:
        return False
    if (before["role"], before["area"]) != (after["role"], after["area"]):
        end_sessions(user)  # the old role and area must not stay in an open session
    audit(actor.login, "user.role", f"user {user.login}", area_id=area.id if area else None, before=before, after=after)
    db.session.flush()
    return True


def set_disabled(user: User, disabled: bool, *, actor: User) -> None:
    """Disable an account (it cannot sign in; its sessions end) or enable it again. Audited."""
    if user.id == actor.id:
        raise AuthError(_("Bạn không thể tự khóa tài khoản của mình."))
    before = _state(user)
    user.disabled_at = utcnow() if disabled else None
    end_sessions(user)
    audit(
        actor.login,
        "user.disable" if disabled else "user.enable",
        f"user {user.login}",
        area_id=user.area_id,
        before=before,
        after=_state(user),
    )
    db.session.flush()


def unlock(user: User, *, actor: User) -> None:
    """Forget the failed sign-in attempts counted against the account and its wrong codes. Audited."""
    clear_account_limits(normalise_login(user.login), user.id)
    user.totp_failures = 0
    audit(actor.login, "user.unlock", f"user {user.login}", area_id=user.area_id)
    db.session.flush()


def reset_password(user: User, *, actor: User) -> str:
    """Give the account a temporary password (to be changed at the next sign-in); return it. Audited."""
    password = temporary_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.activation_code_hash = None
    end_sessions(user)
    audit(actor.login, "user.reset", f"user {user.login}", area_id=user.area_id)
    db.session.flush()
    return password


def reset_two_factor(user: User, *, actor: User) -> None:
    """Remove the account's second factor: its holder sets up a new one at the next sign-in. Audited."""
    twofactor.turn_off(user, actor=actor.login, action="user.2fa_reset")
