"""/api/office/parcels: officers edit the cadastral layer (JSON; signed-in session + CSRF).

    POST   /api/office/parcels/validate            {uat, geometry, cadastral_number, legal_area?}
    POST   /api/office/parcels                      {..., accept_warnings?}         201 | 422
    PUT    /api/office/parcels/<id>                 {version, ...changes}           200 | 409 | 422
    DELETE /api/office/parcels/<id>?version=N       retire (never a hard delete)    200 | 409
    GET    /api/office/parcels/<id>/history
    POST   /api/office/parcels/<id>/restore         {version}
    POST   /api/office/parcels/<id>/split           {version, line, pieces?: [{cadastral_number?,
                                                     legal_area?, land_book_number?}]}  200 | 409 | 422
    POST   /api/office/parcels/merge                {parcels: [{id, version}], cadastral_number,
                                                     land_book_number?, use_category?}
    GET    /api/office/parcels/<id> | /parcels/at?uat=&lon=&lat=   a parcel for the editing map
    GET    /api/office/parcels/near?uat=&bbox=w,s,e,n              outlines to snap to (CRS84)
    POST   /api/office/coordinates                  {uat, text}  typed Stereo 70 coordinates
    POST   /api/office/measure                      {geometry, crs}  lengths and areas in Stereo 70
    GET    /api/office/streets?uat=                 POST /api/office/address-points
    GET    /api/office/audit?actor=&table=&object=&since=&until=
Geometries are GeoJSON in EPSG:3844 (x = easting), as surveyed; `crs: "EPSG:4326"` marks a
sketch drawn on the web map. `snap: true` snaps a geometry onto its neighbours before saving.
Every save answers `links`: the address points, buildings, plots, tax assessments and requests
it re-linked (gis/relinking.py); `preview: true` runs the save and rolls it back, so a dialog can
show them (and the pieces, problems) first. A retired parcel's number is refused (422,
`retired_number`) unless `reuse_retired_number: true`. A new parcel's intravilan flag is computed
from the intravilan boundary (a note cites the rule).
"""

from __future__ import annotations

import json
from datetime import datetime

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import text

from api.editing_texts import problems_json
from api.errors import fail, fail_with
from api.messages import message
from api.staff import requires, scope_by_uat, staff_actor, user_uats
from gis import editing
from gis.crs import transform_geojson
from gis.db import get_engine
from gis.profiles import get_profile
from gis.roles import EDITORS, STAFF
from gis.uats import is_uat_code

bp = Blueprint("editing", __name__, url_prefix="/api/office")
scope_by_uat(bp)


def _settings():
    return current_app.extensions["teritoriu.settings"]


def _srid() -> int:
    return get_profile(_settings().profile).storage_srid


def _body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        fail(400, "body.json_object")
    return data


def _geometry(data: dict, key: str = "geometry") -> dict:
    """A GeoJSON geometry of the request in the storage CRS (a sketch in EPSG:4326 is moved there)."""
    geometry = data.get(key)
    if not isinstance(geometry, dict) or "type" not in geometry or "coordinates" not in geometry:
        fail(400, "editing.geometry_param", name=key, srid=_srid())
    crs = data.get("crs", f"EPSG:{_srid()}")
    if crs == "EPSG:4326":  # drawn on the web map: a sketch, stored in the storage CRS
        try:
            return transform_geojson(geometry, 4326, _srid())
        except (ValueError, TypeError, KeyError, IndexError):
            fail(400, "editing.geometry_invalid", name=key)
    if crs != f"EPSG:{_srid()}":
        fail(400, "param.crs", allowed=f"EPSG:{_srid()}, EPSG:4326")
    return geometry


def _parcel_fields(data: dict, partial: bool) -> dict:
    out = {k: data[k] for k in editing.FIELDS if k in data}
    if "geometry" in data:
        out["geometry"] = _geometry(data)
    if not partial:
        missing = [k for k in ("cadastral_number", "geometry", "use_category") if k not in out]
        if missing:
            fail(400, "body.missing", names=", ".join(missing))
    if "cadastral_number" in out and not isinstance(out["cadastral_number"], str):
        fail(400, "param.text", name="cadastral_number")
    if "legal_area" in out and out["legal_area"] is not None and not isinstance(out["legal_area"], (int, float)):
        fail(400, "editing.legal_area_number")
    return out


def _uat(data: dict) -> int:
    uat = data.get("uat")
    if not isinstance(uat, int):
        fail(400, "param.uat_required")
    return uat


def _flags(data: dict) -> dict:
    """The options every save takes: a dry run, and the confirmed reuse of a retired number."""
    return {"preview": data.get("preview") is True, "reuse_retired": data.get("reuse_retired_number") is True}


def _saved(save):
    """Run a save; map its refusals to answers: 404 unknown, 409 newer version, 422 problems."""
    try:
        row, warnings, moves = save()
    except editing.NotFound as exc:
        fail_with(404, exc)
    except editing.VersionConflict as exc:
        return jsonify(message=str(exc), current=exc.current, changed=exc.changed), 409
    except editing.ValidationFailed as exc:
        return jsonify(message=message("editing.not_saved"), problems=problems_json(exc.problems)), 422
    except ValueError as exc:
        fail_with(400, exc)
    links = [m.to_json() for m in moves]
    if isinstance(row, list):
        return jsonify(parcels=row, problems=problems_json(warnings), links=links)
    return jsonify(parcel=row, problems=problems_json(warnings), links=links)


@bp.post("/parcels/validate")
@requires(*EDITORS)
def validate():
    data = _body()
    fields = _parcel_fields(data, partial=False)
    uat, notes, geometry = _uat(data), [], fields["geometry"]
    with get_engine(_settings(), "app").connect() as conn:
        exclude = data.get("id") if isinstance(data.get("id"), int) else None
        if data.get("snap"):
            geometry = editing.snapped(conn, _settings(), uat, {"geometry": geometry}, _srid(),
                                       (exclude,) if exclude else (), notes)["geometry"]
        problems = editing.validate(conn, uat, geometry, fields["cadastral_number"], fields.get("legal_area"),
                                    _srid(), exclude, editing.Rules.of(_settings()), _flags(data)["reuse_retired"])
        if exclude is None:
            notes.append(editing.intravilan_of(conn, uat, geometry, _srid())[2])
        area, perimeter = conn.execute(text(
            "SELECT ST_Area(g), ST_Perimeter(g) FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON(:g), :s) g) x"),
            {"g": json.dumps(geometry), "s": _srid()}).one()
    return jsonify(problems=problems_json(notes + problems), geometry=geometry,
                   geometry_crs84=transform_geojson(geometry, _srid(), 4326),
                   measured_area=round(area, 2), perimeter=round(perimeter, 2))


@bp.post("/parcels")
@requires(*EDITORS)
def create():
    data = _body()
    uat, fields = _uat(data), _parcel_fields(data, False)
    answer = _saved(lambda: editing.create(_settings(), uat, fields, staff_actor(), _srid(),
                                           bool(data.get("accept_warnings")), bool(data.get("snap")), **_flags(data)))
    return (answer, 201) if not isinstance(answer, tuple) and not _flags(data)["preview"] else answer


@bp.put("/parcels/<int:parcel_id>")
@requires(*EDITORS)
def update(parcel_id: int):
    data = _body()
    if not isinstance(data.get("version"), int):
        fail(400, "editing.version")
    fields = _parcel_fields(data, True)
    return _saved(lambda: editing.update(_settings(), parcel_id, data["version"], fields, staff_actor(),
                                         _srid(), bool(data.get("accept_warnings")), bool(data.get("snap")),
                                         sketch=data.get("crs") == "EPSG:4326", **_flags(data)))


@bp.delete("/parcels/<int:parcel_id>")
@requires(*EDITORS)
def retire(parcel_id: int):
    version = request.args.get("version", "")
    if not version.isdigit():
        fail(400, "editing.version_seen")
    return _saved(lambda: (editing.retire(_settings(), parcel_id, int(version), staff_actor()), [], []))


@bp.get("/parcels/<int:parcel_id>/history")
@requires(*STAFF)
def history(parcel_id: int):
    with get_engine(_settings(), "app").connect() as conn:
        try:
            return jsonify(versions=editing.history(conn, parcel_id), lineage=editing.lineage(conn, parcel_id))
        except editing.NotFound as exc:
            fail_with(404, exc)


@bp.post("/parcels/<int:parcel_id>/split")
@requires(*EDITORS)
def split(parcel_id: int):
    data = _body()
    if not isinstance(data.get("version"), int):
        fail(400, "editing.version")
    line = _geometry(data, "line")
    return _saved(lambda: editing.split(_settings(), parcel_id, data["version"], line, staff_actor(), _srid(),
                                        _pieces(data), **_flags(data)))


def _pieces(data: dict) -> list[dict] | None:
    """The split's pieces as documented: {cadastral_number?, legal_area?, land_book_number?} each,
    largest piece first (as a preview lists them); `numbers` (a list of cadastral numbers) is the
    older short form."""
    if isinstance(data.get("numbers"), list) and "pieces" not in data:
        data = {**data, "pieces": [{"cadastral_number": n} for n in data["numbers"]]}
    pieces = data.get("pieces")
    if pieces is None:
        return None
    if not isinstance(pieces, list) or not all(isinstance(p, dict) for p in pieces):
        fail(400, "param.list", name="pieces", shape="{cadastral_number?, legal_area?, land_book_number?}")
    out = []
    for p in pieces:
        number, book, area = p.get("cadastral_number"), p.get("land_book_number"), p.get("legal_area")
        if any(v is not None and not isinstance(v, str) for v in (number, book)):
            fail(400, "param.text", name="cadastral_number, land_book_number")
        if area is not None and (isinstance(area, bool) or not isinstance(area, (int, float)) or area <= 0):
            fail(400, "editing.legal_area_positive")
        out.append({"cadastral_number": (number or "").strip() or None,
                    "land_book_number": (book or "").strip() or None,
                    "legal_area": float(area) if area is not None else None})
    return out


@bp.post("/parcels/merge")
@requires(*EDITORS)
def merge():
    data = _body()
    parts = data.get("parcels")
    if (not isinstance(parts, list) or
            not all(isinstance(p, dict) and isinstance(p.get("id"), int) and isinstance(p.get("version"), int)
                    for p in parts)):
        fail(400, "param.list", name="parcels", shape="{id, version}")
    fields = {k: data[k] for k in ("cadastral_number", "use_category", "land_book_number") if k in data}
    if not all(isinstance(v, str) or v is None for v in fields.values()):
        fail(400, "param.text", name="cadastral_number, land_book_number, use_category")
    return _saved(lambda: editing.merge(_settings(), [(p["id"], p["version"]) for p in parts], fields,
                                        staff_actor(), _srid(), bool(data.get("accept_warnings")), **_flags(data)))


def _float_arg(name: str) -> float:
    try:
        return float(request.args[name])
    except (KeyError, ValueError):
        fail(400, "param.number_plain", name=name)


def _uat_arg() -> int:
    raw = request.args.get("uat", "")
    if not is_uat_code(raw):
        fail(400, "param.uat_required")
    return int(raw)


@bp.get("/parcels/<int:parcel_id>")
@requires(*STAFF)
def parcel(parcel_id: int):
    with get_engine(_settings(), "app").connect() as conn:
        try:
            return jsonify(parcel=editing.for_editing(conn, parcel_id))
        except editing.NotFound as exc:
            fail_with(404, exc)


@bp.get("/parcels/at")
@requires(*STAFF)
def parcel_at():
    uat, lon, lat = _uat_arg(), _float_arg("lon"), _float_arg("lat")
    with get_engine(_settings(), "app").connect() as conn:
        try:
            return jsonify(parcel=editing.for_editing(conn, uat=uat, lon=lon, lat=lat))
        except editing.NotFound as exc:
            fail_with(404, exc)


@bp.get("/parcels/near")
@requires(*STAFF)
def parcels_near():
    try:
        w, s, e, n = (float(v) for v in request.args.get("bbox", "").split(","))
    except ValueError:
        fail(400, "param.bbox")
    if not (w < e and s < n and e - w <= 0.05 and n - s <= 0.05):
        fail(400, "param.bbox_size")
    with get_engine(_settings(), "app").connect() as conn:
        return jsonify(editing.neighbours(conn, _uat_arg(), (w, s, e, n)))


@bp.post("/coordinates")
@requires(*EDITORS, csrf=False)  # reads only: turns typed coordinates into an outline
def coordinates():
    from gis import coordinates as typed

    data = _body()
    if not isinstance(data.get("text"), str) or not isinstance(data.get("uat"), int):
        fail(400, "editing.typed_body", crs=get_profile(_settings().profile).crs_name)
    with get_engine(_settings(), "app").connect() as conn:
        bbox = conn.execute(text("SELECT ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) "
                                 "FROM territory.uat WHERE siruta = :u"), {"u": data["uat"]}).one_or_none()
    if bbox is None:
        fail(404, "uat.unknown", uat=data["uat"])
    try:
        outline = typed.parse(data["text"], tuple(bbox), get_profile(_settings().profile).crs_name)
    except typed.CoordinateError as exc:
        fail_with(422, exc)
    geometry = outline.geojson()
    return jsonify(geometry=geometry, crs=f"EPSG:{_srid()}", notes=outline.notes,
                   geometry_crs84=transform_geojson(geometry, _srid(), 4326))


@bp.post("/measure")
@requires(*STAFF, csrf=False)  # reads only
def measure():
    """Length, area and perimeter of a sketch, measured in the storage CRS (the legal plan's
    distances: Stereo 70 grid, not a sphere; they differ by up to a few parts per thousand)."""
    geometry = _geometry(_body())
    if geometry["type"] not in ("LineString", "Polygon"):
        fail(400, "editing.measure")
    with get_engine(_settings(), "app").connect() as conn:
        length, area = conn.execute(text(
            "SELECT CASE WHEN GeometryType(g) = 'POLYGON' THEN ST_Perimeter(g) ELSE ST_Length(g) END, ST_Area(g) "
            "FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON(:g), :s) g) x"),
            {"g": json.dumps(geometry), "s": _srid()}).one()
    return jsonify(length_m=round(length, 3), area_m2=round(area, 2))


@bp.get("/streets")
@requires(*STAFF)
def streets():
    with get_engine(_settings(), "app").connect() as conn:
        rows = conn.execute(text(
            "SELECT s.id, s.street_type || ' ' || s.name || ', ' || l.name AS label FROM streets.street s "
            "JOIN territory.locality l ON l.siruta = s.locality_siruta "
            "WHERE s.uat_siruta = :u AND s.valid_to IS NULL ORDER BY s.name, l.name"),
            {"u": _uat_arg()}).mappings().all()
    return jsonify(streets=[dict(r) for r in rows])


@bp.post("/address-points")
@requires(*EDITORS)
def add_address_point():
    data = _body()
    uat = _uat(data)
    number = data.get("number")
    if not isinstance(data.get("street_id"), int) or not isinstance(number, int) or number < 1:
        fail(400, "editing.address_number")
    suffix = data.get("suffix") or ""
    if not isinstance(suffix, str) or len(suffix) > 8:
        fail(400, "editing.suffix")
    postal = data.get("postal_code")
    if postal not in (None, "") and not (isinstance(postal, str) and postal.isdigit() and len(postal) == 6):
        fail(400, "editing.postal_code")
    point = _geometry(data)
    if point.get("type") != "Point":
        fail(400, "editing.address_point")
    fields = {"street_id": data["street_id"], "number": number, "suffix": suffix, "postal_code": postal,
              "geometry": point, "parcel_id": data.get("parcel_id") if isinstance(data.get("parcel_id"), int) else None}
    try:
        row, problems = editing.add_address_point(_settings(), uat, fields, staff_actor(), _srid())
    except editing.NotFound as exc:
        fail_with(404, exc)
    except editing.ValidationFailed as exc:
        return jsonify(message=message("editing.address_not_saved"), problems=problems_json(exc.problems)), 422
    return jsonify(address=row, problems=problems_json(problems)), 201


@bp.post("/parcels/<int:parcel_id>/restore")
@requires(*EDITORS)
def restore(parcel_id: int):
    data = _body()
    version = data.get("version")
    if not isinstance(version, int):
        fail(400, "editing.restore_version")
    return _saved(lambda: editing.restore(_settings(), parcel_id, version, staff_actor(), _srid(),
                                          preview=_flags(data)["preview"]))


@bp.post("/streets/<int:street_id>/rename")
@requires(*EDITORS)
def rename_street(street_id: int):
    """{street_type?, name, hcl_number, hcl_date: YYYY-MM-DD}: a renaming decided by HCL."""
    data = _body()
    try:
        when = datetime.fromisoformat(str(data.get("hcl_date", ""))).date().isoformat()
    except ValueError:
        fail(400, "param.date", name="hcl_date")
    try:
        row = editing.rename_street(_settings(), street_id, str(data.get("street_type") or "Strada"),
                                    str(data.get("name", "")), str(data.get("hcl_number", "")), when, staff_actor())
    except editing.NotFound as exc:
        fail_with(404, exc)
    except ValueError as exc:
        fail_with(400, exc)
    return jsonify(street=row)


@bp.get("/parcels/<int:parcel_id>/address-proposal")
@requires(*STAFF)
def address_proposal(parcel_id: int):
    """The administrative number a parcel should get on its nearest street."""
    from gis.addressing import propose_number

    with get_engine(_settings(), "app").connect() as conn:
        try:
            p = propose_number(conn, parcel_id)
        except LookupError as exc:
            fail_with(404, exc)
    return jsonify(street_id=p.street_id, street=p.street, number=p.number, suffix=p.suffix,
                   label=p.label, side=p.side, between=[p.before, p.after])


def _when(name: str):
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        fail(400, "param.datetime", name=name)


@bp.get("/audit")
@requires(*EDITORS)
def audit():
    from gis.audit import browse

    try:
        limit = min(1000, max(1, int(request.args.get("limit", 200))))
    except ValueError:
        fail(400, "param.whole_number", name="limit")
    with get_engine(_settings(), "app").connect() as conn:
        entries = browse(conn, request.args.get("actor"), request.args.get("table"), request.args.get("object"),
                         _when("since"), _when("until"), limit, with_changes=request.args.get("changes") == "1",
                         uats=user_uats())
    return jsonify(entries=entries)
