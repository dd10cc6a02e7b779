"""The data revision (`public_api.data_revision`) without a query per tile.

A warm tile is a file on disk; what decides which file is current is the data revision, which
any change to a published table bumps (audit.bump_data_revision). Asking the database for it on
every tile cost a pooled connection, a pre-ping and a query: most of a warm tile's time.

`RevisionWatch` keeps a LISTEN connection instead: migration 0018 has PostgreSQL send
`NOTIFY teritoriu_data_revision, '<revision>'` whenever the revision row changes, and every
call drains the notifications already received (a non-blocking read of the socket, no round
trip). Staleness bounds:
- a plain request may see the previous revision for as long as the notification takes to
  arrive after the editing transaction commits (microseconds to a few milliseconds on one
  host); the revision is also read again at least every `recheck_s` seconds, which bounds a
  lost notification;
- `current(confirm=True)` always asks the database: a revalidation (If-None-Match) answers
  304 only for the revision the database holds now;
- where LISTEN is refused (a hot standby does not deliver the primary's notifications and
  refuses LISTEN) or the connection is lost, every call asks the database, as before.
"""

from __future__ import annotations

import select
import threading
import time

import psycopg
from sqlalchemy import Engine, text

CHANNEL = "teritoriu_data_revision"
RECHECK_S = 5.0     # a lost notification is noticed within this many seconds
RETRY_S = 30.0      # after a failed LISTEN, the next attempt (in between: a query per call)


class RevisionWatch:
    def __init__(self, engine: Engine, recheck_s: float = RECHECK_S, name: str = "teritoriu-revision-watch"):
        self.engine = engine
        self.name = name  # the LISTEN connection's application_name (pg_stat_activity)
        self.recheck_s = recheck_s
        self._lock = threading.Lock()
        self._listener: psycopg.Connection | None = None
        self._revision: int | None = None
        self._read_at = 0.0          # monotonic time of the last read from the database
        self._next_try = 0.0         # monotonic time of the next LISTEN attempt

    def _query(self) -> int:
        with self.engine.connect() as conn:
            revision = conn.execute(text("SELECT revision FROM public_api.data_revision")).scalar_one()
        self._read_at = time.monotonic()
        return revision

    def _listen(self) -> None:
        url = self.engine.url.set(drivername="postgresql")
        try:
            conn = psycopg.connect(url.render_as_string(hide_password=False), autocommit=True,
                                   application_name=self.name, connect_timeout=5)
            conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error:
            self._next_try = time.monotonic() + RETRY_S
            return
        self._listener = conn

    def _drop_listener(self) -> None:
        if self._listener is not None:
            try:
                self._listener.close()
            except psycopg.Error:
                pass
        self._listener = None
        self._revision = None
        self._next_try = time.monotonic() + RETRY_S

    def _drain(self) -> bool:
        """Read the notifications already on the socket; False when the connection is lost."""
        pgconn = self._listener.pgconn
        try:
            pgconn.consume_input()
        except psycopg.OperationalError:
            return False
        while (note := pgconn.notifies()) is not None:
            revision = int(note.extra.decode())
            if self._revision is None or revision > self._revision:
                self._revision = revision
        return pgconn.status == psycopg.pq.ConnStatus.OK

    def current(self, confirm: bool = False) -> int:
        """The data revision: from the notifications, or from the database when `confirm`, when
        nothing listens, or when the last read is older than `recheck_s`."""
        with self._lock:
            if self._listener is None and time.monotonic() >= self._next_try:
                self._listen()
                self._revision = None  # listening now: read once, notifications from here on
            if self._listener is not None and not self._drain():
                self._drop_listener()
            if self._listener is None:
                return self._query()
            if confirm or self._revision is None or time.monotonic() - self._read_at > self.recheck_s:
                self._revision = self._query()
            return self._revision

    @property
    def listening(self) -> bool:
        """Whether notifications arrive (False: LISTEN refused or the connection lost)."""
        return self._listener is not None

    def wait_past(self, revision: int, timeout: float) -> int:
        """Block until a notification announces a revision above `revision` (or `timeout`
        seconds pass); the revision known then. For tests, tools and the tile link's keeper
        (layers/tiles_link.py), not for requests."""
        deadline = time.monotonic() + timeout
        while True:
            known = self.current()
            if known > revision or self._listener is None or time.monotonic() >= deadline:
                return known
            select.select([self._listener.fileno()], [], [], max(0.0, deadline - time.monotonic()))

    def close(self) -> None:
        with self._lock:
            self._drop_listener()
