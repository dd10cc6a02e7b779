"""Styles: every layer has one, and the SLD/QML exports are well-formed with the same colours."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from layers.registry import load_layers
from styles import get_style, load_styles


def test_every_layer_names_an_existing_style():
    styles = load_styles()
    assert {layer.style for layer in load_layers().values()} <= set(styles)


@pytest.mark.parametrize("layer_id", sorted(load_layers()))
def test_sld_and_qml_are_well_formed(client, layer_id):
    for fmt in ("sld", "qml"):
        r = client.get(f"/api/styles/{layer_id}.{fmt}")
        assert r.status_code == 200, fmt
        ElementTree.fromstring(r.data)


def test_the_zone_legend_is_the_same_in_sld_and_qml(client):
    housing = get_style("zones").class_for("L")
    sld = ElementTree.fromstring(client.get("/api/styles/zones.sld").data)
    ns = {"se": "http://www.opengis.net/se", "ogc": "http://www.opengis.net/ogc"}
    rule = next(r for r in sld.iterfind(".//se:Rule", ns) if r.findtext("se:Name", namespaces=ns) == "L")
    fill = rule.find(".//se:Fill/se:SvgParameter[@name='fill']", ns).text
    assert fill == housing.fill
    assert rule.find(".//se:Title", ns).text == "Locuințe"
    qml = ElementTree.fromstring(client.get("/api/styles/zones.qml?lang=en").data)
    cat = next(c for c in qml.iter("category") if c.get("value") == "L")
    assert cat.get("label") == "Housing"
    symbol = next(s for s in qml.iter("symbol") if s.get("name") == cat.get("symbol"))
    r, g, b = (int(housing.fill[i:i + 2], 16) for i in (1, 3, 5))
    assert symbol.find(".//prop[@k='color']").get("v").startswith(f"{r},{g},{b},")


def test_an_unknown_layer_or_format_is_a_404_with_a_message(client):
    for url in ("/api/styles/nope.sld", "/api/styles/parcels.png"):
        r = client.get(url)
        assert r.status_code == 404
        assert r.get_json()["message"]
