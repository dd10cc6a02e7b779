"""folium page builders. Every script and stylesheet is served from /static (installed from npm
into webmap/static/vendor): a page never asks anything of another host."""

from __future__ import annotations

import dataclasses

import folium
from sqlalchemy import text

from gis import land_use
from gis.certificates.kinds import all_kinds
from gis.db import get_engine
from gis.profiles import get_profile
from gis.settings import Settings
from layers.orthophoto import leaflet_bounds
from layers.registry import load_layers
from layers.tilesets import current_bounds
from styles import load_styles
from webmap.i18n import LANGUAGE_NAMES, LOCALES, t, texts
from webmap.legend import layer_legend
from webmap.simple_page import official_note
from webmap.templating import NONCE_SLOT, csp_nonce, folium_parts, render

# Leaflet and its plugins: classic scripts folium puts in the head; the pages' own scripts are ES
# modules (webmap/static/js) the templates load after folium's script.
LOCAL_JS = [("leaflet", "/static/vendor/leaflet/leaflet.js"),
            ("vectorgrid", "/static/vendor/vectorgrid/Leaflet.VectorGrid.bundled.min.js")]
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


# The officer's map: the same layers (its own editable parcels come first, from webmap/office.py),
# restrictions shown, and the cadastral numbers from zoom 17 as on the public map.
OFFICE_OVERLAYS = [{**o, "visible": True} if o["id"] == "restrictions" else o
                   for o in PUBLIC_OVERLAYS if not (o["id"] == "parcels" and o["kind"] == "tiles")]


def overlays_config(overlays: list[dict], lang: str, tile_bounds: dict[str, list[float]]) -> dict:
    """What shared/overlays.js reads: the overlays with their style and title in `lang` (a tiled
    one with its tileset's bounds: no tile is asked outside them, a 404), and the styles of
    styles.yaml."""
    layers = load_layers()
    return {"styles": {name: dataclasses.asdict(style) for name, style in load_styles().items()},
            "overlays": [{**o, "style": layers[o["id"]].style,
                          "title": t(o["title_key"], lang) if "title_key" in o else layers[o["id"]].label(lang),
                          **({"bounds": tile_bounds[o["id"]]} if o["kind"] == "tiles" else {})}
                         for o in overlays]}


class LocalMap(folium.Map):
    """A folium map whose assets are the project's own copies."""

    default_js = LOCAL_JS
    default_css = LOCAL_CSS


def render_map(template: str, m: folium.Map, config: dict, modules: list[str], nonce: str | None = None,
               **context) -> str:
    """A map page: `template` (extending map_page.html, on the one layout) around the folium map
    `m`; `config` becomes the page's JSON configuration, with the names of the folium objects the
    scripts use (`map`, and the objects passed in `context["folium_names"]`). `nonce`: the request's
    by default; NONCE_SLOT for a page kept in a cache (see templating.with_nonce)."""
    nonce = nonce or csp_nonce()
    names = {"map": m.get_name(), **{k: v.get_name() for k, v in context.pop("folium_names", {}).items()}}
    return render(template, map=folium_parts(m, nonce), config={**config, **names}, modules=modules,
                  nonce=nonce, **context)


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
        restriction_kinds = set(conn.execute(text("SELECT DISTINCT kind FROM public_api.restriction")).scalars())
    names = dict(uats)
    if uat is not None and uat not in names:
        return None
    name = names[uat] if uat is not None else (uats[0][1] if len(uats) == 1 else "")
    bbox = [round(v, 6) for v in row] if row[0] is not None else [20.2, 43.6, 29.8, 48.3]
    return {"name": name, "bbox": bbox, "zone_kinds": kinds, "uat": uat, "uats": [list(u) for u in uats],
            "restriction_kinds": restriction_kinds}


def leaflet_texts(lang: str) -> dict[str, str]:
    """The titles of Leaflet's own controls (shared/overlays.js), which Leaflet writes in English."""
    return {k: t(k, lang) for k in ("zoom_in", "zoom_out", "layers")}


def legend(lang: str, kinds: set[str]) -> list[dict]:
    """The zone colours of styles.yaml, for the kinds of zone this territory has."""
    zones = load_styles()["zones"]
    seen, items = set(), []
    for c in zones.classes:
        label = c.label.get(lang) or c.label["ro"]
        if label in seen or c.value not in kinds:
            continue
        seen.add(label)
        items.append({"fill": c.fill, "stroke": c.stroke, "value": c.value or "", "label": label})
    return items


def public_map_html(settings: Settings, lang: str = "ro", uat: int | None = None) -> str | None:
    """The public map of one UAT (`/u/<siruta>/`) or of all (`/`); None: no such UAT. The page is
    the same for every visitor (kept in a cache): its scripts carry NONCE_SLOT, which
    `webmap.templating.with_nonce` replaces with the request's nonce."""
    where = territory(settings, uat)
    if where is None:
        return None
    profile = get_profile(settings.profile)  # the UI languages are the national profile's
    if lang not in profile.languages:
        lang = profile.languages[0]
    title = f"{t('public_map_title', lang)} — {where['name']}" if where["name"] else t("public_map_title", lang)
    m = LocalMap(location=None, tiles=None, control_scale=False, zoom_control=True,  # metric scale: overlays.js
                 max_zoom=21, min_zoom=8, prefer_canvas=False)
    basemap = folium.TileLayer(
        tiles="/api/tiles/orthophoto/{z}/{x}/{y}.png", attr=t("fictional", lang),
        name=t("orthophoto", lang), max_zoom=21, max_native_zoom=19, overlay=False, control=False,
        bounds=leaflet_bounds(settings.orthophoto))  # no tile asked outside the raster (a 404)
    basemap.add_to(m)
    b = where["bbox"]
    m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    page_texts = texts(lang, profile.code)
    config = {
        "ogc": "/ogc", "bbox": b, "limit": 10000, "lang": lang, "uat": uat,
        "locale": LOCALES[lang],
        "texts": page_texts,
        "leaflet_texts": leaflet_texts(lang),
        "categories": land_use.names(lang),
        # the certificate kinds a citizen may request (gis.certificates.kinds): the sheet's buttons,
        # worded as the national profile words them
        "certificate_kinds": [{"name": k.name, "label": page_texts.get(k.request_text or "") or k.label(lang)}
                              for k in all_kinds().values()],
        **overlays_config(PUBLIC_OVERLAYS, lang, current_bounds(settings)),  # no tile asked outside a tileset
    }
    # on a county's or region's overview: the UATs, each leading to its own map
    uats = where["uats"] if where["uat"] is None and len(where["uats"]) >= 2 else []
    text_keys = ("search_label", "search_placeholder", "tap_hint", "close", "zone_legend", "uat_list",
                 "zoom_hint", "sheet_size", "legend")
    return render_map("public_map.html", m, config, ["/static/js/public/main.js"], NONCE_SLOT,
                      folium_names={"basemap": basemap},
                      title=title, map_label=title, lang=lang,
                      text={**{k: t(k, lang) for k in text_keys}, "official_data_note": official_note(lang)},
                      language_label=t("language", lang),
                      languages=[(code, LANGUAGE_NAMES[code]) for code in profile.languages],
                      legend=legend(lang, where["zone_kinds"]), uats=uats,
                      layer_legend=layer_legend(lang, where["restriction_kinds"]),
                      sheet_sizes=[(s, t(f"sheet_{s}", lang)) for s in ("peek", "half", "full")])


__all__ = ["LANGUAGE_NAMES", "LocalMap", "legend", "overlays_config", "public_map_html", "render_map", "territory"]
