/* The officer's map shows what the public map shows: the layer switcher (orthophoto, the editable
   parcels, buildings, addresses, streets, zones, restrictions, UAT and intravilan limits), the
   cadastral numbers from zoom 17, the zone legend, and the search box; a parcel or an address
   found is selected as a click on it would. The layers are shared/overlays.js, as on the public map. */
import { config, folium } from "../shared/config.js";
import { layerSwitcher } from "../shared/overlays.js";
import { setupSearch } from "../shared/search.js";
import { T } from "../shared/text.js";
import { selectAt } from "./select.js";
import { S, say } from "./state.js";

export function setupLayers() {
  const texts = config.map_texts;
  layerSwitcher({ map: S.map, track: (p) => p, failed: (title) => { say(texts.load_error + ": " + title, "warning"); } },
                folium(config.basemap), texts.orthophoto, [[S.layers.parcels, T("Parcele (editabile)")]]);
  setupSearch(S.map, { no_results: texts.no_results, min_chars: texts.search_min_chars }, (hit) => {
    const at = L.latLng(hit.lat, hit.lon);
    S.map.setView(at, Math.max(S.map.getZoom(), 18));
    selectAt(at);
  });
}
