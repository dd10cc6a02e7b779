"""`teritoriu backup` and `teritoriu restore`: one tar file holding the database (pg_dump custom
format), every issued certificate as a PDF file, and a manifest (row count and checksum of every
table, SHA-256 of every document). The manifest and the dump are taken from one snapshot, so a
restore can prove it is complete: it recomputes the manifest and compares.

A backup is written under a temporary name and renamed at the end: a killed backup never leaves a
half file under the real name. A restore goes into an empty database only, and a restore that
fails (a damaged archive, a check that does not match) drops what it created.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, text

from gis.cluster import PG_BIN, LocalCluster
from gis.db import get_engine
from gis.settings import Settings

FORMAT = 1
SCHEMAS = ("territory", "cadastre", "streets", "planning", "fiscal", "agri", "registry", "auth", "audit",
           "importing")


class BackupError(RuntimeError):
    """A problem a person can act on (a damaged archive, a target that is not empty...)."""


def manifest(conn: Connection) -> dict:
    """Row count and an md5 of the rows (as text, in a fixed order) of every table of ours."""
    tables = conn.execute(text(
        "SELECT schemaname || '.' || tablename FROM pg_tables WHERE schemaname = ANY(:s) "
        "OR (schemaname = 'public' AND tablename = 'alembic_version') ORDER BY 1"), {"s": list(SCHEMAS)}).scalars().all()
    out = {}
    for table in tables:
        count, digest = conn.execute(text(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {table} t")).one()
        out[table] = {"rows": count, "md5": digest}
    return out


def _documents(conn: Connection) -> list[tuple[str, bytes, str]]:
    return [(f"documents/{r.year}-{r.registry_number}-{r.verification_code}.pdf", bytes(r.pdf), r.sha256)
            for r in conn.execute(text(
                "SELECT q.year, q.registry_number, d.verification_code, d.pdf, d.sha256 FROM registry.document d "
                "JOIN registry.request q ON q.id = d.request_id ORDER BY d.id"))]


def _as_postgres(cluster: LocalCluster, cmd: list) -> list[str]:
    cmd = [str(c) for c in cmd]
    return ["runuser", "-u", cluster.os_user, "--", *cmd] if cluster.os_user else cmd


def backup(settings: Settings, out: Path) -> dict:
    """Write the backup of the settings' database to `out`; returns the manifest."""
    cluster = LocalCluster(settings)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    engine = get_engine(settings, "owner")
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        conn.execute(text("SELECT 1"))  # the snapshot starts here
        snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
        dump = subprocess.run(_as_postgres(cluster, [
            PG_BIN / "pg_dump", "-h", cluster.socket_dir, "-p", cluster.port, "-U", "postgres", "-Fc",
            "--snapshot", snapshot, settings.db_name]), capture_output=True)
        if dump.returncode != 0:
            raise BackupError(f"pg_dump failed: {dump.stderr.decode(errors='replace').strip()[-500:]}")
        tables, documents = manifest(conn), _documents(conn)
    info = {"format": FORMAT, "database": settings.db_name, "profile": settings.profile,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"), "tables": tables,
            "documents": {name: sha for name, _, sha in documents},
            "dump_sha256": hashlib.sha256(dump.stdout).hexdigest()}
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh, tarfile.open(fileobj=fh, mode="w") as tar:
            _add(tar, "manifest.json", json.dumps(info, indent=1, ensure_ascii=False).encode())
            _add(tar, "database.dump", dump.stdout)
            for name, pdf, _ in documents:
                _add(tar, name, pdf)
        os.replace(tmp, out)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return info


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    member = tarfile.TarInfo(name)
    member.size, member.mtime, member.mode = len(data), int(datetime.now(UTC).timestamp()), 0o600
    tar.addfile(member, io.BytesIO(data))


def _read(archive: Path) -> tuple[dict, bytes, dict[str, bytes]]:
    try:
        with tarfile.open(archive, mode="r:") as tar:
            files = {}
            for member in tar.getmembers():
                if not member.isfile() or member.name.startswith(("/", "..")) or ".." in member.name.split("/"):
                    raise BackupError(f"{archive.name}: unexpected member {member.name!r}")
                files[member.name] = tar.extractfile(member).read()
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"{archive.name} is not a readable Teritoriu backup ({exc})") from None
    if "manifest.json" not in files or "database.dump" not in files:
        raise BackupError(f"{archive.name} is not a Teritoriu backup (no manifest or no database dump)")
    info = json.loads(files.pop("manifest.json"))
    dump = files.pop("database.dump")
    if info.get("format") != FORMAT:
        raise BackupError(f"{archive.name}: backup format {info.get('format')} is not known here")
    if hashlib.sha256(dump).hexdigest() != info["dump_sha256"]:
        raise BackupError(f"{archive.name}: the database dump is damaged (SHA-256 differs)")
    for name, sha in info["documents"].items():
        if name not in files or hashlib.sha256(files[name]).hexdigest() != sha:
            raise BackupError(f"{archive.name}: document {name} is missing or damaged")
    return info, dump, files


def restore(settings: Settings, archive: Path, db_name: str) -> dict:
    """Restore `archive` into the new, empty database `db_name` of the settings' cluster and check
    it against the manifest; returns the manifest. Nothing is left behind on failure."""
    cluster = LocalCluster(settings)
    info, dump, _ = _read(Path(archive))
    exists = cluster.psql(f"SELECT 1 FROM pg_database WHERE datname = '{db_name}'").strip()
    if exists and cluster.psql("SELECT count(*) FROM pg_tables WHERE schemaname NOT IN "
                               "('pg_catalog', 'information_schema') AND tablename <> 'spatial_ref_sys'",
                               database=db_name).strip() != "0":
        raise BackupError(f"database {db_name} is not empty: restore into a new database")
    if not exists:
        cluster.psql(f'CREATE DATABASE "{db_name}" OWNER teritoriu_owner')
    try:
        done = subprocess.run(_as_postgres(cluster, [
            PG_BIN / "pg_restore", "-h", cluster.socket_dir, "-p", cluster.port, "-U", "postgres",
            "--exit-on-error", "-d", db_name]), input=dump, capture_output=True)
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed: {done.stderr.decode(errors='replace').strip()[-500:]}")
        target = dataclasses.replace(settings, db_name=db_name)
        with get_engine(target, "owner").connect() as conn:
            tables = manifest(conn)
            documents = {name: sha for name, _, sha in _documents(conn)}
        wrong = [t for t in info["tables"] if tables.get(t) != info["tables"][t]]
        if wrong or documents != info["documents"]:
            raise BackupError(f"the restored database differs from the backup in: {', '.join(wrong) or 'documents'}")
    except BaseException:
        cluster.drop_database(db_name)  # WITH (FORCE): our own pooled connections go too
        raise
    return info
