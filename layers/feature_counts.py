"""`numberMatched` of an items page: exact, and cheap when nothing but a UAT is asked for.

An unfiltered page (or one filtered by `uat`/`uat_siruta` alone) reads the counts the database
keeps per view and UAT (`public_api.feature_count`, migration 0012); any other filter is one
counted query with the page's own conditions. A view the counts do not cover (small ones) and a
UAT with no row yet are counted directly: exact in every case, cheap where it matters.
"""

from __future__ import annotations

from sqlalchemy import func, select, text

_KEPT = text("SELECT sum(n) FROM public_api.feature_count WHERE source = :source "
             "AND (CAST(:uat AS integer) IS NULL OR uat_siruta = :uat)")


def kept_count(conn, source: str, uat: int | None) -> int | None:
    """The maintained count of `source` (schema.view), in one UAT or all; None when none is kept."""
    n = conn.execute(_KEPT, {"source": source, "uat": uat}).scalar_one()
    return None if n is None else int(n)


def counted(conn, table, where) -> int:
    """One COUNT(*) with the page's conditions."""
    return conn.execute(select(func.count()).select_from(table).where(where)).scalar_one()
