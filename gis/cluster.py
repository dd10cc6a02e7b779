"""The local PostGIS cluster that Teritoriu runs itself (the default when no external URL is set).

Layout under var/: `postgres/` is the data directory, `run/` holds the Unix socket. When the
process runs as root, PostgreSQL must run as an unprivileged OS user (`postgres`); if that user
cannot reach var/ (a checkout under /root or a private temp folder), the cluster lives under
/var/lib/teritoriu/<hash of the checkout path> instead, and var/postgres links to it.

Authentication: `trust` over the socket, whose folder only the cluster's OS user (and root) can
open; an optional TCP listener on loopback uses scram passwords stored in var/cluster.json.
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import secrets
import shutil
import subprocess
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sqlalchemy.engine import URL

from gis.settings import Settings

PG_BIN = Path("/usr/lib/postgresql/15/bin")
SOCKET_PORT = 5432
ROLES = ("teritoriu_owner", "teritoriu_app", "teritoriu_public")
EXTENSIONS = ("postgis", "pg_trgm", "unaccent")


class ClusterError(RuntimeError):
    """A problem a person can act on (missing package, port in use, ...)."""


@dataclass(frozen=True)
class LocalCluster:
    settings: Settings

    # -- where things are ------------------------------------------------------------------
    @property
    def home(self) -> Path:
        """Folder holding the data directory and the socket folder."""
        var = self.settings.var_dir.resolve()
        if os.geteuid() != 0 or _user_can_enter("postgres", var):
            return var
        digest = hashlib.sha1(str(var).encode()).hexdigest()[:12]
        return Path("/var/lib/teritoriu") / digest

    @property
    def data_dir(self) -> Path:
        return self.home / "postgres"

    @property
    def socket_dir(self) -> Path:
        return self.home / "run"

    @property
    def log_file(self) -> Path:
        return self.socket_dir / "postgres.log"

    @property
    def secrets_file(self) -> Path:
        return self.settings.var_dir / "cluster.json"

    @property
    def os_user(self) -> str | None:
        """OS user to run PostgreSQL as (None = the current user)."""
        return "postgres" if os.geteuid() == 0 else None

    @property
    def port(self) -> int:
        """The port names the socket file too, so one number serves both."""
        _, _, port = self.settings.db_listen.partition(":")
        return int(port) if port else SOCKET_PORT

    def url(self, role: str = "teritoriu_app", database: str | None = None) -> URL:
        return URL.create(
            "postgresql+psycopg",
            username=role,
            database=database or self.settings.db_name,
            query={"host": str(self.socket_dir), "port": str(self.port)},
        )

    # -- commands ----------------------------------------------------------------------------
    def status(self) -> str:
        if not (self.data_dir / "PG_VERSION").exists():
            return "absent"
        res = self._run([PG_BIN / "pg_ctl", "status", "-D", self.data_dir], check=False)
        return "running" if res.returncode == 0 else "stopped"

    def start(self) -> None:
        """Create the cluster if needed, start it unless running, ensure database and roles."""
        if not (PG_BIN / "pg_ctl").exists():
            raise ClusterError(
                "PostgreSQL 15 is not installed (missing /usr/lib/postgresql/15/bin). "
                "Run `make setup` or: apt-get install postgresql-15 postgresql-15-postgis-3"
            )
        state = self.status()
        if state == "absent":
            self._initdb()
        if state != "running":
            self._start_server()
        self._wait_ready()
        self._bootstrap()

    def stop(self) -> None:
        if self.status() == "running":
            self._run([PG_BIN / "pg_ctl", "stop", "-D", self.data_dir, "-m", "fast", "-w"])

    def destroy(self) -> None:
        """Stop and remove the cluster and every record in it."""
        self.stop()
        link = self.settings.var_dir / "postgres"
        if link.is_symlink():
            link.unlink()
        if self.home != self.settings.var_dir.resolve():
            shutil.rmtree(self.home, ignore_errors=True)
        else:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            shutil.rmtree(self.socket_dir, ignore_errors=True)

    def psql(self, sql: str, database: str = "postgres", role: str | None = None) -> str:
        """Run SQL through psql as the cluster superuser (or `role`); returns stdout."""
        cmd = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
               "-h", str(self.socket_dir), "-p", str(self.port), "-d", database, "-c", sql]
        if role:
            cmd += ["-U", role]
        return self._run(cmd).stdout

    # -- internals ---------------------------------------------------------------------------
    def _run(self, cmd: list, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(c) for c in cmd]
        if self.os_user:
            cmd = ["runuser", "-u", self.os_user, "--", *cmd]
        res = subprocess.run(cmd, capture_output=True, text=True, cwd="/")
        if check and res.returncode != 0:
            raise ClusterError(f"{' '.join(cmd)} failed:\n{res.stderr.strip() or res.stdout.strip()}")
        return res

    def _own(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        if self.os_user:
            pw = pwd.getpwnam(self.os_user)
            os.chown(path, pw.pw_uid, pw.pw_gid)
        path.chmod(0o700)

    def _initdb(self) -> None:
        self.settings.var_dir.mkdir(parents=True, exist_ok=True)
        if self.home != self.settings.var_dir.resolve():
            self.home.mkdir(parents=True, exist_ok=True)
            self.home.chmod(0o755)
            link = self.settings.var_dir / "postgres"
            if not link.exists():
                link.symlink_to(self.data_dir)
        self._own(self.data_dir)
        self._own(self.socket_dir)
        self._run([PG_BIN / "initdb", "-D", self.data_dir, "-E", "UTF8", "--locale=C.UTF-8",
                   "-A", "trust", "-U", "postgres"])
        conf = [
            "# written by teritoriu db start; listen_addresses and port are set at each start",
            f"unix_socket_directories = '{self.socket_dir}'",
            "unix_socket_permissions = 0700",
            "shared_buffers = 256MB",
            "work_mem = 16MB",
            "maintenance_work_mem = 256MB",
            "max_connections = 100",
            "random_page_cost = 1.1",
            "effective_cache_size = 2GB",
            "synchronous_commit = on",
            "fsync = on",
        ]
        with open(self.data_dir / "postgresql.conf", "a") as fh:
            fh.write("\n".join(conf) + "\n")
        hba = [
            "local all all trust",
            "host all all 127.0.0.1/32 scram-sha-256",
            "host all all ::1/128 scram-sha-256",
        ]
        (self.data_dir / "pg_hba.conf").write_text("\n".join(hba) + "\n")

    def _start_server(self) -> None:
        host = self.settings.db_listen.partition(":")[0]
        if host:
            _check_port_free(host, self.port)
        opts = f"-p {self.port} -c listen_addresses='{host}'"
        self._run([PG_BIN / "pg_ctl", "start", "-D", self.data_dir, "-l", self.log_file,
                   "-w", "-t", "60", "-o", opts])

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            res = self._run([PG_BIN / "pg_isready", "-h", self.socket_dir, "-p", self.port],
                            check=False)
            if res.returncode == 0:
                return
            time.sleep(0.2)
        raise ClusterError(f"PostgreSQL did not become ready; see {self.log_file}")

    def _bootstrap(self) -> None:
        """Roles, database and extensions; idempotent."""
        passwords = self._passwords()
        for role in ROLES:
            pw = passwords[role].replace("'", "''")
            self.psql(
                "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role + "') "
                "THEN CREATE ROLE " + role + " LOGIN; END IF; END$$;"
                f"ALTER ROLE {role} PASSWORD '{pw}';"
            )
        self.psql("ALTER ROLE teritoriu_owner CREATEDB")
        self.ensure_database(self.settings.db_name)

    def ensure_database(self, name: str) -> None:
        exists = self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'").strip()  # noqa: S608 - name is from settings or DB_NAME-checked
        if not exists:
            self.psql(f'CREATE DATABASE "{name}" OWNER teritoriu_owner')
        exts = ";".join(f"CREATE EXTENSION IF NOT EXISTS {e}" for e in EXTENSIONS)
        self.psql(exts + f';GRANT CONNECT ON DATABASE "{name}" TO teritoriu_app, teritoriu_public;'
                  f'REVOKE CONNECT ON DATABASE "{name}" FROM PUBLIC', database=name)

    def drop_database(self, name: str) -> None:
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _passwords(self) -> dict[str, str]:
        if self.secrets_file.exists():
            data = json.loads(self.secrets_file.read_text())
            if all(r in data for r in ROLES):
                return data
        data = {role: secrets.token_urlsafe(18) for role in ROLES}
        self.secrets_file.parent.mkdir(parents=True, exist_ok=True)
        self.secrets_file.write_text(json.dumps(data, indent=2))
        self.secrets_file.chmod(0o600)
        return data


@lru_cache(maxsize=32)
def _user_can_enter(user: str, path: Path) -> bool:
    """Whether OS `user` can traverse every folder down to `path` (creating nothing).
    Cached: it runs a process, and every database URL of the local cluster asks it."""
    try:
        pw = pwd.getpwnam(user)
    except KeyError:
        return False
    probe = path
    while not probe.exists():
        probe = probe.parent
    res = subprocess.run(["runuser", "-u", pw.pw_name, "--", "test", "-x", str(probe)],
                         capture_output=True)
    return res.returncode == 0


def _check_port_free(host: str, port: int) -> None:
    import socket

    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host or "127.0.0.1", port))
        except OSError:
            raise ClusterError(
                f"port {host}:{port} is in use; set TERITORIU_DB_LISTEN to another port "
                "or leave it empty to use only the Unix socket"
            ) from None
