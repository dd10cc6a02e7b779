"""/api/export/<collection>.csv|.gpkg: download a whole public collection."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request, send_file, stream_with_context

from api.errors import fail
from gis.db import get_engine
from gis.profiles import get_profile
from gis.uats import is_uat_code
from layers.export import csv_rows, write_geopackage
from layers.registry import load_layers

bp = Blueprint("export", __name__, url_prefix="/api/export")


def _target_srid(storage_srid: int) -> int:
    raw = request.args.get("crs", "")
    if not raw:
        return storage_srid
    code = raw.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
    if code not in {str(storage_srid), "4326", "3857"}:
        fail(400, "param.crs", allowed=f"EPSG:{storage_srid}, EPSG:4326, EPSG:3857")
    return int(code)


@bp.get("/<collection_id>.<fmt>")
def export(collection_id: str, fmt: str):
    layer = load_layers().get(collection_id)
    if layer is None or not layer.is_public:
        fail(404, "export.no_collection", id=collection_id)
    if fmt not in ("csv", "gpkg"):
        fail(404, "export.formats")
    settings = current_app.extensions["teritoriu.settings"]
    storage = get_profile(settings.profile).storage_srid
    srid = _target_srid(storage)
    uat = request.args.get("uat")
    if uat is not None and (not is_uat_code(uat) or "uat_siruta" not in layer.properties):
        fail(400, "export.uat")
    engine = get_engine(settings, "public")
    uat = int(uat) if uat else None
    filename = f"{collection_id}{f'-{uat}' if uat else ''}-epsg{srid}.{fmt}"
    if fmt == "csv":
        return Response(stream_with_context(csv_rows(engine, layer, srid, storage, uat)),
                        mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    path = write_geopackage(engine, layer, srid, storage, uat)
    response = send_file(path, mimetype="application/geopackage+sqlite3", as_attachment=True,
                         download_name=filename)
    response.call_on_close(lambda: path.unlink(missing_ok=True))
    return response
