"""/api/styles/<layer>.sld|.qml: each layer's style, so an agency sees the city hall's legend."""

from __future__ import annotations

from flask import Blueprint, Response, request

from api.errors import fail
from layers.registry import load_layers
from styles import get_style, to_qml, to_sld

bp = Blueprint("styles", __name__, url_prefix="/api/styles")


@bp.get("/<layer_id>.<fmt>")
def export(layer_id: str, fmt: str):
    layer = load_layers().get(layer_id)
    if layer is None:
        fail(404, "styles.no_layer", id=layer_id)
    lang = request.args.get("lang", "ro")
    style = get_style(layer.style)
    if fmt == "sld":
        return Response(to_sld(style, layer.id, lang), mimetype="application/vnd.ogc.sld+xml")
    if fmt == "qml":
        return Response(to_qml(style, lang), mimetype="application/xml",
                        headers={"Content-Disposition": f'attachment; filename="{layer.id}.qml"'})
    fail(404, "styles.formats")
