/* The parcel sheet: what the parcel is, what may be built on it (zones, capacity), its
   restrictions, and the buttons that lead to the certificate requests. */
import { config } from "../shared/config.js";
import { day, esc, num as fmt } from "../shared/text.js";
import { isPhone, setSheet, sheetState, visibleHeight, visiblePadding } from "./bottomsheet.js";
import { setParcel } from "./permalink.js";
import { clearHighlight, state, status, T } from "./state.js";

function row(label, value) {
  return "<dt>" + esc(label) + "</dt><dd>" + value + "</dd>";
}

function uses(label, list) {
  if (!list || !list.length) { return ""; }
  return "<p><strong>" + esc(label) + ":</strong> " + list.map(esc).join("; ") + "</p>";
}

function sheet(p) {
  const h = [];
  h.push('<h2 id="t-panel-title" tabindex="-1">' + esc(T.panel_title) + " " + esc(p.cadastral_number) + "</h2>");
  h.push("<dl>");
  h.push(row(T.cadastral_number, esc(p.cadastral_number)));
  if (p.land_book_number) { h.push(row(T.land_book, esc(p.land_book_number))); }
  if (p.addresses.length) { h.push(row(T.addresses, p.addresses.map((a) => esc(a.label)).join("<br>"))); }
  h.push(row(T.legal_area, p.legal_area != null ? fmt(p.legal_area) + " m²" : "—"));
  h.push(row(T.measured_area, fmt(p.measured_area) + " m²"));
  h.push(row(T.location, esc(p.intravilan ? T.intravilan : T.extravilan) + (p.locality ? ", " + esc(p.locality) : "")));
  h.push(row(T.use_category, esc((config.categories[p.use_category] || p.use_category))));
  h.push("</dl>");
  h.push("<h3>" + esc(T.zoning) + "</h3>");
  if (p.plan_coverage_percent < 99.9) { h.push('<p class="t-note">' + esc(T.not_covered) + "</p>"); }
  p.zones.forEach((z) => {
    h.push('<section class="t-zone" data-zone="' + esc(z.code) + '"><h4>' + esc(z.code) + " — " +
           esc(z.name || z.functional_zone) + ' <span class="t-share">' + fmt(z.share_percent) + " % " +
           esc(T.share) + "</span></h4>");
    h.push("<p>" + esc(z.document_kind) + " „" + esc(z.document_name) + "”, " + esc(T.approved_by) + " " +
           esc(z.hcl_number) + " " + esc(T.of_date) + " " + esc(day(z.hcl_date)) + "</p>");
    if (z.overrides && z.overrides.length) { h.push('<p class="t-note">' + esc(T.overrides) + " " + z.overrides.map(esc).join(", ") + "</p>"); }
    h.push("<dl>" + row(T.pot, fmt(z.pot_max) + " %") + row(T.cut, fmt(z.cut_max)) +
           row(T.height, (z.max_height_m != null ? fmt(z.max_height_m) + " m" : "—") +
               (z.height_regime ? " (" + esc(z.height_regime) + ")" : "")) + "</dl>");
    h.push(uses(T.allowed, z.allowed_uses) + uses(T.conditional, z.conditional_uses) + uses(T.forbidden, z.forbidden_uses));
    h.push("</section>");
  });
  h.push("<h3>" + esc(T.capacity) + "</h3><dl>");
  h.push(row(T.max_footprint, p.max_footprint_m2 != null ? fmt(p.max_footprint_m2) + " m²" : "—"));
  h.push(row(T.max_floor, p.max_floor_area_m2 != null ? fmt(p.max_floor_area_m2) + " m²" : "—"));
  h.push(row(T.built, fmt(p.built_footprint_m2) + " m² (POT " + fmt(p.current_pot_percent) + " %)"));
  h.push("</dl>");
  h.push("<h3>" + esc(T.restrictions) + "</h3>");
  if (!p.restrictions.length) { h.push("<p>" + esc(T.no_restrictions) + "</p>"); }
  h.push("<ul>" + p.restrictions.map((r) => (
    '<li data-restriction="' + esc(r.kind) + '"><strong>' + esc(r.name) + "</strong> (" + fmt(r.share_percent) +
    " % " + esc(T.share) + ")<br><small>" + esc(r.legal_basis) + "</small></li>")).join("") + "</ul>");
  const q = "?parcela=" + encodeURIComponent(p.cadastral_number) + "&lang=" + config.lang;
  // one button per certificate kind of the registry (config.certificate_kinds)
  h.push('<div class="t-actions">' +
         config.certificate_kinds.map((k) => (
           '<a class="t-button" href="/cereri/noua' + q + "&tip=" + encodeURIComponent(k.name) + '">' + esc(k.label) + "</a>"
         )).join("") +
         '<a class="t-link" href="/?parcel=' + encodeURIComponent(p.cadastral_number) + '">' + esc(T.permalink) + "</a>" +
         '<button type="button" class="t-link" id="t-print">' + esc(T.print) + "</button></div>");
  h.push('<p class="t-note">' + esc(T.disclaimer) + "</p>");
  return h.join("");
}

function showPanel(html) {
  const panel = document.getElementById("t-panel");
  const opening = panel.hidden;
  document.getElementById("t-panel-body").innerHTML = html;
  panel.hidden = false;
  document.body.classList.add("t-panel-open");
  const print = document.getElementById("t-print");
  if (print) { print.addEventListener("click", () => { window.print(); }); }
  state.map.invalidateSize();  // the panel took its width from the map (no transition: the layout is final)
  if (opening || isPhone()) { setSheet(opening ? "half" : sheetState()); }
  const title = document.getElementById("t-panel-title");
  if (title) { title.focus({ preventScroll: true }); }
}

// a retired number: when and what it became (the API's message), each successor a link to its sheet
function retiredSheet(body) {
  const links = body.retired.became.map((n) => (
    '<li><a class="t-link" href="/?parcel=' + encodeURIComponent(n) + "&lang=" + config.lang + '">' + esc(n) + "</a></li>"));
  return '<h2 id="t-panel-title" tabindex="-1">' + esc(T.panel_title) + " " + esc(body.retired.cadastral_number) +
         '</h2><p class="t-note" data-retired="true">' + esc(body.message) + "</p>" +
         (links.length ? '<ul class="t-became">' + links.join("") + "</ul>" : "");
}

function highlightParcel(number, uat) {
  clearHighlight();
  return fetch(config.ogc + "/collections/parcels/items?f=json&cadastral_number=" + encodeURIComponent(number) +
               (uat ? "&uat_siruta=" + uat : ""))
    .then((r) => r.json())
    .then((data) => {
      state.highlight = L.geoJSON(data, { style: { color: "#00e5ff", weight: 4, fill: false }, interactive: false })
        .addTo(state.map);
      return state.highlight.getBounds();
    });
}

/* The selected parcel in the part of the map the sheet leaves visible (on a phone: above it).
   how: "fit" (a search, a permalink: as close as zoom 18), "tap" (recentre, zooming out only if it
   does not fit), "keep" (the view the address named). Resolves once the map has moved. */
export function fitParcel(how) {
  const map = state.map;
  if (!state.highlight || how === "keep" || visibleHeight(map) < 80) { return Promise.resolve(); }
  const bounds = state.highlight.getBounds();
  if (!bounds.isValid()) { return Promise.resolve(); }
  return new Promise((resolve) => {
    map.once("moveend", () => { resolve(); });  // fitBounds always ends with one (animated or not)
    map.fitBounds(bounds, { ...visiblePadding(map), maxZoom: how === "tap" ? Math.max(map.getZoom(), 15) : 18 });
  });
}

function withLanguage(url) { return url + (url.indexOf("?") >= 0 ? "&" : "?") + "lang=" + config.lang; }

// the parcel from `url` (/api/parcels/at?… or /api/parcels/<number>) in the panel, outlined on the map
export function openParcel(url, how) {
  status(T.loading);
  document.body.removeAttribute("data-parcel-shown");
  return fetch(withLanguage(url)).then((r) => r.json().then((body) => ({ ok: r.ok, body: body }))).then((res) => {
    status("");
    if (!res.ok) {
      clearHighlight();
      showPanel(res.body && res.body.retired ? retiredSheet(res.body) :
        '<h2 id="t-panel-title" tabindex="-1">' + esc(T.panel_title) + "</h2><p>" + esc(T.no_parcel) + "</p>");
      return;
    }
    const p = res.body;
    showPanel(sheet(p));
    setParcel(p.cadastral_number, state.map);
    // body[data-parcel-shown] once the outline is drawn and the map has moved to it
    highlightParcel(p.cadastral_number, p.uat_siruta).then(() => fitParcel(how)).then(() => {
      document.body.setAttribute("data-parcel-shown", p.cadastral_number);
    });
  }).catch(() => { status(T.load_error); });
}

export function closePanel() {
  const panel = document.getElementById("t-panel");
  if (panel.hidden) { return; }
  panel.hidden = true;
  panel.style.height = "";
  document.body.classList.remove("t-panel-open");
  clearHighlight();
  document.body.removeAttribute("data-parcel-shown");
  setParcel(null, state.map);
  document.getElementById("t-search").focus();
  state.map.invalidateSize();
}
