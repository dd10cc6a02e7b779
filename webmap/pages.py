"""folium page builders. Every script and stylesheet is served from /static (installed from npm
into webmap/static/vendor): a page never asks anything of another host."""

from __future__ import annotations

import dataclasses
import html

import folium
from branca.element import Element, MacroElement
from jinja2 import Template
from sqlalchemy import text

from gis import land_use
from gis.db import get_engine
from gis.profiles import get_profile
from gis.settings import Settings
from layers.registry import load_layers
from styles import load_styles
from webmap.i18n import LANGUAGE_NAMES, LOCALES, t, texts

LOCAL_JS = [("leaflet", "/static/vendor/leaflet/leaflet.js"),
            ("vectorgrid", "/static/vendor/vectorgrid/Leaflet.VectorGrid.bundled.min.js"),
            ("teritoriu_map", "/static/js/public-map.js")]
LOCAL_CSS = [("leaflet_css", "/static/vendor/leaflet/leaflet.css"),
             ("teritoriu_css", "/static/css/map.css")]

# What the public map draws, bottom to top. kind: geojson (whole layer), tiles (MVT from
# /ogc), labels (a property as text, fetched for the view from min_zoom on).
PUBLIC_OVERLAYS = [
    {"id": "zones", "kind": "geojson", "visible": True, "tooltip": "code"},
    {"id": "restrictions", "kind": "geojson", "visible": False, "tooltip": "name"},
    {"id": "localities", "kind": "geojson", "visible": True, "tooltip": "name"},
    {"id": "parcels", "kind": "tiles", "visible": True, "min_zoom": 15},
    {"id": "buildings", "kind": "tiles", "visible": True, "min_zoom": 15},
    {"id": "streets", "kind": "geojson", "visible": True, "tooltip": "full_name"},
    {"id": "uat", "kind": "geojson", "visible": True},
    {"id": "streets", "kind": "labels", "visible": True, "min_zoom": 16, "label": "full_name",
     "title_key": "street_labels"},
    {"id": "parcels", "kind": "labels", "visible": True, "min_zoom": 17, "label": "cadastral_number",
     "title_key": "parcel_labels"},
    {"id": "address_points", "kind": "labels", "visible": True, "min_zoom": 18,
     "label": "house_number", "title_key": "address_labels"},
]


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


def territory(settings: Settings, uat: int | None = None) -> dict | None:
    """Name, CRS84 extent and zone kinds of one UAT, or of all of them (a county's or region's
    overview, named only when there is one UAT), and the list of UATs; read through the public
    role. None: no such UAT."""
    with get_engine(settings, "public").connect() as conn:
        uats = conn.execute(text("SELECT siruta, name FROM public_api.uat ORDER BY name")).all()
        row = conn.execute(text(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(ST_Transform(geom, 4326))"
            " AS e FROM public_api.uat WHERE CAST(:u AS integer) IS NULL OR siruta = :u) s"), {"u": uat}).one()
        kinds = set(conn.execute(text("SELECT DISTINCT functional_zone FROM public_api.zone"
                                      " WHERE CAST(:u AS integer) IS NULL OR uat_siruta = :u"), {"u": uat}).scalars())
    names = dict(uats)
    if uat is not None and uat not in names:
        return None
    name = names[uat] if uat is not None else (uats[0][1] if len(uats) == 1 else "")
    bbox = [round(v, 6) for v in row] if row[0] is not None else [20.2, 43.6, 29.8, 48.3]
    return {"name": name, "bbox": bbox, "zone_kinds": kinds, "uat": uat, "uats": [list(u) for u in uats]}


def _uat_list(where: dict, lang: str) -> str:
    """On a county's or region's overview: the UATs, each leading to its own map."""
    if where["uat"] is not None or len(where["uats"]) < 2:
        return ""
    items = "".join(f'<li><a href="/u/{siruta}/?lang={lang}">{html.escape(name)}</a></li>'
                    for siruta, name in where["uats"])
    return (f'<nav class="t-uats" aria-label="{html.escape(t("uat_list", lang))}"><details open><summary>'
            f'{html.escape(t("uat_list", lang))} ({len(where["uats"])})</summary><ul>{items}</ul></details></nav>')


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


def _header(title: str, lang: str, languages: tuple[str, ...]) -> str:
    e = html.escape
    links = "".join(
        f'<a href="?lang={code}" hreflang="{code}" lang="{code}" title="{LANGUAGE_NAMES[code]}"'
        f'{" aria-current=\"true\"" if code == lang else ""}>{code.upper()}</a>'
        for code in languages)
    search = (
        f'<form id="t-search-form" class="t-search" role="search">'
        f'<label for="t-search" class="t-visually-hidden">{e(t("search_label", lang))}</label>'
        f'<input id="t-search" type="search" autocomplete="off" spellcheck="false" '
        f'placeholder="{e(t("search_placeholder", lang))}" role="combobox" aria-autocomplete="list" '
        f'aria-expanded="false" aria-controls="t-suggestions" aria-describedby="t-hint">'
        f'<ul id="t-suggestions" role="listbox" aria-label="{e(t("search_label", lang))}" hidden></ul>'
        f'<span id="t-hint" class="t-visually-hidden">{e(t("tap_hint", lang))}</span></form>')
    return (f'<header class="t-header"><h1>{e(title)}</h1>{search}'
            f'<nav aria-label="{e(t("language", lang))}">{links}</nav></header>')


def _panel(lang: str) -> str:
    e = html.escape
    return (f'<aside id="t-panel" class="t-panel" aria-labelledby="t-panel-title" hidden>'
            f'<button type="button" id="t-panel-close" class="t-close" aria-label="{e(t("close", lang))}">'
            f'×</button><div id="t-panel-body" aria-live="polite"></div></aside>')


def public_map_html(settings: Settings, lang: str = "ro", uat: int | None = None) -> str | None:
    """The public map of one UAT (`/u/<siruta>/`) or of all (`/`); None: no such UAT."""
    where = territory(settings, uat)
    if where is None:
        return None
    profile = get_profile(settings.profile)  # the UI languages are the national profile's
    if lang not in profile.languages:
        lang = profile.languages[0]
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
        "ogc": "/ogc", "bbox": b, "limit": 10000, "lang": lang, "uat": uat,
        "locale": LOCALES[lang],
        "texts": texts(lang, profile.code),
        "categories": land_use.names(lang),
        "styles": {name: dataclasses.asdict(style) for name, style in load_styles().items()},
        "overlays": [{**o, "style": layers[o["id"]].style,
                      "title": t(o["title_key"], lang) if "title_key" in o else layers[o["id"]].label(lang)}
                     for o in PUBLIC_OVERLAYS],
    }
    m.add_child(_Init(config, basemap))
    root = m.get_root()
    # our own escaped <title> only: branca's Figure.title is rendered without escaping
    root.header.add_child(Element(f"<title>{html.escape(title)}</title>"))
    root.header.add_child(Element('<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">'))
    root.html.add_child(Element(_header(title, lang, profile.languages)), index=0)
    root.html.add_child(Element('<div id="t-status" class="t-status" role="status" aria-live="polite"></div>'))
    root.html.add_child(Element(_panel(lang)))
    root.html.add_child(Element(_legend_html(lang, where["zone_kinds"])))
    root.html.add_child(Element(_uat_list(where, lang)))
    page = root.render()
    # folium's figure has no lang attribute and puts the map straight in <body>: wrap it so the
    # header and the map share the viewport
    page = page.replace("<html>", f'<html lang="{lang}">', 1)
    page = page.replace(f'<div class="folium-map" id="{m.get_name()}"',
                        f'<main class="t-map" aria-label="{html.escape(title)}"><div class="folium-map" id="{m.get_name()}"', 1)
    return page.replace(f'<div class="folium-map" id="{m.get_name()}" ></div>',
                        f'<div class="folium-map" id="{m.get_name()}" ></div></main>', 1)


__all__ = ["LANGUAGE_NAMES", "public_map_html"]


class InitCall(MacroElement):
    """`<js_function>(<the Leaflet map>, <config as JSON>)` after the map exists: how a page's
    own script (office-map.js, imports.js) receives its map and its settings."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.function }}({{ this._parent.get_name() }}, {{ this.config | tojson }});
        {% endmacro %}
    """)

    def __init__(self, function: str, config: dict):
        super().__init__()
        self._name = "InitCall"
        self.function = function
        self.config = config
