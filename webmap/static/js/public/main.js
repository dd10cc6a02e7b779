/* The public map: overlays from Teritoriu's own OGC API styled with the colours of
   styles/styles.yaml, one search box, and a tap that resolves the parcel server-side
   (/api/parcels/at) and opens its sheet. Everything it needs comes from the page's configuration. */
import { config, folium } from "../shared/config.js";
import { layerSwitcher } from "../shared/overlays.js";
import { setupSearch } from "../shared/search.js";
import { setupSheet } from "./bottomsheet.js";
import { syncAddress, viewInHash } from "./permalink.js";
import { setupPrint } from "./print.js";
import { closePanel, fitParcel, openParcel } from "./sheet.js";
import { state, status, T, track, watchIdle } from "./state.js";
import { countUse } from "./usage.js";

const map = state.map;
const view = viewInHash();  // a view the address names (a language switch, a shared link) wins over the UAT's
if (view) { map.setView(view.center, view.zoom, { animate: false }); }
layerSwitcher({ map: map, track: track, failed: (title) => { status(T.load_error + ": " + title); } },
              folium(config.basemap), T.orthophoto);
watchIdle();
setupPrint(map);
// after a drag or a size button: the selected parcel back in the part of the map left visible
setupSheet(() => { if (document.body.hasAttribute("data-parcel-shown")) { fitParcel("tap"); } });

map.on("click", (e) => {
  openParcel("/api/parcels/at?lon=" + e.latlng.lng.toFixed(7) + "&lat=" + e.latlng.lat.toFixed(7), "tap");
});
document.getElementById("t-panel-close").addEventListener("click", closePanel);
document.addEventListener("keydown", (e) => { if (e.key === "Escape") { closePanel(); } });
setupSearch(map, { no_results: T.no_results, min_chars: T.search_min_chars }, (hit) => {
  openParcel("/api/parcels/" + encodeURIComponent(hit.cadastral_number) + (hit.uat ? "?uat=" + hit.uat : ""), "fit");
}, (hit) => { countUse("search", hit.uat); });
countUse("session");

// below the zoom the parcels are drawn from: say so, and a press zooms there
const hint = document.getElementById("t-zoom-hint");
const parcels = config.overlays.find((o) => o.id === "parcels" && o.kind === "tiles");
const parcelZoom = parcels ? parcels.min_zoom : 15;
function zoomHint() { hint.hidden = map.getZoom() >= parcelZoom; }
hint.addEventListener("click", () => { map.setZoom(parcelZoom); });
map.on("zoomend", zoomHint);
zoomHint();

map.on("moveend", () => { syncAddress(map); });
const wanted = new URLSearchParams(location.search).get("parcel");
if (wanted) {
  openParcel("/api/parcels/" + encodeURIComponent(wanted) + (config.uat ? "?uat=" + config.uat : ""), view ? "keep" : "fit");
} else { syncAddress(map); }
window.teritoriuMap = map;
