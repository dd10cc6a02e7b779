"""The surveyors' upload page and the officer's review of a staged import: the report, and a
map of what would change (new green, changed orange, retired red)."""

from __future__ import annotations

import html

import folium
from branca.element import Element

from gis.settings import Settings
from webmap.pages import LOCAL_CSS, LOCAL_JS, InitCall, LocalMap, territory

LAYERS = (("parcels", "parcele"), ("buildings", "construcții"), ("addresses", "adrese"),
          ("agri", "registrul agricol"), ("streets", "străzi"), ("zones", "zone UTR"))


class ReviewMap(LocalMap):
    default_js = [LOCAL_JS[0], ("imports", "/static/js/imports.js")]
    default_css = LOCAL_CSS


def upload_form(csrf: str) -> str:
    options = "".join(f'<option value="{k}">{label}</option>' for k, label in LAYERS)
    return (
        '<form id="t-upload" class="t-form" method="post" action="/api/imports" enctype="multipart/form-data">'
        f'<input type="hidden" name="csrf" value="{html.escape(csrf)}">'
        '<label for="u-file" id="u-drop" class="t-drop">Trageți aici fișierul (shapefile arhivat .zip, GeoPackage, '
        'GeoJSON, DXF, CGXML) sau alegeți-l<input id="u-file" name="file" type="file" required '
        'accept=".zip,.gpkg,.geojson,.json,.dxf,.cgxml,.xml"></label>'
        f'<p><label for="u-layer">Conține</label><select id="u-layer" name="layer">{options}</select></p>'
        '<details><summary>Opțiuni</summary>'
        '<p><label for="u-crs">Sistem de coordonate (dacă lipsește .prj)</label>'
        '<input id="u-crs" name="crs" placeholder="EPSG:3844"></p>'
        '<p><label for="u-encoding">Codare text DBF (dacă lipsește .cpg)</label>'
        '<input id="u-encoding" name="encoding" placeholder="cp1250"></p>'
        '<p><label for="u-mapping">Corespondența câmpurilor (JSON)</label>'
        '<input id="u-mapping" name="mapping" placeholder=\'{"NUMAR": "cadastral_number"}\'></p>'
        '<p><label><input type="checkbox" name="make_valid" value="1"> repară contururile invalide</label></p>'
        '<p><label><input type="checkbox" name="dry_run" value="1"> doar verificare (nu trimite spre aprobare)'
        '</label></p></details>'
        '<p><button class="t-button" id="u-send">Încarcă și verifică</button></p>'
        '<progress id="u-progress" max="100" value="0" hidden></progress><p id="u-status" aria-live="polite"></p>'
        '</form><script src="/static/js/imports.js"></script>')


def review_html(settings: Settings, job: dict, report_html: str, csrf: str, can_decide: bool) -> str:
    where = territory(settings)
    m = ReviewMap(location=None, tiles=None, control_scale=True, max_zoom=22, min_zoom=8)
    folium.TileLayer(tiles="/api/tiles/orthophoto/{z}/{x}/{y}.png", attr="Ortofotoplan", name="Ortofotoplan",
                     max_zoom=22, max_native_zoom=19, control=False).add_to(m)
    b = where["bbox"]
    m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    m.add_child(InitCall("TeritoriuImports.review", {"job": job["id"], "status": job["status"]}))
    root = m.get_root()
    e = html.escape
    title = f"Import {job['id']}: {job['source_name']}"
    root.header.add_child(Element(f"<title>{e(title)}</title>"))
    root.html.add_child(Element(f'<header class="t-header"><h1>{e(title)}</h1>'
                                '<nav><a href="/office/imports">Importuri</a></nav></header>'), index=0)
    decide = ""
    if can_decide and job["status"] == "staged":
        decide = "".join(
            f'<form method="post" action="/office/imports/{job["id"]}/{action}" style="display:inline">'
            f'<input type="hidden" name="csrf" value="{e(csrf)}"><button class="{cls}" id="d-{action}">{label}'
            "</button></form> " for action, label, cls in (("accept", "Acceptă și importă", "t-button"),
                                                            ("reject", "Respinge", "t-link")))
    legend = ('<p class="t-legend"><span style="color:#1a9641">■</span> noi <span style="color:#f07c00">■</span> '
              'modificate <span style="color:#d7191c">■</span> retrase</p>')
    root.html.add_child(Element(
        f'<aside class="t-panel t-form t-office" aria-label="Raport">{report_html}{legend}'
        f'<p class="t-actions">{decide}</p></aside>'))
    page = root.render().replace("<html>", '<html lang="ro">', 1)
    return page.replace(f'<div class="folium-map" id="{m.get_name()}"',
                        f'<main class="t-map"><div class="folium-map" id="{m.get_name()}"', 1).replace(
        f'<div class="folium-map" id="{m.get_name()}" ></div>',
        f'<div class="folium-map" id="{m.get_name()}" ></div></main>', 1)
