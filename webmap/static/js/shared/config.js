/* The page's configuration: the JSON block <script type="application/json" id="t-config"> the
   Python side fills (texts, categories, styles, ids of the folium map and its basemap), and the
   Leaflet objects folium created under those names. */

export const config = JSON.parse(document.getElementById("t-config").textContent);

// the Leaflet map folium built (a global of its inline script, named in the configuration)
export function leafletMap() { return window[config.map]; }

// another folium object by the configuration's name for it (e.g. the basemap)
export function folium(name) { return name ? window[name] : null; }
