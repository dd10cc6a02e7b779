"""/ogc: pygeoapi's API object driven from Teritoriu's own read-only routes.

pygeoapi's flask_app reads its configuration at import time and exposes writes; instead the
configuration is generated from `layers/` when the app is built, and only the read routes are
mounted (no admin API, no transactions: writes go through Teritoriu's own authorization).
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, make_response, request

from gis.settings import Settings
from layers.ogc_config import openapi_document, pygeoapi_config, write_config


def create_ogc_blueprint(settings: Settings) -> Blueprint:
    from pygeoapi.api import API, APIRequest, apply_gzip
    import pygeoapi.api as core_api
    import pygeoapi.api.itemtypes as itemtypes_api
    import pygeoapi.api.tiles as tiles_api

    config = pygeoapi_config(settings)
    openapi = openapi_document(config)
    write_config(config, openapi, settings.var_dir / "ogc")
    api = API(config, openapi)
    bp = Blueprint("ogc", __name__, url_prefix="/ogc")

    def run(fn, *args) -> Response:
        api_request = APIRequest.from_flask(request, api.locales)
        if not api_request.is_valid():
            headers, status, content = api.get_format_exception(api_request)
        else:
            headers, status, content = fn(api, api_request, *args)
            content = apply_gzip(headers, content)
        response = make_response(content, status)
        if headers:
            response.headers = headers
        return response

    bp.add_url_rule("/", "landing", lambda: run(core_api.landing_page))
    bp.add_url_rule("/openapi", "openapi", lambda: run(core_api.openapi_))
    bp.add_url_rule("/conformance", "conformance", lambda: run(core_api.conformance))
    bp.add_url_rule("/TileMatrixSets", "tms", lambda: run(tiles_api.tilematrixsets))
    bp.add_url_rule("/collections", "collections", lambda: run(core_api.describe_collections, None))
    bp.add_url_rule("/collections/<collection_id>", "collection",
                    lambda collection_id: run(core_api.describe_collections, collection_id))
    bp.add_url_rule("/collections/<collection_id>/queryables", "queryables",
                    lambda collection_id: run(itemtypes_api.get_collection_queryables, collection_id))
    def items(collection_id: str):
        unknown = _unknown_parameters(config, collection_id, request.args)
        if unknown:
            return _bad_request(f"unknown query parameter(s): {', '.join(sorted(unknown))}; "
                                "filter on the collection's queryables only")
        return run(itemtypes_api.get_collection_items, collection_id)

    bp.add_url_rule("/collections/<collection_id>/items", "items", items)
    bp.add_url_rule("/collections/<collection_id>/items/<item_id>", "item",
                    lambda collection_id, item_id: run(itemtypes_api.get_collection_item,
                                                       collection_id, item_id))
    bp.record_once(lambda state: state.app.extensions.__setitem__("pygeoapi", api))
    return bp


# Parameters of OGC API Features (Parts 1-3) that pygeoapi understands on /items.
ITEMS_PARAMETERS = {"f", "lang", "limit", "offset", "bbox", "bbox-crs", "crs", "datetime",
                    "properties", "sortby", "skipGeometry", "filter", "filter-lang", "filter-crs",
                    "q", "resulttype"}


def _unknown_parameters(config: dict, collection_id: str, args) -> set[str]:
    """pygeoapi silently ignores a parameter that names no property: refuse it instead, so a
    filter on a hidden column never looks like an empty answer."""
    resource = config["resources"].get(collection_id)
    if resource is None:
        return set()  # pygeoapi answers 404 itself
    provider = resource["providers"][0]
    allowed = ITEMS_PARAMETERS | set(provider["properties"]) | {provider["id_field"]}
    return set(args) - allowed


def _bad_request(message: str) -> Response:
    response = make_response({"code": "InvalidParameterValue", "type": "InvalidParameterValue",
                              "description": message}, 400)
    return response


def current_pygeoapi():
    return current_app.extensions["pygeoapi"]
