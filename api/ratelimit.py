"""A per-client token bucket for the public lookup and search endpoints (per process).

The client is request.remote_addr: behind a reverse proxy, apply werkzeug ProxyFix first.
"""

from __future__ import annotations

import threading
import time
from functools import wraps

from flask import current_app, jsonify, request


class TokenBucket:
    def __init__(self, rate_per_s: float, burst: int):
        self.rate, self.burst = rate_per_s, burst
        self._state: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def wait(self, key: str) -> float:
        """Seconds until `key` has a token again (0: it has one now); consumes nothing."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._state.get(key, (float(self.burst), now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate

    def allow(self, key: str) -> tuple[bool, float]:
        """(allowed, seconds to wait before the next token)."""
        now = time.monotonic()
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


def install(app, per_second: int) -> None:
    """One bucket per endpoint group and app; per_second 0 switches limiting off."""
    app.extensions["teritoriu.ratelimit"] = per_second
    app.extensions["teritoriu.buckets"] = {}


def failure_bucket(group: str, failures: int, per_seconds: float) -> TokenBucket | None:
    """A bucket counting failures (failed sign-ins) per client: `failures` per `per_seconds`.
    None when the app's rate limiting is off."""
    if not current_app.extensions.get("teritoriu.ratelimit", 0):
        return None
    buckets = current_app.extensions["teritoriu.buckets"]
    return buckets.setdefault(group, TokenBucket(failures / per_seconds, burst=failures))


def rate_limited(group: str, share: float = 1.0):
    """Limit a view per client; `share` of the app's rate (searches cost more than lookups)."""
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            per_second = current_app.extensions.get("teritoriu.ratelimit", 0)
            if not per_second:
                return view(*args, **kwargs)
            buckets = current_app.extensions["teritoriu.buckets"]
            bucket = buckets.get(group)
            if bucket is None:
                rate = per_second * share
                bucket = buckets.setdefault(group, TokenBucket(rate, burst=max(1, int(rate * 3))))
            allowed, wait = bucket.allow(request.remote_addr or "?")
            if not allowed:
                response = jsonify(code=429, error="Too Many Requests",
                                   message="Prea multe cereri; încercați din nou în câteva secunde. "
                                           "(Too many requests; retry in a few seconds.)")
                response.status_code = 429
                response.headers["Retry-After"] = str(max(1, round(wait)))
                return response
            return view(*args, **kwargs)
        return wrapper
    return decorator
