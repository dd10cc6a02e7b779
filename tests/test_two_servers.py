"""Two `teritoriu serve --production` servers on one database behind a load balancer (a round-robin
TCP relay written here), each with a var/ of its own as on two machines: a staff session made on
one holds on the other, the shared throttles count on both, each tile cache is its own and
follows an edit made through the other server, and registry numbers and import decisions stay
right when both servers take the same requests at the same moment."""

from __future__ import annotations

import gzip
import itertools
import secrets
import socket
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import geopandas as gpd
import pytest
import requests
from factories import CSRF_FIELD, STAFF_PASSWORD
from shapely.geometry import box
from sqlalchemy import text

from gis.cluster import LocalCluster
from layers.orthophoto import lon_lat_to_tile

pytestmark = pytest.mark.slow  # two gunicorn servers of their own

UAT = 999821
X0, Y0 = 360000, 760000  # away from the other modules' test UATs
SIGN_IN_LIMIT = 3
VERIFY_LIMIT = 4


class RoundRobin:
    """The load balancer: each new connection goes to the next server, bytes relayed both ways."""

    def __init__(self, backends: list[tuple[str, int]]):
        self.backends = itertools.cycle(backends)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(next(self.backends))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.listener.close()


@pytest.fixture(scope="module")
def uat(engine, make_uat, remove_uats, make_user):
    with engine.begin() as c:
        make_uat(c, UAT, "Test Două Servere", (X0, Y0, X0 + 2000, Y0 + 2000))
    for role in ("officer", "surveyor"):
        make_user(f"two.{role}", role)
    yield UAT
    remove_uats([UAT])


@pytest.fixture(scope="module")
def servers(loaded, uat, production_server, tmp_path_factory):
    """Two servers, each with its own var/ and tile cache (as two machines), one database and one
    session key; the database reached by its URLs, not through either server's var/."""
    cluster = LocalCluster(loaded)
    key = secrets.token_hex(32)
    urls, dirs = [], []
    for name in ("a", "b"):
        var = tmp_path_factory.mktemp(f"server-{name}")
        dirs.append(var / "tiles")
        urls.append(production_server({
            "TERITORIU_VAR_DIR": str(var), "TERITORIU_TILE_CACHE_DIR": str(var / "tiles"),
            "TERITORIU_DATABASE_URL": cluster.url("teritoriu_app").render_as_string(hide_password=False),
            "TERITORIU_DATABASE_OWNER_URL": cluster.url("teritoriu_owner").render_as_string(hide_password=False),
            "TERITORIU_DATABASE_PUBLIC_URL": cluster.url("teritoriu_public").render_as_string(hide_password=False),
            "TERITORIU_DB_NAME": loaded.db_name, "TERITORIU_SECRET_KEY": key,
            "TERITORIU_SIGN_IN_FAILURES_PER_ACCOUNT": str(SIGN_IN_LIMIT),
            "TERITORIU_VERIFY_PER_ADDRESS": str(VERIFY_LIMIT),
            "TERITORIU_FILINGS_PER_ADDRESS": "1000", "TERITORIU_FILINGS_PER_EMAIL": "1000",
            "TERITORIU_RATE_LIMIT_PER_S": "200",
        }, workers=1))
    return urls, dirs


@pytest.fixture(scope="module")
def balancer(servers):
    urls, _ = servers
    lb = RoundRobin([("127.0.0.1", int(u.rsplit(":", 1)[1])) for u in urls])
    yield lb.url
    lb.close()


def signed_in(base: str, username: str, password: str = STAFF_PASSWORD) -> tuple[requests.Session, str]:
    http = requests.Session()
    token = CSRF_FIELD.search(http.get(f"{base}/office/login", timeout=30).text).group(1)
    r = http.post(f"{base}/office/login", data={"csrf": token, "username": username, "password": password},
                  timeout=30, allow_redirects=False)
    assert r.status_code == 303, r.text
    return http, CSRF_FIELD.search(http.get(f"{base}/office", timeout=30).text).group(1)


def test_a_session_made_on_one_server_holds_on_the_other(servers, balancer):
    (a, b), _ = servers
    http, csrf = signed_in(a, "two.officer")
    assert http.get(f"{b}/office", timeout=30, allow_redirects=False).status_code == 200
    # through the balancer, one connection each: both servers answer in turn
    assert [requests.get(f"{balancer}/office", cookies=http.cookies, timeout=30, allow_redirects=False).status_code
            for _ in range(4)] == [200] * 4
    out = http.post(f"{b}/office/logout", data={"csrf": csrf}, timeout=30, allow_redirects=False)
    assert out.status_code == 303
    assert http.get(f"{a}/office", timeout=30, allow_redirects=False).status_code in (302, 303)  # ended for both


def test_the_sign_in_and_verify_throttles_count_on_both_servers(servers, clear_throttles):
    (a, b), _ = servers
    clear_throttles("sign-in")
    clear_throttles("verify")
    answers = []
    for base in (a, b, a, b, a):
        http = requests.Session()
        token = CSRF_FIELD.search(http.get(f"{base}/office/login", timeout=30).text).group(1)
        answers.append(http.post(f"{base}/office/login", timeout=30, allow_redirects=False,
                                 data={"csrf": token, "username": "two.surveyor", "password": "greșită"}).status_code)
    assert answers == [401] * SIGN_IN_LIMIT + [429, 429]
    checks = [requests.get(f"{base}/verify/NUEXISTA", timeout=30).status_code for base in (a, b) * VERIFY_LIMIT]
    assert checks[:VERIFY_LIMIT] == [404] * VERIFY_LIMIT and set(checks[VERIFY_LIMIT:]) == {429}
    clear_throttles("sign-in")
    clear_throttles("verify")


def test_each_tile_cache_is_its_own_and_follows_an_edit_made_on_the_other(servers, engine):
    (a, b), (tiles_a, tiles_b) = servers
    http, csrf = signed_in(b, "two.officer")
    made = http.post(f"{b}/api/office/parcels", headers={"X-CSRF-Token": csrf}, timeout=60, json={
        "uat": UAT, "cadastral_number": "821001", "use_category": "CC", "intravilan": True, "legal_area": 800,
        "geometry": {"type": "Polygon", "coordinates": [[[X0 + 100, Y0 + 100], [X0 + 120, Y0 + 100],
                                                         [X0 + 120, Y0 + 140], [X0 + 100, Y0 + 140],
                                                         [X0 + 100, Y0 + 100]]]}})
    assert made.status_code == 201, made.text
    pid = made.json()["parcel"]["id"]
    with engine.connect() as c:
        lon, lat = c.execute(text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_PointOnSurface(geom), 4326) "
                                  "p FROM cadastre.parcel WHERE id = :i) s"), {"i": pid}).one()
    x, y = lon_lat_to_tile(lon, lat, 17)
    path = f"/ogc/collections/parcels/tiles/WebMercatorQuad/17/{y}/{x}"

    def tile(base: str) -> bytes:
        r = requests.get(base + path, timeout=30)
        assert r.status_code == 200, r.text
        return gzip.decompress(r.content) if r.content[:2] == b"\x1f\x8b" else r.content

    assert b"821001" in tile(a) and b"821001" in tile(b)
    cached = {d: sorted(p.relative_to(d) for p in d.rglob("*.mvt.gz")) for d in (tiles_a, tiles_b)}
    assert cached[tiles_a] and cached[tiles_b], "each server keeps the tile in its own cache"
    renamed = http.put(f"{b}/api/office/parcels/{pid}", headers={"X-CSRF-Token": csrf}, timeout=60,
                       json={"version": 1, "cadastral_number": "821002"})
    assert renamed.status_code == 200, renamed.text
    for base in (a, b):  # A never saw the edit: its cache still must not answer the old tile
        fresh = tile(base)
        assert b"821002" in fresh and b"821001" not in fresh


def _file(servers, body: dict) -> dict:
    r = requests.post(f"{servers}/api/certificates", json=body, timeout=120)
    return {"http": r.status_code, **(r.json() if r.headers.get("Content-Type", "").startswith("application/json")
                                        else {})}


def test_registry_numbers_stay_unique_and_gap_free_when_both_servers_file_at_once(servers, engine):
    (a, b), _ = servers
    with engine.connect() as c:
        number, siruta = c.execute(text("SELECT cadastral_number, uat_siruta FROM public_api.parcel "
                                        "WHERE intravilan ORDER BY cadastral_number LIMIT 1")).one()
        before = c.execute(text("SELECT coalesce(max(last_number), 0) FROM registry.counter "
                                "WHERE uat_siruta = :u AND year = :y"), {"u": siruta, "y": date.today().year}).scalar()
    n = 12
    barrier = threading.Barrier(n)
    body = {"type": "urbanism", "parcels": [number], "purpose": "construire locuință", "applicant_name": "Ana Pop"}

    def file(i: int) -> dict:
        barrier.wait()
        return _file((a, b)[i % 2], body)

    with ThreadPoolExecutor(n) as pool:
        answers = list(pool.map(file, range(n)))
    assert [x["http"] for x in answers] == [201] * n, answers
    numbers = sorted(int(x["registry_number"].split("/")[0]) for x in answers)
    assert numbers == list(range(before + 1, before + n + 1)), "unique, consecutive, none skipped"
    with engine.connect() as c:
        stored = c.execute(text("SELECT registry_number FROM registry.request WHERE uat_siruta = :u AND year = :y "
                                "AND registry_number > :b ORDER BY 1"),
                           {"u": siruta, "y": date.today().year, "b": before}).scalars().all()
    assert stored == numbers


def _shapefile_zip(tmp_path, first: int) -> bytes:
    x = X0 + 20 * (first % 100)  # each import its own strip of the UAT
    rows = [{"NR_CAD": str(first + i), "CATEGORIE": "A", "INTRAVILAN": 0, "SUPRAFATA": 600,
             "geometry": box(x + 20 * i, Y0 + 500, x + 20 * (i + 1), Y0 + 530)} for i in range(3)]
    folder = tmp_path / str(first)
    folder.mkdir()
    gpd.GeoDataFrame([{k: v for k, v in r.items() if k != "geometry"} for r in rows],
                     geometry=[r["geometry"] for r in rows], crs="EPSG:3844").to_file(folder / "parcele.shp",
                                                                                      engine="pyogrio")
    out = tmp_path / f"{first}.zip"
    with zipfile.ZipFile(out, "w") as z:
        for f in folder.iterdir():
            z.write(f, f.name)
    return out.read_bytes()


def _staged(base: str, tmp_path, first: int) -> int:
    """An import of three new parcels uploaded to `base` and checked: its job number."""
    surveyor, csrf = signed_in(base, "two.surveyor")
    up = surveyor.post(f"{base}/api/imports", headers={"X-CSRF-Token": csrf}, timeout=120,
                       files={"file": ("parcele.zip", _shapefile_zip(tmp_path, first))},
                       data={"layer": "parcels", "uat": str(UAT)})
    assert up.status_code == 202, up.text
    job = up.json()["id"]
    deadline = time.monotonic() + 120
    while (state := surveyor.get(f"{base}/api/imports/{job}", timeout=30).json())["status"] == "running":
        assert time.monotonic() < deadline, "the check did not end"
        time.sleep(0.2)
    assert state["status"] == "staged", state
    return job


def _written(engine, first: int) -> list:
    with engine.connect() as c:
        return c.execute(text("SELECT cadastral_number, count(*) FROM cadastre.parcel WHERE uat_siruta = :u "
                              "AND cadastral_number IN (:a, :b, :c) GROUP BY 1 ORDER BY 1"),
                         {"u": UAT, "a": str(first), "b": str(first + 1), "c": str(first + 2)}).all()


def test_an_import_uploaded_to_one_server_is_accepted_on_the_other(servers, engine, tmp_path):
    (a, b), _ = servers
    job = _staged(a, tmp_path, 821110)
    http, csrf = signed_in(b, "two.officer")
    accepted = http.post(f"{b}/api/imports/{job}/accept", headers={"X-CSRF-Token": csrf}, timeout=120)
    assert accepted.status_code == 200 and accepted.json()["status"] == "committed", accepted.text
    assert _written(engine, 821110) == [("821110", 1), ("821111", 1), ("821112", 1)]


def test_an_import_is_accepted_once_when_both_servers_are_asked_at_once(servers, engine, tmp_path):
    (a, b), _ = servers
    job = _staged(a, tmp_path, 821120)
    officers = [signed_in(base, "two.officer") for base in (a, b)]
    barrier = threading.Barrier(2)

    def accept(i: int) -> requests.Response:
        http, csrf = officers[i]
        barrier.wait()
        return http.post(f"{(a, b)[i]}/api/imports/{job}/accept", headers={"X-CSRF-Token": csrf}, timeout=120)

    with ThreadPoolExecutor(2) as pool:
        answers = sorted(pool.map(accept, range(2)), key=lambda r: r.status_code)
    assert [r.status_code for r in answers] == [200, 409], [r.text for r in answers]
    assert answers[0].json()["status"] == "committed"
    assert "committed, nu așteaptă o decizie" in answers[1].json()["message"]  # decided by the other
    with engine.connect() as c:
        assert c.execute(text("SELECT status FROM importing.job WHERE id = :j"), {"j": job}).scalar_one() == "committed"
        assert c.execute(text("SELECT count(*) FROM importing.upload WHERE job_id = :j"), {"j": job}).scalar_one() == 0
    assert _written(engine, 821120) == [("821120", 1), ("821121", 1), ("821122", 1)], "each parcel written once"
