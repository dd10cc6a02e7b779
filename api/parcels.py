"""/api/parcels: the parcel sheet ("fișa parcelei") for the public map, by point or number.

Anonymous answers come from the public_api views only: no owner, taxpayer or tax amount can
appear in them. Lookups are rate-limited per client.
"""

from __future__ import annotations

import math

from flask import Blueprint, current_app, jsonify, request

from api.errors import answer, fail, fail_with
from api.indicators import count_use
from api.messages import message
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
        fail(400, "param.required", name=name)
    try:
        value = float(raw)
    except ValueError:
        fail(400, "param.number", name=name, value=repr(raw[:30]))
    if not math.isfinite(value):
        fail(400, "param.finite", name=name)
    return value


def _point() -> tuple[float, float, int]:
    """(x, y, srid) from lon/lat (WGS 84) or x/y with crs=EPSG:n (x = easting)."""
    storage = get_profile(_settings().profile).storage_srid
    if "lon" in request.args or "lat" in request.args:
        lon, lat = _number("lon"), _number("lat")
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            fail(400, "param.lon_lat_range")
        return lon, lat, 4326
    if "x" in request.args or "y" in request.args:
        crs = request.args.get("crs", f"EPSG:{storage}")
        if crs.upper() not in (f"EPSG:{storage}", "EPSG:4326", "EPSG:3857"):
            fail(400, "param.crs", allowed=f"EPSG:{storage}, EPSG:4326, EPSG:3857")
        return _number("x"), _number("y"), int(crs.split(":")[1])
    fail(400, "param.point")


@bp.get("/at")
@rate_limited("lookups")
def at_point():
    x, y, srid = _point()
    storage = get_profile(_settings().profile).storage_srid
    with get_engine(_settings(), "public").connect() as conn:
        try:
            facts = parcel_facts(conn, parcel_at(conn, x, y, srid, storage))
        except ParcelNotFound as exc:
            fail_with(404, exc)
    count_use("sheet", facts.uat_siruta)
    return jsonify(facts.to_json())


def retired_answer(gone: Retired):
    """404 that says when the number was retired and what it became, in the request's language."""
    values = {"n": gone.cadastral_number, "date": gone.retired_at.strftime("%d.%m.%Y"),
              "became": ", ".join(gone.became)}
    code = "parcel.retired" if gone.became else "parcel.retired_alone"
    said = message(code, **values)
    return answer(404, code, said, retired=gone.to_json())


@bp.get("/<path:cadastral_number>")  # a split piece is 51082/1: werkzeug decodes %2F before routing
@rate_limited("lookups")
def by_number(cadastral_number: str):
    uat = request.args.get("uat")
    if uat is not None and not is_uat_code(uat):
        fail(400, "usage.uat")
    with get_engine(_settings(), "public").connect() as conn:
        try:
            ids = parcels_by_number(conn, cadastral_number, int(uat) if uat else None)
        except ParcelNotFound as exc:
            if (gone := retired_parcel(conn, cadastral_number, int(uat) if uat else None)) is not None:
                return retired_answer(gone)  # "retired on …, it became …" (issue 21)
            fail_with(404, exc)
        if len(ids) > 1:
            fail(409, "parcel.several_uats")
        facts = parcel_facts(conn, ids[0])
    count_use("sheet", facts.uat_siruta)
    return jsonify(facts.to_json())
