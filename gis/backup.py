"""`teritoriu backup` and `teritoriu restore`: one tar file holding the database (pg_dump custom
format), every issued certificate as a PDF file, and a manifest (row count and checksum of every
table, SHA-256 of every document). The manifest and the dump are taken from one snapshot, so a
restore can prove it is complete: it recomputes the manifest and compares.

A backup is written under a temporary name and renamed at the end: a killed backup never leaves a
half file under the real name. A restore goes into an empty database only, and a restore that
fails (a damaged archive, a check that does not match) leaves the target as it found it.
The dump and the PDFs pass through temporary files and one row at a time, never all in memory:
a city hall's archive grows by thousands of certificates a year.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, text

from gis.cluster import PG_BIN, LocalCluster
from gis.db import get_engine
from gis.settings import Settings

FORMAT = 1
CHUNK = 1 << 20
# Database names are interpolated into CREATE/DROP DATABASE (no bound parameters there).
DB_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")

# Every table of ours: every schema but PostgreSQL's own, without the tables an extension owns
# (PostGIS's spatial_ref_sys: CREATE EXTENSION makes it, in every database).
TABLES = """
    SELECT n.nspname || '.' || c.relname, format('%I.%I', n.nspname, c.relname)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                      AND d.objid = c.oid AND d.deptype = 'e')
    ORDER BY 1"""


class BackupError(RuntimeError):
    """A problem a person can act on (a damaged archive, a target that is not empty...)."""


def manifest(conn: Connection) -> dict:
    """Row count and an md5 of the rows (as text, in a fixed order) of every table of ours.
    COLLATE "C" orders by bytes: the same on a cluster initialised with another locale."""
    rows = "string_agg(t::text, E'\\n' ORDER BY t::text COLLATE \"C\")"
    out = {}
    for name, quoted in conn.execute(text(TABLES)).all():
        # `quoted` comes from format('%I.%I') in the catalogue
        sql = f"SELECT count(*), md5(coalesce({rows}, '')) FROM {quoted} t"  # noqa: S608
        count, digest = conn.execute(text(sql)).one()
        out[name] = {"rows": count, "md5": digest}
    return out


def _documents(conn: Connection) -> Iterator[tuple[str, bytes]]:
    """Every issued PDF with its name in the archive, fetched a few at a time."""
    rows = conn.execute(text(
        "SELECT q.year, q.registry_number, d.verification_code, d.pdf FROM registry.document d "
        "JOIN registry.request q ON q.id = d.request_id ORDER BY d.id"),
        execution_options={"stream_results": True, "yield_per": 20})
    for r in rows:
        yield f"documents/{r.year}-{r.registry_number}-{r.verification_code}.pdf", bytes(r.pdf)


def _as_postgres(cluster: LocalCluster, cmd: list) -> list[str]:
    """PostgreSQL's tools as the cluster's OS user: only it (and root) may open the socket."""
    cmd = [str(c) for c in cmd]
    return ["runuser", "-u", cluster.os_user, "--", *cmd] if cluster.os_user else cmd


def _failed(tool: str, res: subprocess.CompletedProcess) -> BackupError:
    return BackupError(f"{tool} failed: {res.stderr.decode(errors='replace').strip()[-500:]}")


def backup(settings: Settings, out: Path) -> dict:
    """Write the backup of the settings' database to `out`; returns the manifest."""
    cluster = LocalCluster(settings)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    part = tempfile.NamedTemporaryFile(dir=out.parent, prefix=f".{out.name}.", suffix=".part",
                                       delete=False)
    engine = get_engine(settings, "owner")
    try:
        with (engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn,
              tempfile.TemporaryFile(dir=out.parent) as dump, part,
              tarfile.open(fileobj=part, mode="w") as tar):
            conn.execute(text("SELECT 1"))  # the snapshot starts: pg_dump and manifest share it
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
            res = subprocess.run(_as_postgres(cluster, [
                PG_BIN / "pg_dump", "-h", cluster.socket_dir, "-p", cluster.port, "-U", "postgres",
                "-Fc", "--snapshot", snapshot, settings.db_name]),
                stdout=dump, stderr=subprocess.PIPE, cwd="/")
            if res.returncode != 0:
                raise _failed("pg_dump", res)
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            info = {"format": FORMAT, "database": settings.db_name, "profile": settings.profile,
                    "alembic_revision": revision,
                    "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "tables": manifest(conn), "dump_sha256": _sha256(dump), "documents": {}}
            _add(tar, "database.dump", dump)
            for name, pdf in _documents(conn):
                info["documents"][name] = hashlib.sha256(pdf).hexdigest()
                _add(tar, name, io.BytesIO(pdf))
            written = json.dumps(info, indent=1, ensure_ascii=False).encode()
            _add(tar, "manifest.json", io.BytesIO(written))
        Path(part.name).replace(out)
    finally:
        Path(part.name).unlink(missing_ok=True)
    return info


def _sha256(fh: IO[bytes]) -> str:
    fh.seek(0)
    return hashlib.file_digest(fh, "sha256").hexdigest()


def _add(tar: tarfile.TarFile, name: str, fh: IO[bytes]) -> None:
    member = tarfile.TarInfo(name)
    member.size = fh.seek(0, io.SEEK_END)
    member.mtime, member.mode = int(datetime.now(UTC).timestamp()), 0o600
    fh.seek(0)
    tar.addfile(member, fh)


def _read(archive: Path, dump: IO[bytes]) -> dict:
    """Check the archive against its manifest before anything is created; the dump is copied
    to `dump`. Returns the manifest."""
    found, info = {}, None
    try:
        with tarfile.open(archive, mode="r:") as tar:
            for member in tar:
                if not member.isfile() or not (member.name in ("manifest.json", "database.dump") or
                                               re.fullmatch(r"documents/[\w-]+\.pdf", member.name)):
                    raise BackupError(f"{archive.name}: unexpected member {member.name!r}")
                src = tar.extractfile(member)
                if member.name == "manifest.json":
                    info = json.load(src)
                elif member.name == "database.dump":
                    shutil.copyfileobj(src, dump, CHUNK)
                    found[member.name] = _sha256(dump)
                else:
                    found[member.name] = hashlib.file_digest(src, "sha256").hexdigest()
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise BackupError(f"{archive.name} is not a readable Teritoriu backup ({exc})") from None
    if not (isinstance(info, dict) and isinstance(info.get("tables"), dict)
            and isinstance(info.get("documents"), dict) and "database.dump" in found):
        raise BackupError(f"{archive.name} is not a Teritoriu backup (no manifest or no dump)")
    if info.get("format") != FORMAT:
        raise BackupError(f"{archive.name}: backup format {info.get('format')} is not known here")
    if found.pop("database.dump") != info.get("dump_sha256"):
        raise BackupError(f"{archive.name}: the database dump is damaged (SHA-256 differs)")
    documents = info["documents"]
    for name in sorted(set(documents) | set(found)):
        if found.get(name) != documents.get(name):
            raise BackupError(f"{archive.name}: document {name} is missing, unexpected or damaged")
    return info


def _user_tables(cluster: LocalCluster, db_name: str) -> int:
    return int(cluster.psql(f"SELECT count(*) FROM ({TABLES}) t", database=db_name))  # noqa: S608


def restore(settings: Settings, archive: Path, db_name: str) -> dict:
    """Restore `archive` into the new or empty database `db_name` of the settings' cluster and
    check it against the manifest; returns the manifest. A failure leaves the target as it was."""
    if not DB_NAME.fullmatch(db_name):
        raise BackupError(f"{db_name!r} is not a database name (letters, digits, _)")
    cluster = LocalCluster(settings)
    archive = Path(archive)
    with tempfile.TemporaryFile() as dump:
        info = _read(archive, dump)
        sql = f"SELECT 1 FROM pg_database WHERE datname = '{db_name}'"  # noqa: S608 - DB_NAME
        existed = bool(cluster.psql(sql).strip())
        if existed and _user_tables(cluster, db_name):
            raise BackupError(f"database {db_name} is not empty: restore into a new database")
        try:
            cluster.ensure_database(db_name)  # CONNECT grants and extensions, as `db start` makes
            dump.seek(0)  # a seekable stdin: pg_restore may take the entries in any order
            res = subprocess.run(_as_postgres(cluster, [
                PG_BIN / "pg_restore", "-h", cluster.socket_dir, "-p", cluster.port,
                "-U", "postgres", "--exit-on-error", "-d", db_name]),
                stdin=dump, capture_output=True, cwd="/")
            if res.returncode != 0:
                raise _failed("pg_restore", res)
            target = dataclasses.replace(settings, db_name=db_name)
            with get_engine(target, "owner").connect() as conn:
                tables = manifest(conn)
                documents = {n: hashlib.sha256(pdf).hexdigest() for n, pdf in _documents(conn)}
            wrong = [t for t, v in info["tables"].items() if tables.get(t) != v]
            wrong += [d for d in sorted(set(documents) | set(info["documents"]))
                      if documents.get(d) != info["documents"].get(d)]
            if wrong:
                raise BackupError("the restored database differs from the backup in: "
                                  + ", ".join(wrong))
        except BaseException:
            cluster.drop_database(db_name)  # WITH (FORCE): our own pooled connections go too
            if existed:
                cluster.ensure_database(db_name)
            raise
    return info
