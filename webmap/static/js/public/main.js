/* The public map: overlays from Teritoriu's own OGC API styled with the colours of
   styles/styles.yaml, one search box, and a tap that resolves the parcel server-side
   (/api/parcels/at) and opens its sheet. Everything it needs comes from the page's configuration. */
import { config, folium } from "../shared/config.js";
import { esc } from "../shared/text.js";
import { overlay } from "./overlays.js";
import { setupSearch } from "./search.js";
import { closePanel, openParcel } from "./sheet.js";
import { state, T, watchIdle } from "./state.js";

const map = state.map;
const control = L.control.layers({}, {}, { collapsed: true }).addTo(map);
control.addOverlay(folium(config.basemap), esc(T.orthophoto));  // Leaflet writes the names as HTML
config.overlays.forEach((def, index) => {
  const layer = overlay(def, index);
  control.addOverlay(layer, esc(def.title));
  if (def.visible) { layer.addTo(map); }
});

const legend = L.control({ position: "bottomright" });
legend.onAdd = () => {
  const div = L.DomUtil.create("div", "t-legend");
  div.appendChild(document.getElementById("t-legend-template").content.cloneNode(true));
  const details = div.querySelector("details");
  if (details && window.innerWidth >= 700) { details.open = true; }  // folded on phones
  L.DomEvent.disableClickPropagation(div);
  return div;
};
legend.addTo(map);
watchIdle();

map.on("click", (e) => {
  openParcel("/api/parcels/at?lon=" + e.latlng.lng.toFixed(7) + "&lat=" + e.latlng.lat.toFixed(7), true);
});
document.getElementById("t-panel-close").addEventListener("click", closePanel);
setupSearch();
const wanted = new URLSearchParams(location.search).get("parcel");
if (wanted) { openParcel("/api/parcels/" + encodeURIComponent(wanted) + (config.uat ? "?uat=" + config.uat : "")); }
window.teritoriuMap = map;
