/* The review map of a staged import (/office/imports/<id>): what would change, coloured by
   change (new green, changed orange, retired red); the report's problems filtered by severity and
   kind, each one's "Arată" zooming the map to its feature. */
import { config, leafletMap } from "../shared/config.js";
import { textElement } from "../shared/text.js";

const COLORS = config.colors;

function review(map) {
  if (config.status === "running") {  // the check is still running: look again shortly
    setTimeout(() => {
      fetch("/api/imports/" + config.job, { credentials: "same-origin" }).then((r) => r.json())
        .then((job) => { if (job.status !== "running") { window.location.reload(); } else { review(map); } });
    }, 1000);
    return;
  }
  fetch("/api/imports/" + config.job + "/features", { credentials: "same-origin" })
    .then((r) => r.json())
    .then((fc) => {
      if (!fc.features || !fc.features.length) { return; }
      const layer = L.geoJSON(fc, {
        style: (f) => ({ color: COLORS[f.properties.change] || "#555", weight: 2, fillOpacity: 0.25 }),
        pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 6, color: COLORS[f.properties.change] }),
        onEachFeature: (f, l) => { l.bindTooltip(textElement(f.properties.key + " (" + f.properties.change + ")")); }
      }).addTo(map);
      map.fitBounds(layer.getBounds(), { maxZoom: 19, animate: false });
      document.body.setAttribute("data-staged", fc.features.length);  // drawn, and the map is where it stays
    });
}

function problems(map) {
  const table = document.getElementById("r-problems");
  if (!table) { return; }
  const severity = document.getElementById("r-severity");
  const kind = document.getElementById("r-code");
  const filter = () => {
    table.querySelectorAll("tr[data-code]").forEach((row) => {
      row.hidden = Boolean((severity && severity.value && row.dataset.severity !== severity.value)
        || (kind && kind.value && row.dataset.code !== kind.value));
    });
  };
  [severity, kind].forEach((select) => { if (select) { select.addEventListener("change", filter); } });
  table.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-zoom]");
    if (!button) { return; }
    const [west, south, east, north] = button.dataset.zoom.split(",").map(Number);
    map.fitBounds([[south, west], [north, east]], { maxZoom: 20, animate: false });
    document.body.setAttribute("data-zoomed", button.dataset.zoom);  // for the tests (no eval: CSP)
  });
}

const map = leafletMap();
L.control.scale({ imperial: false }).addTo(map);  // metres only (folium's own scale adds feet)
window.teritoriuMap = map;
review(map);
problems(map);
