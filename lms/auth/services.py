"""Accounts: password hashing (scrypt), login with lockout, session versions, role and area scope."""

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import abort, current_app
from flask_login import current_user
from werkzeug.security import check_password_hash, generate_password_hash

from lms.areas.models import Area
from lms.areas.services import within
from lms.audit.services import audit
from lms.auth.models import User
from lms.extensions import db
from lms.people.models import Person
from lms.util import fold, utcnow

HASH_METHOD = "scrypt"


class AuthError(ValueError):
    """Login or registration refused; the message is shown to the user (already translated)."""


def hash_password(password: str) -> str:
    """Hash a password with scrypt (memory-hard)."""
    return generate_password_hash(password, method=HASH_METHOD)


def load_user(user_key: str) -> User | None:
    """Load the user of a session cookie, only if its session version is still current."""
    try:
        user_id, version = (int(x) for x in user_key.split(":"))
    except ValueError:
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.session_version == version else None


def find_login(login: str) -> User | None:
    """Return the account for an email or phone login."""
    return db.session.scalar(sa.select(User).where(User.login == normalise_login(login)))


def normalise_login(login: str) -> str:
    """Normalise an email (lower case) or a phone number (digits, leading +)."""
    login = login.strip()
    if "@" in login:
        return login.lower()
    return "".join(ch for ch in login if ch.isdigit() or ch == "+")


def authenticate(login: str, password: str) -> User:
    """Return the user if the password matches; count failures and lock the account after too many."""
    from flask_babel import gettext as _

    user = find_login(login)
    now = utcnow()
    if user is None or user.password_hash is None:
        raise AuthError(_("Sai tên đăng nhập hoặc mật khẩu."))
    locked_until = user.locked_until
    if locked_until is not None and locked_until.tzinfo is None:
        locked_until = locked_until.replace(tzinfo=now.tzinfo)
    if locked_until is not None and locked_until > now:
        raise AuthError(_("Tài khoản tạm khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau."))
    if not check_password_hash(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
            user.failed_logins = 0
        raise AuthError(_("Sai tên đăng nhập hoặc mật khẩu."))
    user.failed_logins, user.locked_until = 0, None
    return user


def end_sessions(user: User) -> None:
    """Invalidate every session cookie issued to the user (logout, password change)."""
    user.session_version += 1


def create_user(
    login: str,
    password: str | None,
    role: str,
    *,
    display_name: str = "",
    area: Area | None = None,
    person: Person | None = None,
    actor: str = "system",
) -> User:
    """Create an account; roles other than citizen are audited as role changes."""
    user = User(
        login=normalise_login(login),
        password_hash=hash_password(password) if password else None,
        role=role,
        display_name=display_name or (person.full_name if person else login),
        area=area,
        person=person,
    )
    db.session.add(user)
    db.session.flush()
    if role != "citizen":
        audit(actor, "user.role", f"user {user.login}", after={"role": role, "area": area.code if area else None})
    if role == "trainer" and area is not None:  # a trainer's areas live in lms.trainers
        from lms.trainers.services import assign_trainer_area

        assign_trainer_area(user, area, actor)
    return user


def new_person_code() -> str:
    """Return a fresh code for a self-registered person."""
    return "W" + secrets.token_hex(5).upper()


def register_citizen(login: str, password: str, full_name: str, birth_year: int, gender: str, village: Area) -> User:
    """Register a citizen with phone or email: an account and an unconfirmed person in their village (it
    counts in no figure until an officer of the commune confirms the residence: lms.registry.services)."""
    from flask_babel import gettext as _

    if find_login(login) is not None:
        raise AuthError(_("Số điện thoại hoặc email này đã được đăng ký."))
    norm = normalise_login(login)
    person = Person(
        code=new_person_code(),
        full_name=full_name.strip(),
        name_folded=fold(full_name),
        birth_year=birth_year,
        gender=gender,
        village_id=village.id,
        email=norm if "@" in norm else None,
        phone=None if "@" in norm else norm,
        confirmed=False,
    )
    db.session.add(person)
    db.session.flush()
    return create_user(login, password, "citizen", person=person)


# ---- scope --------------------------------------------------------------------------------------
# One rule for refusals: 403 when the viewer's role may never use the page (checked before anything is
# looked up, so it says nothing about ids); 404 for a thing outside the viewer's scope, exactly as for
# one that does not exist, so that nobody learns which ids exist where they may not look.
def require_role(*roles: str) -> User:
    """Return the current user if they have one of the roles, else 403 (401 when anonymous)."""
    if not current_user.is_authenticated:
        abort(401)
    if current_user.role not in roles:
        abort(403)
    return current_user  # type: ignore[return-value]


def officer_area() -> Area:
    """Return the area an officer (or admin: the root) may act on, else 403."""
    user = require_role("officer", "admin")
    if user.role == "admin":
        root = db.session.scalar(
            sa.select(Area).where(Area.parent_id.is_(None), Area.valid_to.is_(None)).order_by(Area.id).limit(1)
        )
        if root is None:
            abort(404)
        return root
    if user.area is None:
        abort(403)
    return user.area


def require_area(target: Area) -> Area:
    """Return the officer's area if `target` lies inside it (or is an area a reorganisation closed
    whose whole territory now lies inside it: lms.areas.history.inherited_by), else 404 (see above)."""
    scope = officer_area()
    if not within(target, scope):
        from lms.areas.history import inherited_by

        if not inherited_by(target, scope):
            abort(404)
    return scope


def require_person(person: Person) -> Area:
    """404 unless the current officer's area contains the person's village."""
    return require_area(person.village)
