/* The officer's map. Tools: select a parcel (click), draw a new one, type its coordinates,
   edit its vertices, split it by a line, merge it with neighbours, retire it, see and restore
   its history, see its fiscal records, add an address point, measure, check the layer and the
   registers. Every save goes to /api/office, which validates in PostGIS and answers with the
   saved parcel or the problems, located on the map (red). While drawing, clicks snap to the
   neighbours' vertices and edges (snap.js); a save with "snap" also snaps on the server
   (config.snap_m metres). This module wires the tools (one module each) to the page. */
import { T } from "../shared/text.js";
import { addressForm, proposeNumber, setupAddress, startAddress } from "./address.js";
import { checkLayer, discrepancies } from "./check.js";
import { setupCoords, startCoords } from "./coords.js";
import { cancelForm, openForm, setupForm, startDraw } from "./draw.js";
import { fiscal } from "./fiscal.js";
import { history } from "./history.js";
import { setupLayers } from "./layers.js";
import { measured, startMeasure } from "./measure.js";
import { startMerge } from "./merge.js";
import { retire } from "./retire.js";
import { selectAt } from "./select.js";
import { installSnapping, snapLatLng } from "./snap.js";
import { split, startSplit } from "./split.js";
import { $, config, parcelTiles, S, say, setDrawn, setMode } from "./state.js";
import { editVertices } from "./vertices.js";

const map = S.map;
document.body.classList.add("t-office-map");
map.invalidateSize();
S.layers.parcels = parcelTiles().addTo(map);
["measure", "results", "history", "selection", "problems"].forEach((name) => { S.layers[name] = L.featureGroup().addTo(map); });
S.layers.edited = new L.FeatureGroup().addTo(map);
setupLayers();
$("t-snap-label").textContent = T("lipește de vecini ({px} px pe hartă, {m} m la salvare)", { px: config.snap_pixels, m: config.snap_m });
installSnapping();

map.on(L.Draw.Event.CREATED, (e) => {
  S.handler = null;
  if (S.mode === "split") { split(e.layer); return; }
  if (S.mode === "address") { addressForm(e.layer); return; }
  if (S.mode === "measure") { measured(e.layer); return; }
  setDrawn(e.layer, null);
  openForm(T("Parcelă nouă"));
});
map.on("click", (e) => {
  if (S.handler) { return; }
  if (S.mode === "select" || S.mode === "merge") { selectAt(e.latlng); }
});

const tools = {
  select: () => { setMode("select"); say(T("Clic pe o parcelă pentru a o selecta.")); },
  draw: startDraw,
  coords: startCoords,
  length: () => { startMeasure("polyline"); },
  area: () => { startMeasure("polygon"); },
  address: () => { startAddress(null); },
  check: checkLayer,
  discrepancies: discrepancies
};
document.querySelectorAll(".t-tools button").forEach((b) => {
  b.addEventListener("click", () => { tools[b.getAttribute("data-tool")](); });
});
const actions = { "act-vertices": editVertices, "act-split": startSplit, "act-merge": startMerge, "act-retire": retire,
                  "act-history": history, "act-fiscal": fiscal, "act-propose": proposeNumber };
Object.keys(actions).forEach((id) => { $(id).addEventListener("click", actions[id]); });
setupForm();
setupCoords();
setupAddress(cancelForm);
setMode("select");

window.teritoriuMap = map;
window.TeritoriuOffice = { snap: snapLatLng };  // for the browser tests
