"""Fixes to pygeoapi's request path.

pygeoapi 0.24 transforms a `bbox` by its two corners (`pygeoapi.crs.transform_bbox`), with a new
pyproj Transformer per request (33 ms of a 50 ms request at 1M parcels): a world box then matched
nothing and a small CRS84 box over-included. The replacement hands the provider the exact area
the box covers in the storage CRS (gis/bbox.py: clamped to the CRS's area of use, densified,
cached transformers), as a `layers.provider.BoxArea`.

pygeoapi's JSON answers write < and > as &lt; and &gt; (its `util.to_json`, made for its HTML
pages): a street named "A <b>" reached GDAL, QGIS and the public map's labels as "A &lt;b&gt;".
Its API modules get a `to_json` that writes them as \u003c and \u003e: the same text for every
JSON reader, and still nothing that could close a script element. Its HTML templates keep its own.
The JSON is written by orjson (json.dumps took 0.6 ms of a 100-feature page; bench/RESULTS.md).

pygeoapi builds a new provider for every request (`load_plugin`: Teritoriu's provider reads the
layer registry and builds its SQLAlchemy table again, ~1 ms). Teritoriu's PostGIS provider holds no
per-request state, so one instance per provider definition serves the whole process.
"""

from __future__ import annotations

import importlib
import json
import threading

import orjson

from layers.ogc_config import PROVIDER as OWN_PROVIDER

_providers: dict[int, tuple[dict, object]] = {}
_providers_lock = threading.Lock()


def transform_bbox(bbox: list, from_crs, to_crs, always_xy: bool = False) -> list:
    """pygeoapi's call, with the bbox it validated in `from_crs` (a URI: bbox-crs, CRS84 by default).
    The route checked the box first (gis.bbox.bbox_problem), so reading it again cannot fail here."""
    from gis.bbox import crs_of, parse_bbox, storage_area
    from layers.provider import BoxArea

    box = parse_bbox(",".join(repr(float(v)) for v in bbox), from_crs)
    return BoxArea(storage_area(box, crs_of(to_crs)[0]))


def to_json(dict_: dict, pretty: bool = False) -> str:
    """pygeoapi.util.to_json with < and > as JSON escapes instead of HTML entities."""
    from pygeoapi.util import json_serial

    if pretty:
        text = json.dumps(dict_, default=json_serial, indent=4)
    else:
        try:
            text = orjson.dumps(dict_, default=json_serial).decode()
        except TypeError:  # what orjson refuses (a non-string key, an integer beyond 64 bits)
            text = json.dumps(dict_, default=json_serial, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e")


def load_plugin(plugin_type: str, plugin_def: dict):
    """pygeoapi's load_plugin, with Teritoriu's own provider made once per definition (the
    definition is a dict of the API's configuration, the same object at every request)."""
    from pygeoapi.plugin import load_plugin as load

    if plugin_type != "provider" or plugin_def.get("name") != OWN_PROVIDER:
        return load(plugin_type, plugin_def)
    cached = _providers.get(id(plugin_def))
    if cached is not None and cached[0] is plugin_def:  # the same dict, not one at a recycled address
        return cached[1]
    provider = load(plugin_type, plugin_def)
    with _providers_lock:
        _providers[id(plugin_def)] = (plugin_def, provider)  # holds the dict: its id stays its own
    return provider


JSON_MODULES = ("pygeoapi.api", "pygeoapi.api.itemtypes", "pygeoapi.api.coverages", "pygeoapi.api.tiles",
                "pygeoapi.api.processes", "pygeoapi.api.maps", "pygeoapi.api.stac",
                "pygeoapi.api.environmental_data_retrieval")


def install() -> None:
    import pygeoapi.api.itemtypes as itemtypes

    itemtypes.transform_bbox = transform_bbox
    itemtypes.load_plugin = load_plugin
    for name in JSON_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "to_json"):
            module.to_json = to_json
