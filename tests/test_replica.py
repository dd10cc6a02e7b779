"""A streaming hot standby serves the public side (TERITORIU_DATABASE_PUBLIC_URL), staff work on the
primary: an edit reaches the public map, OGC API and tiles once the standby has replayed it (no
stale tile), /api/health reports the lag, a stopped standby is a 503 and the app recovers when it
returns, and the standby can be promoted."""

from __future__ import annotations

import dataclasses
import gzip
import json
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from factories import STAFF_PASSWORD, csrf_token, free_port, sign_in
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from gis.cluster import LocalCluster
from gis.db import get_engine
from gis.migrate import upgrade
from gis.passwords import hash_password
from gis.replica import LocalReplica, lag, primary_lsn, replay_lsn, wait_replayed
from gis.settings import load_settings

pytestmark = pytest.mark.slow  # a second PostgreSQL cluster, copied with pg_basebackup

UAT = 999811
X0, Y0 = 350000, 750000  # away from the other modules' test UATs


def square(x, y, w=20, h=40):
    return {"type": "Polygon", "coordinates": [[[x, y], [x + w, y], [x + w, y + h], [x, y + h], [x, y]]]}


@pytest.fixture(scope="module")
def primary(tmp_path_factory):
    """A primary of its own (the checkout's cluster may hold large benchmark databases, and a
    base backup copies every database): migrated, with a UAT and an officer."""
    settings = load_settings(var_dir=tmp_path_factory.mktemp("replica") / "var", db_name="replica_primary")
    cluster = LocalCluster(settings)
    cluster.start()
    upgrade(settings)
    with get_engine(settings, "app").begin() as c:
        c.execute(text("SELECT set_config('teritoriu.actor', 'test', true)"))
        c.execute(text("INSERT INTO territory.uat (siruta, name, county, geom) VALUES (:s, 'Test Replica', 'Bihor', "
                       "ST_Multi(ST_MakeEnvelope(:x0, :y0, :x1, :y1, 3844)))"),
                  {"s": UAT, "x0": X0, "y0": Y0, "x1": X0 + 1000, "y1": Y0 + 1000})
        c.execute(text("INSERT INTO auth.user (username, full_name, role, password_hash) "
                       "VALUES ('replica.officer', 'Ofițer Replica', 'officer', :h)"),
                  {"h": hash_password(STAFF_PASSWORD)})
    yield cluster
    cluster.destroy()


@pytest.fixture(scope="module")
def engine(primary):
    """The primary's application role (this module's own database, not the shared test database)."""
    return get_engine(primary.settings, "app")


@pytest.fixture(scope="module")
def replica(primary):
    standby = LocalReplica(primary, port=free_port(), folder="standby")
    standby.create()
    yield standby
    standby.destroy()


@pytest.fixture(scope="module")
def standby_engine(replica):
    eng = create_engine(replica.url("teritoriu_app"), pool_pre_ping=True)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def public_app(primary, replica, tmp_path_factory):
    from api import create_app

    settings = dataclasses.replace(primary.settings, tile_cache_dir=str(tmp_path_factory.mktemp("tiles")),
                                   database_public_url=replica.url().render_as_string(hide_password=False))
    app = create_app(settings)
    app.testing = True
    return app


@pytest.fixture(scope="module")
def public(public_app):
    """The app over real HTTP: what citizens and other agencies read."""
    port = free_port()
    server = make_server("127.0.0.1", port, public_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


@pytest.fixture(scope="module")
def officer(public_app):
    """Staff, on the same app: their work goes to the primary (the standby refuses writes)."""
    client = public_app.test_client()
    assert sign_in(client, "replica.officer").status_code == 303
    return client, {"X-CSRF-Token": csrf_token(client, "/office")}


def replayed(engine, standby_engine) -> None:
    """Wait until the standby has replayed everything the primary committed so far."""
    wait_replayed(standby_engine, primary_lsn(engine))


def tile_of(engine, parcel_id: int) -> str:
    from layers.orthophoto import lon_lat_to_tile

    with engine.connect() as c:
        lon, lat = c.execute(text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_PointOnSurface(geom), 4326) p "
                                  "FROM cadastre.parcel WHERE id = :i) s"), {"i": parcel_id}).one()
    x, y = lon_lat_to_tile(lon, lat, 17)
    return f"/ogc/collections/parcels/tiles/WebMercatorQuad/17/{y}/{x}"


def mvt(response) -> bytes:
    assert response.status_code == 200, response.text
    return gzip.decompress(response.content) if response.content[:2] == b"\x1f\x8b" else response.content


def test_the_public_side_reads_the_standby_and_health_reports_its_lag(public, replica, engine, standby_engine):
    # a committed transaction first: until the standby replays one, its lag in seconds is unknown (None)
    # whenever WAL without a commit (a checkpoint) waits to be replayed
    with engine.begin() as c:
        c.execute(text("SELECT txid_current()"))
    replayed(engine, standby_engine)
    health = requests.get(f"{public}/api/health", timeout=30)
    assert health.status_code == 200
    standby = health.json()["replica"]
    assert standby["in_recovery"] is True and standby["lag_bytes"] >= 0 and standby["lag_seconds"] >= 0
    assert standby["replay_lsn"] == replay_lsn(standby_engine) or standby["lag_bytes"] > 0
    with standby_engine.connect() as c:  # the public connections are the standby's
        names = set(c.execute(text("SELECT application_name FROM pg_stat_activity "
                                   "WHERE datname = current_database()")).scalars())
    assert {"teritoriu-public", "teritoriu-teritoriu_public"} & names
    # the standby refuses writes: staff cannot be working on it
    with pytest.raises(Exception, match="read-only"), standby_engine.begin() as c:
        c.execute(text("CREATE TABLE public.nope (i int)"))


def test_the_cli_reports_the_streaming_standby_and_its_lag(primary, replica):
    env = {**os.environ, "TERITORIU_DB_NAME": primary.settings.db_name,
           "TERITORIU_VAR_DIR": str(primary.settings.var_dir),
           "TERITORIU_DATABASE_PUBLIC_URL": replica.url().render_as_string(hide_password=False)}
    out = subprocess.run([str(Path(sys.executable).parent / "teritoriu"), "db", "replica", "status", "--json"],
                         env=env, capture_output=True, text=True, check=True).stdout
    report = json.loads(out)
    assert report["standby"]["in_recovery"] is True and report["standby"]["lag_bytes"] >= 0
    assert "streaming" in {sender["state"] for sender in report["senders"]}  # pg_stat_replication on the primary


def test_an_edit_on_the_primary_reaches_the_public_side_and_its_tiles(public, officer, engine, standby_engine):
    client, headers = officer
    made = client.post("/api/office/parcels", headers=headers, json={
        "uat": UAT, "cadastral_number": "811001", "geometry": square(X0 + 100, Y0 + 100), "use_category": "CC",
        "intravilan": True, "legal_area": 800})
    assert made.status_code == 201, made.data
    pid = made.get_json()["parcel"]["id"]
    replayed(engine, standby_engine)
    items = requests.get(f"{public}/ogc/collections/parcels/items",
                         params={"cadastral_number": "811001", "f": "json"}, timeout=30).json()
    assert [f["id"] for f in items["features"]] == [pid]
    tile_url = public + tile_of(engine, pid)
    first = requests.get(tile_url, timeout=30)
    assert b"811001" in mvt(first)
    assert b"811001" in mvt(requests.get(tile_url, timeout=30))  # now from the tile cache

    renamed = client.put(f"/api/office/parcels/{pid}", headers=headers,
                         json={"version": 1, "cadastral_number": "811002"})
    assert renamed.status_code == 200, renamed.data
    replayed(engine, standby_engine)
    after = requests.get(tile_url, timeout=30)
    assert after.headers["ETag"] != first.headers["ETag"]
    assert b"811002" in mvt(after) and b"811001" not in mvt(after)  # not the cached tile
    lookup = requests.get(f"{public}/api/parcels/811002", params={"uat": UAT}, timeout=30)
    assert lookup.status_code == 200 and lookup.json()["cadastral_number"] == "811002"
    gone = requests.get(f"{public}/ogc/collections/parcels/items",
                        params={"cadastral_number": "811001", "f": "json"}, timeout=30).json()
    assert gone["features"] == [] and gone["numberReturned"] == 0


def test_the_public_rate_limit_is_counted_on_the_primary_while_the_standby_serves(public_app, engine, caplog):
    """The shared count is a write (auth.throttle, unlogged): it goes to the primary, the lookups to the
    standby. Two workers alternating, each under its own burst, refuse at the shared limit."""
    from api import create_app
    from gis import throttles

    rate, burst, window = 1, 31, 30
    limit = rate * window + burst
    settings = dataclasses.replace(public_app.extensions["teritoriu.settings"], rate_limit_per_s=rate,
                                   rate_limit_burst_s=burst, rate_limit_window_s=window, rate_limit_flush_s=0)
    workers = [create_app(settings).test_client() for _ in range(2)]
    with caplog.at_level(logging.WARNING, logger="gis.rate_limits"):
        codes = [workers[i % 2].get("/api/parcels/811002", query_string={"uat": UAT},
                                    environ_base={"REMOTE_ADDR": "10.92.0.1"}).status_code for i in range(limit + 1)]
    assert codes == [200] * limit + [429], codes  # each worker saw (limit + 1) / 2 <= burst: the shared count refused
    assert throttles.peek(engine, "rate:lookups", "10.92.0.1").hits == limit + 1  # on the primary
    assert not [r for r in caplog.records if r.name == "gis.rate_limits"], "no fallback to the buckets"


def test_a_stopped_standby_is_a_503_and_the_app_recovers(public, officer, replica, engine, standby_engine):
    assert requests.get(f"{public}/ogc/collections/parcels/items?limit=1", timeout=30).status_code == 200
    replica.stop()
    try:
        items = requests.get(f"{public}/ogc/collections/parcels/items?limit=1", timeout=30)
        assert items.status_code == 503 and items.headers["Retry-After"]
        assert items.json()["code"] == "ServiceUnavailable" and "Baza de date" in items.json()["description"]
        lookup = requests.get(f"{public}/api/parcels/811002", params={"uat": UAT}, timeout=30)
        assert lookup.status_code == 503 and "nu răspunde" in lookup.json()["message"]
        tile = requests.get(f"{public}{tile_of(engine, _parcel_id(engine, '811002'))}", timeout=30)
        assert tile.status_code == 503
        health = requests.get(f"{public}/api/health", timeout=30)
        assert health.status_code == 503
        assert {k: health.json()[k] for k in ("status", "database", "replica")} == {
            "status": "error", "database": "ok", "replica": "unreachable"}
        page = requests.get(f"{public}/", timeout=30)  # the public map
        assert page.status_code == 503 and "Baza de date nu răspunde" in page.text
        client, _ = officer  # staff keep working on the primary
        assert client.get("/office").status_code == 200
    finally:
        replica.start()
    # the same app, not restarted: its pools reconnect
    assert requests.get(f"{public}/api/health", timeout=30).status_code == 200
    again = requests.get(f"{public}/ogc/collections/parcels/items",
                         params={"cadastral_number": "811002", "f": "json"}, timeout=30)
    assert again.status_code == 200 and len(again.json()["features"]) == 1


def _parcel_id(engine, number: str) -> int:
    with engine.connect() as c:
        return c.execute(text("SELECT id FROM cadastre.parcel WHERE cadastral_number = :n AND valid_to IS NULL"),
                         {"n": number}).scalar_one()


def test_a_standby_cut_off_from_its_primary_is_degraded_in_health(public, primary, replica):
    """The public side keeps answering from a standby whose primary is gone; /api/health says that
    its data no longer follows (a WAL receiver's row, visible to the public role)."""
    def health_until(condition) -> dict:
        deadline = time.monotonic() + 60  # only turns a hang into a failure
        while not condition(body := requests.get(f"{public}/api/health", timeout=30).json()):
            assert time.monotonic() < deadline, body
            time.sleep(0.1)
        return body

    health_until(lambda b: b["status"] == "ok" and b["replica"]["receiving"] is True)
    primary.stop()
    try:
        cut_off = health_until(lambda b: b["replica"]["receiving"] is False)
        assert cut_off["status"] == "degraded" and cut_off["database"] == "unreachable"
        assert cut_off["replica"]["lag_bytes"] is None  # no primary to measure it against
        assert requests.get(f"{public}/ogc/collections/parcels/items?limit=1", timeout=30).status_code == 200
    finally:
        primary.start()
    health_until(lambda b: b["status"] == "ok" and b["replica"]["receiving"] is True)


def test_the_standby_catches_up_after_its_stop_and_can_be_promoted(public, replica, engine, standby_engine):
    with engine.begin() as c:  # written while nothing reads it: the slot kept the WAL
        c.execute(text("SELECT set_config('teritoriu.actor', 'test', true)"))
        c.execute(text("UPDATE territory.uat SET name = 'Test Replica Promovată' WHERE siruta = :s"), {"s": UAT})
    replayed(engine, standby_engine)
    assert lag(engine, standby_engine).in_recovery
    replica.promote()
    health = requests.get(f"{public}/api/health", timeout=30).json()
    assert health["replica"]["in_recovery"] is False
    with standby_engine.begin() as c:  # a primary of its own: it takes writes and kept the data
        assert c.execute(text("SELECT name FROM territory.uat WHERE siruta = :s"), {"s": UAT}).scalar_one() \
            == "Test Replica Promovată"
        c.execute(text("CREATE TEMP TABLE written (i int)"))
        c.execute(text("SELECT set_config('teritoriu.actor', 'test', true)"))
        c.execute(text("UPDATE territory.uat SET name = 'Doar pe cea promovată' WHERE siruta = :s"), {"s": UAT})
    with engine.connect() as c:  # the old primary goes its own way
        assert c.execute(text("SELECT name FROM territory.uat WHERE siruta = :s"), {"s": UAT}).scalar_one() \
            == "Test Replica Promovată"
    assert requests.get(f"{public}/ogc/collections/parcels/items?limit=1", timeout=30).status_code == 200
