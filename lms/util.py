"""Small helpers shared by every feature: time, Vietnamese text folding."""

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


def today_local() -> date:
    """Return today's date in Vietnam (evidence dates are local dates)."""
    return datetime.now(LOCAL_TZ).date()
