"""Faults: PostgreSQL restarted under load (on a cluster of its own, so the rest of the suite is
not disturbed), and an import or a certificate issue killed in the middle."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from factories import free_port
from sqlalchemy import text

from api import production
from gis.audit_chain import verify
from gis.cluster import LocalCluster
from gis.db import get_engine
from gis.faults import ENV, POINTS
from gis.migrate import upgrade
from gis.samples import load_commune
from gis.settings import PROJECT_ROOT, load_settings

TERITORIU = str(Path(sys.executable).parent / "teritoriu")


@pytest.fixture(scope="module")
def own_cluster(tmp_path_factory):
    """A PostGIS cluster of this module's own, with the sample commune, served in production."""
    var = tmp_path_factory.mktemp("faults") / "var"
    settings = load_settings(var_dir=var, db_name="teritoriu_faults")
    cluster = LocalCluster(settings)
    cluster.start()
    upgrade(settings)
    load_commune(settings, settings.samples_dir)
    port = free_port()
    proc = production.spawn(port, {"TERITORIU_VAR_DIR": str(var), "TERITORIU_DB_NAME": settings.db_name,
                                   "TERITORIU_RATE_LIMIT_PER_S": "0"}, workers=2)
    yield cluster, settings, f"http://127.0.0.1:{port}"
    production.stop(proc)
    cluster.destroy()


def wait_for(condition, what: str, limit: float = 120) -> None:
    """Wait until `condition()` holds; the limit only turns a hang into a failure."""
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {limit:.0f} s"
        time.sleep(0.05)


@pytest.mark.slow
def test_postgresql_restarted_under_load_answers_503_then_recovers(own_cluster):
    """Six clients keep asking while PostgreSQL stops and starts again. Each step waits on what
    the clients saw, never on a clock: errors only while the database is away (503, never a hang
    or another 5xx), and once it is back every client recovers and stays recovered."""
    cluster, settings, base = own_cluster
    with get_engine(settings, "app").connect() as conn:
        numbers = [n for (n,) in conn.execute(text(
            "SELECT cadastral_number FROM public_api.parcel ORDER BY id LIMIT 40"))]
    urls = [f"{base}/api/parcels/{n}" for n in numbers] + [f"{base}/api/search?q=morii",
                                                           f"{base}/ogc/collections/parcels/items?limit=5"]
    phase = ["up"]  # up, down (stopping or stopped), back (PostgreSQL accepts connections again)
    log: list[tuple[str, str, int, int]] = []  # (phase when sent, phase when answered, client, status; 0: none)
    stop = threading.Event()

    def user(seed: int) -> None:
        rng = random.Random(seed)
        with requests.Session() as http:
            while not stop.is_set():
                sent = phase[0]
                try:
                    status = http.get(rng.choice(urls), timeout=30).status_code
                except requests.RequestException:
                    status = 0
                log.append((sent, phase[0], seed, status))

    def seen(sent: str, status: int | None = None) -> list:
        return [r for r in list(log) if r[0] == sent and (status is None or r[3] == status)]

    users = [threading.Thread(target=user, args=(i,)) for i in range(6)]
    for u in users:
        u.start()
    try:
        wait_for(lambda: len(seen("up")) >= 60, "60 answers before the restart")
        phase[0] = "down"
        cluster.stop()
        wait_for(lambda: len(seen("down", 503)) >= 6, "the API saying the database is unreachable")
        cluster.start()
        phase[0] = "back"
        # recovered: every client has had ten answers in a row of 200 since PostgreSQL came back
        def recovered() -> bool:
            rows = seen("back")
            return all(len(tail := [r[3] for r in rows if r[2] == i][-10:]) == 10 and set(tail) == {200}
                       for i in range(6))
        wait_for(recovered, "every client recovered")
        mark = len(log)
        wait_for(lambda: len(log) >= mark + 120, "120 more answers")
    finally:
        stop.set()
        for u in users:
            u.join(timeout=60)
    assert not any(u.is_alive() for u in users), "a client is stuck"
    assert {r[3] for r in log if r[0] == r[1] == "up"} == {200}, "errors before the restart"
    # while it is down the app says so (503, /ogc included: the provider lets the driver's error through), never hangs
    errors = {r[3] for r in log if r[3] != 200}
    assert errors == {503}, errors
    # once recovered, it stays recovered
    assert {r[3] for r in log[mark:]} == {200}, "errors after recovery"
    # each client had at most a few errors after the database was back (stale pooled connections)
    late = [r for r in log[:mark] if r[0] == "back" and r[3] != 200]
    assert len(late) <= 6 * 4, f"{len(late)} errors after PostgreSQL was back"
    # every worker thread answers again: more parallel requests than threads, all 200
    with requests.Session() as http:
        assert all(http.get(u, timeout=30).status_code == 200 for u in urls * 2)


def fingerprint(settings) -> tuple:
    with get_engine(settings, "app").connect() as c:
        return tuple(c.execute(text(
            "SELECT (SELECT count(*) FROM cadastre.parcel), (SELECT sum(version) FROM cadastre.parcel),"
            " (SELECT count(*) FROM cadastre.parcel_history), (SELECT count(*) FROM audit.log),"
            " (SELECT count(*) FROM importing.job), (SELECT count(*) FROM importing.staged_feature)")).one())


def killed_at(point: str, args: list[str], env: dict) -> subprocess.CompletedProcess:
    """Run the CLI with the named fault point armed; it must have died there (SIGKILL)."""
    done = subprocess.run([TERITORIU, *args], env={**env, ENV: point}, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == -signal.SIGKILL, f"{point} was never reached ({done.returncode}): {done.stderr[-2000:]}"
    return done


def points(prefix: str) -> list[str]:
    return [p for p in POINTS if p.startswith(prefix)]


@pytest.mark.slow
def test_an_import_killed_at_every_step_leaves_nothing_or_everything(own_cluster, tmp_path):
    """Every parcel of the sample with a new legal area (a new version of each), imported and
    killed at each named step: before the commit the database is exactly as before, after it
    every parcel has its new version; let through, it commits."""
    import zipfile

    import geopandas as gpd

    cluster, settings, _ = own_cluster
    frame = gpd.read_file(f"zip://{settings.samples_dir / 'shp' / 'parcels.zip'}")
    frame["S_ACTE"] = frame["S_ACTE"].astype(float) + 1
    frame.to_file(tmp_path / "parcele.shp", engine="pyogrio")
    source = tmp_path / "parcele.zip"
    with zipfile.ZipFile(source, "w") as z:
        for f in tmp_path.glob("parcele.*"):
            if f.suffix != ".zip":
                z.write(f, f.name)
    env = {**os.environ, "TERITORIU_VAR_DIR": str(settings.var_dir), "TERITORIU_DB_NAME": settings.db_name}
    env.pop(ENV, None)
    args = ["import", str(source), "--layer", "parcels"]
    before = fingerprint(settings)
    parcels = before[0]
    committed = (parcels, before[1] + parcels, before[2] + parcels)
    steps = points("import.")
    assert steps == ["import.read", "import.staged", "import.merged", "import.committed"]
    for point in steps:
        killed_at(point, args, env)
        now = fingerprint(settings)
        if not POINTS[point]:
            assert now == before, f"killed at {point}: {now} instead of {before}"
        else:
            # killed after the commit (before the report): all of it is there, not part
            assert now[:3] == committed, f"partial after {point}: {now}"
    with get_engine(settings, "app").connect() as c:
        assert verify(c).ok
    # the same file again, not killed: it finds every parcel already as the file says
    done = subprocess.run([TERITORIU, *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert fingerprint(settings)[:3] == committed, "the import changes every parcel once"


@pytest.mark.slow
def test_a_certificate_killed_at_every_step_leaves_no_partial_rows_and_no_gap(own_cluster, tmp_path):
    cluster, settings, _ = own_cluster
    with get_engine(settings, "app").connect() as c:
        number = c.execute(text(
            "SELECT cadastral_number FROM public_api.parcel WHERE intravilan ORDER BY id LIMIT 1")).scalar()
    env = {**os.environ, "TERITORIU_VAR_DIR": str(settings.var_dir), "TERITORIU_DB_NAME": settings.db_name}
    args = ["certificate", "urbanism", "--parcel", number, "--purpose", "construire locuință",
            "--applicant", "Pop Ana", "--unpaid", "-o", str(tmp_path / "cu.pdf")]
    env.pop(ENV, None)
    steps = points("certificate.")
    assert steps == ["certificate.numbered", "certificate.filed", "certificate.rendered", "certificate.stored"]
    for point in steps:
        killed_at(point, args, env)
    done = subprocess.run([TERITORIU, *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    with get_engine(settings, "app").connect() as c:
        numbers = [n for (n,) in c.execute(text("SELECT registry_number FROM registry.request ORDER BY 1"))]
        # each kill after filing leaves a numbered request (received, never issued); before it, none
        filed = sum(1 for p in steps if POINTS[p])
        assert numbers == list(range(1, filed + 2)), f"a gap or a lost number: {numbers}"
        assert c.execute(text("SELECT count(*) FROM registry.document")).scalar() == 1
        assert c.execute(text("SELECT max(last_number) FROM registry.counter")).scalar() == numbers[-1]
        # a document never without its PDF, its hash, or an issued request; an issued request never without it
        assert c.execute(text(
            "SELECT count(*) FROM registry.document d JOIN registry.request r ON r.id = d.request_id"
            " WHERE encode(sha256(d.pdf), 'hex') <> d.sha256"
            " OR r.status NOT IN ('issued', 'downloaded')")).scalar() == 0
        assert c.execute(text(
            "SELECT count(*) FROM registry.request r WHERE r.status IN ('issued', 'downloaded')"
            " AND NOT EXISTS (SELECT FROM registry.document d WHERE d.request_id = r.id)")).scalar() == 0
    with get_engine(settings, "app").connect() as c:
        assert verify(c).ok
