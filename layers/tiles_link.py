"""`<tiles_dir>/<db_name>/current`: the public vector tiles of the current data revision, for nginx.

Behind nginx (README, reverse proxy) a warm tile is sent by nginx alone, `try_files` on
`current/<layer>/<z>/<x>/<y>.mvt.gz`; only a miss reaches the app. `current` is a symlink to
`../<db_name>-<oid>/<revision>`, the tile cache's folder of that revision (layers/vector_tiles.py),
which holds only the public tiled layers (api/vector_tiles.py serves nothing else). It is replaced
atomically (a new link under a temporary name, then rename(2)): nginx finds the old folder or the new
one, never a half-made link; the tiles in them are written atomically too.

Nginx serves without asking the app, so the link must follow the revision without waiting for a
request. One keeper per tiles folder and database, whatever the number of workers: every app started
with `tiles_current_link` starts a thread that waits on an exclusive flock of `<db_name>/.keeper`; the
holder keeps the link, the others sleep in flock and one of them takes over when the holder's process
ends (the kernel releases the lock). The keeper:
- blocks on its LISTEN connection's socket (layers/revision_watch.py) and flips the link as soon as a
  NOTIFY announces a new revision; it also reads the revision again every `RECHECK_S` seconds;
- where LISTEN is refused (a hot standby) or its connection is lost, reads public_api.data_revision
  every `POLL_S` seconds: nginx then serves an outdated tile at most `POLL_S` seconds (plus a read)
  after the revision changed (with LISTEN: until the NOTIFY arrives, milliseconds on one host);
- removes the link while the database cannot be read, and when its process exits cleanly: nginx then
  hands every tile to the app (which answers 503 or renders), never a revision nobody confirms.
"""

from __future__ import annotations

import atexit
import fcntl
import logging
import os
import threading
from pathlib import Path

import psycopg
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from layers.revision_watch import RECHECK_S, RevisionWatch
from layers.vector_tiles import TileCache, build_root

POLL_S = 2.0  # without notifications: the revision is read this often (the staleness bound)
KEEPER_NAME = "teritoriu-tiles-link"  # its LISTEN connection's application_name
LOGGER = logging.getLogger("teritoriu.tiles")


def link_path(tiles_dir: Path, db_name: str) -> Path:
    """The path nginx's `root` names (README: TERITORIU_TILE_CACHE_DIR/<db name>/current)."""
    return Path(tiles_dir) / db_name / "current"


class CurrentLink:
    """The `current` symlink; flipped and removed atomically (nginx reads it meanwhile)."""

    def __init__(self, path: Path):
        self.path = path
        self._tmp = path.with_name(f".current-{os.getpid()}-{threading.get_ident()}")

    def target(self) -> Path | None:
        try:
            return (self.path.parent / os.readlink(self.path)).resolve(strict=False)
        except FileNotFoundError:
            return None

    def flip(self, folder: Path) -> None:
        """Point the link at `folder` (a revision folder; it may not exist yet: nginx then misses)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._tmp.unlink(missing_ok=True)
        os.symlink(os.path.relpath(folder, self.path.parent), self._tmp)
        os.replace(self._tmp, self.path)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


class LinkKeeper:
    """Keeps a CurrentLink on the public engine's data revision (see the module's docstring)."""

    def __init__(self, engine: Engine, tiles_dir: Path, db_name: str, poll_s: float = POLL_S,
                 recheck_s: float = RECHECK_S):
        self.engine, self.tiles_dir, self.db_name = engine, Path(tiles_dir), db_name
        self.link = CurrentLink(link_path(tiles_dir, db_name))
        self.poll_s, self.recheck_s = poll_s, recheck_s
        self._stop = threading.Event()
        self._lock = threading.Lock()    # a flip never follows the removal at exit
        self._holding = False

    def start(self) -> threading.Thread:
        atexit.register(self.stop)  # also for a waiting candidate: it must not take over while its process ends
        thread = threading.Thread(target=self._run, name="teritoriu-tiles-link", daemon=True)
        thread.start()
        return thread

    def _run(self) -> None:
        self.link.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.link.path.parent / ".keeper", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # blocks while another worker or server keeps the link
            if self._stop.is_set():
                return
            self._holding = True
            self._keep()

    def _keep(self) -> None:
        watch = RevisionWatch(self.engine, self.recheck_s, name=KEEPER_NAME)
        state = {"root": None, "known": 0}
        try:
            while not self._stop.is_set():
                try:
                    self._follow(watch, state)
                except Exception as exc:  # noqa: BLE001 - whatever fails, no link to a revision nobody confirms
                    expected = isinstance(exc, SQLAlchemyError | psycopg.Error | OSError)
                    LOGGER.warning("tiles link: the data revision cannot be read (%s); nginx hands tiles "
                                   "to the app", exc.__class__.__name__, exc_info=not expected)
                    with self._lock:
                        self.link.remove()
                    state.update(root=None, known=0)
                    self._stop.wait(self.poll_s)
        finally:
            watch.close()

    def _follow(self, watch: RevisionWatch, state: dict) -> None:
        """One turn: wait for a newer revision (a NOTIFY, recheck_s, or at once without LISTEN), link it."""
        root = state["root"] = state["root"] or build_root(self.engine, self.tiles_dir, self.db_name)
        revision = watch.wait_past(state["known"], timeout=self.recheck_s)
        folder = root / str(revision)
        with self._lock:
            if self._stop.is_set():
                return
            if self.link.target() != folder.resolve(strict=False):
                self.link.flip(folder)
                TileCache(root).prune(revision)  # older revisions' tiles leave the disk
        state["known"] = revision
        if not watch.listening:
            self._stop.wait(self.poll_s)

    def stop(self) -> None:
        """At exit: the link goes with its keeper (nginx then asks the app, or the next keeper)."""
        with self._lock:
            self._stop.set()
            if self._holding:
                self.link.remove()


_KEEPERS: dict[str, LinkKeeper] = {}
_KEEPERS_LOCK = threading.Lock()


def keep_current_link(engine: Engine, tiles_dir: Path, db_name: str) -> LinkKeeper:
    """Start this process's candidate keeper of the link (once per link path)."""
    key = str(link_path(tiles_dir, db_name).resolve(strict=False))
    with _KEEPERS_LOCK:
        if key not in _KEEPERS:
            _KEEPERS[key] = LinkKeeper(engine, tiles_dir, db_name)
            _KEEPERS[key].start()
        return _KEEPERS[key]
