"""/api/parcels: the parcel sheet ("fișa parcelei") for the public map, by point or number.

Anonymous answers come from the public_api views only: no owner, taxpayer or tax amount can
appear in them. Lookups are rate-limited per client.
"""

from __future__ import annotations

import math

from flask import Blueprint, abort, current_app, jsonify, request

from api.indicators import count_use
from api.messages import described, message
from api.ratelimit import rate_limited
from gis.db import get_engine
from gis.parcel_facts import ParcelNotFound, parcel_at, parcel_facts, parcels_by_number
from gis.profiles import get_profile
from gis.retired import Retired, retired_parcel
from gis.uats import is_uat_code

bp = Blueprint("parcels", __name__, url_prefix="/api/parcels")


def _settings():
    return current_app.extensions["teritoriu.settings"]


def _number(name: str) -> float:
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        abort(400, description=f"parameter {name} is required")
    try:
        value = float(raw)
    except ValueError:
        abort(400, description=f"{name} must be a number, not {raw[:30]!r}")
    if not math.isfinite(value):
        abort(400, description=f"{name} must be a finite number")
    return value


def _point() -> tuple[float, float, int]:
    """(x, y, srid) from lon/lat (WGS 84) or x/y with crs=EPSG:n (x = easting)."""
    storage = get_profile(_settings().profile).storage_srid
    if "lon" in request.args or "lat" in request.args:
        lon, lat = _number("lon"), _number("lat")
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            abort(400, description="lon must be within [-180, 180] and lat within [-90, 90]")
        return lon, lat, 4326
    if "x" in request.args or "y" in request.args:
        crs = request.args.get("crs", f"EPSG:{storage}")
        if crs.upper() not in (f"EPSG:{storage}", "EPSG:4326", "EPSG:3857"):
            abort(400, description=f"crs must be EPSG:{storage}, EPSG:4326 or EPSG:3857")
        return _number("x"), _number("y"), int(crs.split(":")[1])
    abort(400, description="give lon and lat (WGS 84), or x, y and crs")


@bp.get("/at")
@rate_limited("lookups")
def at_point():
    x, y, srid = _point()
    storage = get_profile(_settings().profile).storage_srid
    with get_engine(_settings(), "public").connect() as conn:
        try:
            facts = parcel_facts(conn, parcel_at(conn, x, y, srid, storage))
        except ParcelNotFound as exc:
            abort(404, description=described(exc))
    count_use("sheet", facts.uat_siruta)
    return jsonify(facts.to_json())


def retired_answer(gone: Retired):
    """404 that says when the number was retired and what it became, in the request's language."""
    values = {"n": gone.cadastral_number, "date": gone.retired_at.strftime("%d.%m.%Y"),
              "became": ", ".join(gone.became)}
    said = message("parcel.retired" if gone.became else "parcel.retired_alone", **values)
    return jsonify(code=404, error="Not Found", message=said, retired=gone.to_json()), 404


@bp.get("/<path:cadastral_number>")  # a split piece is 51082/1: werkzeug decodes %2F before routing
@rate_limited("lookups")
def by_number(cadastral_number: str):
    uat = request.args.get("uat")
    if uat is not None and not is_uat_code(uat):
        abort(400, description="uat must be a SIRUTA code (digits)")
    with get_engine(_settings(), "public").connect() as conn:
        try:
            ids = parcels_by_number(conn, cadastral_number, int(uat) if uat else None)
        except ParcelNotFound as exc:
            if (gone := retired_parcel(conn, cadastral_number, int(uat) if uat else None)) is not None:
                return retired_answer(gone)  # "retired on …, it became …" (issue 21)
            abort(404, description=described(exc))
        if len(ids) > 1:
            abort(409, description=message("parcel.several_uats"))
        facts = parcel_facts(conn, ids[0])
    count_use("sheet", facts.uat_siruta)
    return jsonify(facts.to_json())
