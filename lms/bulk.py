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


def id_values(ids: Iterable[int]) -> Select[Any]:
    """Return a one-column SELECT of the distinct ids, bound as a single parameter."""
    unique = sorted({int(i) for i in ids})
    if db.session.get_bind().dialect.name == "postgresql":
        param = sa.bindparam("ids", unique, type_=ARRAY(sa.BigInteger), unique=True)
        column = sa.func.unnest(param).column_valued("id")
        return sa.select(column)
    each = sa.func.json_each(sa.bindparam("ids", json.dumps(unique), type_=sa.String, unique=True)).table_valued(
        "value"
    )
    return sa.select(each.c.value)


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
