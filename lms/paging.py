"""Keyset pagination for long lists: "next" continues after the last key seen, never OFFSET, never COUNT(*).

A page is fetched with `WHERE (k1, k2) > (last k1, last k2) ORDER BY k1, k2 LIMIT n + 1`: the extra row
says whether there is more. The cursor travels in the URL as `after=` / `before=` (the key of the last /
first row shown, as compact base64 JSON); a cursor that does not decode is ignored (first page).
"""

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import request, url_for
from flask.blueprints import BlueprintSetupState
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql import ColumnElement, Select

from lms.extensions import db

# a column of a keyset: a Core column/expression or a mapped attribute (User.login)
KeyColumn = ColumnElement[Any] | QueryableAttribute[Any]

PER_PAGE = 50
MAX_CURSOR = 600  # characters: keys are codes, folded names and ids


@dataclass
class KeysetPage:
    """One page of rows and the cursors to the neighbouring pages (None: there is none)."""

    items: list[Any]
    after: str | None  # cursor of the next page
    before: str | None  # cursor of the previous page
    first: bool  # True when this is the first page (no cursor was given)


def encode(key: Sequence[Any]) -> str:
    """Return a URL-safe cursor for a key tuple (strings and integers)."""
    raw = json.dumps(list(key), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode(cursor: str | None, width: int) -> tuple[Any, ...] | None:
    """Return the key tuple of a cursor, or None when it is absent or not one this module made."""
    if not cursor or len(cursor) > MAX_CURSOR:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw.decode("utf-8"))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if not isinstance(values, list) or len(values) != width:
        return None
    if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
        return None
    return tuple(values)


def _beyond(columns: Sequence[KeyColumn], key: tuple[Any, ...], forward: bool) -> ColumnElement[bool]:
    """Rows strictly after (or before) `key` in the order of `columns`.

    The leading column's own range (>= / <=) is added so PostgreSQL can walk its index from the cursor.
    """
    if len(columns) == 1:
        return columns[0] > key[0] if forward else columns[0] < key[0]
    row, value = sa.tuple_(*columns), sa.tuple_(*[sa.literal(v) for v in key])
    if forward:
        return sa.and_(columns[0] >= key[0], row > value)
    return sa.and_(columns[0] <= key[0], row < value)


def keyset_page(
    query: Select[Any],
    columns: Sequence[KeyColumn],
    key_of: Callable[[Any], Sequence[Any]],
    *,
    per_page: int = PER_PAGE,
    descending: bool = False,
    scalars: bool = True,
) -> KeysetPage:
    """Return the page of `query` the request's `after` / `before` cursor asks for, ordered by `columns`.

    `key_of(item)` returns an item's values of `columns`. With `descending`, the list runs from the
    largest key down (newest first).
    """
    after = decode(request.args.get("after"), len(columns))
    before = decode(request.args.get("before"), len(columns)) if after is None else None
    forward = before is None
    ascending = forward != descending  # the direction of this fetch
    cursor = after if forward else before
    fetch = query
    if cursor is not None:
        fetch = fetch.where(_beyond(columns, cursor, ascending))
    fetch = fetch.order_by(*[c.asc() if ascending else c.desc() for c in columns]).limit(per_page + 1)
    result = db.session.scalars(fetch) if scalars else db.session.execute(fetch)
    rows = list(result.all())
    more = len(rows) > per_page
    rows = rows[:per_page]
    if not forward:
        rows.reverse()
    if not rows:
        return KeysetPage([], None, None, cursor is None)
    first_key, last_key = tuple(key_of(rows[0])), tuple(key_of(rows[-1]))
    if forward:
        has_next = more
        has_prev = cursor is not None and _exists(query, columns, first_key, not ascending)
    else:
        has_prev = more
        has_next = _exists(query, columns, last_key, not ascending)
    return KeysetPage(
        rows,
        encode(last_key) if has_next else None,
        encode(first_key) if has_prev else None,
        cursor is None,
    )


def _exists(query: Select[Any], columns: Sequence[KeyColumn], key: tuple[Any, ...], forward: bool) -> bool:
    """True when `query` has a row beyond `key` in that direction (one indexed probe)."""
    probe = query.where(_beyond(columns, key, forward)).with_only_columns(sa.literal(1)).limit(1)
    return db.session.execute(probe).first() is not None


def cursor_url(**changes: Any) -> str:
    """Return the current page's URL with other query arguments (cursors reset unless given)."""
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k not in ("after", "before")}
    args.update({k: v for k, v in changes.items() if v is not None})
    return url_for(request.endpoint or "main.index", **(request.view_args or {}), **args)


def install(state: BlueprintSetupState) -> None:
    """Make `cursor_url` available to templates."""
    state.app.jinja_env.globals.setdefault("cursor_url", cursor_url)
