"""Counters that every worker and every app server sees (auth.throttle, migration 0009): failed
sign-ins, filings and certificate checks per client address, account or e-mail.

A fixed window per (scope, key): the first hit opens a window of `window_s` seconds, every hit in
it adds one, the first hit after it opens a new one. One UPSERT per hit, atomic under any number
of workers. Keys are stored as SHA-256 digests, never the address or e-mail itself.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Engine

_HIT = text("""
    INSERT INTO auth.throttle AS t (scope, key, hits, until)
    VALUES (:scope, :key, :n, now() + make_interval(secs => :window))
    ON CONFLICT (scope, key) DO UPDATE SET
        hits = CASE WHEN t.until > now() THEN t.hits + :n ELSE :n END,
        until = CASE WHEN t.until > now() THEN t.until ELSE now() + make_interval(secs => :window) END
    RETURNING hits, EXTRACT(EPOCH FROM until - now())""")
_PEEK = text("SELECT hits, EXTRACT(EPOCH FROM until - now()) FROM auth.throttle "
             "WHERE scope = :scope AND key = :key AND until > now()")
_PRUNE = text("DELETE FROM auth.throttle WHERE until < now()")


@dataclass(frozen=True)
class Count:
    hits: int          # in the current window, this hit included
    retry_after: float  # seconds until the window ends

    def over(self, limit: int) -> bool:
        """More hits than `limit` allows (a limit of 0 or less: no limit)."""
        return limit > 0 and self.hits > limit


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:40]


def hit(engine: Engine, scope: str, key: str, window_s: float, n: int = 1) -> Count:
    """Count `n` hits of `key` in `scope`; the count of its current window."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        hits, left = conn.execute(_HIT, {"scope": scope, "key": digest(key), "n": n,
                                         "window": float(window_s)}).one()
        if random.random() < 0.01:  # forget ended windows now and then  # noqa: S311 - not a secret
            conn.execute(_PRUNE)
    return Count(int(hits), max(0.0, float(left)))


def peek(engine: Engine, scope: str, key: str) -> Count:
    """The count of `key`'s current window in `scope`, counting nothing (0: none open)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        row = conn.execute(_PEEK, {"scope": scope, "key": digest(key)}).one_or_none()
    return Count(0, 0.0) if row is None else Count(int(row[0]), max(0.0, float(row[1])))
