"""The password policy (NIST SP 800-63B §5.1.1.2): long enough, not common, not derived from the person.

No composition rules (no "one digit, one capital"): length and a blocklist do more for security and
less harm to memory. Refused, each with a reason in the user's language:
- fewer than PASSWORD_MIN_LENGTH (8) characters;
- a password of the common-password lists (lms/auth/data: ~19,600 from Django's list, plus Vietnamese
  ones and this service's own words), compared in lower case and without diacritics;
- a repeated or sequential run (`aaaaaaaa`, `12345678`, `abcdefgh`, `qwertyui`…);
- one derived from the person: containing their login, email name, phone number or full name, or
  made only of the words of their name and digits (`nguyenvanan`, `An@1990`, `vanan2026`), compared
  without diacritics, spaces or punctuation.
"""

import gzip
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from lms.auth.errors import PasswordError
from lms.util import fold

DATA = Path(__file__).resolve().parent / "data"
SEQUENCES = (
    "01234567890123456789",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiopasdfghjklzxcvbnm",
    "qwertzuiop",
    "azertyuiop",
    "1qaz2wsx3edc4rfv5tgb",
)
SERVICE_WORDS = ("hoctapsuotdoi", "congdanhoctap")


@cache
def common_passwords() -> frozenset[str]:
    """Return the common passwords (lower case), read once per process."""
    with gzip.open(DATA / "common-passwords.txt.gz", "rt", encoding="utf-8") as handle:
        words = {line.strip() for line in handle}
    with open(DATA / "common-passwords-vi.txt", encoding="utf-8") as handle:
        words |= {line.strip() for line in handle if not line.startswith("#")}
    words.discard("")
    return frozenset(words)


def _compact(text: str | None) -> str:
    """Lower case, no diacritics, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", fold(text or ""))


def _is_run(text: str) -> bool:
    """True for a repeated or sequential run: few distinct characters, or a slice of a known sequence."""
    if len(set(text)) <= 2:
        return True
    for sequence in SEQUENCES:
        if text in sequence or text in sequence[::-1]:
            return True
    return False


def _identifiers(login: str | None, email: str | None, phone: str | None, name: str | None) -> list[str]:
    """The strings a password must not contain: login, the name of an email, phone numbers, the full name."""
    found = [*SERVICE_WORDS]
    for value in (login, email):
        if value and "@" in value:
            found.append(_compact(value.split("@", 1)[0]))
        elif value:
            found.append(_compact(value))
    for value in (login, phone):
        digits = re.sub(r"\D", "", value or "")
        if len(digits) >= 8:
            found += [digits, digits[-9:], "0" + digits[-9:]]  # +84 912…, 84912…, 0912…
    if name:
        found.append(_compact(name))
    return [item for item in found if len(item) >= 4]


def _made_of_name(password: str, name: str | None) -> bool:
    """True when the password's letters are only the words of the name (any order) and the rest digits."""
    words = {w for w in _compact_words(name) if w}
    letters = re.sub(r"[^a-z]", "", password)
    if not words or len(letters) < 2:
        return False
    pattern = "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")+"
    return re.fullmatch(pattern, letters) is not None


def _compact_words(name: str | None) -> list[str]:
    return [_compact(word) for word in (name or "").split()]


def check_password(
    password: str,
    *,
    login: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    name: str | None = None,
) -> None:
    """Raise PasswordError (with the reason, in the user's language) unless the password may be used."""
    minimum = int(current_app.config.get("PASSWORD_MIN_LENGTH", 8))
    if len(password) < minimum:
        raise PasswordError(_("Mật khẩu phải có ít nhất %(n)d ký tự.", n=minimum))
    lowered = password.strip().lower()
    compact = _compact(password)
    common = common_passwords()
    if lowered in common or fold(lowered) in common or compact in common:
        raise PasswordError(
            _("Mật khẩu này quá phổ biến, kẻ gian đoán ra ngay. Hãy chọn mật khẩu khác, ví dụ một câu ngắn dễ nhớ.")
        )
    if compact and _is_run(compact):
        raise PasswordError(
            _("Mật khẩu không được là dãy ký tự lặp lại hoặc liên tiếp (như 11111111, 12345678, abcdefgh).")
        )
    identifiers = _identifiers(login, email, phone, name)
    if any(item in compact or (len(compact) >= 4 and compact in item) for item in identifiers) or _made_of_name(
        compact, name
    ):
        raise PasswordError(
            _(
                "Mật khẩu không được dựa trên tên đăng nhập, số điện thoại, email hoặc họ tên của bạn, "
                "vì người khác dễ đoán ra."
            )
        )


def password_validator(
    *, login_field: str | None = "login", name_field: str | None = None
) -> Callable[[Any, Any], None]:
    """A WTForms validator applying check_password with the login and name typed in the same form."""
    from wtforms.validators import ValidationError

    def validate(form: Any, field: Any) -> None:
        login = getattr(form, login_field).data if login_field and hasattr(form, login_field) else None
        name = getattr(form, name_field).data if name_field and hasattr(form, name_field) else None
        try:
            check_password(field.data or "", login=login, name=name)
        except PasswordError as exc:
            raise ValidationError(str(exc)) from exc

    return validate
