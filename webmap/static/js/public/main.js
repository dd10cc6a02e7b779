/* The public map: overlays from Teritoriu's own OGC API styled with the colours of
   styles/styles.yaml, one search box, and a tap that resolves the parcel server-side
   (/api/parcels/at) and opens its sheet. Everything it needs comes from the page's configuration. */
import { config, folium } from "../shared/config.js";
import { layerSwitcher } from "../shared/overlays.js";
import { setupSearch } from "../shared/search.js";
import { closePanel, openParcel } from "./sheet.js";
import { state, status, T, track, watchIdle } from "./state.js";
import { countUse } from "./usage.js";

const map = state.map;
layerSwitcher({ map: map, track: track, failed: (title) => { status(T.load_error + ": " + title); } },
              folium(config.basemap), T.orthophoto);
watchIdle();

map.on("click", (e) => {
  openParcel("/api/parcels/at?lon=" + e.latlng.lng.toFixed(7) + "&lat=" + e.latlng.lat.toFixed(7), true);
});
document.getElementById("t-panel-close").addEventListener("click", closePanel);
setupSearch(map, T.no_results, (hit) => {
  openParcel("/api/parcels/" + encodeURIComponent(hit.cadastral_number) + (hit.uat ? "?uat=" + hit.uat : ""));
}, (hit) => { countUse("search", hit.uat); });
countUse("session");
const wanted = new URLSearchParams(location.search).get("parcel");
if (wanted) { openParcel("/api/parcels/" + encodeURIComponent(wanted) + (config.uat ? "?uat=" + config.uat : "")); }
window.teritoriuMap = map;
