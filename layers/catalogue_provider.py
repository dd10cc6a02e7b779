"""pygeoapi's TinyDBCatalogue provider for the `catalogue` collection, over the records that
layers/catalogue.py registers here (in memory), with its inputs made safe: `q` is taken as words,
never as regular expressions (the stock provider hands each term to re.search, so `q=(` raised an
uncaught re.error); `datetime` is checked and made an interval (the stock provider answers a single
instant with a TypeError: a 500); the queryables' value domains no longer ask for the `q` field (a
KeyError, found by the fuzzer)."""

from __future__ import annotations

import copy
import hashlib
import json
import re

from dateutil.parser import isoparse
from pygeoapi.provider.base import BaseProvider, ProviderInvalidQueryError
from pygeoapi.provider.tinydb_ import TinyDBCatalogueProvider
from tinydb import TinyDB
from tinydb.storages import MemoryStorage

# The records of each catalogue, by a digest of their content (`data` in the provider's configuration).
_CATALOGUES: dict[str, list[dict]] = {}


def register_records(records: list[dict]) -> str:
    """Keep a catalogue's records for its providers; returns the key to put in `data`."""
    key = "catalogue-" + hashlib.sha256(json.dumps(records, sort_keys=True, default=str).encode()).hexdigest()[:16]
    _CATALOGUES[key] = records
    return key


class CatalogueProvider(TinyDBCatalogueProvider):
    def __init__(self, provider_def: dict):
        """An in-memory TinyDB of the registered records (pygeoapi builds a provider per request; the
        stock one opens a file). A deep copy: the provider deletes fields from what it returns."""
        BaseProvider.__init__(self, provider_def)
        self._excludes = ["_metadata-anytext"]
        self.db = TinyDB(storage=MemoryStorage)
        self.db.insert_multiple(copy.deepcopy(_CATALOGUES[self.data]))
        self._fields = {}
        self.get_fields()

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
