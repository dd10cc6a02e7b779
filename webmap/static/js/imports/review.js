/* The review map of a staged import (/office/imports/<id>): what would change, coloured by
   change (new green, changed orange, retired red). */
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

const map = leafletMap();
window.teritoriuMap = map;
review(map);
