"""/api/office/parcels: officers edit the cadastral layer (JSON; signed-in session + CSRF).

    POST   /api/office/parcels/validate            {uat, geometry, cadastral_number, legal_area?}
    POST   /api/office/parcels                      {..., accept_warnings?}         201 | 422
    PUT    /api/office/parcels/<id>                 {version, ...changes}           200 | 409 | 422
    DELETE /api/office/parcels/<id>?version=N       retire (never a hard delete)    200 | 409
    GET    /api/office/parcels/<id>/history
    POST   /api/office/parcels/<id>/restore         {version}
    GET    /api/office/audit?actor=&table=&object=&since=&until=
Geometries are GeoJSON in EPSG:3844 (x = easting), as surveyed.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, current_app, jsonify, request
from sqlalchemy import text

from api.staff import current_user, requires
from gis import editing
from gis.crs import transform_geojson
from gis.db import get_engine
from gis.profiles import get_profile

bp = Blueprint("editing", __name__, url_prefix="/api/office")
EDITORS = ("officer", "admin")


def _settings():
    return current_app.extensions["teritoriu.settings"]


def _srid() -> int:
    return get_profile(_settings().profile).storage_srid


def _actor() -> str:
    user = current_user()
    return f"{user['role']}:{user['username']}"


def _body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, description="send a JSON object")
    return data


def _parcel_fields(data: dict, partial: bool) -> dict:
    out = {k: data[k] for k in editing.FIELDS if k in data}
    if "geometry" in data:
        if not isinstance(data["geometry"], dict) or "type" not in data["geometry"]:
            abort(400, description="geometry must be a GeoJSON geometry in EPSG:3844")
        out["geometry"] = data["geometry"]
        crs = data.get("crs", f"EPSG:{_srid()}")
        if crs == "EPSG:4326":  # drawn on the web map: a sketch, stored in the storage CRS
            try:
                out["geometry"] = transform_geojson(out["geometry"], 4326, _srid())
            except (ValueError, TypeError, KeyError, IndexError):
                abort(400, description="geometry is not a valid GeoJSON geometry")
        elif crs != f"EPSG:{_srid()}":
            abort(400, description=f"crs must be EPSG:{_srid()} (as surveyed) or EPSG:4326")
    if not partial:
        missing = [k for k in ("cadastral_number", "geometry", "use_category", "intravilan") if k not in out]
        if missing:
            abort(400, description=f"missing: {', '.join(missing)}")
    if "cadastral_number" in out and not isinstance(out["cadastral_number"], str):
        abort(400, description="cadastral_number must be text")
    if "legal_area" in out and out["legal_area"] is not None and not isinstance(out["legal_area"], (int, float)):
        abort(400, description="legal_area must be a number of m²")
    return out


def _uat(data: dict) -> int:
    uat = data.get("uat")
    if not isinstance(uat, int):
        abort(400, description="uat (SIRUTA) is required")
    return uat


def _saved(save):
    """Run a save; map its refusals to answers: 404 unknown, 409 newer version, 422 problems."""
    try:
        row, warnings = save()
    except editing.NotFound as exc:
        abort(404, description=str(exc))
    except editing.VersionConflict as exc:
        return jsonify(message=str(exc), current=exc.current, changed=exc.changed), 409
    except editing.ValidationFailed as exc:
        return jsonify(message="the parcel was not saved", problems=editing.problems_json(exc.problems)), 422
    return jsonify(parcel=row, problems=editing.problems_json(warnings))


@bp.post("/parcels/validate")
@requires(*EDITORS)
def validate():
    data = _body()
    fields = _parcel_fields(data, partial=False)
    with get_engine(_settings(), "app").connect() as conn:
        problems = editing.validate(conn, _uat(data), fields["geometry"], fields["cadastral_number"],
                                    fields.get("legal_area"), _srid(), data.get("id"))
    return jsonify(problems=editing.problems_json(problems))


@bp.post("/parcels")
@requires(*EDITORS)
def create():
    data = _body()
    uat, fields = _uat(data), _parcel_fields(data, False)
    answer = _saved(lambda: editing.create(_settings(), uat, fields, _actor(), _srid(),
                                           bool(data.get("accept_warnings"))))
    return (answer, 201) if not isinstance(answer, tuple) else answer


@bp.put("/parcels/<int:parcel_id>")
@requires(*EDITORS)
def update(parcel_id: int):
    data = _body()
    if not isinstance(data.get("version"), int):
        abort(400, description="version (the one you edited) is required")
    fields = _parcel_fields(data, True)
    return _saved(lambda: editing.update(_settings(), parcel_id, data["version"], fields, _actor(),
                                         _srid(), bool(data.get("accept_warnings"))))


@bp.delete("/parcels/<int:parcel_id>")
@requires(*EDITORS)
def retire(parcel_id: int):
    version = request.args.get("version", "")
    if not version.isdigit():
        abort(400, description="version (the one you saw) is required")
    return _saved(lambda: (editing.retire(_settings(), parcel_id, int(version), _actor()), []))


@bp.get("/parcels/<int:parcel_id>/history")
@requires("surveyor", *EDITORS)
def history(parcel_id: int):
    with get_engine(_settings(), "app").connect() as conn:
        try:
            return jsonify(versions=editing.history(conn, parcel_id))
        except editing.NotFound as exc:
            abort(404, description=str(exc))


@bp.post("/parcels/<int:parcel_id>/restore")
@requires(*EDITORS)
def restore(parcel_id: int):
    version = _body().get("version")
    if not isinstance(version, int):
        abort(400, description="version to restore is required")
    return _saved(lambda: editing.restore(_settings(), parcel_id, version, _actor(), _srid()))


@bp.post("/streets/<int:street_id>/rename")
@requires(*EDITORS)
def rename_street(street_id: int):
    """{street_type?, name, hcl_number, hcl_date: YYYY-MM-DD}: a renaming decided by HCL."""
    data = _body()
    try:
        when = datetime.fromisoformat(str(data.get("hcl_date", ""))).date().isoformat()
    except ValueError:
        abort(400, description="hcl_date must be a date (YYYY-MM-DD)")
    try:
        row = editing.rename_street(_settings(), street_id, str(data.get("street_type") or "Strada"),
                                    str(data.get("name", "")), str(data.get("hcl_number", "")), when, _actor())
    except editing.NotFound as exc:
        abort(404, description=str(exc))
    except ValueError as exc:
        abort(400, description=str(exc))
    return jsonify(street=row)


@bp.get("/parcels/<int:parcel_id>/address-proposal")
@requires("surveyor", *EDITORS)
def address_proposal(parcel_id: int):
    """The administrative number a parcel should get on its nearest street."""
    from gis.addressing import propose_number

    with get_engine(_settings(), "app").connect() as conn:
        try:
            p = propose_number(conn, parcel_id)
        except LookupError as exc:
            abort(404, description=str(exc))
    return jsonify(street_id=p.street_id, street=p.street, number=p.number, suffix=p.suffix,
                   label=p.label, side=p.side, between=[p.before, p.after])


def _when(name: str):
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        abort(400, description=f"{name} must be an ISO date or date-time")


@bp.get("/audit")
@requires(*EDITORS)
def audit():
    try:
        limit = min(1000, max(1, int(request.args.get("limit", 200))))
    except ValueError:
        abort(400, description="limit must be a whole number")
    with get_engine(_settings(), "app").connect() as conn:
        rows = conn.execute(text("""
            SELECT id, at, actor, action, table_name, object_id FROM audit.log
            WHERE (CAST(:actor AS text) IS NULL OR actor = :actor)
              AND (CAST(:tbl AS text) IS NULL OR table_name = :tbl)
              AND (CAST(:obj AS text) IS NULL OR object_id = :obj)
              AND (CAST(:since AS timestamptz) IS NULL OR at >= :since)
              AND (CAST(:until AS timestamptz) IS NULL OR at < :until)
            ORDER BY id DESC LIMIT :limit"""),
            {"actor": request.args.get("actor"), "tbl": request.args.get("table"),
             "obj": request.args.get("object"), "since": _when("since"), "until": _when("until"),
             "limit": limit}).mappings().all()
    return jsonify(entries=[{**r, "at": r["at"].isoformat()} for r in rows])
