"""/ogc/collections/<id>/tiles: OGC API Tiles (vector, WebMercatorQuad) for the public layers."""

from __future__ import annotations

import gzip

from flask import Blueprint, abort, make_response, request

from api.messages import message
from gis.db import get_engine
from gis.profiles import get_profile
from gis.settings import Settings
from layers.revision_watch import RevisionWatch
from layers.tile_budget import budget
from layers.tiles_link import keep_current_link
from layers.tilesets import catalogue_for
from layers.vector_tiles import TileAddress, TileCache, TileRequestError, build_root, render_tile

MVT = "application/vnd.mapbox-vector-tile"
TMS = "WebMercatorQuad"


def create_vector_tiles_blueprint(settings: Settings) -> Blueprint:
    bp = Blueprint("vector_tiles", __name__, url_prefix="/ogc/collections")
    engine = get_engine(settings, "public")
    srid = get_profile(settings.profile).storage_srid
    caches: dict[str, TileCache] = {}

    def cache() -> TileCache:
        """One cache per database build (layers/vector_tiles.build_root). Asked on the first tile,
        not at start: the app must start while the database is down."""
        if "build" not in caches:
            caches["build"] = TileCache(build_root(engine, settings.tiles_dir, settings.db_name),
                                        budget(settings.tiles_dir, settings.tile_cache_mb))
        return caches["build"]

    catalogue = catalogue_for(settings)  # the tilesets' limits, as advertised (layers/tilesets.py)
    revisions: set[int] = set()
    tiled = catalogue.layers
    watch = bp.revision_watch = RevisionWatch(engine)  # by NOTIFY: a warm tile asks the database nothing
    if settings.tiles_current_link:  # nginx serves warm tiles alone (layers/tiles_link.py)
        keep_current_link(engine, settings.tiles_dir, settings.db_name)

    def layer_or_404(collection_id: str):
        layer = tiled.get(collection_id)
        if layer is None:
            abort(404, description=message("tiles.none", collection=repr(collection_id[:80])))
        return layer

    @bp.get(f"/<collection_id>/tiles/{TMS}/<int:z>/<int:y>/<int:x>")
    def tile(collection_id: str, z: int, y: int, x: int):
        layer = layer_or_404(collection_id)
        address = TileAddress(z, x, y)
        min_zoom, max_zoom = layer.tiles.get("min_zoom", 0), layer.tiles.get("max_zoom", 22)
        try:
            address.check(layer)
        except TileRequestError:  # an address that cannot exist
            if not 0 <= z <= 22:
                abort(400, description=message("tiles.zoom", z=z, tileset=layer.id, min_zoom=min_zoom,
                                               max_zoom=max_zoom))
            abort(400, description=message("tiles.address", z=z, last=(1 << z) - 1))
        # beyond the tileset (tileMatrixSetLimits, the territory): refused, never rendered nor cached
        if not min_zoom <= z <= max_zoom:
            abort(404, description=message("tiles.zoom", z=z, tileset=layer.id, min_zoom=min_zoom, max_zoom=max_zoom))
        # a revalidation gets the database's own answer (a 304 is a promise); a plain request the
        # revision as notified (layers/revision_watch.py: stale at most until the NOTIFY arrives)
        revision = watch.current(confirm="If-None-Match" in request.headers)
        if revision not in revisions:  # an older revision's tiles leave the disk cache
            revisions.add(revision)
            cache().prune(revision)
        tiles = catalogue.get(layer.id, revision)
        if not tiles.limits.contain(z, y, x):
            abort(404, description=message("tiles.outside", z=z, x=x, y=y, tileset=layer.id,
                                           extent=",".join(f"{v:.5f}" for v in tiles.bounds)))
        etag = f'"{revision}-{layer.id}-{z}-{x}-{y}"'
        seen = {t.strip().removeprefix("W/").strip('"').removesuffix("-gz")  # gzip adds -gz (api/compression)
                for t in request.headers.get("If-None-Match", "").split(",")}
        if etag.strip('"') in seen or "*" in seen:  # `*`: any current representation, and this tile has one
            response = make_response("", 304)
            if '-gz"' in request.headers.get("If-None-Match", ""):
                etag = etag[:-1] + '-gz"'
        else:
            packed = cache().get(revision, layer.id, address)
            if packed is None:
                data = render_tile(engine, layer, srid, address)
                packed = gzip.compress(data, 6) if data else b""
                cache().put(revision, layer.id, address, packed)
            gzipped = bool(packed) and "gzip" in request.headers.get("Accept-Encoding", "").lower()
            if gzipped and settings.tiles_accel_redirect:  # nginx sends the file (README: reverse proxy)
                response = make_response("", 200)
                response.headers["X-Accel-Redirect"] = cache().accel_path(settings.tiles_accel_redirect, revision,
                                                                          layer.id, address)
            else:
                response = make_response(packed if gzipped else gzip.decompress(packed) if packed else b"",
                                         200 if packed else 204)
            response.headers["Content-Type"] = MVT
            if gzipped:
                response.headers["Content-Encoding"] = "gzip"
                etag = etag[:-1] + '-gz"'
        response.headers["Vary"] = "Accept-Encoding"  # gzipped or not, the answer depends on it (caches)
        response.headers["ETag"] = etag
        # Short freshness: edits must show soon; the ETag makes revalidation cheap.
        response.headers["Cache-Control"] = "public, max-age=60, must-revalidate"
        return response

    return bp
