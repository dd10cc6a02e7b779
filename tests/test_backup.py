"""`teritoriu backup` and `teritoriu restore`: the sample commune with an issued certificate,
backed up and restored into an empty cluster of its own, is the same table by table (row counts
and checksums) and document by document (SHA-256); the audit chain still verifies; a damaged
archive or a target that is not empty is refused and leaves nothing behind."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import tarfile
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from gis.audit_chain import verify
from gis.backup import BackupError, backup, manifest, restore
from gis.certificates.workflow import file_request, issue_request
from gis.cluster import LocalCluster
from gis.db import get_engine
from gis.settings import PROJECT_ROOT, load_settings

pytestmark = pytest.mark.slow
RESTORED = "teritoriu_restaurat"


@pytest.fixture(scope="module")
def archive(loaded, engine, tmp_path_factory):
    with engine.connect() as c:
        number = c.execute(text("SELECT cadastral_number FROM public_api.parcel WHERE intravilan ORDER BY id LIMIT 1")).scalar()
    request = file_request(loaded, "urbanism", [number], "construire locuință", "Ana Pop", "test", uat=926501)
    issue_request(loaded, request.id, "test")
    out = tmp_path_factory.mktemp("backup") / "copie.tar"
    info = backup(loaded, out)
    assert info["documents"] and out.exists()
    return out, info


@pytest.fixture(scope="module")
def empty_cluster(tmp_path_factory):
    settings = load_settings(var_dir=tmp_path_factory.mktemp("restore") / "var", db_name="postgres")
    cluster = LocalCluster(settings)
    cluster.start()
    yield settings
    cluster.destroy()


def test_a_restore_into_an_empty_cluster_is_the_same_database(loaded, archive, empty_cluster):
    path, info = archive
    restored = restore(empty_cluster, path, RESTORED)
    target = replace(empty_cluster, db_name=RESTORED)
    with get_engine(target, "owner").connect() as conn:
        again = manifest(conn)
        pdfs = conn.execute(text("SELECT sha256, encode(sha256(pdf), 'hex') FROM registry.document")).all()
        assert verify(conn).ok
    assert again == info["tables"] == restored["tables"]
    assert {"cadastre.parcel", "registry.document", "audit.log", "fiscal.taxpayer"} <= set(again)
    assert again["cadastre.parcel"]["rows"] >= 2000
    assert pdfs and all(stored == computed for stored, computed in pdfs)
    with tarfile.open(path) as tar:  # the PDFs in the archive are the issued ones, byte for byte
        for name, sha in info["documents"].items():
            assert hashlib.sha256(tar.extractfile(name).read()).hexdigest() == sha
    assert {sha for sha, _ in pdfs} == set(info["documents"].values())


def test_a_database_that_is_not_empty_is_refused(archive, empty_cluster):
    with pytest.raises(BackupError, match="not empty"):
        restore(empty_cluster, archive[0], RESTORED)  # restored by the test above


@pytest.mark.parametrize("damage", ["truncated", "not a tar", "altered document"])
def test_a_damaged_archive_is_refused_and_leaves_no_database(archive, empty_cluster, tmp_path, damage):
    data = archive[0].read_bytes()
    bad = tmp_path / "rau.tar"
    if damage == "truncated":
        bad.write_bytes(data[: len(data) // 2])
    elif damage == "not a tar":
        bad.write_bytes(b"%PDF-1.7 not a backup")
    else:
        with tarfile.open(archive[0]) as src, tarfile.open(bad, "w") as dst:
            for member in src.getmembers():
                content = src.extractfile(member).read()
                if member.name.startswith("documents/"):
                    content = content.replace(b"%%EOF", b"%%EOX", 1)
                member.size = len(content)
                dst.addfile(member, io.BytesIO(content))
    cluster = LocalCluster(empty_cluster)
    with pytest.raises(BackupError):
        restore(empty_cluster, bad, "teritoriu_stricat")
    assert not cluster.psql("SELECT 1 FROM pg_database WHERE datname = 'teritoriu_stricat'").strip()


def test_the_command_line(loaded, tmp_path):
    env = {**os.environ, "TERITORIU_DB_NAME": loaded.db_name}
    exe = str(Path(sys.executable).parent / "teritoriu")
    done = subprocess.run([exe, "backup", "-o", str(tmp_path / "b.tar")], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "issued documents" in done.stdout, done.stderr
    refused = subprocess.run([exe, "restore", str(tmp_path / "b.tar"), "--db", loaded.db_name], env=env,
                             cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert refused.returncode == 1 and "not empty" in refused.stderr
