"""The layer files' schema keys (titles, enums, types) are checked when the registry loads: a
typo fails at start, not as a silently wrong JSON Schema."""

from __future__ import annotations

import pytest
import yaml

from gis import land_use
from layers.registry import LayerError, load_layers

BASE = {"id": "t", "title": {"ro": "T", "en": "T"}, "description": {"ro": "D", "en": "D"},
        "source": "public_api.t", "id_field": "id", "geometry": "Point", "access": "public",
        "properties": ["a", "b.uom", "c"], "style": "t",
        "metadata": {"inspire_theme": "lu", "update_frequency": "asNeeded", "lineage": {"ro": "L", "en": "L"}}}


def _load(tmp_path, **extra):
    (tmp_path / "t.yaml").write_text(yaml.safe_dump({**BASE, **extra}), encoding="utf-8")
    load_layers.cache_clear()
    try:
        return load_layers(tmp_path)["t"]
    finally:
        load_layers.cache_clear()


def test_titles_enums_and_types_are_read(tmp_path):
    layer = _load(tmp_path, titles={"a": {"ro": "Ana", "en": "Ann"}}, enums={"a": "land_use", "c": [1, 2]},
                  types={"c": "array"})
    assert layer.titles["a"]["en"] == "Ann" and layer.types == {"c": "array"}
    assert layer.enums["a"] == land_use.choices() and layer.enums["c"] == [1, 2]
    assert "b.uom" in layer.properties, "a unit of measure is published as <name>.uom"


@pytest.mark.parametrize("extra, message", [
    ({"titles": {"x": {"ro": "X"}}}, "unknown properties: x"),
    ({"enums": {"a": "no_such_vocabulary"}}, "no vocabulary"),
    ({"types": {"a": "integer"}}, "only object or array"),
    ({"properties": ["a.b"]}, "plain SQL names"),
])
def test_a_wrong_schema_key_is_refused(tmp_path, extra, message):
    with pytest.raises(LayerError, match=message):
        _load(tmp_path, **extra)


def test_the_published_layers_load():
    layers = load_layers()
    assert layers["inspire_zoning_elements"].enums["hilucsLandUse"]
    assert layers["inspire_addresses"].types == {"locator": "array", "component": "array"}
