"""A query-parameter filter's value (`?intravilan=1`, `?legal_area=1180`) read as its column's type.

OGC API Features Part 1 (7.15.5) filters on a property by value; the value arrives as text and
means what the property's type says: GDAL sends `intravilan=1` for `-where "intravilan = 1"`,
others send `true`, and `legal_area=1180` is the same number as `1180.00`. Comparing as text
found none of these. A value the type cannot hold is the client's error (400), not "no match".
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal, InvalidOperation

INTEGER_TYPES = ("smallint", "integer", "bigint")
NUMBER_TYPES = ("numeric", "double precision", "real")
_INTEGER_RANGE = {"smallint": 2**15, "integer": 2**31, "bigint": 2**63}
_TRUE, _FALSE = ("true", "1", "t", "yes"), ("false", "0", "f", "no")

# PostgreSQL type -> the JSON Schema type (and format) the queryables document gives the property
JSON_TYPES = {
    **{t: {"type": "integer"} for t in INTEGER_TYPES},
    **{t: {"type": "number"} for t in NUMBER_TYPES},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "timestamp with time zone": {"type": "string", "format": "date-time"},
}


def json_type(pg_type: str | None) -> dict:
    return dict(JSON_TYPES.get(pg_type or "", {"type": "string"}))


def typed_value(pg_type: str | None, name: str, value: str):
    """`value` as a Python value of the column's type; ValueError (with a message) when it is none."""
    value = value.strip() if pg_type in (*INTEGER_TYPES, *NUMBER_TYPES, "boolean", "date") else value
    if pg_type == "boolean":
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise ValueError(f"{name} is true or false (also 1 or 0), not {value[:40]!r}")
    if pg_type in INTEGER_TYPES or pg_type in NUMBER_TYPES:
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ValueError(f"{name} is a number, not {value[:40]!r}") from None
        if not number.is_finite():
            raise ValueError(f"{name} is a finite number, not {value[:40]!r}")
        if pg_type == "numeric":
            return number
        if pg_type in NUMBER_TYPES:
            if not math.isfinite(float(number)):
                raise ValueError(f"{name} is out of range: {value[:40]!r}")
            return float(number)
        if number != number.to_integral_value():
            raise ValueError(f"{name} is an integer, not {value[:40]!r}")
        bound = _INTEGER_RANGE[pg_type]
        if not -bound <= number < bound:
            raise ValueError(f"{name} is out of range: {value[:40]!r}")
        return int(number)
    if pg_type == "date":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{name} is a date (YYYY-MM-DD), not {value[:40]!r}") from None
    if pg_type == "timestamp with time zone":
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{name} is a date and time (RFC 3339), not {value[:40]!r}") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return value

