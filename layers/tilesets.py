"""What the vector tiles of a layer are, as documents clients read: OGC API - Tiles (OGC 20-057) tileset
lists and tileset metadata with the OGC 2D Tile Matrix Set standard's (17-083r4) WebMercatorQuad, a
TileJSON 3.0.0 document (web maps, QGIS: `{z}/{x}/{y}` templates) and a MapLibre style drawn from
styles/ (the public map's colours).

A tileset's `tileMatrixSetLimits` are the layer's own extent, per zoom of the layer's `tiles` in its
YAML; the tile route answers 404 outside them (the same numbers: `TileLimits.contain`).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Engine, text

from gis.db import get_engine
from gis.profiles import get_profile
from gis.settings import Settings
from layers.registry import Layer, load_layers
from layers.vector_tiles import data_revision
from styles import get_style, to_maplibre_layers

HALF = 20037508.342789244  # half the side of the Web Mercator square, metres
TMS_ID = "WebMercatorQuad"
TMS_URI = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
CRS_3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
MVT = "application/vnd.mapbox-vector-tile"
STYLE_TYPE = "application/vnd.mapbox.style+json"
REL_TILING_SCHEME = "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"
REL_TILESETS_VECTOR = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"
REL_GEODATA = "http://www.opengis.net/def/rel/ogc/1.0/geodata"
REL_STYLES = "http://www.opengis.net/def/rel/ogc/1.0/styles"
TILE_TEMPLATE = "{tileMatrix}/{tileRow}/{tileCol}"
MAX_ZOOM = 22


def web_mercator_quad(base: str) -> dict:
    """The WebMercatorQuad tile matrix set, zooms 0-22, in the 17-083r4 (TMS 2.0) JSON encoding. GDAL 3.6
    reads only the 17-083r2 (1.0) names: `identifier`, `supportedCRS`, `lowerCorner`/`upperCorner` and
    `topLeftCorner` are given alongside (the same values; unknown members are ignored by 2.0 readers)."""
    matrices = []
    for z in range(MAX_ZOOM + 1):
        cell = 2 * HALF / 256 / (1 << z)
        matrices.append({"id": str(z), "identifier": str(z), "scaleDenominator": cell / 0.00028, "cellSize": cell,
                         "cornerOfOrigin": "topLeft", "pointOfOrigin": [-HALF, HALF], "topLeftCorner": [-HALF, HALF],
                         "tileWidth": 256, "tileHeight": 256, "matrixWidth": 1 << z, "matrixHeight": 1 << z})
    return {
        "id": TMS_ID, "identifier": TMS_ID, "title": "Google Maps Compatible for the World", "uri": TMS_URI,
        "crs": CRS_3857, "supportedCRS": CRS_3857, "orderedAxes": ["X", "Y"],
        "wellKnownScaleSet": "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible",
        "boundingBox": {"lowerLeft": [-HALF, -HALF], "upperRight": [HALF, HALF], "crs": CRS_3857,
                        "lowerCorner": [-HALF, -HALF], "upperCorner": [HALF, HALF]},
        "tileMatrices": matrices,
        "links": [{"rel": "self", "type": "application/json", "href": f"{base}/ogc/tileMatrixSets/{TMS_ID}"}],
    }


def tile_matrix_sets(base: str) -> dict:
    return {"tileMatrixSets": [{"id": TMS_ID, "title": "Google Maps Compatible for the World", "uri": TMS_URI,
                                "crs": CRS_3857, "links": [{
                                    "rel": "self", "type": "application/json",
                                    "href": f"{base}/ogc/tileMatrixSets/{TMS_ID}"}]}]}


@dataclass(frozen=True)
class TileLimits:
    """The tiles of a layer: zooms and, per zoom, the rows and columns its extent meets."""
    min_zoom: int
    max_zoom: int
    extent: tuple[float, float, float, float]  # Web Mercator: minx, miny, maxx, maxy

    def at(self, z: int) -> tuple[int, int, int, int]:
        """(minRow, maxRow, minCol, maxCol) at zoom z."""
        n = 1 << z
        size = 2 * HALF / n
        minx, miny, maxx, maxy = self.extent

        def clamp(v: float) -> int:
            return min(n - 1, max(0, int(math.floor(v))))
        # a right or bottom edge on a tile border belongs to the tile before it
        return (clamp((HALF - maxy) / size), clamp(math.ceil((HALF - miny) / size) - 1),
                clamp((minx + HALF) / size), clamp(math.ceil((maxx + HALF) / size) - 1))

    def contain(self, z: int, row: int, col: int) -> bool:
        if not self.min_zoom <= z <= self.max_zoom:
            return False
        r0, r1, c0, c1 = self.at(z)
        return r0 <= row <= r1 and c0 <= col <= c1

    def as_json(self) -> list[dict]:
        out = []
        for z in range(self.min_zoom, self.max_zoom + 1):
            r0, r1, c0, c1 = self.at(z)
            out.append({"tileMatrix": str(z), "minTileRow": r0, "maxTileRow": r1, "minTileCol": c0, "maxTileCol": c1})
        return out


@dataclass(frozen=True)
class LayerTiles:
    """What the documents need of one tiled layer, for one data revision."""
    layer: Layer
    limits: TileLimits
    bounds: tuple[float, float, float, float]  # CRS84: west, south, east, north
    fields: dict[str, str]  # tile property -> TileJSON type (String, Number, Boolean)


class TilesetCatalogue:
    """The tiled public layers' extents and property types, read from PostGIS once per data revision."""

    def __init__(self, engine: Engine, srid: int, layers: dict[str, Layer],
                 fallback: tuple[float, float, float, float]):
        self.engine, self.srid, self.layers, self.fallback = engine, srid, layers, fallback
        self._revision: int | None = None
        self._tiles: dict[str, LayerTiles] = {}
        self._lock = threading.Lock()

    def get(self, layer_id: str, revision: int) -> LayerTiles:
        with self._lock:
            if revision != self._revision:
                self._tiles = {lid: self._read(layer) for lid, layer in self.layers.items()}
                self._revision = revision
            return self._tiles[layer_id]

    def _read(self, layer: Layer) -> LayerTiles:
        # The stored extent's outline, densified before it is transformed (a box's corners alone miss
        # the curved edges), as Web Mercator.
        sql = f"""
            WITH e AS (SELECT ST_SetSRID(ST_Extent(t."{layer.geom_field}")::geometry, {self.srid}) AS g
                       FROM {layer.schema}."{layer.table}" t)
            SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)
            FROM (SELECT ST_Transform(ST_Segmentize(g, 25), 3857)::box2d AS b FROM e WHERE g IS NOT NULL) s
        """  # noqa: S608 - identifiers from the layer registry
        props = list(layer.tiles.get("properties", []))
        with self.engine.connect() as conn:
            row = conn.execute(text(sql)).one_or_none()
            types = dict(conn.execute(text(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = :s AND table_name = :t"), {"s": layer.schema, "t": layer.table}).all())
        if row is None or row[0] is None:  # an empty layer: the country (profile), so that limits exist
            row = _transformer("EPSG:4326", "EPSG:3857").transform_bounds(*self.fallback)
        w, s, e, n = _transformer("EPSG:3857", "EPSG:4326").transform_bounds(row[0], row[1], row[2], row[3])
        # rounded outwards (the bounds hold every feature); the limits are computed from these very
        # bounds, so a web map given them (webmap's tile layers) asks for exactly the tiles that exist
        bounds = (math.floor(w * 1e6) / 1e6, math.floor(s * 1e6) / 1e6, math.ceil(e * 1e6) / 1e6,
                  math.ceil(n * 1e6) / 1e6)
        (x0, x1), (y0, y1) = _transformer("EPSG:4326", "EPSG:3857").transform([bounds[0], bounds[2]],
                                                                             [bounds[1], bounds[3]])
        extent = (x0, y0, x1, y1)
        limits = TileLimits(layer.tiles.get("min_zoom", 0), layer.tiles.get("max_zoom", MAX_ZOOM), extent)
        return LayerTiles(layer, limits, bounds, {p: _tilejson_type(types.get(p, "text")) for p in props})


@cache
def catalogue_for(settings: Settings) -> TilesetCatalogue:
    """One catalogue per settings (process): the tile route, the documents and the web maps share it."""
    tiled = {lid: layer for lid, layer in load_layers().items() if layer.is_public and layer.tiles}
    profile = get_profile(settings.profile)
    return TilesetCatalogue(get_engine(settings, "public"), profile.storage_srid, tiled, tuple(profile.bbox))


def current_bounds(settings: Settings) -> dict[str, list[float]]:
    """Each tiled layer's bounds (CRS84) now: web maps pass them to their tile layers, which then ask for
    no tile outside the tilesets' limits (a 404)."""
    catalogue = catalogue_for(settings)
    revision = data_revision(catalogue.engine)
    return {lid: list(catalogue.get(lid, revision).bounds) for lid in catalogue.layers}


@cache
def _transformer(source: str, target: str):
    """longitude/easting first, whatever the CRS's own axis order (made once: ~10 ms each)"""
    from pyproj import Transformer

    return Transformer.from_crs(source, target, always_xy=True)


def _tilejson_type(pg_type: str) -> str:
    if pg_type == "boolean":
        return "Boolean"
    if pg_type in ("integer", "bigint", "smallint", "numeric", "double precision", "real"):
        return "Number"
    return "String"


# -- documents -----------------------------------------------------------------------------------
def _urls(base: str, layer_id: str) -> dict[str, str]:
    tiles = f"{base}/ogc/collections/{layer_id}/tiles"
    return {"collection": f"{base}/ogc/collections/{layer_id}", "tilesets": tiles,
            "tileset": f"{tiles}/{TMS_ID}", "template": f"{tiles}/{TMS_ID}/{TILE_TEMPLATE}",
            "xyz": f"{tiles}/{TMS_ID}/{{z}}/{{y}}/{{x}}", "tilejson": f"{tiles}/{TMS_ID}/tilejson",
            "style": f"{base}/ogc/collections/{layer_id}/styles/default",
            "tms": f"{base}/ogc/tileMatrixSets/{TMS_ID}"}


def collection_links(base: str, layer_id: str) -> list[dict]:
    """What a collection document links: its vector tilesets, TileJSON and style."""
    u = _urls(base, layer_id)
    return [
        {"rel": REL_TILESETS_VECTOR, "type": "application/json", "title": "Vector tilesets", "href": u["tilesets"]},
        {"rel": "describedby", "type": "application/json", "title": "TileJSON 3.0.0 (web maps, QGIS)",
         "href": u["tilejson"]},
        {"rel": REL_STYLES, "type": STYLE_TYPE, "title": "MapLibre style (the public map's colours)",
         "href": u["style"]},
    ]


def tilesets_list(base: str, lt: LayerTiles, lang: str = "ro") -> dict:
    u = _urls(base, lt.layer.id)
    return {
        "tilesets": [{
            "title": lt.layer.label(lang), "dataType": "vector", "crs": CRS_3857, "tileMatrixSetURI": TMS_URI,
            "links": [{"rel": "self", "type": "application/json", "href": u["tileset"]},
                      {"rel": REL_TILING_SCHEME, "type": "application/json", "href": u["tms"]}],
        }],
        "links": [{"rel": "self", "type": "application/json", "href": u["tilesets"]},
                  {"rel": REL_GEODATA, "type": "application/json", "href": u["collection"]}],
    }


def tileset(base: str, lt: LayerTiles, lang: str = "ro") -> dict:
    layer, u = lt.layer, _urls(base, lt.layer.id)
    west, south, east, north = lt.bounds
    return {
        "title": layer.label(lang), "description": layer.description.get(lang) or layer.description["ro"],
        "dataType": "vector", "crs": CRS_3857, "tileMatrixSetURI": TMS_URI,
        "tileMatrixSetLimits": lt.limits.as_json(),
        "boundingBox": {"lowerLeft": [west, south], "upperRight": [east, north], "crs": CRS84},
        "layers": [{
            "id": layer.id, "title": layer.label(lang), "dataType": "vector",
            "geometryDimension": {"Point": 0, "LineString": 1}.get(layer.geometry.removeprefix("Multi"), 2),
            "minTileMatrix": str(lt.limits.min_zoom), "maxTileMatrix": str(lt.limits.max_zoom),
            "propertiesSchema": {"type": "object", "properties": {
                p: {"type": t.lower()} for p, t in lt.fields.items()}},
        }],
        "links": [
            {"rel": "self", "type": "application/json", "href": u["tileset"]},
            {"rel": REL_TILING_SCHEME, "type": "application/json", "href": u["tms"]},
            {"rel": "item", "type": MVT, "templated": True, "href": u["template"]},
            {"rel": REL_GEODATA, "type": "application/json", "href": u["collection"]},
            {"rel": "describedby", "type": "application/json", "title": "TileJSON 3.0.0", "href": u["tilejson"]},
            {"rel": REL_STYLES, "type": STYLE_TYPE, "title": "MapLibre style", "href": u["style"]},
        ],
    }


def tilejson(base: str, lt: LayerTiles, lang: str = "ro") -> dict:
    layer, u = lt.layer, _urls(base, lt.layer.id)
    return {
        "tilejson": "3.0.0", "name": layer.label(lang), "scheme": "xyz", "tiles": [u["xyz"]],
        "minzoom": lt.limits.min_zoom, "maxzoom": lt.limits.max_zoom, "bounds": list(lt.bounds),
        "vector_layers": [{"id": layer.id, "description": layer.label(lang), "fields": dict(lt.fields),
                           "minzoom": lt.limits.min_zoom, "maxzoom": lt.limits.max_zoom}],
    }


def maplibre_style(base: str, lt: LayerTiles, lang: str = "ro") -> dict:
    """A MapLibre GL style (spec version 8) with the layer's colours from styles/."""
    layer = lt.layer
    return {
        "version": 8, "name": layer.label(lang),
        "sources": {layer.id: {"type": "vector", "url": _urls(base, layer.id)["tilejson"]}},
        "layers": to_maplibre_layers(get_style(layer.style), layer.id, layer.id),
    }
