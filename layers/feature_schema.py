"""The logical schema of a published layer (OGC API Features Part 5, OGC 23-058), as JSON Schema
2020-12, built from the layer registry (titles, enums, geometry type, id) and the column types
of the layer's view.

The queryables (pygeoapi's `/queryables`, from the provider's `get_fields`) come from
`fields()` of this module, so a property has the same type, format and enum in both.
"""

from __future__ import annotations

from layers.registry import Layer

JSON_SCHEMA_2020_12 = "https://json-schema.org/draft/2020-12/schema"
REL_SCHEMA = "http://www.opengis.net/def/rel/ogc/1.0/schema"
SCHEMA_MEDIA_TYPE = "application/schema+json"

# PostgreSQL type (information_schema.columns.data_type) → JSON Schema type and format
_PG_TYPES: dict[str, dict[str, str]] = {
    "integer": {"type": "integer"}, "bigint": {"type": "integer"}, "smallint": {"type": "integer"},
    "numeric": {"type": "number"}, "double precision": {"type": "number"}, "real": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "timestamp with time zone": {"type": "string", "format": "date-time"},
    "jsonb": {"type": "object"}, "json": {"type": "object"},
    "ARRAY": {"type": "array"},
}
# Part 5's geometry formats
_GEOMETRY_FORMATS = {"Point": "geometry-point", "MultiPoint": "geometry-multipoint",
                     "LineString": "geometry-linestring", "MultiLineString": "geometry-multilinestring",
                     "Polygon": "geometry-polygon", "MultiPolygon": "geometry-multipolygon"}


def _type_of(pg_type: str) -> dict[str, str]:
    return dict(_PG_TYPES.get(pg_type, {"type": "string"}))


def _type_of_property(layer: Layer, name: str, pg_type: str) -> dict[str, str]:
    """A jsonb column holds an object or an array: the layer file says which (`types:`)."""
    return {"type": layer.types[name]} if name in layer.types else _type_of(pg_type)


def fields(layer: Layer, column_types: dict[str, str]) -> dict[str, dict]:
    """pygeoapi's provider fields: type, format and (as pygeoapi names enums) `values`."""
    out = {}
    for prop in layer.properties:
        field = _type_of_property(layer, prop, column_types.get(prop, ""))
        if prop in layer.enums and field["type"] != "array":
            field["values"] = list(layer.enums[prop])
        out[prop] = field
    return out


def _property(layer: Layer, name: str, pg_type: str, lang: str) -> dict:
    schema = _type_of_property(layer, name, pg_type)
    title = layer.titles.get(name, {})
    schema["title"] = title.get(lang) or title.get("ro") or name
    if schema["type"] == "array":  # a text[] column holds strings, a jsonb array (INSPIRE) objects
        schema["items"] = {"type": "string" if pg_type == "ARRAY" else "object"}
        if name in layer.enums:
            schema["items"]["enum"] = list(layer.enums[name])
    elif name in layer.enums:
        schema["enum"] = list(layer.enums[name])
    return schema


def collection_schema(layer: Layer, column_types: dict[str, str], schema_url: str, lang: str = "ro") -> dict:
    """The JSON Schema of the features of `layer`: the id and the geometry with their roles, then
    each published property in the order of the registry."""
    properties = {
        layer.id_field: {**_type_of(column_types.get(layer.id_field, "")), "title": "id", "x-ogc-role": "id",
                         "readOnly": True},
        "geometry": {"format": _GEOMETRY_FORMATS[layer.geometry], "x-ogc-role": "primary-geometry",
                     "title": "geometry"},
    }
    for seq, name in enumerate(layer.properties, start=1):
        properties[name] = {**_property(layer, name, column_types.get(name, ""), lang), "x-ogc-propertySeq": seq}
    return {
        "$schema": JSON_SCHEMA_2020_12,
        "$id": schema_url,
        "type": "object",
        "title": layer.title.get(lang) or layer.title["ro"],
        "description": layer.description.get(lang) or layer.description["ro"],
        "properties": properties,
    }
