"""/api/tiles/orthophoto/<z>/<x>/<y>.png: the basemap of the web map."""

from __future__ import annotations

from functools import cache

from flask import Blueprint, Response, abort, current_app

from layers.orthophoto import Orthophoto, valid_tile

bp = Blueprint("orthophoto", __name__, url_prefix="/api/tiles/orthophoto")


@cache
def _orthophoto(path) -> Orthophoto:
    return Orthophoto(path)


@bp.get("/<int:z>/<int:x>/<int:y>.png")
def tile(z: int, x: int, y: int):
    problem = valid_tile(z, x, y)
    if problem:
        abort(400, description=problem)
    path = current_app.extensions["teritoriu.settings"].orthophoto
    if not path.exists():
        abort(404, description="no orthophoto is configured")
    png = _orthophoto(path).tile_png(z, x, y)
    headers = {"Cache-Control": "public, max-age=86400"}
    if png is None:
        return Response(status=204, headers=headers)
    return Response(png, mimetype="image/png", headers=headers)
