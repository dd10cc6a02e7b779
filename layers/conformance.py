"""The conformance classes /ogc declares: pygeoapi's list for the configured resources, less the
classes Teritoriu does not implement, plus the ones it implements itself.

Every class declared here has its tests in tests/test_ogc_conformance.py (its table `TESTS`,
and a test that the declared list equals that table's keys).
"""

from __future__ import annotations

FEATURES_5 = "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf"

# Declared by pygeoapi but not true here:
WITHDRAWN = {
    # writes go through Teritoriu's own API (/api), never through /ogc (pygeoapi's are not mounted)
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
    # the draft's Common Part 3 names; the schemas are declared with their Features Part 5 URIs
    "http://www.opengis.net/spec/ogcapi-common-3/1.0/conf/schemas",
    "http://www.opengis.net/spec/ogcapi-common-3/1.0/conf/advanced-property-roles",
    # the orthophoto has no time: there is nothing a datetime could select
    "http://www.opengis.net/spec/ogcapi-coverages-1/1.0/conf/coverage-datetime",
}
# Implemented by Teritoriu (api/ogc_meta.py, layers/feature_schema.py), for feature collections:
FEATURE_CLASSES = {
    f"{FEATURES_5}/schemas",  # /collections/{id}/schema, JSON Schema 2020-12
    f"{FEATURES_5}/core-roles-features",  # x-ogc-role id and primary-geometry in that schema
}
# OGC API - Tiles, implemented by Teritoriu (api/ogc_tiles.py, api/vector_tiles.py) for the layers
# with vector tiles
TILES_CLASSES = {f"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/{c}" for c in
                 ("core", "mvt", "tileset", "tilesets-list", "geodata-tilesets", "tilematrixset")}


def conformance_classes(config: dict) -> list[str]:
    """The sorted conformance list of the API configured by `config`."""
    from pygeoapi.api import CONFORMANCE_CLASSES, all_apis

    apis = all_apis()
    classes = set(CONFORMANCE_CLASSES)
    for resource in config["resources"].values():
        if resource["type"] == "process":
            classes |= set(apis["process"].CONFORMANCE_CLASSES)
            continue
        for provider in resource.get("providers", []):
            if provider["type"] in apis:
                classes |= set(apis[provider["type"]].CONFORMANCE_CLASSES)
            if provider["type"] == "feature":
                classes |= set(apis["itemtypes"].CONFORMANCE_CLASSES_FEATURES) | FEATURE_CLASSES
                if provider.get("layer") and _tiled(provider["layer"]):
                    classes |= TILES_CLASSES
            if provider["type"] == "record":
                classes |= set(apis["itemtypes"].CONFORMANCE_CLASSES_RECORDS)
    return sorted(classes - WITHDRAWN)


def _tiled(layer_id: str) -> bool:
    from layers.registry import load_layers

    layer = load_layers().get(layer_id)
    return bool(layer and layer.tiles)
