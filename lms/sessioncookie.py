"""Flask's signed-cookie sessions, with cookies already verified remembered for a while.

A browser sends the same session cookie with every request until the session changes. The cookie's
signature (HMAC) and JSON are checked the first time it is seen in this process; the exact cookie
text is then remembered with the time it was signed, so the same text again skips the HMAC and the
decoding. Nothing is checked less: the same bytes under the same key verify the same way, and the
age limit (PERMANENT_SESSION_LIFETIME) is checked against the signing time on every request. Only
sessions of plain values (text, numbers, flags) are remembered, and each request gets its own copy.
Safe under threads (one lock).
"""

import threading
import time
from collections import OrderedDict
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

PLAIN = (str, int, float, bool, type(None))


class RememberingSessionInterface(SecureCookieSessionInterface):
    """SecureCookieSessionInterface that remembers up to `size` verified cookies (least recent out)."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self.seen: OrderedDict[str, tuple[int, dict[str, Any]]] = OrderedDict()
        self.lock = threading.Lock()

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        value = request.cookies.get(self.get_cookie_name(app))
        if not value or not app.secret_key:
            return super().open_session(app, request)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        with self.lock:
            found = self.seen.get(value)
            if found is not None:
                age = int(time.time()) - found[0]
                if 0 <= age <= max_age:
                    self.seen.move_to_end(value)
                    return self.session_class(dict(found[1]))
                del self.seen[value]
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(data, dict) and all(isinstance(v, PLAIN) for v in data.values()):
            with self.lock:
                self.seen[value] = (int(signed_at.timestamp()), dict(data))
                while len(self.seen) > self.size:
                    self.seen.popitem(last=False)
        return self.session_class(data)
