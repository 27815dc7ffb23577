"""One-time activation codes: an officer issues them for imported people, a citizen activates with one.

A code is 12 characters from an alphabet without look-alikes (about 60 bits, from `secrets`). Only
its keyed hash (HMAC-SHA256 with the app's secret key) is stored, in User.activation_code_hash:
issuing a new code replaces the old one, activation clears it. A slow password hash would make a
sheet of 2,000 codes take minutes; the code's entropy and the secret key make a fast one safe.
Wrong codes are limited per client and per person code by the view (lms.auth.limits), like the login.
A code issued to one person (`issue_code`) also serves an account already activated: the holder who
forgot the password sets a new one with it (the old password works until then).
"""

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from lms.areas.models import Area
from lms.areas.services import areas_under
from lms.audit.services import audit
from lms.auth.models import User
from lms.auth.services import AuthError, check_password_for, end_sessions, find_login, hash_password, normalise_login
from lms.bulk import id_values
from lms.extensions import db
from lms.people.models import Person
from lms.util import today_local

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1
CODE_LENGTH = 12
MAX_PER_SHEET = 2000
HASH_PREFIX = "hmac-sha256$"


@dataclass
class IssuedCode:
    """A person and the code just issued to them (shown once, on the printed sheet)."""

    person: Person
    code: str


def new_code() -> str:
    """Return a fresh activation code, grouped for reading: XXXX-XXXX-XXXX."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def _canonical(code: str) -> str:
    """Return a typed code without separators, upper case (what is hashed)."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def code_hash(code: str) -> str:
    """Return the stored form of a code: a keyed hash, never the code itself."""
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    digest = hmac.new(key, _canonical(code).encode("utf-8"), hashlib.sha256).hexdigest()
    return HASH_PREFIX + digest


def code_matches(user: User, code: str) -> bool:
    """True when `code` is the user's current activation code."""
    stored = user.activation_code_hash
    return stored is not None and stored != "" and hmac.compare_digest(stored, code_hash(code))


def people_for_codes(scope: Area, *, person_ids: Sequence[int] = (), village: Area | None = None) -> list[Person]:
    """Return the people of the scope to issue codes to (ticked ids, or a whole village), by name."""
    query = sa.select(Person).where(Person.village_id.in_(areas_under(scope)))
    if person_ids:
        query = query.where(Person.id.in_(id_values(person_ids)))
    elif village is not None:
        query = query.where(Person.village_id == village.id)
    else:
        return []
    return list(db.session.scalars(query.order_by(Person.name_folded, Person.id).limit(MAX_PER_SHEET + 1)))


def _initial_login(person: Person) -> str:
    """Return a free login for a not-yet-activated account: the phone if free, else the person code."""
    if person.phone:
        phone = normalise_login(person.phone)
        if phone and find_login(phone) is None:
            return phone
    return person.code


def issue_codes(people: Sequence[Person], *, actor: str, scope: Area) -> tuple[list[IssuedCode], int]:
    """Issue a new code to each person without an activated account (the old code stops working).

    Creates a citizen account with no password for people without one. Returns the codes and how
    many people were skipped because their account is already activated. Audited.
    """
    if len(people) > MAX_PER_SHEET:
        raise AuthError(_("Mỗi lần in tối đa %(n)d người; hãy chọn từng thôn, khu phố.", n=MAX_PER_SHEET))
    ids = [p.id for p in people]
    accounts = {u.person_id: u for u in db.session.scalars(sa.select(User).where(User.person_id.in_(id_values(ids))))}
    issued: list[IssuedCode] = []
    skipped = 0
    for person in people:
        user = accounts.get(person.id)
        if user is not None and (user.password_hash is not None or user.role != "citizen"):
            skipped += 1
            continue
        if user is None:
            user = User(login=_initial_login(person), role="citizen", display_name=person.full_name, person=person)
            db.session.add(user)
        code = new_code()
        user.activation_code_hash = code_hash(code)
        issued.append(IssuedCode(person, code))
        db.session.flush()  # one at a time: the next initial login must see this one
    if issued:
        audit(
            actor,
            "activation.codes",
            _("%(n)d mã kích hoạt", n=len(issued)),
            area_id=scope.id,
            after={"count": len(issued), "skipped": skipped, "people": [i.person.code for i in issued]},
        )
    db.session.flush()
    return issued, skipped


def issue_code(person: Person, *, actor: str, scope: Area) -> IssuedCode:
    """Issue a new code to one person, activated or not (a forgotten password): audited.

    Creates the citizen account when there is none. The old code stops working; the current password,
    if any, keeps working until the code is used."""
    user = db.session.scalar(sa.select(User).where(User.person_id == person.id))
    if user is not None and user.role != "citizen":
        raise AuthError(_("Tài khoản của người này do quản trị viên quản lý."))
    if user is None:
        user = User(login=_initial_login(person), role="citizen", display_name=person.full_name, person=person)
        db.session.add(user)
    code = new_code()
    user.activation_code_hash = code_hash(code)
    audit(
        actor,
        "activation.codes",
        _("%(n)d mã kích hoạt", n=1),
        area_id=scope.id,
        after={"count": 1, "people": [person.code], "activated": user.password_hash is not None},
    )
    db.session.flush()
    return IssuedCode(person, code)


def account_of_code(person_code: str) -> User | None:
    """The account of a person code as typed on the sheet, in any case (`bb000544` is `BB000544`)."""
    typed = person_code.strip()
    variants = {typed, typed.upper(), typed.lower()}
    found = list(
        db.session.scalars(sa.select(User).join(Person, Person.id == User.person_id).where(Person.code.in_(variants)))
    )
    exact = [u for u in found if u.person is not None and u.person.code == typed]
    return next(iter(exact or found), None)


def activate(person_code: str, code: str, login: str, password: str) -> User:
    """Activate an account with its person code and one-time code: set the login (phone/email) and password.

    Also resets a forgotten password (a code issued to an activated account). An unknown person code
    and a wrong code get the same message, so codes cannot be used to probe who has an account.
    """
    wrong = _("Mã người dân hoặc mã kích hoạt không đúng.")
    user = account_of_code(person_code)
    if user is None or user.activation_code_hash is None or user.disabled_at is not None:
        hmac.compare_digest(HASH_PREFIX, code_hash(code))  # the same work as a real check
        raise AuthError(wrong)
    if not code_matches(user, code):
        raise AuthError(wrong)
    new_login = normalise_login(login)
    taken = find_login(new_login)
    if taken is not None and taken.id != user.id:
        raise AuthError(_("Số điện thoại hoặc email này đã được đăng ký."))
    check_password_for(user, password, login=new_login)
    person = user.person
    before = {"login": user.login, "activated": user.password_hash is not None}
    user.login = new_login
    user.password_hash = hash_password(password)
    user.activation_code_hash = None
    user.must_change_password = False
    end_sessions(user)
    if person is not None:  # keep the contact the citizen gave, unless the record has one already
        if "@" in new_login and not person.email:
            person.email = new_login
        elif "@" not in new_login and not person.phone:
            person.phone = new_login
    audit(
        new_login,
        "user.activate",
        f"user {new_login}",
        area_id=person.village_id if person is not None else None,
        before=before,
        after={"login": new_login, "person": person.code if person else None},
    )
    db.session.flush()
    return user


CARD_W, CARD_H, CARD_GAP = 93.0, 62.0, 4.0  # two cards across an A4 page, four down: eight a page


def codes_pdf(issued: Sequence[IssuedCode], *, area_name: str, activate_url: str) -> bytes:
    """Return the printable codes as cut-out cards, one per person (dashed edges to cut along): name,
    village, person code, activation code and how to use it; the officer hands each person their own."""
    from flask_babel import format_date

    from lms.reports.pdf import FAMILY, ReportPDF

    pdf = ReportPDF(
        _("Mã kích hoạt tài khoản"), page_label=_("Trang %(page)s/%(pages)s", page="{page}", pages="{pages}")
    )
    pdf.set_auto_page_break(False)
    printed = _("%(area)s · in ngày %(date)s", area=area_name, date=format_date(today_local(), "short"))
    how = _(
        "Mở %(url)s, nhập mã người dân, mã kích hoạt và số điện thoại hoặc email của bạn, rồi đặt mật khẩu. "
        "Mã chỉ dùng một lần; giữ kín như mật khẩu.",
        url=activate_url,
    )
    pdf.set_font(FAMILY, size=8)
    pdf.set_y(6)
    pdf.cell(0, 4, _("Cắt theo đường nét đứt, trao mỗi người đúng thẻ của mình."), align="C")
    for n, item in enumerate(issued):
        slot = n % 8
        if n and slot == 0:
            pdf.add_page()
        x = 12 + (slot % 2) * (CARD_W + CARD_GAP)
        y = 12 + (slot // 2) * (CARD_H + CARD_GAP)
        pdf.set_draw_color(120, 120, 120)
        pdf.set_line_width(0.3)
        with pdf.local_context(dash_pattern={"dash": 2, "gap": 1.5}):
            pdf.rect(x, y, CARD_W, CARD_H)

        def text(value: str, size: float, style: str = "", gap: float = 0.5, left: float = x) -> None:
            pdf.set_font(FAMILY, style, size)
            pdf.set_x(left + 4)
            pdf.multi_cell(CARD_W - 8, size * 0.45, value, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(gap)

        pdf.set_y(y + 4)
        pdf.set_text_color(11, 107, 79)
        text(_("Học Tập Suốt Đời — mã kích hoạt tài khoản"), 8, "B", 1.5)
        pdf.set_text_color(28, 39, 35)
        text(item.person.full_name, 12, "B")
        text(item.person.village.name, 9, "", 2)
        text(_("Mã người dân: %(code)s", code=item.person.code), 10)
        text(_("Mã kích hoạt: %(code)s", code=item.code), 13, "B", 2)
        pdf.set_text_color(86, 98, 93)
        text(how, 7)
        text(printed, 7)
        pdf.set_text_color(0, 0, 0)
    return pdf.to_bytes()
