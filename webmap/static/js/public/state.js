/* The public map's shared state: the Leaflet map, the highlighted parcel, the status line, and
   the texts of the page's language (all from the page's configuration). */
import { config, leafletMap } from "../shared/config.js";

export const T = config.texts;
export const state = { map: leafletMap(), highlight: null };

export function status(text) { document.getElementById("t-status").textContent = text || ""; }

export function clearHighlight() {
  if (state.highlight) { state.map.removeLayer(state.highlight); state.highlight = null; }
}
