"""/api/openapi.json: the OpenAPI 3.0 document of the public JSON API (the OGC API has its own
at /ogc/openapi). Written by hand, next to the routes it describes, so that a client generator
or a fuzzer (the test suite runs schemathesis against it) sees what a citizen's browser sees.
Staff routes (/api/office, /api/imports) need a session and are not part of this contract."""

from __future__ import annotations

from flask import Blueprint, jsonify

from api.errors import SCHEMA as ERROR_SCHEMA
from gis.certificates.kinds import all_kinds, spelled
from layers.registry import load_layers

bp = Blueprint("openapi", __name__, url_prefix="/api")

ERROR = {"description": "a message a person can act on, with its code, in the request's language (lang=, then "
                        "Accept-Language)",
         "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _query(name: str, schema: dict, description: str, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


def _path(name: str, schema: dict, description: str = "") -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": description}


def _json(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"type": "object"}}}}


def _get(summary: str, parameters: list, ok: dict, *errors: int) -> dict:
    return {"get": {"summary": summary, "parameters": parameters,
                    "responses": {"200": ok, **{str(code): ERROR for code in errors}}}}


def document() -> dict:
    public = sorted(lid for lid, layer in load_layers().items() if layer.is_public)
    kinds = all_kinds()
    number = {"type": "string", "minLength": 1, "maxLength": 40}
    token = _query("token", {"type": "string"}, "the private token given when the request was filed")
    return {
        "openapi": "3.0.3",
        "info": {"title": "Teritoriu public API", "version": "1",
                 "description": "Parcel sheets, search, certificate requests, downloads and styles. "
                                "Public answers carry no personal data and are rate-limited per client (429)."},
        "servers": [{"url": "/"}],
        "paths": {
            "/api/health": _get("Service state", [], _json("up"), 503),
            "/api/search": _get("Suggestions for the search box", [
                _query("q", {"type": "string", "maxLength": 200}, "address, cadastral number, street or village"),
                _query("uat", {"type": "string", "pattern": "^[0-9]{1,9}$"}, "only in this UAT (SIRUTA)"),
                _query("limit", {"type": "integer", "minimum": 1, "maximum": 20}, "at most this many")],
                _json("suggestions"), 400, 429),
            "/api/parcels/at": _get("The parcel sheet at a point", [
                _query("lon", {"type": "number", "minimum": -180, "maximum": 180}, "WGS 84 longitude"),
                _query("lat", {"type": "number", "minimum": -90, "maximum": 90}, "WGS 84 latitude"),
                _query("x", {"type": "number"}, "easting in crs"),
                _query("y", {"type": "number"}, "northing in crs"),
                _query("crs", {"type": "string", "enum": ["EPSG:3844", "EPSG:4326", "EPSG:3857"]}, "CRS of x, y")],
                _json("the parcel sheet"), 400, 404, 429),
            "/api/parcels/{cadastral_number}": _get("The parcel sheet by cadastral number", [
                _path("cadastral_number", number),
                _query("uat", {"type": "string", "pattern": "^[0-9]{1,9}$"}, "SIRUTA of the UAT")],
                _json("the parcel sheet"), 400, 404, 409, 429),
            "/api/usage/{kind}": {"post": {  # the public map's beacons (gis/map_use.py)
                "summary": "Count one session or search of the public map (no cookie, address or identifier kept)",
                "parameters": [_path("kind", {"type": "string", "enum": ["session", "search"]}),
                               _query("uat", {"type": "string", "pattern": "^[0-9]{1,9}$"}, "SIRUTA of the UAT")],
                "responses": {"204": {"description": "counted"}, **{str(c): ERROR for c in (400, 404, 429)}}}},
            "/api/certificates": {"post": {
                "summary": f"File a certificate request ({spelled([k.summary or k.name for k in kinds.values()])})",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["type", "parcels", "purpose", "applicant_name"],
                    "properties": {
                        "type": {"type": "string", "enum": list(kinds)},
                        "parcels": {"type": "array", "minItems": 1, "maxItems": 20, "items": number},
                        "purpose": {"type": "string", "minLength": 3, "maxLength": 500},
                        "applicant_name": {"type": "string", "minLength": 3, "maxLength": 200},
                        "applicant_email": {"type": "string", "format": "email"},
                        "applicant_domicile": {"type": "string", "maxLength": 300,
                                               "description": "printed on the certificate (domiciliul/sediul)"},
                        "uat": {"type": "integer", "minimum": 1,
                                "description": "SIRUTA, when a number exists in several UATs"},
                        **{f: schema for k in kinds.values() for f, schema in k.request_fields.items()}}}}}},
                "responses": {"201": _json("registry number, fee and the private status link"),
                              "400": ERROR, "404": ERROR, "429": ERROR}}},
            "/api/certificates/{request_id}": _get("A request's status", [
                _path("request_id", {"type": "integer", "minimum": 1}), token], _json("status"), 404),
            "/api/certificates/{request_id}.pdf": _get("The draft or issued PDF", [
                _path("request_id", {"type": "integer", "minimum": 1}), token],
                {"description": "PDF", "content": {"application/pdf": {}}}, 404, 409),
            "/api/export/{collection}.{fmt}": _get("Download a whole public collection", [
                _path("collection", {"type": "string", "enum": public}),
                _path("fmt", {"type": "string", "enum": ["csv", "gpkg"]}),
                _query("crs", {"type": "string"}, "EPSG:3844 (default), EPSG:4326 or EPSG:3857"),
                _query("uat", {"type": "string", "pattern": "^[0-9]{1,9}$"}, "only this UAT (SIRUTA)")],
                {"description": "CSV or GeoPackage", "content": {"text/csv": {}, "application/geopackage+sqlite3": {}}},
                400, 404),
            "/api/styles/{layer}.{fmt}": _get("A layer's style", [
                _path("layer", {"type": "string"}), _path("fmt", {"type": "string", "enum": ["sld", "qml"]}),
                _query("lang", {"type": "string", "enum": ["ro", "en", "hu"]}, "legend language")],
                {"description": "SLD or QML", "content": {"application/xml": {}}}, 404),
            "/api/tiles/orthophoto/{z}/{x}/{y}.png": _get("Orthophoto basemap tile (XYZ)", [
                _path("z", {"type": "integer", "minimum": 0}), _path("x", {"type": "integer", "minimum": 0}),
                _path("y", {"type": "integer", "minimum": 0})],
                {"description": "PNG (204: no image here)", "content": {"image/png": {}}}, 400, 404),
        },
        "components": {"schemas": {"Error": ERROR_SCHEMA,
            # one schema per certificate kind (gis.certificates.kinds): its request
            **{f"CertificateRequest_{name}": kind.openapi_schema() for name, kind in kinds.items()}}},
    }


@bp.get("/openapi.json")
def openapi():
    return jsonify(document())
