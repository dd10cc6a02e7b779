"""`teritoriu backup` and `teritoriu restore`: the sample commune with an issued certificate,
backed up and restored into an empty cluster of its own, is the same table by table (row counts
and checksums) and document by document (SHA-256); the audit chain still verifies; a damaged
archive or a target that is not empty is refused and leaves nothing behind."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import text

from gis.audit_chain import verify
from gis.backup import BackupError, backup, manifest, restore
from gis.certificates.workflow import file_request, issue_request, send_to_review
from gis.cluster import LocalCluster
from gis.db import get_engine
from gis.settings import PROJECT_ROOT, load_settings

pytestmark = pytest.mark.slow
RESTORED = "teritoriu_restaurat"


@pytest.fixture(scope="module")
def archive(loaded, engine, tmp_path_factory):
    with engine.connect() as c:
        number = c.execute(text("SELECT cadastral_number FROM public_api.parcel WHERE intravilan "
                                "ORDER BY id LIMIT 1")).scalar()
    request = file_request(loaded, "urbanism", [number], "construire locuință", "Ana Pop", "test",
                           uat=926501)
    send_to_review(loaded, request.id, "test")
    issue_request(loaded, request.id, "test", unpaid_confirmed=True)
    out = tmp_path_factory.mktemp("backup") / "copie.tar"
    info = backup(loaded, out)
    with engine.connect() as c:
        chain = verify(c)
    assert info["documents"] and out.exists()
    assert not [p for p in out.parent.iterdir() if p != out]  # no temporary file left next to it
    return SimpleNamespace(path=out, info=info, chain=chain)


@pytest.fixture(scope="module")
def empty_cluster(tmp_path_factory):
    """A second local cluster, new and empty, as on the machine a city hall restores onto."""
    settings = load_settings(var_dir=tmp_path_factory.mktemp("restore") / "var", db_name="postgres")
    cluster = LocalCluster(settings)
    cluster.start()
    yield settings
    cluster.destroy()


def _databases(settings) -> set[str]:
    return set(LocalCluster(settings).psql("SELECT datname FROM pg_database").split())


def _rewrite(src: Path, dst: Path, change) -> Path:
    """A copy of the archive where `change(name, content)` gives each member's new content."""
    with tarfile.open(src) as old, tarfile.open(dst, "w") as new:
        for member in old.getmembers():
            content = change(member.name, old.extractfile(member).read())
            member.size = len(content)
            new.addfile(member, io.BytesIO(content))
    return dst


def _manifest_says(edit):
    def change(name, content):
        if name != "manifest.json":
            return content
        info = json.loads(content)
        edit(info)
        return json.dumps(info).encode()
    return change


def test_a_restore_into_an_empty_cluster_is_the_same_database(loaded, archive, empty_cluster):
    path, info = archive.path, archive.info
    restored = restore(empty_cluster, path, RESTORED)
    target = replace(empty_cluster, db_name=RESTORED)
    with get_engine(target, "owner").connect() as conn:
        again = manifest(conn)
        pdfs = conn.execute(text("SELECT sha256, encode(sha256(pdf), 'hex') "
                                 "FROM registry.document")).all()
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        chain = verify(conn)
    assert again == info["tables"] == restored["tables"]
    assert {"cadastre.parcel", "registry.document", "audit.log", "fiscal.taxpayer", "auth.user",
            "public.alembic_version"} <= set(again)
    assert "public.spatial_ref_sys" not in again  # PostGIS's own, made by CREATE EXTENSION
    assert again["cadastre.parcel"]["rows"] >= 2000 and again["registry.document"]["rows"] >= 1
    assert revision == info["alembic_revision"]
    assert chain.ok and chain.rows == again["audit.log"]["rows"]
    assert chain.last_hash == archive.chain.last_hash  # the same chain, to its last link
    assert pdfs and all(stored == computed for stored, computed in pdfs)
    with tarfile.open(path) as tar:  # the PDFs in the archive are the issued ones, byte for byte
        for name, sha in info["documents"].items():
            assert hashlib.sha256(tar.extractfile(name).read()).hexdigest() == sha
    assert sorted(sha for sha, _ in pdfs) == sorted(info["documents"].values())
    # the application's roles reach the restored database as they reach the original
    with get_engine(target, "public").connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM public_api.parcel")).scalar() > 0


def test_a_database_that_is_not_empty_is_refused_and_left_alone(archive, empty_cluster):
    target = replace(empty_cluster, db_name=RESTORED)  # restored by the test above
    with get_engine(target, "owner").connect() as conn:
        before = manifest(conn)
    with pytest.raises(BackupError, match=f"database {RESTORED} is not empty"):
        restore(empty_cluster, archive.path, RESTORED)
    with get_engine(target, "owner").connect() as conn:
        assert manifest(conn) == before


@pytest.mark.parametrize("damage, message", [
    ("truncated", "not a readable Teritoriu backup"),
    ("not a tar", "not a readable Teritoriu backup"),
    ("altered document", "document documents/.* is missing, unexpected or damaged"),
    ("altered dump", "the database dump is damaged"),
    ("dump pg_restore rejects", "pg_restore failed"),
    ("manifest that does not match", "differs from the backup in: cadastre.parcel"),
])
def test_a_damaged_archive_is_refused_and_leaves_no_database(archive, empty_cluster, tmp_path,
                                                             damage, message):
    path = archive.path
    bad = tmp_path / "rau.tar"
    if damage == "truncated":
        bad.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "not a tar":
        bad.write_bytes(b"%PDF-1.7 not a backup")
    elif damage == "altered document":
        _rewrite(path, bad, lambda name, content: content.replace(b"%%EOF", b"%%EOX", 1)
                 if name.startswith("documents/") else content)
    elif damage == "altered dump":  # one bit flipped in the middle
        def flip(c, i):
            return c[:i] + bytes([c[i] ^ 1]) + c[i + 1:]
        _rewrite(path, bad, lambda name, c: flip(c, len(c) // 2) if name == "database.dump" else c)
    else:
        # these get past the archive's own checks: the restore runs, fails, and is dropped again
        with tarfile.open(path) as tar:
            half = tar.extractfile("database.dump").read()[:-4096]
        if damage == "dump pg_restore rejects":
            def edit(info):
                info["dump_sha256"] = hashlib.sha256(half).hexdigest()
            _rewrite(path, bad, lambda name, content: half if name == "database.dump"
                     else _manifest_says(edit)(name, content))
        else:
            def edit(info):
                info["tables"]["cadastre.parcel"]["rows"] += 1
            _rewrite(path, bad, _manifest_says(edit))
    before = _databases(empty_cluster)
    with pytest.raises(BackupError, match=message):
        restore(empty_cluster, bad, "teritoriu_stricat")
    assert _databases(empty_cluster) == before


def test_a_failed_restore_into_an_empty_database_leaves_it_empty(archive, empty_cluster, tmp_path):
    def edit(info):
        info["tables"]["audit.log"]["md5"] = "0" * 32
    bad = _rewrite(archive.path, tmp_path / "rau.tar", _manifest_says(edit))
    cluster = LocalCluster(empty_cluster)
    cluster.ensure_database("teritoriu_gol")  # what `teritoriu db start` makes on a new machine
    try:
        with pytest.raises(BackupError, match="differs from the backup in: audit.log"):
            restore(empty_cluster, bad, "teritoriu_gol")
        assert "teritoriu_gol" in _databases(empty_cluster)
        with get_engine(replace(empty_cluster, db_name="teritoriu_gol"), "owner").connect() as conn:
            assert manifest(conn) == {}
    finally:
        cluster.drop_database("teritoriu_gol")


def test_the_command_line(loaded, archive, empty_cluster, tmp_path):
    exe = str(Path(sys.executable).parent / "teritoriu")

    def cli(*args, **env):
        return subprocess.run([exe, *args], env={**os.environ, **env}, cwd=PROJECT_ROOT,
                              capture_output=True, text=True, timeout=300)

    done = cli("backup", "-o", str(tmp_path / "b.tar"), TERITORIU_DB_NAME=loaded.db_name)
    assert done.returncode == 0 and "issued documents" in done.stdout, done.stderr
    with get_engine(loaded, "owner").connect() as conn:
        before = manifest(conn)
    refused = cli("restore", str(tmp_path / "b.tar"), TERITORIU_DB_NAME=loaded.db_name)
    assert refused.returncode == 1 and f"database {loaded.db_name} is not empty" in refused.stderr
    with get_engine(loaded, "owner").connect() as conn:
        assert manifest(conn) == before
    bad_name = cli("restore", str(tmp_path / "b.tar"), "--db", "x; DROP DATABASE postgres")
    assert bad_name.returncode == 1 and "is not a database name" in bad_name.stderr
    # a new machine: the configured database of the empty cluster, made by the command itself
    other = {"TERITORIU_VAR_DIR": str(empty_cluster.var_dir), "TERITORIU_DB_NAME": "teritoriu_cli"}
    try:
        restored = cli("restore", str(archive.path), **other)
        assert restored.returncode == 0, restored.stderr
        assert "restored into teritoriu_cli" in restored.stdout
        with get_engine(replace(empty_cluster, db_name="teritoriu_cli"), "owner").connect() as conn:
            assert manifest(conn) == archive.info["tables"]
    finally:
        LocalCluster(empty_cluster).drop_database("teritoriu_cli")
