/* The overlays from Teritoriu's own OGC API: GeoJSON for the light layers, vector tiles for
   parcels and buildings, labels (a property as text) fetched for the view at high zoom. */
import { config } from "../shared/config.js";
import { textElement } from "../shared/text.js";
import { state, status, T, track } from "./state.js";
import { styleFor } from "./styles.js";

// each GeoJSON overlay in a pane of its own, stacked in the configuration's order (above the tiles, below
// the highlighted parcel): whichever answer arrives last, streets stay above zones and can be hovered
function paneFor(def, index) {
  const name = "t-overlay-" + index + "-" + def.id;
  if (!state.map.getPane(name)) { state.map.createPane(name).style.zIndex = String(300 + index); }
  return name;
}

function geojsonLayer(def, index) {
  const styler = styleFor(def.style), pane = paneFor(def, index);
  const group = L.geoJSON(null, {
    pane: pane,
    style: (f) => styler(f.properties),
    pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 3, pane: pane }),
    onEachFeature: (f, lyr) => {
      if (def.tooltip && f.properties[def.tooltip] != null) {
        lyr.bindTooltip(textElement(f.properties[def.tooltip]), { sticky: true });
      }
    },
    interactive: !!def.tooltip
  });
  const url = config.ogc + "/collections/" + def.id + "/items?f=json&limit=" + config.limit +
              "&bbox=" + config.bbox.join(",");
  let loaded = false;
  group.on("add", () => {
    if (loaded) { return; }
    loaded = true;
    track(fetch(url, { headers: { "Accept": "application/geo+json" } })
      .then((r) => { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then((data) => {
        group.addData(data);
        group.eachLayer((l) => {
          if (l.getElement && l.getElement()) { l.getElement().setAttribute("data-layer", def.id); }
        });
      })
      .catch(() => { status(T.load_error + ": " + def.title); }));
  });
  return group;
}

function tileLayer(def) {
  const styler = styleFor(def.style);
  const styles = { [def.id]: (props) => styler(props) };
  return L.vectorGrid.protobuf(
    config.ogc + "/collections/" + def.id + "/tiles/WebMercatorQuad/{z}/{y}/{x}",
    { vectorTileLayerStyles: styles, interactive: false, maxNativeZoom: 20, maxZoom: 21,
      minZoom: def.min_zoom || 0, rendererFactory: L.svg.tile, attribution: "",
      bounds: lonLatBounds(def.bounds) });
}

// [west, south, east, north] (the tileset's bounds, from the page's configuration) as Leaflet bounds:
// tiles outside them do not exist (404) and are not asked for
function lonLatBounds(b) {
  return b ? L.latLngBounds([b[1], b[0]], [b[3], b[2]]) : undefined;
}

// cadastral numbers (or house numbers) as labels, fetched for the view at high zoom only
function labelLayer(def) {
  const map = state.map;
  const group = L.layerGroup();
  let pending = null;
  function refresh() {
    group.clearLayers();
    if (!map.hasLayer(group) || map.getZoom() < def.min_zoom) { return; }
    const b = map.getBounds();
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6));
    if (pending) { pending.abort(); }
    pending = new AbortController();
    track(fetch(config.ogc + "/collections/" + def.id + "/items?f=json&limit=500&properties=" + def.label +
          "&bbox=" + bbox.join(","), { signal: pending.signal })
      .then((r) => r.json())
      .then((data) => {
        L.geoJSON(data, {
          style: () => ({ stroke: false, fill: false, interactive: false }),
          pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 0, stroke: false }),
          onEachFeature: (f, lyr) => {
            lyr.bindTooltip(textElement(f.properties[def.label]), {
              permanent: true, direction: "center", className: "t-label t-label-" + def.id });
          }
        }).addTo(group);
      })
      .catch(() => { /* a newer view replaced this one */ }));
  }
  map.on("moveend", refresh);
  group.on("add", refresh);
  return group;
}

export function overlay(def, index) {
  return def.kind === "tiles" ? tileLayer(def) : def.kind === "labels" ? labelLayer(def) : geojsonLayer(def, index);
}
