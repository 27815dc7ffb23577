"""Lists of ids sent to the database as ONE parameter, whatever their length.

`column.in_(python_list)` binds one parameter per element, and PostgreSQL's protocol refuses a
statement with more than 65,535 parameters (a multi-row VALUES with 5 columns fails above 13,107
rows). Bulk paths therefore pass a list of ids as a single array (PostgreSQL) or JSON text (SQLite)
and read it back as a one-column set, or they stay set-based (`INSERT … SELECT`) throughout.
"""

import json
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql import Select

from lms.extensions import db


def _values(name: str, column: str, unique: list[Any], element: Any) -> Select[Any]:
    """Return a one-column SELECT of `unique`, bound as ONE parameter: an array of `element` read back
    with unnest (PostgreSQL), JSON text read back with json_each (SQLite)."""
    if db.session.get_bind().dialect.name == "postgresql":
        param = sa.bindparam(name, unique, type_=ARRAY(element), unique=True)
        return sa.select(sa.func.unnest(param).column_valued(column))
    each = sa.func.json_each(sa.bindparam(name, json.dumps(unique), type_=sa.String, unique=True)).table_valued("value")
    return sa.select(each.c.value)


def id_values(ids: Iterable[int]) -> Select[Any]:
    """Return a one-column SELECT of the distinct ids, bound as a single parameter."""
    return _values("ids", "id", sorted({int(i) for i in ids}), sa.BigInteger)


class IdSet:
    """Distinct ids bound ONCE as a single parameter, read both as a one-column set (`select`) and as a
    membership test (`has`): a statement using both sends the list once."""

    def __init__(self, ids: Iterable[int]) -> None:
        self.ids = sorted({int(i) for i in ids})
        self._array: Any = None
        self.text = ""
        if db.session.get_bind().dialect.name == "postgresql":
            # an array literal built here: psycopg's list adapter costs ~2 µs an element in Python
            self.text = "{" + ",".join(map(str, self.ids)) + "}"
            self._array = sa.cast(sa.bindparam("ids", self.text, type_=sa.Text, unique=True), ARRAY(sa.BigInteger))
            self.select = sa.select(sa.func.unnest(self._array).column_valued("id"))
        else:
            self.select = id_values(self.ids)

    def has(self, column: Any) -> sa.ColumnElement[bool]:
        """SQL: the column is one of the ids (`column = ANY(array)` on PostgreSQL)."""
        return column == sa.any_(self._array) if self._array is not None else column.in_(self.select)


def code_values(codes: Iterable[str]) -> Select[Any]:
    """Return a one-column SELECT of the distinct codes (people's codes, say), bound as a single parameter."""
    return _values("codes", "code", sorted({str(c) for c in codes}), sa.String)


def any_id(column: Any, ids: Iterable[int]) -> sa.ColumnElement[bool]:
    """SQL: the column is one of the ids, bound as a single parameter. On PostgreSQL `column = ANY(array)`:
    an index on the column is searched once per id, and a filter hashes the array, so the plan stays
    linear even when the table's statistics are stale (rows written in the same transaction, say),
    where a join against `unnest` may turn into a nested loop of ids × rows."""
    return IdSet(ids).has(column)


def upsert(table: sa.Table) -> Any:
    """An INSERT of the database's dialect, which takes ON CONFLICT (PostgreSQL and SQLite alike)."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    return insert(table)


Column = sa.ColumnElement[Any] | sa.orm.QueryableAttribute[Any]


def among(column: Column, values: Iterable[str]) -> sa.ColumnElement[bool]:
    """Return `column IN values` with the values bound as a single parameter (an array on PostgreSQL)."""
    unique = set(values)
    if db.session.get_bind().dialect.name == "postgresql":
        # an array literal built here: psycopg's list adapter costs ~2 µs an element in Python
        literal = "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in unique) + "}"
        array = sa.cast(sa.bindparam("values", literal, type_=sa.Text, unique=True), ARRAY(sa.String))
        return column == sa.any_(array)
    listed = json.dumps(sorted(unique))
    each = sa.func.json_each(sa.bindparam("values", listed, type_=sa.String, unique=True)).table_valued("value")
    return column.in_(sa.select(each.c.value))
