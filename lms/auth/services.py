"""Accounts: password hashing (scrypt), login, session versions, role and area scope."""

import secrets
from functools import cache
from typing import Protocol, TypeVar

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from lms.areas.models import Area
from lms.areas.services import within
from lms.audit.services import audit
from lms.auth.errors import AuthError, PasswordError
from lms.auth.models import User
from lms.auth.passwords import check_password
from lms.extensions import db
from lms.people.models import Person
from lms.util import fold

HASH_METHOD = "scrypt"


def hash_password(password: str) -> str:
    """Hash a password with scrypt (memory-hard)."""
    return generate_password_hash(password, method=HASH_METHOD)


def load_user(user_key: str) -> User | None:
    """Load the user of a session cookie, only if its session version is still current."""
    try:
        user_id, version = (int(x) for x in user_key.split(":"))
    except ValueError:
        return None
    # the officer's area and the citizen's person record come in the same statement (joined on their
    # keys): nearly every page reads one of them, each a round trip of its own otherwise
    user = db.session.get(User, user_id, options=[joinedload(User.area), joinedload(User.person)])
    if user is None or user.session_version != version or user.disabled_at is not None:
        return None
    return user


def find_login(login: str) -> User | None:
    """Return the account for an email or phone login."""
    return db.session.scalar(sa.select(User).where(User.login == normalise_login(login)))


def normalise_login(login: str) -> str:
    """Normalise an email (lower case) or a phone number (digits, leading +)."""
    login = login.strip()
    if "@" in login:
        return login.lower()
    return "".join(ch for ch in login if ch.isdigit() or ch == "+")


@cache
def _dummy_hash() -> str:
    """A hash of a random password, made like the real ones: unknown logins cost the same check."""
    return hash_password(secrets.token_urlsafe(16))


def authenticate(login: str, password: str) -> User:
    """Return the user if the password matches, else AuthError.

    Unknown logins, accounts without a password (not activated), disabled accounts and wrong
    passwords get the same message after the same work (a password check, against a dummy hash
    when there is no usable one), so the answer tells nobody which logins exist. Failed attempts
    are limited per client and per account by the view (lms.auth.limits), never by locking the
    account.
    """
    from flask_babel import gettext as _

    user = find_login(login)
    usable = user is not None and user.password_hash is not None and user.disabled_at is None
    stored = user.password_hash if usable and user is not None else _dummy_hash()
    matches = check_password_hash(stored, password)  # type: ignore[arg-type]
    if not (usable and matches):
        raise AuthError(_("Sai tên đăng nhập hoặc mật khẩu."))
    return user  # type: ignore[return-value]


def end_sessions(user: User) -> None:
    """Invalidate every session cookie issued to the user (logout, password change)."""
    user.session_version += 1


def check_password_for(user: User, password: str, *, login: str | None = None) -> None:
    """Apply the password policy (lms.auth.passwords) with what is known of the account's holder."""
    person = user.person
    check_password(
        password,
        login=login or user.login,
        email=person.email if person is not None else None,
        phone=person.phone if person is not None else None,
        name=person.full_name if person is not None else user.display_name,
    )


def change_password(user: User, current: str, new: str) -> None:
    """Change one's own password (the current one must match): every other session of the account ends."""
    from flask_babel import gettext as _

    if user.password_hash is None or not check_password_hash(user.password_hash, current):
        raise AuthError(_("Mật khẩu hiện tại không đúng."))
    if check_password_hash(user.password_hash, new):
        raise PasswordError(_("Mật khẩu mới phải khác mật khẩu hiện tại."))
    check_password_for(user, new)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    end_sessions(user)
    audit(user.login, "user.password", f"user {user.login}", area_id=user.area_id)
    db.session.flush()


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
    check_password(password, login=norm, name=full_name)
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
    return current_user


OFFICER_ROLES = ("officer", "admin")


def officer_area(roles: tuple[str, ...] = OFFICER_ROLES) -> Area:
    """Return the area an officer (or admin: the root) may act on, else 403. `roles`: the roles the page
    serves (the decisions pages also serve approvers, each scoped to their area like an officer)."""
    user = require_role(*roles)
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


def require_area(target: Area, roles: tuple[str, ...] = OFFICER_ROLES) -> Area:
    """Return the officer's area if `target` lies inside it (or is an area a reorganisation closed
    whose whole territory now lies inside it: lms.areas.history.inherited_by), else 404 (see above)."""
    scope = officer_area(roles)
    if not within(target, scope):
        from lms.areas.history import inherited_by

        if not inherited_by(target, scope):
            abort(404)
    return scope


class _InArea(Protocol):
    @property
    def area(self) -> Area: ...


AreaThing = TypeVar("AreaThing", bound=_InArea)


def area_thing_or_404(model: type[AreaThing], thing_id: int) -> AreaThing:
    """Return the row of `model` (anything with an `area`) an officer asks for by id: 403 for a role that
    never uses the page (before any lookup), 404 for one outside the officer's area, as for an unknown id."""
    officer_area()
    found = db.get_or_404(model, thing_id)
    require_area(found.area)
    return found


def require_person(person: Person) -> Area:
    """404 unless the current officer's area contains the person's village."""
    return require_area(person.village)
