"""The officer's map (/office/map): the public layers plus drawing tools (Leaflet.draw, from
npm), a form for the new parcel's attributes, and the validation problems shown on the map."""

from __future__ import annotations

import html

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from gis.settings import Settings
from webmap.pages import LOCAL_CSS, LOCAL_JS, LocalMap, territory

CATEGORIES = ["CC", "A", "P", "F", "V", "L", "PD", "DR", "N"]


class OfficeMap(LocalMap):
    default_js = [*LOCAL_JS[:2], ("leaflet_draw", "/static/vendor/leaflet-draw/leaflet.draw.js"),
                  ("office_map", "/static/js/office-map.js")]
    default_css = [*LOCAL_CSS, ("leaflet_draw_css", "/static/vendor/leaflet-draw/leaflet.draw.css")]


class _Init(MacroElement):
    _template = Template("""
        {% macro script(this, kwargs) %}
        TeritoriuOffice.init({{ this._parent.get_name() }}, {{ this.config | tojson }});
        {% endmacro %}
    """)

    def __init__(self, config: dict):
        super().__init__()
        self._name = "TeritoriuOfficeInit"
        self.config = config


def office_map_html(settings: Settings, csrf: str, uat: int) -> str:
    where = territory(settings)
    m = OfficeMap(location=None, tiles=None, control_scale=True, max_zoom=22, min_zoom=8)
    folium.TileLayer(tiles="/api/tiles/orthophoto/{z}/{x}/{y}.png", attr="Ortofotoplan",
                     name="Ortofotoplan", max_zoom=22, max_native_zoom=19, control=False).add_to(m)
    b = where["bbox"]
    m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    m.add_child(_Init({"csrf": csrf, "uat": uat}))
    root = m.get_root()
    title = f"Editare cadastru — {where['name']}"
    root.header.add_child(Element(f"<title>{html.escape(title)}</title>"))
    root.header.add_child(Element('<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">'))
    options = "".join(f'<option value="{c}">{c}</option>' for c in CATEGORIES)
    root.html.add_child(Element(
        f'<header class="t-header"><h1>{html.escape(title)}</h1>'
        '<nav><a href="/office">Cereri</a></nav></header>'), index=0)
    root.html.add_child(Element(
        '<aside id="t-panel" class="t-panel t-form" aria-labelledby="t-edit-title" hidden>'
        '<h2 id="t-edit-title" tabindex="-1">Parcelă nouă</h2>'
        '<form id="t-edit-form"><p><label for="f-number">Număr cadastral</label><br>'
        '<input id="f-number" name="cadastral_number" required></p>'
        '<p><label for="f-area">Suprafață din acte (m²)</label><br>'
        '<input id="f-area" name="legal_area" type="number" step="0.01" min="0"></p>'
        f'<p><label for="f-category">Categorie de folosință</label><br><select id="f-category" '
        f'name="use_category">{options}</select></p>'
        '<p><label><input id="f-intravilan" name="intravilan" type="checkbox" checked> intravilan</label></p>'
        '<p><label><input id="f-accept" name="accept_warnings" type="checkbox"> salvează cu avertismente</label></p>'
        '<p><button class="t-button" type="submit" id="f-save">Salvează</button> '
        '<button class="t-link" type="button" id="f-cancel">Renunță</button></p></form>'
        '<div id="t-problems" role="alert" aria-live="assertive"></div></aside>'))
    page = root.render().replace("<html>", '<html lang="ro">', 1)
    return page.replace(f'<div class="folium-map" id="{m.get_name()}"',
                        f'<main class="t-map"><div class="folium-map" id="{m.get_name()}"', 1).replace(
        f'<div class="folium-map" id="{m.get_name()}" ></div>',
        f'<div class="folium-map" id="{m.get_name()}" ></div></main>', 1)
