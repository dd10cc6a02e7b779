"""How much the public map is used, counted without following anybody (issue 23, "Indicators").

Three counts per day and UAT, nothing else (audit.use_count, migration 0018):
- `session`: a page load of the public map. The page itself reports it once (navigator.sendBeacon
  to POST /api/usage/session, webmap/static/js/public/usage.js): counting the server's GET of `/`
  would count link previews, crawlers and health checks, which run no script. No cookie, no
  local storage: a visitor who reloads is a second session, as with any cookie-less counter.
- `search`: a search the visitor ran to the end (chose a suggestion), reported by the page the
  same way; the suggestions' requests come one per keystroke and would count letters, not searches.
- `sheet`: a parcel sheet served (/api/parcels/at, /api/parcels/<number>), counted by the server
  when it answers 200: exact, and the parcel gives the UAT.

No address, user agent, cookie or identifier is kept, not even in memory: a count is only
(day, UAT, kind) → n. Counting costs a dictionary increment under a lock in the request (5-6 µs
here, against 6-8 ms for one committed UPSERT per event: python -m bench.map_use); the counts are
written by a background thread of the process every FLUSH_S seconds as one UPSERT per (day, UAT,
kind), at exit, and before the indicators are read in this process. A process killed hard loses
at most FLUSH_S seconds of counts.
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text

from gis.db import get_engine
from gis.profiles import get_profile
from gis.settings import Settings

log = logging.getLogger(__name__)

KINDS = ("session", "search", "sheet")
FLUSH_S = 10.0

# UATs unknown to the database are dropped (a beacon may name any number), never an error
_UPSERT = text("""
    INSERT INTO audit.use_count AS c (day, uat_siruta, kind, n)
    SELECT CAST(:day AS date), CAST(:uat AS integer), :kind, :n
    WHERE CAST(:uat AS integer) IS NULL OR EXISTS (SELECT FROM territory.uat WHERE siruta = CAST(:uat AS integer))
    ON CONFLICT (day, uat_siruta, kind) DO UPDATE SET n = c.n + EXCLUDED.n""")


class UseCounter:
    """The counts of one process (one app), waiting to be written."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.zone = ZoneInfo(get_profile(settings.profile).time_zone)
        self._pending: Counter[tuple[str, int | None, str]] = Counter()
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def count(self, kind: str, uat: int | None) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown use {kind!r}")
        day = datetime.now(self.zone).date().isoformat()
        with self._lock:
            self._pending[(day, uat, kind)] += 1
            if self._thread is None:  # started on first use: after a server's fork, in the worker
                self._thread = threading.Thread(target=self._run, name="teritoriu-use-count", daemon=True)
                self._thread.start()
                atexit.register(self._last_flush)

    def flush(self) -> int:
        """Write what is pending (one transaction); returns the number of counter rows written. On a
        database error the counts go back to the pending ones, to be written next time."""
        with self._flushing:
            with self._lock:
                batch, self._pending = self._pending, Counter()
            if not batch:
                return 0
            try:
                with get_engine(self.settings, "app").begin() as conn:
                    conn.execute(_UPSERT, [{"day": d, "uat": u, "kind": k, "n": n} for (d, u, k), n in batch.items()])
            except Exception:
                with self._lock:
                    self._pending.update(batch)
                raise
            return len(batch)

    def _last_flush(self) -> None:
        """At exit: write what is left; with the database away the last seconds' counts are lost (said
        in the log, not as a traceback on the way out)."""
        try:
            self.flush()
        except Exception as exc:  # noqa: BLE001 - any database error: nothing left to retry with
            log.warning("use counts of the last seconds not written at exit: %s", type(exc).__name__)

    def _run(self) -> None:
        while not self._wake.wait(FLUSH_S):
            try:
                self.flush()
            except Exception:  # the database is away: keep counting, retry at the next round
                pass
