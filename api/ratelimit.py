"""Rate limits and throttles, and who the client is.

- The client is request.remote_addr: the connection's peer, or, behind `trusted_proxies` reverse
  proxies (TERITORIU_TRUSTED_PROXIES), the address they put in X-Forwarded-For (werkzeug's
  ProxyFix); a header sent by anyone else is ignored.
- The public lookups and searches: a token bucket per client in each worker's memory, and a count
  shared by every worker and server that each worker adds to at most once a second per client, a
  second's worth at the allowed rate at least (gis.rate_limits: no database round trip per request;
  the overshoot is bounded by workers × servers × max(one second of that client's traffic to a
  worker, one second at the rate)).
- The security throttles (failed sign-ins, filings, certificate checks): counters in PostgreSQL
  (gis.throttles), the same for every worker and server.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from functools import wraps

from flask import current_app, request
from werkzeug.exceptions import TooManyRequests
from werkzeug.middleware.proxy_fix import ProxyFix

from api.errors import answer, code_and_message
from api.messages import message
from gis import throttles
from gis.db import get_engine
from gis.rate_limits import SharedRate, TokenBucket


def install(app, settings) -> None:
    """One limiter per endpoint group and app, made on first use (rate_limit_per_s 0 switches them
    off); the proxies trusted; 429 answers with Retry-After."""
    app.extensions["teritoriu.ratelimit"] = settings.rate_limit_per_s
    app.extensions["teritoriu.buckets"] = {}
    if settings.trusted_proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies)

    @app.errorhandler(TooManyRequests)
    def too_many(exc: TooManyRequests):
        from api import _wants_json

        if _wants_json():
            response = answer(429, *code_and_message(exc))
        else:
            response = current_app.response_class(exc.description + "\n", mimetype="text/plain")
        response.status_code = 429
        response.headers["Retry-After"] = str(getattr(exc, "retry_after", None) or 1)
        return response


def client_address() -> str:
    return request.remote_addr or "?"


class Throttled(TooManyRequests):
    """429 from a shared throttle: `description` for people, `retry_after` whole seconds."""

    def __init__(self, description: str, retry_after: float):
        super().__init__(description)
        self.retry_after = max(1, math.ceil(retry_after))


def minutes(seconds: float) -> int:
    return max(1, round(seconds / 60))


def _settings():
    return current_app.extensions["teritoriu.settings"]


def count(scope: str, key: str, window_s: float, n: int = 1) -> throttles.Count:
    """Add `n` (negative: give back) to `key`'s shared counter in `scope`; its current count."""
    return throttles.hit(get_engine(_settings(), "app"), scope, key, window_s, n)


def rate_limited(group: str, share: float = 1.0):
    """Limit a view per client; `share` of the app's rate (searches cost more than lookups)."""
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            per_second = current_app.extensions.get("teritoriu.ratelimit", 0)
            if not per_second:
                return view(*args, **kwargs)
            limiters = current_app.extensions["teritoriu.buckets"]
            limiter = limiters.get(group) or limiters.setdefault(group, _limiter(group, per_second * share))
            allowed, wait = limiter.allow(client_address())
            if not allowed:
                response = answer(429, "limits.requests", message("limits.requests"))
                response.status_code = 429
                response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
                return response
            return view(*args, **kwargs)
        return wrapper
    return decorator


def _limiter(group: str, rate: float) -> TokenBucket | SharedRate:
    """The group's bucket, then the count shared on the primary (auth.throttle, scope rate:<group>),
    unless rate_limit_window_s is 0."""
    settings = _settings()
    burst = max(1, int(rate * settings.rate_limit_burst_s))
    bucket = TokenBucket(rate, burst)
    window = settings.rate_limit_window_s
    if window <= 0:
        return bucket
    flush = settings.rate_limit_flush_s
    return SharedRate(bucket, lambda key, n: count(f"rate:{group}", key, window, n),
                      limit=math.ceil(rate * window) + burst, flush_s=flush, batch=max(1, math.ceil(rate * flush)))


class SignInAttempt:
    """A sign-in, counted before its password is checked, per client address and per account name
    typed from that address (so that nobody can lock an account for everyone else), and given back
    when it succeeds: what stays counted are the failures. `refused`: over a limit, with
    `retry_after` seconds and a `message` in the caller's language; the same whether or not the
    account exists."""

    def __init__(self, username: str):
        settings = _settings()
        address = client_address()
        self._window = settings.sign_in_window_s
        self._keys = [(scope, key, limit) for scope, key, limit in (
            ("sign-in:address", address, settings.sign_in_failures_per_address),
            ("sign-in:account", f"{username.strip().lower()[:64]}\n{address}", settings.sign_in_failures_per_account),
        ) if limit > 0]
        over = [c for c, (_, _, limit) in zip([count(scope, key, self._window) for scope, key, _ in self._keys],
                                             self._keys, strict=True) if c.over(limit)]
        self.refused = bool(over)
        self.retry_after = max(1, math.ceil(max((c.retry_after for c in over), default=0)))
        self.message = message("limits.sign_ins", minutes=minutes(self.retry_after)) if over else ""

    def succeeded(self) -> None:
        for scope, key, _ in self._keys:
            count(scope, key, self._window, -1)


@contextmanager
def filing_quota(email: str | None):
    """Around a filing that takes a registry number: counted per client address and per e-mail
    (TERITORIU_FILINGS_PER_*) before it runs, given back if it fails; Throttled (429) beyond a
    limit."""
    settings = _settings()
    window = settings.filing_window_s
    keys = [("filing:address", client_address(), settings.filings_per_address)]
    if email:
        local, _, domain = email.strip().lower().rpartition("@")
        keys.append(("filing:email", f"{local.split('+')[0]}@{domain}", settings.filings_per_email))
    keys = [k for k in keys if k[2] > 0]
    counts = [count(scope, key, window) for scope, key, _ in keys]
    over = [c for c, (_, _, limit) in zip(counts, keys, strict=True) if c.over(limit)]

    def give_back():
        for scope, key, _ in keys:
            count(scope, key, window, -1)

    if over:
        give_back()
        wait = max(c.retry_after for c in over)
        raise Throttled(message("limits.filings", minutes=minutes(wait)), wait)
    try:
        yield
    except BaseException:
        give_back()
        raise


def verify_quota() -> None:
    """A certificate check (/verify), counted per client address (TERITORIU_VERIFY_*); Throttled
    (429) beyond the limit."""
    settings = _settings()
    if settings.verify_per_address > 0:
        checks = count("verify:address", client_address(), settings.verify_window_s)
        if checks.over(settings.verify_per_address):
            raise Throttled(message("limits.checks", minutes=minutes(checks.retry_after)), checks.retry_after)
