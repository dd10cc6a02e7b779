"""/ogc answers Teritoriu builds itself, in pygeoapi's calling convention
(`fn(api, api_request, ...) -> (headers, status, content)`): the conformance declaration
(layers/conformance.py) and the collections' JSON Schemas (OGC API Features Part 5,
layers/feature_schema.py)."""

from __future__ import annotations

import json
from functools import lru_cache
from http import HTTPStatus

from sqlalchemy import text

from gis.db import engine_for_url
from layers.conformance import conformance_classes
from layers.feature_schema import SCHEMA_MEDIA_TYPE, collection_schema
from layers.registry import load_layers


def conformance(api, api_request):
    from pygeoapi.api import F_HTML
    from pygeoapi.util import render_j2_template, to_json

    document = {"conformsTo": conformance_classes(api.config)}
    headers = api_request.get_response_headers(**api.api_headers)
    if api_request.format == F_HTML:
        return headers, HTTPStatus.OK, render_j2_template(
            api.tpl_config, api.config["server"]["templates"], "conformance.html", document, api_request.locale)
    return headers, HTTPStatus.OK, to_json(document, api.pretty_print)


def schema(api, api_request, collection_id: str):
    """A feature collection's schema from the layer registry; a coverage's (its bands) and the
    HTML page are pygeoapi's."""
    import pygeoapi.api as core_api
    from pygeoapi.api import F_HTML

    layer = load_layers().get(collection_id)
    if layer is None or collection_id not in api.config["resources"] or api_request.format == F_HTML:
        return core_api.get_collection_schema(api, api_request, collection_id)
    provider = next(p for p in api.config["resources"][collection_id]["providers"] if p["type"] == "feature")
    lang = api_request.locale.language if api_request.locale else "ro"
    document = collection_schema(layer, _column_types(provider["data"]["url"], layer.source),
                                 f"{api.get_collections_url()}/{collection_id}/schema", lang)
    headers = api_request.get_response_headers(**api.api_headers)
    headers["Content-Type"] = SCHEMA_MEDIA_TYPE
    return headers, HTTPStatus.OK, json.dumps(document, ensure_ascii=False)


@lru_cache(maxsize=64)
def _column_types(url: str, source: str) -> dict[str, str]:
    from sqlalchemy.engine import make_url

    schema_name, _, view = source.partition(".")
    with engine_for_url(make_url(url)).connect() as conn:
        return dict(conn.execute(text("SELECT column_name, data_type FROM information_schema.columns "
                                      "WHERE table_schema = :s AND table_name = :t"),
                                 {"s": schema_name, "t": view}).all())
