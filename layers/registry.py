"""The layer registry: one YAML file per published layer, read and checked in one place.

Everything that publishes a layer (the OGC API configuration, the web map's layer list, the
styles) starts from `load_layers()`. Adding a layer is adding one file to this folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

LAYERS_DIR = Path(__file__).parent
GEOMETRY_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
ACCESS = {"public", "restricted"}
# Plain SQL names; camelCase is allowed for the INSPIRE views (quoted by SQLAlchemy), and a unit
# of measure as `<name>.uom` (the INSPIRE GeoJSON encoding's name for it).
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PROPERTY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.uom)?$")


def _vocabularies() -> dict[str, list[str]]:
    """Vocabularies a layer may name as a property's enum (`enums: {use_category: land_use}`)."""
    from gis import land_use

    return {"land_use": land_use.choices(),
            "hilucs": sorted({u for zone in land_use.HILUCS_BY_FUNCTIONAL_ZONE for u in land_use.hilucs(zone)}
                             | set(land_use.hilucs("?")))}


class LayerError(ValueError):
    """A layer file that cannot be published, with the file and the reason."""


@dataclass(frozen=True)
class Layer:
    id: str
    title: dict[str, str]
    description: dict[str, str]
    source: str  # schema.view
    id_field: str
    geometry: str
    access: str
    properties: tuple[str, ...]
    style: str
    keywords: tuple[str, ...] = ()
    tiles: dict = field(default_factory=dict)
    geom_field: str = "geom"
    titles: dict[str, dict[str, str]] = field(default_factory=dict)  # property → title per language
    enums: dict[str, list] = field(default_factory=dict)  # property → its allowed values
    types: dict[str, str] = field(default_factory=dict)  # property → JSON type its column cannot tell (jsonb)
    metadata: dict = field(default_factory=dict)  # the catalogue's ISO 19115 fields (check_metadata)

    @property
    def schema(self) -> str:
        return self.source.split(".")[0]

    @property
    def table(self) -> str:
        return self.source.split(".")[1]

    @property
    def is_public(self) -> bool:
        return self.access == "public"

    def label(self, lang: str = "ro") -> str:
        return self.title.get(lang) or self.title["ro"]


def _check(path: Path, data: dict) -> Layer:
    def fail(msg: str):
        raise LayerError(f"{path.name}: {msg}")

    required = ("id", "title", "description", "source", "id_field", "geometry", "access",
                "properties", "style", "metadata")
    missing = [k for k in required if k not in data]
    if missing:
        fail(f"missing keys {', '.join(missing)}")
    unknown = set(data) - set(required) - {"keywords", "tiles", "geom_field", "titles", "enums", "types"}
    if unknown:
        fail(f"unknown keys {', '.join(sorted(unknown))}")
    if data["id"] != path.stem:
        fail(f"id {data['id']!r} must match the file name {path.stem!r}")
    if data["geometry"] not in GEOMETRY_TYPES:
        fail(f"geometry must be one of {', '.join(sorted(GEOMETRY_TYPES))}")
    if data["access"] not in ACCESS:
        fail("access must be public or restricted")
    schema, _, table = str(data["source"]).partition(".")
    names = [schema, table, data["id_field"], data.get("geom_field", "geom")]
    if (not table or not all(_IDENT.match(str(n)) for n in names)
            or not all(_PROPERTY.match(str(n)) for n in data["properties"])):
        fail("source, id_field and properties must be plain SQL names (schema.view)")
    described = set(data.get("titles") or {}) | set(data.get("enums") or {}) | set(data.get("types") or {})
    if described - set(data["properties"]):
        fail(f"titles/enums of unknown properties: {', '.join(sorted(described - set(data['properties'])))}")
    if not set((data.get("types") or {}).values()) <= {"object", "array"}:
        fail("types: only object or array (the JSON types a jsonb column can hold)")
    enums = {}
    for prop, values in (data.get("enums") or {}).items():
        if isinstance(values, str):
            if values not in _vocabularies():
                fail(f"enum of {prop}: no vocabulary {values!r} (known: {', '.join(_vocabularies())})")
            values = _vocabularies()[values]
        enums[prop] = list(values)
    if data["access"] == "public" and schema != "public_api":
        fail("a public layer must read a view of the public_api schema")
    if data["access"] == "restricted" and schema != "staff_api":
        fail("a restricted layer must read a view of the staff_api schema")
    for key in ("title", "description"):
        if not isinstance(data[key], dict) or "ro" not in data[key] or "en" not in data[key]:
            fail(f"{key} needs at least 'ro' and 'en'")
    problem = check_metadata(data.get("metadata"))
    if problem:
        fail(problem)
    return Layer(
        id=data["id"], title=dict(data["title"]), description=dict(data["description"]),
        source=data["source"], id_field=data["id_field"], geometry=data["geometry"],
        access=data["access"], properties=tuple(data["properties"]), style=data["style"],
        keywords=tuple(data.get("keywords", ())), tiles=dict(data.get("tiles") or {}),
        geom_field=data.get("geom_field", "geom"), metadata=dict(data["metadata"]),
        titles={k: dict(v) for k, v in (data.get("titles") or {}).items()}, enums=enums,
        types=dict(data.get("types") or {}),
    )


def check_metadata(meta) -> str | None:
    """What is wrong with a `metadata` block (the catalogue record's fields), or None.

    inspire_theme: a GEMET INSPIRE theme code (gis/inspire_themes.py); update_frequency: an ISO 19115
    maintenance frequency; lineage: {ro, en} text; temporal_field (optional): a date column of the
    layer's own view whose earliest value begins the record's temporal extent.
    """
    from gis.inspire_themes import MAINTENANCE_FREQUENCIES, THEMES

    if not isinstance(meta, dict):
        return "metadata needs inspire_theme, update_frequency and lineage"
    unknown = set(meta) - {"inspire_theme", "update_frequency", "lineage", "temporal_field"}
    if unknown:
        return f"unknown metadata keys {', '.join(sorted(unknown))}"
    if meta.get("inspire_theme") not in THEMES:
        return f"metadata.inspire_theme must be one of {', '.join(sorted(THEMES))}"
    if meta.get("update_frequency") not in MAINTENANCE_FREQUENCIES:
        return f"metadata.update_frequency must be one of {', '.join(MAINTENANCE_FREQUENCIES)}"
    lineage = meta.get("lineage")
    if not isinstance(lineage, dict) or "ro" not in lineage or "en" not in lineage:
        return "metadata.lineage needs at least 'ro' and 'en'"
    if "temporal_field" in meta and not _IDENT.match(str(meta["temporal_field"])):
        return "metadata.temporal_field must be a plain SQL name"
    return None


@cache
def load_layers(directory: Path = LAYERS_DIR) -> dict[str, Layer]:
    """All layers, keyed by id, in file-name order."""
    layers = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
        if not isinstance(data, dict):
            raise LayerError(f"{path.name}: not a YAML mapping")
        layer = _check(path, data)
        layers[layer.id] = layer
    return layers
