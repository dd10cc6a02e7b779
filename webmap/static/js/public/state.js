/* The public map's shared state: the Leaflet map, the highlighted parcel, the status line, and
   the texts of the page's language (all from the page's configuration). */
import { config, leafletMap } from "../shared/config.js";

export const T = config.texts;
export const state = { map: leafletMap(), highlight: null };

export function status(text) { document.getElementById("t-status").textContent = text || ""; }

/* The map says when the current view's overlays have arrived: data-map-idle on its container, removed
   when the view starts to move or a request for it starts, set again when the last one has resolved
   (tests and tools wait on it instead of a pause). */
const pending = new Set();

function markIdle() {
  const container = state.map.getContainer();
  if (pending.size) { container.removeAttribute("data-map-idle"); } else { container.setAttribute("data-map-idle", "true"); }
}

// `promise` loads something the view shows: the map is not idle until it has settled
export function track(promise) {
  const token = {};
  pending.add(token);
  markIdle();
  const settle = () => { pending.delete(token); markIdle(); };
  promise.then(settle, settle);
  return promise;
}

export function watchIdle() {
  state.map.on("movestart", () => { state.map.getContainer().removeAttribute("data-map-idle"); });
  state.map.on("moveend", markIdle);  // after the overlays' own moveend handlers started their requests
  markIdle();
}

export function clearHighlight() {
  if (state.highlight) { state.map.removeLayer(state.highlight); state.highlight = null; }
}
