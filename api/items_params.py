"""The paging and time parameters of /ogc/collections/{id}/items, checked before pygeoapi sees them.

pygeoapi 0.24 answers 200 to `datetime=garbage`, `datetime=2024-13-45` (it checks a datetime only
against a temporal extent, which no collection declares) and `skipGeometry=maybe` (anything not
"true" is false), and it quietly shortens a `limit` above the maximum. A client that made a typo
then reads a wrong answer as a right one; here each is a 400 naming the parameter and what it accepts.

`datetime` follows RFC 3339 as OGC API Features uses it: an instant (`2024-05-01T12:00:00Z`,
`2024-05-01`) or an interval `start/end` where `..` (or nothing) leaves an end open. The calendar
is checked by dateutil's `isoparse` (a pygeoapi dependency, the parser pygeoapi uses); it reads all
of ISO 8601, so the pattern below first holds a value to RFC 3339's shape.
"""

from __future__ import annotations

import re
from collections import ChainMap
from dataclasses import dataclass
from datetime import UTC, datetime

from dateutil.parser import isoparse

from api.messages import message

_DATE = r"\d{4}-\d{2}-\d{2}"
_RFC3339 = re.compile(rf"{_DATE}|{_DATE}[Tt ]\d{{2}}:\d{{2}}:\d{{2}}(\.\d+)?([Zz]|[+-]\d{{2}}:\d{{2}})")
_DIGITS = re.compile(r"\d{1,18}")  # an integer a PostgreSQL bigint holds, no sign, no spaces


class ItemsParameterError(ValueError):
    """A parameter the items request cannot take; the message names it and what it accepts."""


@dataclass(frozen=True)
class ItemsPage:
    offset: int
    limit: int
    query: tuple[tuple[str, str], ...] = ()  # every parameter as the client sent it, in its order


def items_limits(config: dict, collection_id: str) -> tuple[int, int]:
    """(default, maximum) page size: the collection's `limits` over the server's, as pygeoapi reads them."""
    limits = ChainMap(config["resources"].get(collection_id, {}).get("limits", {}),
                      config["server"].get("limits", {}))
    return limits.get("default_items", 10), limits.get("max_items", 10)


def check_items_args(args, default_limit: int, max_limit: int) -> ItemsPage:
    """The page asked for, or ItemsParameterError for the first parameter that is not valid.
    `args`: the request's query (a werkzeug MultiDict); every repeated value is checked."""
    for value in args.getlist("datetime"):
        _check_datetime(value)
    for value in args.getlist("skipGeometry"):
        if value.lower() not in ("true", "false"):
            raise ItemsParameterError(message("items.skip_geometry", value=_shown(value)))
    limit, offset = default_limit, 0
    for value in args.getlist("limit"):
        if not _DIGITS.fullmatch(value) or not 1 <= int(value) <= max_limit:
            raise ItemsParameterError(message("items.limit", value=_shown(value), max=max_limit))
        limit = int(value)
    for value in args.getlist("offset"):
        if not _DIGITS.fullmatch(value):
            raise ItemsParameterError(message("items.offset", value=_shown(value)))
        offset = int(value)
    return ItemsPage(offset=offset, limit=limit, query=tuple(args.items(multi=True)))


def _check_datetime(value: str) -> None:
    ends = value.split("/")
    if len(ends) > 2 or value in ("", "/") or set(ends) == {"..", ""} or set(ends) == {".."}:
        raise ItemsParameterError(message("items.datetime", value=_shown(value)))
    if len(ends) == 1:
        _instant(value, value)
        return
    start, end = (None if e in ("", "..") else _instant(e, value) for e in ends)
    if start is not None and end is not None and start > end:
        raise ItemsParameterError(message("items.datetime_order", value=_shown(value)))


def _instant(text: str, whole: str) -> datetime:
    if not _RFC3339.fullmatch(text):
        raise ItemsParameterError(message("items.datetime", value=_shown(whole)))
    try:
        moment = isoparse(text.upper().replace(" ", "T"))
    except ValueError:  # 2024-13-45, 2024-02-30T25:00:00Z
        raise ItemsParameterError(message("items.datetime", value=_shown(whole))) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _shown(value: str) -> str:
    """The value as given, short enough to quote in a message."""
    return value if len(value) <= 60 else value[:60] + "…"
