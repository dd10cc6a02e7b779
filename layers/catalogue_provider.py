"""pygeoapi's TinyDBCatalogue provider for the `catalogue` collection (layers/catalogue.py writes its
file), with `q` taken as words, never as regular expressions: the stock provider hands each term to
re.search, so `q=(` raised an uncaught re.error (a 500)."""

from __future__ import annotations

import re

from pygeoapi.provider.tinydb_ import TinyDBCatalogueProvider


class CatalogueProvider(TinyDBCatalogueProvider):
    def _prepare_q_param_with_spaces(self, Q, s: str):
        """All the words of one comma-separated term, in any order, case-insensitive."""
        words = [re.escape(w) for w in s.split()]
        pattern = "".join(f"(?=.*{w})" for w in words)
        return Q.properties["_metadata-anytext"].search(pattern, flags=re.IGNORECASE | re.DOTALL)

    def __repr__(self):
        return f"<CatalogueProvider> {self.data}"
