"""QGIS 3.22 (Debian's python3-qgis, as agencies run it) against a running server: what QGIS
itself reports, printed by tests/clients/qgis_probe.py, compared with PostGIS and styles.yaml."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text

from layers.registry import load_layers
from styles import get_style

PROBE = Path(__file__).parent / "clients" / "qgis_probe.py"
DEBIAN_PYTHON = "/usr/bin/python3"


def _has_qgis() -> bool:
    try:
        return subprocess.run([DEBIAN_PYTHON, "-c", "import qgis.core"], capture_output=True,
                              timeout=60).returncode == 0
    except OSError:
        return False


pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not _has_qgis(), reason="python3-qgis (Debian): make setup")]


def qgis(**request) -> dict:
    done = subprocess.run([DEBIAN_PYTHON, str(PROBE), json.dumps(request)], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["qgis"].startswith("3.22"), result
    return result


@pytest.mark.parametrize("collection", ["parcels", "zones", "streets"])
def test_qgis_knows_the_feature_count_before_downloading(live_server, engine, collection):
    """QGIS reads numberMatched from its first `?limit=10` request: the count the attribute table
    and the layer properties show before anything is downloaded."""
    layer = load_layers()[collection]
    with engine.connect() as c:
        expected = c.execute(text(f"SELECT count(*) FROM {layer.source}")).scalar_one()  # noqa: S608
    seen = qgis(action="features", url=f"{live_server}/ogc", layer=collection)
    assert seen["valid"]
    assert seen["count_before"] == expected > 0
    assert seen["iterated"] == seen["count_after"] == expected


def _expected_symbols(style) -> list[dict]:
    def colours(fill, stroke):
        painted = fill is not None and style.fill_opacity > 0 and style.kind != "line"
        return {"fill": fill if painted else None, "stroke": stroke}
    if style.classes:
        ordered = [colours(c.fill, c.stroke) for c in style.classes]
        return ordered + ([colours(style.default.fill, style.default.stroke)] if style.default else [])
    return [colours(style.fill, style.stroke)]


STYLED = sorted(lid for lid, layer in load_layers().items() if layer.is_public and layer.style)


@pytest.mark.parametrize("fmt", ["qml", "sld"])
@pytest.mark.parametrize("collection", STYLED)
def test_qgis_loads_the_city_halls_style_onto_the_feed(live_server, collection, fmt):
    """The QML and the SLD load onto the OAPIF layer without a message, with the colours of
    styles.yaml in its order and the label on the same property."""
    style = get_style(load_layers()[collection].style)
    seen = qgis(action="style", url=f"{live_server}/ogc", layer=collection, format=fmt,
                style_url=f"{live_server}/api/styles/{collection}.{fmt}")
    assert seen["ok"], seen["message"]
    expected = _expected_symbols(style)
    assert seen["symbols"] == expected and expected
    assert seen["label_field"] == style.label


def test_qgis_draws_the_vector_tiles_from_the_tilejson_with_the_maplibre_style(live_server, engine):
    """As an analyst adds our tiles in QGIS 3.22 (Vector Tiles → XYZ with the TileJSON's template
    and the style URL): the style loads with styles.yaml's colours, and QGIS paints the parcels'
    outlines where parcels are and nothing where there are none."""
    import requests

    tilejson = requests.get(f"{live_server}/ogc/collections/parcels/tiles/WebMercatorQuad/tilejson",
                            timeout=60).json()
    style_url = f"{live_server}/ogc/collections/parcels/styles/default"
    with engine.connect() as c:
        x, y = c.execute(text("SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_PointOnSurface(geom), 3857) p "
                              "FROM public_api.parcel WHERE intravilan ORDER BY id LIMIT 1) s")).one()
    stroke = get_style("parcels").stroke
    seen = qgis(action="vector_tiles", type="xyz", url=tilejson["tiles"][0], zmin=tilejson["minzoom"],
                zmax=tilejson["maxzoom"], styleUrl=style_url, colour=stroke,
                extents=[[x - 120, y - 120, x + 120, y + 120], [x + 50_000, y + 50_000, x + 50_240, y + 50_240]])
    assert seen["valid"] and (seen["zmin"], seen["zmax"]) == (tilejson["minzoom"], tilejson["maxzoom"])
    assert seen["style_loaded"], seen["style_message"]
    assert ["parcels-outline", stroke] in seen["styles"]
    over_parcels, far_away = seen["painted"]
    assert over_parcels > 200 and far_away == 0
