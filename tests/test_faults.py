"""Faults: PostgreSQL restarted under load (on a cluster of its own, so the rest of the suite is
not disturbed), and an import or a certificate issue killed in the middle."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import text

from gis.audit_chain import verify
from gis.cluster import LocalCluster
from gis.db import get_engine
from gis.migrate import upgrade
from gis.samples import load_commune
from gis.settings import PROJECT_ROOT, load_settings

TERITORIU = str(Path(sys.executable).parent / "teritoriu")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([TERITORIU, "serve", "--production", "--workers", "2"], env={**env, "TERITORIU_PORT": str(port)},
                            cwd=PROJECT_ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/api/health", timeout=5).ok:
                return proc
        except requests.RequestException:
            time.sleep(0.3)
    os.killpg(proc.pid, signal.SIGTERM)
    pytest.fail(f"the production server did not start: {proc.stderr.read()[-2000:]}")


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
    env = {**os.environ, "TERITORIU_VAR_DIR": str(var), "TERITORIU_DB_NAME": settings.db_name,
           "TERITORIU_RATE_LIMIT_PER_S": "0"}
    proc = start_server(env, port)
    yield cluster, settings, f"http://127.0.0.1:{port}"
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)
    cluster.destroy()


@pytest.mark.slow
def test_postgresql_restarted_under_load_costs_a_few_seconds_of_errors(own_cluster):
    cluster, settings, base = own_cluster
    with get_engine(settings, "app").connect() as conn:
        numbers = [n for (n,) in conn.execute(text(
            "SELECT cadastral_number FROM public_api.parcel ORDER BY id LIMIT 40"))]
    urls = [f"{base}/api/parcels/{n}" for n in numbers] + [f"{base}/api/search?q=morii",
                                                           f"{base}/ogc/collections/parcels/items?limit=5"]
    log: list[tuple[float, int]] = []  # (when, status; 0: no answer)
    down_at = [float("inf")]  # a request under way when PostgreSQL stops counts as during
    stop = threading.Event()

    def user(seed: int) -> None:
        rng = random.Random(seed)
        with requests.Session() as http:
            while not stop.is_set():
                t = time.monotonic()
                try:
                    status = http.get(rng.choice(urls), timeout=10).status_code
                except requests.RequestException:
                    status = 0
                log.append((t, status) if time.monotonic() < down_at[0] or t > down_at[0] else (down_at[0], status))

    users = [threading.Thread(target=user, args=(i,)) for i in range(6)]
    for u in users:
        u.start()
    time.sleep(4)
    down = down_at[0] = time.monotonic()
    cluster.stop()
    time.sleep(2)  # PostgreSQL stays down two seconds
    cluster.start()
    up = time.monotonic()
    time.sleep(10)
    stop.set()
    for u in users:
        u.join(timeout=20)
    assert not any(u.is_alive() for u in users), "a client is stuck"
    before = [s for t, s in log if t < down]
    assert before and set(before) == {200}, "errors before the restart"
    errors = [(t, s) for t, s in log if s != 200]
    # while it is down the app says so (503, or pygeoapi's own error for /ogc), never hangs
    assert {s for _, s in errors} <= {500, 503}, {s for _, s in errors}
    assert any(s == 503 for _, s in errors), "the API did not say the database is unreachable"
    late = [t - up for t, _ in errors if t > up]
    assert not late or max(late) < 5, f"errors for {max(late):.1f} s after PostgreSQL was back"
    last = [s for t, s in log if t > up + 5]
    assert len(last) > 50 and set(last) == {200}, "not recovered"
    # every worker thread answers again: more parallel requests than threads, all 200
    with requests.Session() as http:
        assert all(http.get(u, timeout=10).status_code == 200 for u in urls * 2)


def fingerprint(settings) -> tuple:
    with get_engine(settings, "app").connect() as c:
        return tuple(c.execute(text(
            "SELECT (SELECT count(*) FROM cadastre.parcel), (SELECT sum(version) FROM cadastre.parcel),"
            " (SELECT count(*) FROM cadastre.parcel_history), (SELECT count(*) FROM audit.log),"
            " (SELECT count(*) FROM importing.job), (SELECT count(*) FROM importing.staged_feature)")).one())


def killed_after(args: list[str], env: dict, seconds: float) -> int | None:
    """Run the CLI and kill -9 it after `seconds`; its exit code if it finished first."""
    proc = subprocess.Popen([TERITORIU, *args], env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        return proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None


@pytest.mark.slow
def test_an_import_killed_in_the_middle_leaves_nothing(own_cluster, tmp_path):
    """Every parcel of the sample with a new legal area (a new version of each), imported and
    killed at several moments: the database is exactly as before; let through, it commits."""
    import geopandas as gpd

    cluster, settings, _ = own_cluster
    frame = gpd.read_file(f"zip://{settings.samples_dir / 'shp' / 'parcels.zip'}")
    frame["S_ACTE"] = frame["S_ACTE"].astype(float) + 1
    frame.to_file(tmp_path / "parcele.shp", engine="pyogrio")
    source = tmp_path / "parcele.zip"
    import zipfile

    with zipfile.ZipFile(source, "w") as z:
        for f in tmp_path.glob("parcele.*"):
            if f.suffix != ".zip":
                z.write(f, f.name)
    env = {**os.environ, "TERITORIU_VAR_DIR": str(settings.var_dir), "TERITORIU_DB_NAME": settings.db_name}
    args = ["import", str(source), "--layer", "parcels"]
    before = fingerprint(settings)
    parcels = before[0]
    interrupted = 0
    for seconds in (1.0, 1.3, 1.6, 1.9, 2.2, 2.5, 2.8, 3.2, 3.6, 4.0, 5.0, 6.0):
        if (code := killed_after(args, env, seconds)) is not None:
            assert code == 0, subprocess.run([TERITORIU, *args], env=env, capture_output=True, text=True).stderr[-2000:]
            break
        now = fingerprint(settings)
        if now == before:
            interrupted += 1
            continue
        # killed after the commit (writing the report): then all of it is there, not part
        assert now[:3] == (parcels, before[1] + parcels, before[2] + parcels), f"partial after {seconds} s: {now}"
        break
    assert interrupted >= 3, "the import was not killed in the middle often enough to tell"
    with get_engine(settings, "app").connect() as c:
        assert verify(c).ok
    assert killed_after(args, env, 600) == 0
    after = fingerprint(settings)
    assert after[:3] == (parcels, before[1] + parcels, before[2] + parcels), "the import changes every parcel"


@pytest.mark.slow
def test_a_certificate_killed_in_the_middle_leaves_no_partial_rows_and_no_gap(own_cluster, tmp_path):
    cluster, settings, _ = own_cluster
    with get_engine(settings, "app").connect() as c:
        number = c.execute(text("SELECT cadastral_number FROM public_api.parcel WHERE intravilan ORDER BY id LIMIT 1")).scalar()
    env = {**os.environ, "TERITORIU_VAR_DIR": str(settings.var_dir), "TERITORIU_DB_NAME": settings.db_name}
    args = ["certificate", "urbanism", "--parcel", number, "--purpose", "construire locuință",
            "--applicant", "Pop Ana", "-o", str(tmp_path / "cu.pdf")]
    outcomes = [killed_after(args, env, seconds) for seconds in (2.0, 3.0, 4.0, 5.0, 6.0, 7.0)]
    assert None in outcomes, "every run finished before it could be killed"
    assert killed_after(args, env, 600) == 0
    with get_engine(settings, "app").connect() as c:
        numbers = [n for (n,) in c.execute(text("SELECT registry_number FROM registry.request ORDER BY 1"))]
        assert numbers == list(range(1, len(numbers) + 1)), f"a gap: {numbers}"
        assert c.execute(text("SELECT max(last_number) FROM registry.counter")).scalar() == numbers[-1]
        # a document never without its PDF, its hash, or an issued request; an issued request never without it
        assert c.execute(text(
            "SELECT count(*) FROM registry.document d JOIN registry.request r ON r.id = d.request_id"
            " WHERE encode(sha256(d.pdf), 'hex') <> d.sha256 OR r.status NOT IN ('issued', 'downloaded')")).scalar() == 0
        assert c.execute(text(
            "SELECT count(*) FROM registry.request r WHERE r.status IN ('issued', 'downloaded')"
            " AND NOT EXISTS (SELECT FROM registry.document d WHERE d.request_id = r.id)")).scalar() == 0
    with get_engine(settings, "app").connect() as c:
        assert verify(c).ok
