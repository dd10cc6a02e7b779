"""Warm vector tiles sent by nginx alone (issue 24): Debian's nginx with the README's configuration
(api/nginx_site.py) in front of `teritoriu serve --production`, whose keeper holds
<tiles>/<db>/current on the current data revision (layers/tiles_link.py).

Who answered is read from the logs: nginx's own line says `-` for the upstream when it sent the file
itself, and the app's access log must not hold the request."""

from __future__ import annotations

import gzip
import os
import shutil
import stat
from types import SimpleNamespace

import mapbox_vector_tile
import pytest
import requests
from factories import free_port, until
from sqlalchemy import text

from api import nginx_site, production
from gis.db import get_engine
from layers.orthophoto import lon_lat_to_tile
from layers.registry import load_layers
from layers.tiles_link import KEEPER_NAME, link_path
from layers.tilesets import catalogue_for

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not os.access(nginx_site.NGINX, os.X_OK),
                                reason="nginx is not installed (Debian's nginx-light: scripts/setup.sh installs it)")]

TILE = "/ogc/collections/{layer}/tiles/WebMercatorQuad/16/{y}/{x}"
GZ = {"Accept-Encoding": "gzip"}


@pytest.fixture(scope="module")
def stack(loaded):
    # under var/, not pytest's 0700 temporary folders: nginx started by root reads as `nobody`
    here = loaded.var_dir / "test-tiles-nginx"
    shutil.rmtree(here, ignore_errors=True)
    tiles, root = here / "tiles", here / "nginx"
    tiles.mkdir(parents=True)
    root.mkdir()
    app_port, port = free_port(), free_port()
    app_log = root / "app-access.log"
    with open(app_log, "wb") as log:
        server = production.spawn(app_port, {
            "TERITORIU_DB_NAME": loaded.db_name, "TERITORIU_TILE_CACHE_DIR": str(tiles),
            "TERITORIU_TILES_CURRENT_LINK": "1", "TERITORIU_TILES_ACCEL_REDIRECT": "/_tiles/",
            "TERITORIU_RATE_LIMIT_PER_S": "0"}, workers=2, access_log=log)
    try:
        nginx = nginx_site.start(root, port, app_port, tiles, loaded.db_name)
        try:
            yield SimpleNamespace(url=f"http://127.0.0.1:{port}", app_log=app_log, nginx_log=root / "access.log",
                                  link=link_path(tiles, loaded.db_name), server=server)
        finally:
            nginx_site.stop(nginx)
    finally:
        production.stop(server)


@pytest.fixture(scope="module")
def spot(engine):
    """A z16 parcels tile over a current parcel, and that parcel's number."""
    with engine.connect() as c:
        number, lon, lat = c.execute(text(
            "SELECT cadastral_number, ST_X(p), ST_Y(p) FROM (SELECT cadastral_number, "
            "ST_Transform(ST_PointOnSurface(geom), 4326) p FROM public_api.parcel "
            "ORDER BY cadastral_number LIMIT 1) s")).one()
    x, y = lon_lat_to_tile(lon, lat, 16)
    return SimpleNamespace(path=TILE.format(layer="parcels", x=x, y=y), x=x, y=y, number=number)


def ask(stack, path: str, headers: dict, method: str = "GET") -> tuple[requests.Response, str]:
    """The answer through nginx, and nginx's log line of it ("<status> <upstream, or - from a file> ...");
    every request of this module goes through here, so each line is its own request's."""
    before = len(stack.nginx_log.read_text().splitlines())
    r = requests.request(method, stack.url + path, headers=headers, stream=True, timeout=60)
    r.body = r.raw.read()  # as sent (gzip stays gzip)
    lines = until(lambda: stack.nginx_log.read_text().splitlines()[before:], "nginx's log line")
    assert len(lines) == 1 and lines[0].endswith(" " + path), lines
    return r, lines[0]


def from_file(line: str) -> bool:
    return line.split()[1] == "-"


def app_lines(stack, path: str) -> int:
    return sum(f" {path} " in ln for ln in stack.app_log.read_text().splitlines())


def numbers(mvt: bytes) -> set[str]:
    return {f["properties"]["cadastral_number"] for f in mapbox_vector_tile.decode(mvt)["parcels"]["features"]}


def revision_of_link(stack) -> int:
    return int(os.readlink(stack.link).rsplit("/", 1)[-1])


def warm(stack, path: str) -> requests.Response:
    """Ask until nginx sent the tile from its file (the first asks may reach the app: a cold tile)."""
    def attempt():
        r, line = ask(stack, path, GZ)
        return r if from_file(line) else None
    return until(attempt, f"{path} sent by nginx from the file")


def test_a_warm_tile_is_sent_by_nginx_without_the_app(stack, spot):
    assert stack.link.is_symlink() and revision_of_link(stack) > 0
    first, line = ask(stack, spot.path, GZ)  # cold: the app renders and caches it
    assert first.status_code == 200 and not from_file(line)
    r = warm(stack, spot.path)
    seen_by_app = until(lambda: app_lines(stack, spot.path), "the cold tile in the app's log")
    for _ in range(5):
        again, line = ask(stack, spot.path, GZ)
        assert again.status_code == 200 and from_file(line) and again.body == r.body
    assert app_lines(stack, spot.path) == seen_by_app  # the app never saw them
    # the app's headers, from nginx
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/vnd.mapbox-vector-tile"
    assert r.headers["Content-Encoding"] == "gzip" and r.headers["Vary"] == "Accept-Encoding"
    assert r.headers["Cache-Control"] == "public, max-age=60, must-revalidate"
    assert r.headers["Access-Control-Allow-Origin"] == "*" and "ETag" in r.headers["Access-Control-Expose-Headers"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "ETag" not in r.headers and "Last-Modified" not in r.headers  # nothing for nginx to answer 304 to
    assert r.body[:2] == b"\x1f\x8b" and spot.number in numbers(gzip.decompress(r.body))
    # nginx runs as another user (www-data): the tiles and their folders are readable by all
    tile = stack.link / "parcels" / "16" / str(spot.x) / f"{spot.y}.mvt.gz"
    assert [stat.S_IMODE(p.stat().st_mode) & 0o005 for p in (tile, tile.parent, stack.link)] == [0o004, 0o005, 0o005]
    head, line = ask(stack, spot.path, GZ, method="HEAD")
    assert head.status_code == 200 and head.headers["Content-Encoding"] == "gzip" and from_file(line)
    assert head.body == b"" and int(head.headers["Content-Length"]) == len(r.body)


def test_an_empty_tile_is_always_the_apps_204(stack, engine, loaded):
    """Kept as <y>.mvt.empty (layers/vector_tiles.py): never a 0-byte `.mvt.gz` nginx would send as gzip."""
    r0, r1, c0, c1 = catalogue_for(loaded).get("parcels", revision_of_link(stack)).limits.at(16)
    with engine.connect() as c:
        y, x = next((row, col) for row in range(r0, r1 + 1) for col in range(c0, c1 + 1) if not c.execute(text(
            "SELECT EXISTS (SELECT 1 FROM public_api.parcel WHERE geom && ST_Transform("
            "ST_TileEnvelope(16, :x, :y, margin => 0.02), ST_SRID(geom)))"), {"x": col, "y": row}).scalar_one())
    path = TILE.format(layer="parcels", x=x, y=y)
    for _ in range(3):
        r, line = ask(stack, path, GZ)
        assert r.status_code == 204 and r.body == b"" and "Content-Encoding" not in r.headers
        assert not from_file(line)


def test_revalidations_clients_without_gzip_and_preflights_reach_the_app(stack, spot):
    own, line = ask(stack, spot.path, {**GZ, "If-None-Match": '"0-x"'})
    assert own.status_code == 200 and own.headers["ETag"].endswith('-gz"') and not from_file(line)
    assert own.headers["Content-Encoding"] == "gzip" and own.headers["Access-Control-Allow-Origin"] == "*"
    assert own.body[:2] == b"\x1f\x8b" and spot.number in numbers(gzip.decompress(own.body))
    again, line = ask(stack, spot.path, {**GZ, "If-None-Match": own.headers["ETag"]})
    assert again.status_code == 304 and not from_file(line)  # the app's 304: it asked the database
    since, line = ask(stack, spot.path, {**GZ, "If-Modified-Since": "Tue, 01 Dec 2099 00:00:00 GMT"})
    assert since.status_code == 200 and since.body == own.body and from_file(line)  # nginx never answers 304
    plain, line = ask(stack, spot.path, {"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers and not from_file(line)
    assert spot.number in numbers(plain.body)
    preflight, line = ask(stack, spot.path, {**GZ, "Origin": "https://harta.example",
                                             "Access-Control-Request-Method": "GET"}, method="OPTIONS")
    assert preflight.status_code == 204 and "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert not from_file(line)


def test_an_edit_flips_the_link_and_nginx_sends_the_new_tile(stack, spot, engine):
    assert spot.number in numbers(gzip.decompress(warm(stack, spot.path).body))
    before = revision_of_link(stack)
    with engine.begin() as c:
        c.execute(text("UPDATE cadastre.parcel SET valid_to = now() WHERE cadastral_number = :n "
                       "AND valid_to IS NULL"), {"n": spot.number})
    try:
        until(lambda: revision_of_link(stack) > before, "the link on the new revision")
        r = warm(stack, spot.path)  # rendered once by the app at the new revision, then from the file
        assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip"
        left = numbers(gzip.decompress(r.body))
        assert spot.number not in left and len(left) > 0
    finally:
        with engine.begin() as c:  # restore: a new version of the same parcel
            c.execute(text("UPDATE cadastre.parcel SET valid_to = NULL WHERE id = (SELECT max(id) "
                           "FROM cadastre.parcel WHERE cadastral_number = :n)"), {"n": spot.number})


def test_only_the_public_tilesets_are_under_the_link(stack, spot, loaded):
    public = set(catalogue_for(loaded).layers)
    staff_only = {lid for lid, layer in load_layers().items() if not layer.is_public}
    assert public and staff_only and not public & staff_only
    warm(stack, spot.path)  # the current revision's folder exists
    for layer in sorted(public):
        ask(stack, TILE.format(layer=layer, x=spot.x, y=spot.y), GZ)
    assert "parcels" in os.listdir(stack.link) and set(os.listdir(stack.link)) <= public
    for layer in sorted(staff_only):
        path = TILE.format(layer=layer, x=spot.x, y=spot.y)
        r, line = ask(stack, path, GZ)
        assert r.status_code == 404 and not from_file(line)  # the app's refusal
    for hostile in ("/ogc/collections/..%2F..%2F.keeper/tiles/WebMercatorQuad/16/1/1",
                    "/ogc/collections/parcels/tiles/WebMercatorQuad/16/..%2F..%2F/1"):
        r, line = ask(stack, hostile, GZ)
        assert r.status_code in (400, 404) and not from_file(line)


def test_without_notifications_the_keeper_reads_the_revision_every_few_seconds(stack, engine, loaded):
    """As on a hot standby (LISTEN refused) or after a lost connection: the keeper's LISTEN connection is
    cut, and the edit's NOTIFY never reaches it; the link follows by reading (POLL_S)."""
    before = revision_of_link(stack)
    with get_engine(loaded, "public").connect() as c:  # its own role may end its connections
        cut = c.execute(text("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                             "WHERE application_name = :n AND datname = current_database()"),
                        {"n": KEEPER_NAME}).scalar_one()
    assert cut == 1
    with engine.begin() as c:
        c.execute(text("UPDATE cadastre.parcel SET tarla = tarla WHERE false"))  # the statement's trigger bumps it
    until(lambda: revision_of_link(stack) > before, "the link on the new revision, by a read")
    with engine.connect() as c:  # it listens again only after RETRY_S: the flip came from a read
        assert c.execute(text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :n"),
                         {"n": KEEPER_NAME}).scalar_one() == 0


def test_a_stopped_app_takes_the_link_with_it(stack, spot):
    assert warm(stack, spot.path).status_code == 200
    production.stop(stack.server)  # its keeper removes the link on the way out
    assert not stack.link.exists() and not stack.link.is_symlink()
    r, line = ask(stack, spot.path, GZ)
    assert r.status_code == 502 and not from_file(line)  # handed to the (stopped) app: no revision nobody confirms
