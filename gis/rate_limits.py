"""Per-client request rates (the public lookups and searches), the same for every worker and app server
without a database round trip on every request.

Two gates, in this order:
- a token bucket in the worker's memory (`rate` per second, bursts of `burst`): cheap, it refuses a
  flood before anything else is done;
- a count shared by every worker and server (gis.throttles, the UNLOGGED table auth.throttle on the
  primary: no WAL), per fixed window of `window_s` seconds, limit `rate × window_s + burst`. A worker
  does not write each request: it adds the hits it admitted since its last write for that client
  (`n`), at most once every `flush_s` seconds per client and only once they are `batch` or more
  (`rate × flush_s`: a citizen clicking now and then costs no write per click), on that client's next
  request (no background thread). When the shared count is over the limit the worker remembers
  "refused until the window ends" and answers that client from memory until then.

The bound: a worker's hits not yet written are at most `max(flush_s of that client's traffic to it,
batch)`, so the shared limit can be overshot by at most `workers × servers × max(flush_s of the
client's traffic to one worker, rate × flush_s)` (each worker's part bounded again by its bucket:
burst + rate × flush_s), and the count is low by at most as much for a client that stops (its last
hits on each worker never written). With the defaults (20/s, 1 s): 20 lookups, or one second of the
client's traffic, per worker.

A database error (the primary down, the table missing, no privilege) never fails the request: the
worker keeps its bucket only, logs once, and tries the shared count again after `retry_s` seconds.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from gis.throttles import Count

log = logging.getLogger(__name__)

Clock = Callable[[], float]


class TokenBucket:
    def __init__(self, rate_per_s: float, burst: int, clock: Clock = time.monotonic):
        self.rate, self.burst, self._clock = rate_per_s, burst, clock
        self._state: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def wait(self, key: str) -> float:
        """Seconds until `key` has a token again (0: it has one now); consumes nothing."""
        now = self._clock()
        with self._lock:
            tokens, last = self._state.get(key, (float(self.burst), now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate

    def allow(self, key: str) -> tuple[bool, float]:
        """(allowed, seconds to wait before the next token)."""
        now = self._clock()
        with self._lock:
            tokens, last = self._state.get(key, (float(self.burst), now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._state[key] = (tokens - 1, now)
                return True, 0.0
            self._state[key] = (tokens, now)
            if len(self._state) > 100_000:  # forget idle clients
                self._state = {k: v for k, v in self._state.items() if now - v[1] < 60}
            return False, (1 - tokens) / self.rate


@dataclass
class _Client:
    pending: int = 0             # hits admitted here and not yet added to the shared count
    written_at: float = -math.inf
    refused_until: float = -math.inf


class SharedRate:
    """A client's rate: `bucket` first, then the shared count, which `add(key, n)` adds `n` hits to and
    returns (gis.throttles.hit with the scope and window bound)."""

    def __init__(self, bucket: TokenBucket, add: Callable[[str, int], Count], limit: int, flush_s: float,
                 batch: int = 1, retry_s: float = 30.0, clock: Clock = time.monotonic):
        self.bucket, self.limit, self.flush_s, self.batch, self.retry_s = bucket, limit, flush_s, batch, retry_s
        self._add, self._clock = add, clock
        self._clients: dict[str, _Client] = {}
        self._lock = threading.Lock()
        self._down_until = -math.inf  # after a database error: the bucket alone until then
        self._failing = False

    def allow(self, key: str) -> tuple[bool, float]:
        """(allowed, seconds to wait before asking again)."""
        now = self._clock()
        with self._lock:
            client = self._clients.get(key)
            if client is not None and client.refused_until > now:
                return False, client.refused_until - now
        allowed, wait = self.bucket.allow(key)
        if not allowed:
            return False, wait
        with self._lock:
            if now < self._down_until:
                return True, 0.0
            client = self._clients.setdefault(key, _Client())
            client.pending += 1
            if client.pending < self.batch or now - client.written_at < self.flush_s:
                return True, 0.0
            n, client.pending, client.written_at = client.pending, 0, now
            if len(self._clients) > 100_000:  # forget idle clients
                self._clients = {k: c for k, c in self._clients.items()
                                 if now - c.written_at < 60 or c.refused_until > now}
        try:
            shared = self._add(key, n)
        except SQLAlchemyError as exc:
            with self._lock:
                self._down_until = now + self.retry_s
                first, self._failing = not self._failing, True
            if first:
                log.warning("shared rate count unavailable, each worker's own limit only (again in %ss): %s",
                            self.retry_s, str(getattr(exc, "orig", None) or exc).splitlines()[0])
            return True, 0.0
        if self._failing:
            self._failing = False
            log.warning("shared rate count available again")
        if shared.over(self.limit):
            with self._lock:
                client.refused_until = now + shared.retry_after
            return False, shared.retry_after
        return True, 0.0
