"""/api/office: checking the layer and the registers (staff only).

    POST /api/office/topology {uat, area?: GeoJSON CRS84, gap_width_m?}   -> problems (?format=csv|gpkg)
    GET  /api/office/discrepancies?uat=&year=[&kind=][&format=csv]
    GET  /api/office/parcels/<id>/fiscal          (personal data: officers and admins; every view is logged)
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy import text

from api.errors import fail
from api.messages import message, request_language
from api.staff import current_user, requires, scope_by_uat
from gis import audit
from gis.db import get_engine, set_actor
from gis.registers import discrepancies, fiscal_view
from gis.roles import FISCAL_VIEW, PERSONAL_DATA_READERS, STAFF, may_read
from gis.texts import has, number
from gis.tolerances import CHECK_GAP_WIDTH_M
from gis.topology import check_layer
from layers.export import GPKG_OPTIONS

bp = Blueprint("checks", __name__, url_prefix="/api/office")
scope_by_uat(bp)


def _settings():
    return current_app.extensions["teritoriu.settings"]


def _csv(rows: list[dict], name: str) -> Response:
    buf = io.StringIO()
    if rows:
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return Response(buf.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


def _geopackage(problems: list[dict]) -> Response:
    """The problems as a GeoPackage layer (CRS84 locations), for QGIS."""
    import tempfile
    from pathlib import Path

    import geopandas as gpd
    from shapely.geometry import shape

    frame = gpd.GeoDataFrame(
        {"kind": [p["kind"] for p in problems],
         "cadastral_numbers": [" ".join(p["cadastral_numbers"]) for p in problems],
         "area_m2": [p["area_m2"] for p in problems], "detail": [p["detail"] for p in problems]},
        geometry=[shape(p["location"]) for p in problems], crs="OGC:CRS84")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "verificare-strat.gpkg"
        frame.to_file(path, layer="probleme", driver="GPKG", **GPKG_OPTIONS)  # 1.3: GDAL 3.6 reads it
        data = path.read_bytes()
    return Response(data, mimetype="application/geopackage+sqlite3",
                    headers={"Content-Disposition": 'attachment; filename="verificare-strat.gpkg"'})


def _int_arg(name: str, default: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None and default is not None:
        return default
    if raw is None or not raw.isdigit():
        fail(400, "param.whole_number", name=name)
    return int(raw)


@bp.post("/topology")
@requires(*STAFF, csrf=False)  # reads only; POST because a drawn area can be large
def topology():
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("uat"), int):
        fail(400, "body.json_fields", fields="{uat, area?, gap_width_m?}")
    area = data.get("area")
    if area is not None and (not isinstance(area, dict) or area.get("type") not in ("Polygon", "MultiPolygon")):
        fail(400, "checks.area")
    width = data.get("gap_width_m", CHECK_GAP_WIDTH_M)
    if not isinstance(width, (int, float)) or not 0 < width <= 10:
        fail(400, "checks.gap_width")
    with get_engine(_settings(), "app").connect() as conn:
        problems = [p.to_json() for p in check_layer(conn, data["uat"], area, float(width),
                                                            _settings().edit_gap_width_m)]
    if request.args.get("format") == "gpkg":
        return _geopackage(problems)
    if request.args.get("format") == "csv":
        return _csv([{**{k: v for k, v in p.items() if k != "location"},
                      "cadastral_numbers": " ".join(p["cadastral_numbers"]),
                      "location_geojson": json.dumps(p["location"])} for p in problems],
                    "verificare-strat")
    return jsonify(problems=problems, count=len(problems))


def _detail(d, lang: str) -> str:
    """A discrepancy's detail in the reader's language (numbers in its locale; the year stays a year)."""
    values = {k: number(v, lang, 2) if isinstance(v, float) else v for k, v in d.values.items()}
    return message(f"registers.{d.kind}", lang, **values) if has("message", f"registers.{d.kind}") else d.detail


@bp.get("/discrepancies")
@requires(*PERSONAL_DATA_READERS)  # the agricultural register's plots and the tax records: not for surveyors
def report():
    uat, year = _int_arg("uat"), _int_arg("year", date.today().year)
    kind = request.args.get("kind")
    with get_engine(_settings(), "app").connect() as conn:
        lang = request_language()
        rows = [{**d.to_json(), "detail": _detail(d, lang)} for d in discrepancies(conn, uat, year)
                if not kind or d.kind == kind]
    if request.args.get("format") == "csv":
        return _csv(rows, f"discrepante-{uat}-{year}")
    return jsonify(discrepancies=rows, count=len(rows))


@bp.get("/parcels/<int:parcel_id>/fiscal")
@requires(*STAFF)
def fiscal(parcel_id: int):
    """Personal data: for the roles that read it (gis.roles), every view logged."""
    user = current_user()
    if not may_read(user["role"], FISCAL_VIEW):
        fail(403, "auth.personal_data")
    with get_engine(_settings(), "app").begin() as conn:
        set_actor(conn, f"{user['role']}:{user['username']}")
        exists = conn.execute(text("SELECT uat_siruta FROM cadastre.parcel WHERE id = :i"),
                              {"i": parcel_id}).scalar_one_or_none()
        if exists is None:
            fail(404, "parcel.not_found_id", id=parcel_id)
        view = fiscal_view(conn, parcel_id)
        audit.record(conn, f"{user['role']}:{user['username']}", "view", FISCAL_VIEW, str(parcel_id), exists)
    response = jsonify(view)
    response.headers["Cache-Control"] = "private, no-store"
    return response
