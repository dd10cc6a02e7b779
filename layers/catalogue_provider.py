"""pygeoapi's TinyDBCatalogue provider for the `catalogue` collection (layers/catalogue.py writes its
file), with two inputs made safe: `q` is taken as words, never as regular expressions (the stock
provider hands each term to re.search, so `q=(` raised an uncaught re.error), and `datetime` is
checked and made an interval (the stock provider answers a single instant with a TypeError: a 500);
and the queryables' value domains no longer ask for the `q` field (a KeyError, found by the fuzzer)."""

from __future__ import annotations

import re

from dateutil.parser import isoparse
from pygeoapi.provider.base import ProviderInvalidQueryError
from pygeoapi.provider.tinydb_ import TinyDBCatalogueProvider


class CatalogueProvider(TinyDBCatalogueProvider):
    def query(self, *args, datetime_=None, **kwargs):
        return super().query(*args, datetime_=None if datetime_ is None else as_interval(datetime_), **kwargs)

    def get_domains(self, properties=(), current=False) -> tuple[dict, bool]:
        """The values each property takes (queryables with profile=actual-domain). The stock method
        also asks for `q`, the search parameter it lists among the fields, which no record has (a 500)."""
        records = self.query(limit=100_000)["features"]
        keys = list(properties) or sorted({k for r in records for k in r["properties"]})
        domains = {}
        for key in keys:
            values = sorted({v for r in records if isinstance(v := r["properties"].get(key), (str, int, float))
                             and not isinstance(v, bool)}, key=str)
            if values:
                domains[key] = values
        return domains, True

    def _prepare_q_param_with_spaces(self, Q, s: str):
        """All the words of one comma-separated term, in any order, case-insensitive."""
        words = [re.escape(w) for w in s.split()]
        pattern = "".join(f"(?=.*{w})" for w in words)
        return Q.properties["_metadata-anytext"].search(pattern, flags=re.IGNORECASE | re.DOTALL)

    def __repr__(self):
        return f"<CatalogueProvider> {self.data}"


def as_interval(value: str) -> str:
    """`datetime` (RFC 3339 instant or interval, `..` open) as an interval the provider compares as
    text with the records' `updated` (UTC, `...T00:00:00Z`): a date alone stands for its whole day."""
    parts = value.split("/")
    if len(parts) > 2 or not any(p not in ("", "..") for p in parts):
        raise ProviderInvalidQueryError(f"datetime {value[:60]!r} is not an RFC 3339 instant or interval")
    for part in parts:
        if part not in ("", ".."):
            try:
                isoparse(part)
            except ValueError:
                raise ProviderInvalidQueryError(f"datetime {part[:60]!r} is not an RFC 3339 date or time") from None
    begin, end = (parts[0], parts[0]) if len(parts) == 1 else parts
    if len(end) == 10:  # a date: up to its last second
        end += "T23:59:59Z"
    return f"{begin or '..'}/{end or '..'}"
