"""Small helpers shared by every feature: time, Vietnamese text folding, codes people type."""

import unicodedata
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def utcnow() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def fold(text: str | None) -> str:
    """Lower-case text and strip Vietnamese diacritics (đ → d) for searching and sorting."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower().strip()


_ASCII_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_MISREAD = str.maketrans("OIL", "011")
# Crockford's base32: the letters of codes people read and type (no I, L, O, U)
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def typed_code(text: str | None, limit: int = 80) -> str:
    """Return a code as typed or read from paper, cleaned: letters and digits only, upper case, O read
    as 0, I and L as 1 (Crockford's base32), spaces and dashes dropped."""
    return "".join(ch for ch in (text or "")[:limit].upper() if ch in _ASCII_ALNUM).translate(_MISREAD)


def today_local() -> date:
    """Return today's date in Vietnam (evidence dates are local dates)."""
    return datetime.now(LOCAL_TZ).date()
