"""A hot standby of the local cluster, and the replication lag of any primary/standby pair.

`teritoriu db replica create` copies the running local cluster with `pg_basebackup -R` (the
standby's primary_conninfo and standby.signal written by PostgreSQL itself) into a cluster of its
own under var/replica/ (data directory, socket folder, port), streaming from the primary through
a physical replication slot, so the primary keeps the WAL a stopped standby still needs. The
standby is a LocalCluster with another home and port: start, stop and psql are the same code.

The lag functions take engines, not clusters: the same code measures an external pair
(TERITORIU_DATABASE_URL on the primary, TERITORIU_DATABASE_PUBLIC_URL on a standby).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.engine import URL, Engine

from gis.cluster import PG_BIN, ClusterError, LocalCluster

REPLICA_PORT = 5433  # the socket file's name (.s.PGSQL.5433) in the standby's own socket folder
# Local replication connections over the primary's socket (whose folder only its OS user opens).
HBA_REPLICATION = "local replication all trust"


@dataclass(frozen=True)
class LocalReplica:
    primary: LocalCluster
    port: int = REPLICA_PORT
    folder: str = "replica"  # under the primary's var/

    @property
    def standby(self) -> LocalCluster:
        settings = dataclasses.replace(self.primary.settings, var_dir=self.primary.settings.var_dir / self.folder,
                                       db_listen=f":{self.port}")
        return LocalCluster(settings)

    @property
    def slot(self) -> str:
        """One slot per standby folder, so that two checkouts' standbys never share one."""
        digest = hashlib.sha1(str(self.standby.data_dir).encode()).hexdigest()[:10]
        return f"teritoriu_replica_{digest}"

    def url(self, role: str = "teritoriu_public") -> URL:
        """The standby's URL for a role (the public one: TERITORIU_DATABASE_PUBLIC_URL)."""
        return self.standby.url(role)

    def status(self) -> str:
        return self.standby.status()

    def create(self) -> None:
        """Copy the running primary and start the copy as a streaming hot standby."""
        if self.standby.status() != "absent":
            raise ClusterError(f"a standby exists already in {self.standby.data_dir}; "
                               "`teritoriu db replica destroy` removes it")
        self.primary.start()
        self._allow_replication()
        standby = self.standby
        standby.settings.var_dir.mkdir(parents=True, exist_ok=True)
        standby._own(standby.socket_dir)
        standby._own(standby.data_dir)
        if not self.primary.psql(f"SELECT 1 FROM pg_replication_slots WHERE slot_name = '{self.slot}'").strip():  # noqa: S608 - our hex name
            self.primary.psql(f"SELECT pg_create_physical_replication_slot('{self.slot}')")
        standby._run([PG_BIN / "pg_basebackup", "-h", self.primary.socket_dir, "-p", self.primary.port,
                      "-U", "postgres", "-D", standby.data_dir, "-X", "stream", "-S", self.slot, "-R",
                      "-c", "fast"])
        # the copy's postgresql.conf names the primary's socket folder: the last setting wins
        with open(standby.data_dir / "postgresql.conf", "a") as fh:
            fh.write("# written by teritoriu db replica create\n"
                     f"unix_socket_directories = '{standby.socket_dir}'\n"
                     "hot_standby = on\n"
                     # public reads are not cancelled by the cleanup of rows they still see
                     "hot_standby_feedback = on\n")
        standby._start_server()
        standby._wait_ready()

    def start(self) -> None:
        if self.standby.status() == "stopped":
            self.standby._start_server()
        self.standby._wait_ready()

    def stop(self) -> None:
        self.standby.stop()

    def promote(self) -> None:
        """Make the standby a primary of its own (pg_promote waits until it accepts writes); the
        old primary's slot goes, or it would keep WAL for a standby that no longer reads it."""
        if self.standby.status() != "running":
            raise ClusterError(f"the standby in {self.standby.data_dir} is not running")
        done = self.standby.psql("SELECT pg_promote(wait => true, wait_seconds => 60)").strip()
        if done != "t":
            raise ClusterError("the standby did not finish its promotion within 60 s")
        self._drop_slot()

    def destroy(self) -> None:
        self.standby.destroy()
        self._drop_slot()
        with contextlib.suppress(OSError):  # the folder itself, once empty
            self.standby.settings.var_dir.rmdir()

    def _drop_slot(self) -> None:
        if self.primary.status() == "running":
            where = f"slot_name = '{self.slot}' AND NOT active"  # our own hex name
            self.primary.psql(f"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE {where}")  # noqa: S608

    def _allow_replication(self) -> None:
        hba = self.primary.data_dir / "pg_hba.conf"
        lines = hba.read_text().splitlines()
        if HBA_REPLICATION not in lines:  # clusters made before replicas existed
            hba.write_text("\n".join([HBA_REPLICATION, *lines]) + "\n")
            self.primary.psql("SELECT pg_reload_conf()")


# -- lag: any pair of servers ---------------------------------------------------------------------
@dataclass(frozen=True)
class Lag:
    in_recovery: bool            # False: the "standby" is a primary (promoted, or the same server)
    replay_lsn: str | None
    lag_bytes: int | None        # primary's current WAL position minus the standby's replayed one
    lag_seconds: float | None    # 0 while nothing waits to be replayed; else since the last replayed commit
    #                              (None: WAL waits and no commit was replayed since the standby started)
    last_replay: datetime | None
    # a WAL receiver runs (connected to its primary, or trying again): False means the standby no longer
    # follows anything and answers with what it has, older with every edit
    receiving: bool | None = None

    def as_dict(self) -> dict:
        return {"in_recovery": self.in_recovery, "receiving": self.receiving, "replay_lsn": self.replay_lsn,
                "lag_bytes": self.lag_bytes,
                "lag_seconds": None if self.lag_seconds is None else round(self.lag_seconds, 3),
                "last_replay": self.last_replay.isoformat() if self.last_replay else None}


_STANDBY = text("""
    SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text, pg_last_xact_replay_timestamp(),
           CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
                ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END,
           -- any role sees the receiver's row (its details only with pg_read_all_stats)
           EXISTS (SELECT FROM pg_stat_wal_receiver WHERE pid IS NOT NULL)""")


def primary_lsn(primary: Engine) -> str:
    """The primary's current WAL position (after a commit: what a standby must replay to show it)."""
    with primary.connect() as conn:
        return conn.execute(text("SELECT pg_current_wal_lsn()::text")).scalar_one()


def replay_lsn(standby: Engine) -> str | None:
    with standby.connect() as conn:
        return conn.execute(text("SELECT pg_last_wal_replay_lsn()::text")).scalar_one()


def wait_replayed(standby: Engine, lsn: str, timeout: float = 60) -> None:
    """Return once the standby has replayed the WAL up to `lsn` (a condition, polled; TimeoutError
    if it does not within `timeout` seconds: a standby that stopped streaming)."""
    deadline = time.monotonic() + timeout
    while (replayed := replay_lsn(standby)) is None or lsn_diff(replayed, lsn) < 0:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the standby replayed up to {replayed}, not {lsn}, within {timeout:.0f} s")
        time.sleep(0.02)


def lsn_diff(a: str, b: str) -> int:
    """a - b in bytes (LSNs are 'hi/lo' hexadecimal pairs)."""
    def value(lsn: str) -> int:
        hi, lo = lsn.split("/")
        return (int(hi, 16) << 32) + int(lo, 16)

    return value(a) - value(b)


def lag(primary: Engine | None, standby: Engine) -> Lag:
    """The standby's lag behind the primary (lag_bytes None without a reachable primary)."""
    with standby.connect() as conn:
        recovering, replayed, last, seconds, receiving = conn.execute(_STANDBY).one()
    if not recovering:  # promoted: nothing to replay, no primary to follow
        return Lag(False, None, None, None, None)
    behind = None
    if primary is not None and replayed is not None:
        try:
            behind = max(0, lsn_diff(primary_lsn(primary), replayed))
        except Exception:  # the primary down: the standby still answers, its byte lag is unknown
            behind = None
    return Lag(True, replayed, behind, None if seconds is None else float(seconds), last, receiving)


def senders(primary: LocalCluster) -> list[dict]:
    """pg_stat_replication on a local primary (as its superuser: every column is visible)."""
    out = primary.psql("SELECT coalesce(json_agg(json_build_object('application_name', application_name, "
                       "'state', state, 'sent_lsn', sent_lsn::text, 'replay_lsn', replay_lsn::text, "
                       "'lag_bytes', pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), "
                       "'replay_lag_s', EXTRACT(EPOCH FROM replay_lag))), '[]') FROM pg_stat_replication")
    return json.loads(out)
