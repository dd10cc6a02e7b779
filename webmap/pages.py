"""folium page builders. Every script and stylesheet is served from /static (installed from npm
into webmap/static/vendor): a page never asks anything of another host."""

from __future__ import annotations

import dataclasses
import html

import folium
from branca.element import Element, MacroElement
from jinja2 import Template
from sqlalchemy import text

from gis.db import get_engine
from gis.settings import Settings
from layers.registry import load_layers
from styles import load_styles
from webmap.i18n import LANGUAGE_NAMES, LANGUAGES, t

LOCAL_JS = [("leaflet", "/static/vendor/leaflet/leaflet.js"),
            ("teritoriu_map", "/static/js/public-map.js")]
LOCAL_CSS = [("leaflet_css", "/static/vendor/leaflet/leaflet.css"),
             ("teritoriu_css", "/static/css/map.css")]

# What the public map draws, bottom to top: (layer id, visible at start, tooltip property).
PUBLIC_OVERLAYS = [("zones", True, "code"), ("parcels", True, "cadastral_number"),
                   ("streets", True, "full_name"), ("uat", True, "name")]


class LocalMap(folium.Map):
    """A folium map whose assets are the project's own copies."""

    default_js = LOCAL_JS
    default_css = LOCAL_CSS


class _Init(MacroElement):
    """Calls our script once the folium map and its basemap exist."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        TeritoriuMap.init({{ this._parent.get_name() }},
            Object.assign({{ this.config | tojson }}, {basemapLayer: {{ this.basemap.get_name() }}}));
        {% endmacro %}
    """)

    def __init__(self, config: dict, basemap):
        super().__init__()
        self._name = "TeritoriuInit"
        self.config = config
        self.basemap = basemap


def territory(settings: Settings) -> dict:
    """Name, CRS84 extent and zone kinds of the (first) UAT, read through the public role."""
    with get_engine(settings, "public").connect() as conn:
        row = conn.execute(text(
            "SELECT name, ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
            "(SELECT name, ST_Transform(geom, 4326)::box2d AS e FROM public_api.uat ORDER BY siruta "
            "LIMIT 1) s")).one_or_none()
        kinds = set(conn.execute(text("SELECT DISTINCT functional_zone FROM public_api.zone")).scalars())
    if row is None:
        return {"name": "", "bbox": [20.2, 43.6, 29.8, 48.3], "zone_kinds": kinds}
    return {"name": row[0], "bbox": [round(v, 6) for v in row[1:]], "zone_kinds": kinds}


def _legend_html(lang: str, kinds: set[str]) -> str:
    """The zone colours of styles.yaml, for the kinds of zone this territory has."""
    zones = load_styles()["zones"]
    seen, items = set(), []
    for c in zones.classes:
        label = c.label.get(lang) or c.label["ro"]
        if label in seen or c.value not in kinds:
            continue
        seen.add(label)
        items.append(f'<li><i style="background:{c.fill};border-color:{c.stroke}"></i>'
                     f"{html.escape(c.value or '')} — {html.escape(label)}</li>")
    return (f'<template id="t-legend-template"><details><summary>{html.escape(t("zone_legend", lang))}'
            f'</summary><ul>{"".join(items)}</ul></details></template>')


def _header(title: str, lang: str) -> str:
    links = "".join(
        f'<a href="?lang={code}" hreflang="{code}" lang="{code}"'
        f'{" aria-current=\"true\"" if code == lang else ""}>{code.upper()}</a>'
        for code in LANGUAGES)
    return (f'<header class="t-header"><h1>{html.escape(title)}</h1>'
            f'<nav aria-label="{html.escape(t("language", lang))}">{links}</nav></header>')


def public_map_html(settings: Settings, lang: str = "ro") -> str:
    where = territory(settings)
    layers = load_layers()
    title = f"{t('public_map_title', lang)} — {where['name']}" if where["name"] else t("public_map_title", lang)
    m = LocalMap(location=None, tiles=None, control_scale=True, zoom_control=True,
                 max_zoom=21, min_zoom=8, prefer_canvas=False)
    basemap = folium.TileLayer(
        tiles="/api/tiles/orthophoto/{z}/{x}/{y}.png", attr=t("fictional", lang),
        name=t("orthophoto", lang), max_zoom=21, max_native_zoom=19, overlay=False, control=False)
    basemap.add_to(m)
    b = where["bbox"]
    m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    config = {
        "ogc": "/ogc", "bbox": b, "limit": 10000, "lang": lang,
        "texts": {k: t(k, lang) for k in ("loading", "load_error", "orthophoto")},
        "styles": {name: dataclasses.asdict(style) for name, style in load_styles().items()},
        "overlays": [{"id": lid, "title": layers[lid].label(lang), "style": layers[lid].style,
                      "visible": visible, "tooltip": tooltip}
                     for lid, visible, tooltip in PUBLIC_OVERLAYS],
    }
    m.add_child(_Init(config, basemap))
    root = m.get_root()
    root.title = title
    root.header.add_child(Element(f"<title>{html.escape(title)}</title>"))
    root.header.add_child(Element('<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">'))
    root.html.add_child(Element(_header(title, lang)), index=0)
    root.html.add_child(Element('<div id="t-status" class="t-status" role="status" aria-live="polite"></div>'))
    root.html.add_child(Element(_legend_html(lang, where["zone_kinds"])))
    page = root.render()
    # folium's figure has no lang attribute and puts the map straight in <body>: wrap it so the
    # header and the map share the viewport
    page = page.replace("<html>", f'<html lang="{lang}">', 1)
    page = page.replace(f'<div class="folium-map" id="{m.get_name()}"',
                        f'<main class="t-map" aria-label="{html.escape(title)}"><div class="folium-map" id="{m.get_name()}"', 1)
    return page.replace(f'<div class="folium-map" id="{m.get_name()}" ></div>',
                        f'<div class="folium-map" id="{m.get_name()}" ></div></main>', 1)


__all__ = ["LANGUAGE_NAMES", "public_map_html"]
