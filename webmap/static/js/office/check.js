/* Check: the layer's topology (overlaps, gaps, invalid shapes, duplicate numbers), in the UAT or
   in the drawn area, and the discrepancies between cadastre, agricultural register and land tax;
   a table filtered by kind, every row located on the map. The kinds' names come from the page's
   configuration (config.problem_kinds). */
import { esc, num, T, textElement } from "../shared/text.js";
import { $, api, config, failed, S, say, setMode, show } from "./state.js";

const kindName = (k) => config.problem_kinds[k] || k;

// what a row is called on the map when the officer goes to it: its kind and its parcels
function rowLabel(r, kindOf) {
  const numbers = r.cadastral_numbers ? r.cadastral_numbers.join(", ") : (r.cadastral_number || r.plot_id || "");
  return kindName(kindOf(r)) + (numbers ? ": " + numbers : "");
}

function resultsTable(title, rows, cols, kindOf, download) {
  const results = S.layers.results;
  results.clearLayers();
  const kinds = {};
  rows.forEach((r) => { kinds[kindOf(r)] = (kinds[kindOf(r)] || 0) + 1; });
  const filter = '<p><label for="r-kind">' + T("Tip") + '</label> <select id="r-kind"><option value="">' + T("toate") + " (" + rows.length + ")</option>" +
    Object.keys(kinds).map((k) => '<option value="' + esc(k) + '">' + esc(kindName(k)) + " (" + kinds[k] + ")</option>").join("") +
    "</select> " + download + "</p>";
  $("t-results").innerHTML = "<h3>" + T(title) + "</h3>" + filter + '<table class="t-table" id="r-table"><tr>' +
    cols.map((c) => "<th>" + T(c[1]) + "</th>").join("") + "</tr>" +
    rows.map((r, i) => '<tr data-kind="' + esc(kindOf(r)) + '" data-row="' + i + '" tabindex="0">' + cols.map((c) => {
      const v = typeof c[0] === "function" ? c[0](r) : r[c[0]];
      return "<td>" + esc(v) + "</td>";
    }).join("") + "</tr>").join("") + "</table>";
  const layers = rows.map((r) => {
    const l = r.location ? L.geoJSON(r.location, { style: { color: "#e00000", weight: 3, fillOpacity: 0.4 },
                                                  pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 7, color: "#e00000" }) })
                         : L.circleMarker([r.lat, r.lon], { radius: 7, color: "#e07000", fillOpacity: 0.6 });
    l.addTo(results);
    return l;
  });
  $("r-kind").addEventListener("change", function () {
    const k = this.value;
    rows.forEach((r, i) => {
      const visible = !k || kindOf(r) === k;
      $("r-table").querySelector('[data-row="' + i + '"]').hidden = !visible;
      if (visible) { results.addLayer(layers[i]); } else { results.removeLayer(layers[i]); }
    });
  });
  $("r-table").querySelectorAll("[data-row]").forEach((tr) => {
    const go = () => {
      const i = Number(tr.getAttribute("data-row")), l = layers[i];
      const at = l.getBounds ? l.getBounds().getCenter() : l.getLatLng();
      if (l.getBounds) { S.map.fitBounds(l.getBounds(), { maxZoom: 19 }); } else { S.map.setView(at, 19); }
      // a labelled mark, not an unlabelled dot: the row's kind and parcels, on the map
      if (S.layers.focus) { S.map.removeLayer(S.layers.focus); }
      S.layers.focus = L.circleMarker(at, { radius: 9, color: "#e00000", weight: 3, fill: false })
        .bindTooltip(textElement(rowLabel(rows[i], kindOf)), { permanent: true, direction: "top", className: "t-label t-focus-label" })
        .addTo(S.map);
      S.map.getContainer().setAttribute("data-focused-row", String(i));
    };
    tr.addEventListener("click", go);
    tr.addEventListener("keydown", (e) => { if (e.key === "Enter") { go(); } });
  });
  show("t-sec-results");
}

export function checkLayer() {
  setMode("select");
  const body = { uat: config.uat };
  if (S.drawn && S.drawn.layer.toGeoJSON(false).geometry.type === "Polygon") { body.area = S.drawn.layer.toGeoJSON(false).geometry; }
  say(T("Se verifică stratul…"));
  api("POST", "/api/office/topology", body).then((res) => {
    if (res.status !== 200) { failed(res); return; }
    say('<span data-checked="' + res.body.count + '">' + T(body.area ? "{n} probleme găsite în zona desenată." : "{n} probleme găsite în UAT.", { n: res.body.count }) + "</span>");
    resultsTable("Verificarea stratului", res.body.problems,
      [[(r) => kindName(r.kind), "Tip"], [(r) => r.cadastral_numbers.join(", "), "Parcele"], [(r) => num(r.area_m2), "m²"]],
      (r) => r.kind,
      '<button type="button" class="t-link" id="r-csv">CSV</button> <button type="button" class="t-link" id="r-gpkg">GeoPackage</button>');
    const download = (format, name) => {
      fetch("/api/office/topology?format=" + format, { method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": config.csrf }, body: JSON.stringify(body) })
        .then((r) => r.blob()).then((blob) => {
          const a = document.createElement("a");
          a.href = URL.createObjectURL(blob); a.download = name; a.click();
        });
    };
    $("r-csv").addEventListener("click", () => { download("csv", "verificare-strat.csv"); });
    $("r-gpkg").addEventListener("click", () => { download("gpkg", "verificare-strat.gpkg"); });
  });
}

export function discrepancies() {
  setMode("select");
  const url = "/api/office/discrepancies?uat=" + config.uat + "&year=" + config.year;
  api("GET", url).then((res) => {
    if (res.status !== 200) { failed(res); return; }
    say('<span data-discrepancies="' + res.body.count + '">' + T("{n} discrepanțe între registre ({y}).", { n: res.body.count, y: config.year }) + "</span>");
    resultsTable("Discrepanțe cadastru – registru agricol – impozit", res.body.discrepancies,
      [[(r) => kindName(r.kind), "Tip"], ["cadastral_number", "Nr. cadastral"], ["plot_id", "Poziție RA"], ["detail", "Detaliu"]],
      (r) => r.kind, '<a class="t-link" href="' + url + '&format=csv">CSV</a>');
  });
}
