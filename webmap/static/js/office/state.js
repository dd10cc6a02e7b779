/* The officer's map: the state its tools share, the calls to /api/office, the panel's sections
   and messages, and the modes (which tool is active). Every other module of office/ is one tool. */
import { config, leafletMap } from "../shared/config.js";
import { esc, T } from "../shared/text.js";

export { config };

export const S = {
  map: leafletMap(),
  layers: {},           // parcels (tiles), measure, results, history, selection, problems, edited
  drawn: null,          // {layer, exact: GeoJSON in the storage CRS or null (a sketch)}
  selected: null,       // the selected parcel, as /api/office/parcels/<id> returns it
  mergeParts: [],       // parcels chosen for a merge
  mode: "select",       // select | draw | split | merge | address | measure | vertices
  handler: null,        // the active Leaflet.draw handler
  vertexEditor: null,
  targets: { vertices: [], segments: [], exclude: null },  // snapping targets (snap.js)
  preset: null          // a proposed address to fill in (address.js)
};

export function $(id) { return document.getElementById(id); }

// a call to the API with the session's CSRF token: {status, body (JSON or text)}
export function api(method, url, body) {
  const opts = { method: method, headers: { "X-CSRF-Token": config.csrf }, credentials: "same-origin" };
  if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
  return fetch(url, opts).then((r) => {
    const type = r.headers.get("Content-Type") || "";
    return (type.indexOf("json") >= 0 ? r.json() : r.text()).then((b) => ({ status: r.status, body: b }));
  });
}

/* ---------- panel ---------- */
export function show(sectionId) {
  ["t-sec-parcel", "t-sec-form", "t-sec-coords", "t-sec-address", "t-sec-results"].forEach((id) => {
    $(id).hidden = id !== sectionId && !(sectionId === "t-sec-form" && id === "t-sec-parcel" && S.mode === "vertices");
  });
}

export function say(html, kind) {
  $("t-status").innerHTML = html ? '<p class="t-note t-' + (kind || "info") + '">' + html + "</p>" : "";
}

export function showProblems(list) {
  S.layers.problems.clearLayers();
  const box = $("t-problems");
  if (!list || !list.length) { box.innerHTML = ""; return; }
  const label = { error: T("Eroare"), warning: T("Avertisment"), info: T("Notă") };
  box.innerHTML = "<h3>" + T("Probleme") + "</h3><ul>" + list.map((p) => (
    '<li data-code="' + esc(p.code) + '" class="t-' + esc(p.severity) + '"><strong>' +
    esc(label[p.severity] || p.severity) + ":</strong> " + esc(p.message) + "</li>")).join("") + "</ul>";
  list.forEach((p) => {
    if (p.location) {
      L.geoJSON(p.location, { style: { color: "#ff0000", weight: 3, fillOpacity: 0.5 },
        pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 8, color: "#f00" }) }).addTo(S.layers.problems);
    }
  });
}

export function failed(res) {
  if (res.body && res.body.problems) { showProblems(res.body.problems); }
  else { showProblems([{ severity: "error", code: "request", message: (res.body && res.body.message) || T("Eroare") + " " + res.status }]); }
}

/* ---------- the parcels layer ---------- */
export function parcelTiles() {
  return L.vectorGrid.protobuf("/ogc/collections/parcels/tiles/WebMercatorQuad/{z}/{y}/{x}?v=" + Date.now(), {
    vectorTileLayerStyles: { parcels: { color: "#d7301f", weight: 1, fill: false } },
    interactive: false, minZoom: config.parcel_tiles.min_zoom, maxNativeZoom: config.parcel_tiles.max_zoom, maxZoom: 22,
    rendererFactory: L.svg.tile,
    // the tileset's bounds: no tile is asked for outside them (a 404)
    bounds: L.latLngBounds([config.parcel_tiles.bounds[1], config.parcel_tiles.bounds[0]],
                           [config.parcel_tiles.bounds[3], config.parcel_tiles.bounds[2]])
  });
}

// after a save: fresh tiles, and the "refreshed" listeners (snapping targets) run
export function refresh() {
  S.map.removeLayer(S.layers.parcels);
  S.layers.parcels = parcelTiles().addTo(S.map);
  S.map.fire("teritoriu:refreshed");
}

/* ---------- modes ---------- */
export function stopHandler() {
  if (S.handler) { S.handler.disable(); S.handler = null; }
}

export function setMode(m) {
  stopHandler();
  if (S.vertexEditor && m !== "vertices") { S.vertexEditor.disable(); S.vertexEditor = null; S.layers.edited.clearLayers(); }
  S.mode = m;
  document.querySelectorAll(".t-tools button").forEach((b) => {
    b.setAttribute("aria-pressed", b.getAttribute("data-mode") === m ? "true" : "false");
  });
  S.map.getContainer().style.cursor = m === "select" || m === "merge" ? "pointer" : "";
}

export function startDrawing(kind, m) {
  setMode(m);
  const options = { allowIntersection: false, showArea: true, metric: true, showLength: true,
                    shapeOptions: { color: m === "split" ? "#7b2cbf" : "#0055ff", weight: 3 } };
  S.handler = kind === "polyline" ? new L.Draw.Polyline(S.map, options)
            : kind === "marker" ? new L.Draw.Marker(S.map, {})
            : new L.Draw.Polygon(S.map, options);
  S.handler.enable();
}

/* ---------- the drawn shape (a new parcel, an address point) ---------- */
export function setDrawn(layer, exact) {
  if (S.drawn) { S.layers.edited.removeLayer(S.drawn.layer); }
  S.drawn = { layer: layer, exact: exact };
  S.layers.edited.addLayer(layer);
}

export function clearDrawn() {
  if (S.drawn) { S.layers.edited.removeLayer(S.drawn.layer); S.drawn = null; }
}
