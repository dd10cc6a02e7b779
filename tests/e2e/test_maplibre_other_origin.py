"""A web map on another site: a static MapLibre GL JS page served by a second HTTP server (another
origin) loads the MapLibre style from /ogc, draws the parcels' vector tiles and fetches GeoJSON items
(GET and a CQL2 JSON POST) with fetch(); CORS lets all of it through, with no console error."""

from __future__ import annotations

import functools
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import text

from gis.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e
MAPLIBRE = PROJECT_ROOT / "webmap" / "static" / "vendor" / "maplibre-gl"

PAGE = """<!doctype html>
<html lang="ro"><head><meta charset="utf-8"><title>Harta altui site</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="maplibre-gl.css"><script src="maplibre-gl.js"></script>
<style>#map { width: 800px; height: 600px; }</style></head>
<body><div id="map"></div><script>
const params = new URLSearchParams(location.search);
const api = params.get("api");
const map = new maplibregl.Map({
  container: "map", style: api + "/ogc/collections/parcels/styles/default",
  center: [Number(params.get("lon")), Number(params.get("lat"))], zoom: 17,
});
map.once("idle", async () => {
  const body = document.body.dataset;
  body.rendered = map.queryRenderedFeatures({ layers: ["parcels-outline"] }).length;
  const got = await fetch(api + "/ogc/collections/parcels/items?limit=5",
                          { headers: { Accept: "application/geo+json" } });
  body.returned = (await got.json()).numberReturned;
  const posted = await fetch(api + "/ogc/collections/parcels/items?f=json", {
    method: "POST", headers: { "Content-Type": "application/query-cql-json" },
    body: JSON.stringify({ op: "=", args: [{ property: "intravilan" }, true] }),
  });
  body.posted = (await posted.json()).numberReturned;
  body.done = "1";
});
</script></body></html>
"""


@pytest.fixture(scope="module")
def other_site(tmp_path_factory):
    """The second origin: a plain static file server on its own port."""
    root = tmp_path_factory.mktemp("other-site")
    (root / "index.html").write_text(PAGE, encoding="utf-8")
    for name in ("maplibre-gl.js", "maplibre-gl.css"):
        shutil.copy(MAPLIBRE / name, root / name)
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_maplibre_page_on_another_origin_draws_the_tiles_and_reads_the_items(browser, live_server, other_site,
                                                                                 engine, artifacts):
    assert other_site.split(":")[-1] != live_server.split(":")[-1]  # two origins
    with engine.connect() as c:
        lon, lat = c.execute(text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_PointOnSurface(geom), 4326) p "
                                  "FROM public_api.parcel WHERE intravilan ORDER BY cadastral_number LIMIT 1) s")).one()
    context = browser.new_context()
    try:
        page = context.new_page()
        errors, responses = [], []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("response", lambda r: responses.append((r.url, r.status)))
        page.goto(f"{other_site}/index.html?api={live_server}&lon={lon}&lat={lat}")
        page.wait_for_selector("body[data-done]", state="attached", timeout=60_000)
        page.screenshot(path=str(artifacts / "maplibre-other-origin.png"))
        data = page.evaluate("() => ({...document.body.dataset})")
    finally:
        context.close()
    assert int(data["rendered"]) > 0, data
    assert int(data["returned"]) == 5 and int(data["posted"]) > 0, data
    tiles = [(u, s) for u, s in responses if "/tiles/WebMercatorQuad/" in u and u.startswith(live_server)]
    assert tiles and all(s in (200, 204) for _, s in tiles), tiles
    assert any(u.endswith("/tilejson") for u, _ in responses)
    assert errors == [], errors  # a CORS refusal is a console error
