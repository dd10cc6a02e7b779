"""The officer's map (/office/map): the public layers plus drawing tools (Leaflet.draw, from
npm), a form for the new parcel's attributes, and the validation problems shown on the map."""

from __future__ import annotations

import folium

from gis import land_use
from gis.profiles import get_profile
from gis.settings import Settings
from layers.orthophoto import leaflet_bounds
from layers.registry import load_layers
from layers.tilesets import current_bounds
from webmap.i18n import LANGUAGE_NAMES, LOCALES, OFFICE_LANGUAGES, office_texts, texts, tr
from webmap.pages import (
    LOCAL_CSS,
    LOCAL_JS,
    OFFICE_OVERLAYS,
    LocalMap,
    leaflet_texts,
    legend,
    overlays_config,
    render_map,
    territory,
)
from webmap.simple_page import official_note

CATEGORIES = land_use.choices()  # the officer's form: the default category first
# the kinds of problem the layer check and the registers' comparison report (their names: the
# office catalogue translates them)
PROBLEM_KINDS = {"overlap": "suprapunere", "sliver": "fâșie între vecini", "gap": "gol (fâșie)",
                 "invalid": "geometrie invalidă",
                 "duplicate": "număr dublu", "parcel_without_assessment": "fără impunere",
                 "area_mismatch": "suprafață diferită", "category_mismatch": "categorie diferită",
                 "plot_outside_parcels": "teren în afara parcelelor"}


class OfficeMap(LocalMap):
    default_js = [*LOCAL_JS, ("leaflet_draw", "/static/vendor/leaflet-draw/leaflet.draw.js")]
    default_css = [*LOCAL_CSS, ("leaflet_draw_css", "/static/vendor/leaflet-draw/leaflet.draw.css")]


def office_map_html(settings: Settings, csrf: str, uat: int, year: int, lang: str = "ro") -> str:
    where = territory(settings)
    profile = get_profile(settings.profile)
    m = OfficeMap(location=None, tiles=None, control_scale=False, max_zoom=22, min_zoom=8)  # metric: overlays.js
    basemap = folium.TileLayer(tiles="/api/tiles/orthophoto/{z}/{x}/{y}.png", attr="Ortofotoplan",
                               name="Ortofotoplan", max_zoom=22, max_native_zoom=19, control=False,
                               bounds=leaflet_bounds(settings.orthophoto))
    basemap.add_to(m)
    b = where["bbox"]
    m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    tiles = load_layers()["parcels"].tiles
    page_texts = texts(lang, profile.code)
    tile_bounds = current_bounds(settings)  # no vector tile asked outside its tileset (a 404)
    # the public map's layers, search and legend (shared/overlays.js, shared/search.js), in the officer's language
    map_texts = {k: page_texts[k] for k in ("orthophoto", "load_error", "no_results", "search_label",
                                           "search_placeholder", "zone_legend", "search_min_chars")}
    config = {"ogc": "/ogc", "bbox": b, "limit": 10000, "locale": LOCALES[lang], "map_texts": map_texts,
              "leaflet_texts": leaflet_texts(lang),
              **overlays_config(OFFICE_OVERLAYS, lang, tile_bounds),
              "csrf": csrf, "uat": uat, "year": year, "srid": profile.storage_srid,
              "snap_pixels": settings.snap_pixels, "snap_m": settings.snap_tolerance_m,
              "lang": lang, "t": office_texts(lang), "categories": land_use.names(lang),
              "default_category": land_use.DEFAULT,
              # the zooms the parcels' vector tiles exist at (layers/parcels.yaml): none asked for outside them
              "parcel_tiles": {"min_zoom": tiles.get("min_zoom", 0), "max_zoom": tiles.get("max_zoom", 20),
                               "bounds": tile_bounds["parcels"]},
              "problem_kinds": {kind: tr(name, lang) for kind, name in PROBLEM_KINDS.items()}}
    text = {**map_texts, "official_data_note": official_note(lang)}
    names = land_use.names(lang)  # the form's categories in the officer's language, the default first
    return render_map("office_map.html", m, config, ["/static/js/office/main.js"],
                      folium_names={"basemap": basemap}, text=text, legend=legend(lang, where["zone_kinds"]),
                      title=f"{tr('Editare cadastru', lang)} — {where['name']}", lang=lang,
                      t=lambda text: tr(text, lang), tools=_TOOLS, actions=_ACTIONS,
                      categories={c: names[c] for c in CATEGORIES},
                      postal_pattern=profile.postal_code_pattern,
                      languages=[(c, LANGUAGE_NAMES[c]) for c in profile.languages if c in OFFICE_LANGUAGES])


_TOOLS = (("select", "Selectează"), ("draw", "Desenează"), ("coords", "Coordonate"),
          ("length", "Măsoară lungimi"), ("area", "Măsoară suprafețe"), ("address", "Adresă nouă"),
          ("check", "Verifică stratul"), ("discrepancies", "Discrepanțe"))
_ACTIONS = (("act-vertices", "Modifică vârfurile"), ("act-split", "Împarte"), ("act-merge", "Unește"),
            ("act-retire", "Retrage"), ("act-history", "Istoric"), ("act-fiscal", "Date fiscale"),
            ("act-propose", "Propune adresa"))

