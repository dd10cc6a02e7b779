"""The officer's map (/office/map): the public layers plus drawing tools (Leaflet.draw, from
npm), a form for the new parcel's attributes, and the validation problems shown on the map."""

from __future__ import annotations

import html

import folium
from branca.element import Element

from gis import land_use
from gis.profiles import get_profile
from gis.settings import Settings
from webmap.i18n import OFFICE_LANGUAGES, office_texts, tr
from webmap.pages import LOCAL_CSS, LOCAL_JS, InitCall, LocalMap, territory

CATEGORIES = land_use.choices()  # the officer's form: the default category first


class OfficeMap(LocalMap):
    default_js = [*LOCAL_JS[:2], ("leaflet_draw", "/static/vendor/leaflet-draw/leaflet.draw.js"),
                  ("office_map", "/static/js/office-map.js")]
    default_css = [*LOCAL_CSS, ("leaflet_draw_css", "/static/vendor/leaflet-draw/leaflet.draw.css")]


def office_map_html(settings: Settings, csrf: str, uat: int, year: int, lang: str = "ro") -> str:
    where = territory(settings)
    m = OfficeMap(location=None, tiles=None, control_scale=True, max_zoom=22, min_zoom=8)
    folium.TileLayer(tiles="/api/tiles/orthophoto/{z}/{x}/{y}.png", attr="Ortofotoplan",
                     name="Ortofotoplan", max_zoom=22, max_native_zoom=19, control=False).add_to(m)
    b = where["bbox"]
    m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    m.add_child(InitCall("TeritoriuOffice.init", {"csrf": csrf, "uat": uat, "year": year, "srid": get_profile(settings.profile).storage_srid,
                       "snap_pixels": settings.snap_pixels, "snap_m": settings.snap_tolerance_m,
                       "lang": lang, "t": office_texts(lang), "categories": land_use.names(lang)}))
    root = m.get_root()
    title = f"{tr('Editare cadastru', lang)} — {where['name']}"
    root.header.add_child(Element(f"<title>{html.escape(title)}</title>"))
    root.header.add_child(Element('<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">'))
    languages = " ".join(f'<a href="?lang={code}" hreflang="{code}" lang="{code}"'
                         f'{" aria-current=true" if code == lang else ""}>{code.upper()}</a>'
                         for code in get_profile(settings.profile).languages if code in OFFICE_LANGUAGES)
    root.html.add_child(Element(
        f'<header class="t-header"><h1>{html.escape(title)}</h1>'
        f'<nav><a href="/office">{tr("Cereri", lang)}</a> <span class="t-langs">{languages}</span></nav></header>'),
        index=0)
    root.html.add_child(Element(_panel(lang)))
    page = root.render().replace("<html>", f'<html lang="{lang}">', 1)
    return page.replace(f'<div class="folium-map" id="{m.get_name()}"',
                        f'<main class="t-map"><div class="folium-map" id="{m.get_name()}"', 1).replace(
        f'<div class="folium-map" id="{m.get_name()}" ></div>',
        f'<div class="folium-map" id="{m.get_name()}" ></div></main>', 1)


_TOOLS = (("select", "Selectează"), ("draw", "Desenează"), ("coords", "Coordonate"),
          ("length", "Măsoară lungimi"), ("area", "Măsoară suprafețe"), ("address", "Adresă nouă"),
          ("check", "Verifică stratul"), ("discrepancies", "Discrepanțe"))
_ACTIONS = (("act-vertices", "Modifică vârfurile"), ("act-split", "Împarte"), ("act-merge", "Unește"),
            ("act-retire", "Retrage"), ("act-history", "Istoric"), ("act-fiscal", "Date fiscale"),
            ("act-propose", "Propune adresa"))


def _panel(lang: str) -> str:
    def t(text: str) -> str:
        return html.escape(tr(text, lang))

    options = "".join(f'<option value="{c}">{c}</option>' for c in CATEGORIES)
    return (
        f'<aside id="t-panel" class="t-panel t-form t-office" aria-label="{t("Unelte de editare")}">'
        f'<nav class="t-tools" aria-label="{t("Unelte")}">'
        + "".join(f'<button type="button" data-tool="{k}" data-mode="{k}" aria-pressed="false">{t(label)}</button>'
                  for k, label in _TOOLS)
        + f'</nav><p class="t-snap"><label><input id="t-snap" type="checkbox" checked> <span id="t-snap-label">'
        f'{t("lipește de vecini")}</span></label></p>'
        '<div id="t-status" aria-live="polite"></div>'
        f'<section id="t-sec-parcel" hidden><h2 id="t-parcel-title" tabindex="-1">{t("Parcela")}</h2>'
        '<dl id="t-parcel-facts"></dl><p id="t-parcel-actions" class="t-actions">'
        + "".join(f'<button type="button" class="t-link" id="{i}">{t(label)}</button> ' for i, label in _ACTIONS)
        + '</p><div id="t-parcel-extra"></div></section>'
        f'<section id="t-sec-form" hidden><h2 id="t-edit-title" tabindex="-1">{t("Parcelă nouă")}</h2>'
        f'<form id="t-edit-form"><p><label for="f-number">{t("Număr cadastral")}</label><br>'
        '<input id="f-number" name="cadastral_number" required></p>'
        f'<p><label for="f-area">{t("Suprafață din acte (m²)")}</label><br>'
        '<input id="f-area" name="legal_area" type="number" step="0.01" min="0"></p>'
        f'<p><label for="f-category">{t("Categorie de folosință")}</label><br><select id="f-category" '
        f'name="use_category">{options}</select></p>'
        f'<p><label><input id="f-intravilan" name="intravilan" type="checkbox" checked> {t("intravilan")}</label></p>'
        f'<p><label><input id="f-accept" name="accept_warnings" type="checkbox"> {t("salvează cu avertismente")}'
        '</label></p>'
        f'<p><button class="t-button" type="submit" id="f-save">{t("Salvează")}</button> '
        f'<button class="t-link" type="button" id="f-cancel">{t("Renunță")}</button></p></form></section>'
        f'<section id="t-sec-coords" hidden><h2>{t("Coordonate Stereo 70")}</h2>'
        f'<form id="t-coords-form"><p><label for="t-coords">{t("Un punct pe rând: nr. (opțional), X (nord), Y (est)")}'
        '</label><textarea id="t-coords" rows="8" spellcheck="false" placeholder="1  650123.45  310456.78">'
        f'</textarea></p><p><button class="t-button" id="c-draw">{t("Desenează conturul")}</button></p></form></section>'
        f'<section id="t-sec-address" hidden><h2>{t("Punct de adresă nou")}</h2><form id="t-address-form">'
        f'<p><label for="a-street">{t("Strada")}</label><select id="a-street" required></select></p>'
        f'<p><label for="a-number">{t("Număr")}</label><input id="a-number" type="number" min="1" required></p>'
        f'<p><label for="a-suffix">{t("Sufix (A, B…)")}</label><input id="a-suffix" maxlength="8"></p>'
        f'<p><label for="a-postal">{t("Cod poștal")}</label><input id="a-postal" inputmode="numeric" '
        'pattern="[0-9]{6}"></p>'
        f'<p><button class="t-button" id="a-save">{t("Adaugă")}</button> '
        f'<button class="t-link" type="button" id="a-cancel">{t("Renunță")}</button></p></form></section>'
        '<section id="t-sec-results" hidden><div id="t-results"></div></section>'
        '<div id="t-problems" role="alert" aria-live="assertive"></div></aside>')
