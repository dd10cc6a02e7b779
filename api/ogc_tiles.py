"""/ogc tile metadata: OGC API - Tiles tilesets (lists, metadata with limits), the WebMercatorQuad tile
matrix set, and for web maps a TileJSON and a MapLibre style per tiled collection (layers/tilesets.py
builds them; api/vector_tiles.py serves the tiles themselves).

Collection documents (and the collections list) gain links to these, added to pygeoapi's JSON
answers after it built them; the Tiles classes are declared in layers/conformance.py.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, request

from api.errors import ogc_exception
from api.messages import message
from gis.db import get_engine
from gis.settings import Settings
from layers import tilesets as docs
from layers.tilesets import catalogue_for
from layers.vector_tiles import data_revision


def create_ogc_tiles_blueprint(settings: Settings) -> Blueprint:
    bp = Blueprint("ogc_tiles", __name__, url_prefix="/ogc")
    catalogue = catalogue_for(settings)
    engine = get_engine(settings, "public")
    base = settings.base_url

    def language() -> str:
        lang = request.args.get("lang", "ro")
        return lang if lang in ("ro", "en", "hu") else "ro"

    def tiled(collection_id: str):
        """The layer's tiles for the current data revision, or an OGC exception (404)."""
        if collection_id not in catalogue.layers:
            return None, ogc_exception(404, message("tiles.none", collection=repr(collection_id[:80])))
        return catalogue.get(collection_id, data_revision(engine)), None

    def tms_or_404(tms_id: str):
        if tms_id != docs.TMS_ID:
            return ogc_exception(404, f"no tile matrix set {tms_id[:80]!r}: this API tiles in {docs.TMS_ID}")
        return None

    # pygeoapi's landing page links /TileMatrixSets (its own spelling): the same documents answer there
    @bp.get("/tileMatrixSets")
    @bp.get("/TileMatrixSets", endpoint="tile_matrix_sets_pygeoapi")
    def tile_matrix_sets():
        return jsonify(docs.tile_matrix_sets(base))

    @bp.get("/tileMatrixSets/<tms_id>")
    @bp.get("/TileMatrixSets/<tms_id>", endpoint="tile_matrix_set_pygeoapi")
    def tile_matrix_set(tms_id: str):
        return tms_or_404(tms_id) or jsonify(docs.web_mercator_quad(base))

    @bp.get("/collections/<collection_id>/tiles")
    def tilesets(collection_id: str):
        lt, problem = tiled(collection_id)
        return problem or jsonify(docs.tilesets_list(base, lt, language()))

    @bp.get("/collections/<collection_id>/tiles/<tms_id>")
    def tileset(collection_id: str, tms_id: str):
        lt, problem = tiled(collection_id)
        return problem or tms_or_404(tms_id) or jsonify(docs.tileset(base, lt, language()))

    @bp.get("/collections/<collection_id>/tiles/<tms_id>/tilejson")
    def tilejson(collection_id: str, tms_id: str):
        lt, problem = tiled(collection_id)
        return problem or tms_or_404(tms_id) or jsonify(docs.tilejson(base, lt, language()))

    @bp.get("/collections/<collection_id>/styles/<style_id>")
    def style(collection_id: str, style_id: str):
        lt, problem = tiled(collection_id)
        if problem:
            return problem
        if style_id != "default":
            return ogc_exception(404, f"no style {style_id[:80]!r}: the collection has one, 'default'")
        response = jsonify(docs.maplibre_style(base, lt, language()))
        response.mimetype = docs.STYLE_TYPE
        return response

    @bp.after_app_request
    def link_tiles(response: Response) -> Response:
        """The collections' documents link their tilesets (the Tiles classes: layers/conformance.py)."""
        endpoint = request.endpoint
        if (endpoint not in ("ogc.collection", "ogc.collections")
                or response.status_code != 200 or response.mimetype != "application/json"
                or response.headers.get("Content-Encoding")):
            return response
        body = json.loads(response.get_data())
        for collection in body.get("collections", [body]):
            if collection.get("id") in catalogue.layers:
                collection.setdefault("links", []).extend(docs.collection_links(base, collection["id"]))
        response.set_data(json.dumps(body, ensure_ascii=False))
        return response

    return bp


