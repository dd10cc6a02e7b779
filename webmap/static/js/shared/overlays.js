/* The overlays from Teritoriu's own OGC API: GeoJSON for the light layers, vector tiles for
   parcels and buildings, labels (a property as text) fetched for the view at high zoom. Used by
   the public map and the officer's map alike; `ctx` is the page's: {map, track(promise),
   failed(title)}. */
import { config } from "./config.js";
import { styleFor } from "./styles.js";
import { esc, textElement } from "./text.js";

// each GeoJSON overlay in a pane of its own, stacked in the configuration's order (above the tiles, below
// the highlighted parcel): whichever answer arrives last, streets stay above zones and can be hovered
function paneFor(map, def, index) {
  const name = "t-overlay-" + index + "-" + def.id;
  if (!map.getPane(name)) { map.createPane(name).style.zIndex = String(300 + index); }
  return name;
}

/* Leaflet listens for focus on every shape with a tooltip, and Chromium makes such an SVG shape a Tab
   stop: dozens of invisible stops before the zoom buttons. Shapes leave the Tab order (a parcel is
   reached from the keyboard through the search). */
function outOfTabOrder(layer) {
  const el = layer.getElement && layer.getElement();
  if (el) { el.setAttribute("tabindex", "-1"); }
}

function geojsonLayer(def, index, ctx) {
  const styler = styleFor(def.style), pane = paneFor(ctx.map, def, index);
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
    ctx.track(fetch(url, { headers: { "Accept": "application/geo+json" } })
      .then((r) => { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then((data) => {
        group.addData(data);
        group.eachLayer((l) => {
          if (l.getElement && l.getElement()) { l.getElement().setAttribute("data-layer", def.id); }
          outOfTabOrder(l);
        });
      })
      .catch(() => { ctx.failed(def.title); }));
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
function labelLayer(def, ctx) {
  const map = ctx.map;
  const group = L.layerGroup();
  let pending = null;
  function refresh() {
    group.clearLayers();
    if (!map.hasLayer(group) || map.getZoom() < def.min_zoom) { return; }
    const b = map.getBounds();
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6));
    if (pending) { pending.abort(); }
    pending = new AbortController();
    ctx.track(fetch(config.ogc + "/collections/" + def.id + "/items?f=json&limit=500&properties=" + def.label +
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
        }).addTo(group).eachLayer(outOfTabOrder);
        declutter(map);
      })
      .catch(() => { /* a newer view replaced this one */ }));
  }
  map.on("moveend", refresh);
  group.on("add", refresh);
  return group;
}

/* Labels that would overlap an earlier one are hidden (street names first, then house numbers, then
   cadastral numbers; within a kind, the first placed wins): two crossing streets never print their
   names over each other ("St Strada Viilor lă"). Hidden ones carry data-overlap. */
const LABEL_RANK = { streets: 0, address_points: 1, parcels: 2 };

function declutter(map) {
  const rank = (el) => {
    const kind = Object.keys(LABEL_RANK).find((k) => el.classList.contains("t-label-" + k));
    return kind ? LABEL_RANK[kind] : 9;
  };
  const labels = Array.from(map.getPane("tooltipPane").querySelectorAll(".t-label"))
    .sort((a, b) => rank(a) - rank(b));
  const kept = [];
  labels.forEach((el) => {
    const r = el.getBoundingClientRect();
    const overlaps = kept.some((k) => r.left < k.right && r.right > k.left && r.top < k.bottom && r.bottom > k.top);
    el.toggleAttribute("data-overlap", overlaps);
    if (!overlaps) { kept.push(r); }
  });
}

export function overlay(def, index, ctx) {
  return def.kind === "tiles" ? tileLayer(def) : def.kind === "labels" ? labelLayer(def, ctx) : geojsonLayer(def, index, ctx);
}

/* Leaflet's own controls ("Zoom in", "Zoom out", "Layers") in the page's language (config.leaflet_texts) */
function leafletTitles(map, layers) {
  const texts = config.leaflet_texts || {};
  const name = (el, text) => { if (el && text) { el.title = text; el.setAttribute("aria-label", text); } };
  const container = map.getContainer();
  name(container.querySelector(".leaflet-control-zoom-in"), texts.zoom_in);
  name(container.querySelector(".leaflet-control-zoom-out"), texts.zoom_out);
  name(layers.getContainer().querySelector(".leaflet-control-layers-toggle"), texts.layers);
}

/* The layer switcher (the basemap and every overlay of config.overlays, named in the page's
   language) and the legend (the page's #t-legend-template): the same on both maps. `extra`:
   [layer, name] pairs the page adds first (the officer's editable parcels). */
export function layerSwitcher(ctx, basemap, basemapName, extra) {
  const control = L.control.layers({}, {}, { collapsed: true }).addTo(ctx.map);
  leafletTitles(ctx.map, control);
  control.addOverlay(basemap, esc(basemapName));  // Leaflet writes the names as HTML
  (extra || []).forEach((pair) => { control.addOverlay(pair[0], esc(pair[1])); });
  config.overlays.forEach((def, index) => {
    const layer = overlay(def, index, ctx);
    control.addOverlay(layer, esc(def.title));
    if (def.visible) { layer.addTo(ctx.map); }
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
  legend.addTo(ctx.map);
  L.control.scale({ imperial: false }).addTo(ctx.map);  // metres and kilometres only
  return control;
}
