"""/ogc: pygeoapi's API objects driven from Teritoriu's own read-only routes.

pygeoapi's flask_app reads its configuration at import time and exposes writes; instead the
configuration is generated from `layers/` when the app is built, and only read routes are
mounted (no admin API, no transactions: writes go through Teritoriu's own authorization).

pygeoapi has no access control, so there are two API objects: the public one knows only the
public collections (read through the `public_api` role); the restricted one knows every
collection and is reached only after an API key (or a staff session) was checked here.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, make_response, request

from api import ogc_meta, ogc_pages
from api.auth import authorize_collection, presented_key_is_valid
from api.catalogue import iso19139_response
from api.errors import ogc_exception
from api.items_answers import as_geojson
from api.items_params import ItemsParameterError, check_items_args, items_limits
from api.ogc_coverage import Coverages
from gis.bbox import bbox_problem
from gis.settings import Settings
from gis.uats import is_uat_code
from layers.catalogue import CATALOGUE_ID, add_catalogues
from layers.ogc_config import openapi_document, pygeoapi_config, write_config

# Parameters of OGC API Features (Parts 1-3) that pygeoapi understands on /items.
ITEMS_PARAMETERS = {"f", "lang", "limit", "offset", "bbox", "bbox-crs", "crs", "datetime",
                    "properties", "sortby", "skipGeometry", "filter", "filter-lang", "filter-crs",
                    "q", "resulttype"}


def create_ogc_blueprint(settings: Settings) -> Blueprint:
    import pygeoapi.api as core_api
    import pygeoapi.api.coverages as coverages_api
    import pygeoapi.api.itemtypes as itemtypes_api
    import pygeoapi.api.processes as processes_api
    from pygeoapi.api import API, APIRequest, apply_gzip

    from layers import pygeoapi_speedups

    pygeoapi_speedups.install()
    from api import items_answers

    items_answers.install()  # links of an items page (after the speedups: it wraps their to_json)
    from api.request_ids import pygeoapi_logging

    core_api.setup_logger = pygeoapi_logging  # its level for its own logger, never the root logger's

    full_config = pygeoapi_config(settings, restricted=True)
    public_config = pygeoapi_config(settings, restricted=False)
    # metadata records (OGC API - Records, ISO 19139): each configuration catalogues its own collections
    staff_catalogue = add_catalogues(settings, full_config, public_config)
    ogc_pages.use_own_templates(full_config, public_config)
    public_oas = openapi_document(public_config)
    write_config(public_config, public_oas, settings.var_dir / "ogc")
    public_api = API(public_config, public_oas)
    staff_api = API(full_config, openapi_document(full_config))
    restricted = {cid for cid in full_config["resources"] if cid not in public_config["resources"]}
    coverages = Coverages(settings, full_config)
    describe_collections = coverages.describe(core_api.describe_collections)  # says which are coverages
    bp = Blueprint("ogc", __name__, url_prefix="/ogc")
    ogc_pages.install(bp)

    def run(fn, *args, api=None, any_format: bool = False) -> Response:
        """Answer with pygeoapi; `any_format`: the function checks `f` itself (items, coverage)."""
        api = api or public_api
        api_request = APIRequest.from_flask(request, api.locales)
        if not any_format and not api_request.is_valid():
            headers, status, content = api.get_format_exception(api_request)
        else:
            headers, status, content = fn(api, api_request, *args)
            content = apply_gzip(headers, content)
        response = make_response(content, status)
        for key, value in (headers or {}).items():  # keep Flask's Headers (the session sets cookies)
            response.headers[key] = value
        if api is staff_api:
            response.headers["Cache-Control"] = "private, no-store"
        return response

    def for_collection(collection_id: str):
        """The API object allowed to answer for this collection, or an error response."""
        if collection_id == CATALOGUE_ID and presented_key_is_valid(settings):
            return staff_api, None  # like /collections: a key or staff also find the restricted datasets
        if collection_id not in restricted:
            return public_api, None
        denied = authorize_collection(settings, collection_id)
        return staff_api, denied

    def collection_route(fn, any_format: bool = False):
        def view(collection_id: str, **kwargs):
            api, denied = for_collection(collection_id)
            if denied is not None:
                return denied
            return run(fn, collection_id, *kwargs.values(), api=api, any_format=any_format)
        return view

    def collections():
        api = staff_api if presented_key_is_valid(settings) else public_api
        return run(describe_collections, None, api=api)

    def items(collection_id: str):
        """GET: filters in the query (CQL2 text); POST: a CQL2 JSON filter in the body (a query,
        never a write: pygeoapi's transactions are not mounted)."""
        if request.method == "POST" and request.mimetype not in ("application/json",
                                                                 "application/query-cql-json"):
            return _bad_request("POST a CQL2 JSON filter (Content-Type: application/query-cql-json); "
                                "writes are not accepted here")
        config = full_config if collection_id in restricted else public_config
        resource = config["resources"].get(collection_id)
        if resource is not None and not any(p.get("type") in ("feature", "record")
                                            for p in resource.get("providers", [])):
            return _not_found(f"{collection_id[:80]} is a coverage, not a set of features: its data is at "
                              f"/ogc/collections/{collection_id[:80]}/coverage")
        if (resource is not None and any(p.get("type") == "record" for p in resource.get("providers", []))
                and request.args.get("f", "json") not in ("json", "html")):  # pygeoapi's CSV of records: a 500
            return _bad_request("metadata records are offered as f=json or f=html")
        try:  # before `uat=` is rewritten: the page's links repeat the query as the client sent it
            g.items_page = check_items_args(request.args, *items_limits(config, collection_id))
        except ItemsParameterError as exc:
            return _bad_request(str(exc))
        problem = _uat_as_property() or bbox_problem(request.args.get("bbox"), request.args.get("bbox-crs"))
        if problem:
            return _bad_request(problem)
        unknown = _unknown_parameters(config, collection_id, request.args)
        if unknown:
            return _bad_request(f"unknown query parameter(s): {', '.join(sorted(unknown))}; "
                                "filter on the collection's queryables only")
        return as_geojson(collection_route(itemtypes_api.get_collection_items, any_format=True)(collection_id))

    processes = {pid for pid, r in full_config["resources"].items() if r["type"] == "process"}

    def process_route(fn):
        """Processes exist only for staff and for keys granted that process."""
        def view(process_id: str | None = None):
            if process_id is None:
                if not presented_key_is_valid(settings):
                    return _unauthorized()
                return run(fn, None, api=staff_api)
            if process_id not in processes:
                return _not_found(f"no process {process_id!r}")
            denied = authorize_collection(settings, process_id, process=True)
            if denied is not None:
                return denied
            return run(fn, process_id, api=staff_api, any_format=True)
        return view

    bp.add_url_rule("/processes", "processes", process_route(processes_api.describe_processes))
    bp.add_url_rule("/processes/<process_id>", "process", process_route(processes_api.describe_processes))
    bp.add_url_rule("/processes/<process_id>/execution", "execution",
                    process_route(processes_api.execute_process), methods=["POST"])
    bp.add_url_rule("/", "landing", lambda: run(core_api.landing_page))
    bp.add_url_rule("/openapi", "openapi", lambda: run(core_api.openapi_))
    bp.add_url_rule("/conformance", "conformance", lambda: run(ogc_meta.conformance))
    bp.add_url_rule("/collections", "collections", collections)
    bp.add_url_rule("/collections/<collection_id>", "collection",
                    collection_route(describe_collections))
    bp.add_url_rule("/collections/<collection_id>/queryables", "queryables",
                    collection_route(itemtypes_api.get_collection_queryables))
    bp.add_url_rule("/collections/<collection_id>/schema", "schema", collection_route(ogc_meta.schema))
    bp.add_url_rule("/collections/<collection_id>/items", "items", items, methods=["GET", "POST"])

    def coverage(collection_id: str):
        """Every parameter is checked (api/coverage_params.py) before rasterio sees it: a range
        outside the raster used to kill the worker. GeoTIFF (the default) is cut from the COG
        (api/ogc_coverage.py); pygeoapi writes CoverageJSON and HTML."""
        from api.coverage_params import CoverageParameterError, rewrite_query

        if collection_id not in coverages.providers:
            return _not_found(f"the collection {collection_id[:80]!r} has no coverage")
        _api, denied = for_collection(collection_id)
        if denied is not None:
            return denied
        try:
            query = coverages.check(collection_id, request.args)
        except CoverageParameterError as exc:
            return _bad_request(str(exc))
        if query.format == "GTiff":
            return coverages.geotiff(collection_id, query)
        rewrite_query(query.pairs)
        return collection_route(coverages_api.get_collection_coverage, any_format=True)(collection_id)

    bp.add_url_rule("/collections/<collection_id>/coverage", "coverage", coverage)

    def iso19139(collection_id: str):
        api, denied = for_collection(collection_id)
        return denied or iso19139_response(staff_catalogue, collection_id, private=api is staff_api)

    bp.add_url_rule("/collections/<collection_id>/metadata/iso19139", "iso19139", iso19139)
    item = collection_route(itemtypes_api.get_collection_item)
    bp.add_url_rule("/collections/<collection_id>/items/<item_id>", "item", lambda **kw: as_geojson(item(**kw)))
    bp.record_once(lambda state: state.app.extensions.__setitem__("pygeoapi", public_api))
    return bp


def _unknown_parameters(config: dict, collection_id: str, args) -> set[str]:
    """pygeoapi silently ignores a parameter that names no property: refuse it instead, so a
    filter on a hidden column never looks like an empty answer."""
    resource = config["resources"].get(collection_id)
    if resource is None:
        return set()  # pygeoapi answers 404 itself
    provider = resource["providers"][0]
    allowed = ITEMS_PARAMETERS | set(provider["properties"]) | {provider["id_field"]}
    return set(args) - allowed


def _uat_as_property() -> str | None:
    """`uat=<SIRUTA>` on /items is the short name of the `uat_siruta` property (one UAT of a
    county or region): rewritten in place so that pygeoapi filters on it like any property."""
    from urllib.parse import urlencode

    if "uat" not in request.args:
        return None
    value = request.args.get("uat", "")
    if not is_uat_code(value) or "uat_siruta" in request.args:
        return "uat must be one SIRUTA code (digits), and not given together with uat_siruta"
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "uat"] + [("uat_siruta", value)]
    req = request._get_current_object()
    req.environ["QUERY_STRING"] = urlencode(pairs)
    req.query_string = req.environ["QUERY_STRING"].encode()
    req.__dict__.pop("args", None)  # werkzeug parsed and cached the old one
    return None


def _unauthorized() -> Response:
    response = ogc_exception(401, "processes need an API key (X-API-Key or Authorization: Bearer)")
    response.headers["WWW-Authenticate"] = 'Bearer realm="teritoriu"'
    return response


def _not_found(message: str) -> Response:
    return ogc_exception(404, message)


def _bad_request(message: str) -> Response:
    return make_response({"code": "InvalidParameterValue", "type": "InvalidParameterValue",
                          "description": message}, 400)


def current_pygeoapi():
    return current_app.extensions["pygeoapi"]


