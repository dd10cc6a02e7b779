/* Snapping while drawing: clicks snap to the neighbours' vertices (within config.snap_pixels),
   else to the nearest point of their edges; the targets are loaded for the view from zoom 17.
   The map's container says when they have arrived: data-snap-targets="<number of vertices>" and
   data-map-idle, both removed when the view changes and set again once its targets are loaded. */
import { $, api, config, S } from "./state.js";

let generation = 0;  // the latest view's request: an older answer is dropped

function loaded(vertices, segments) {
  S.targets.vertices = vertices; S.targets.segments = segments;
  const container = S.map.getContainer();
  container.setAttribute("data-snap-targets", String(vertices.length));
  container.setAttribute("data-map-idle", "true");
}

export function loadTargets() {
  const map = S.map, mine = ++generation, container = map.getContainer();
  container.removeAttribute("data-snap-targets");
  container.removeAttribute("data-map-idle");
  if (map.getZoom() < 17) { loaded([], []); return; }
  const b = map.getBounds();
  const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(7)).join(",");
  api("GET", "/api/office/parcels/near?uat=" + config.uat + "&bbox=" + bbox).then((res) => {
    if (mine !== generation) { return; }
    if (res.status !== 200) { loaded([], []); return; }
    const vertices = [], segments = [];
    res.body.features.forEach((f) => {
      const polys = f.geometry.type === "MultiPolygon" ? f.geometry.coordinates : [f.geometry.coordinates];
      polys.forEach((poly) => {
        poly.forEach((ring) => {
          for (let i = 0; i < ring.length; i++) {
            const ll = L.latLng(ring[i][1], ring[i][0]);
            vertices.push({ ll: ll, id: f.id });
            if (i > 0) { segments.push({ a: L.latLng(ring[i - 1][1], ring[i - 1][0]), b: ll, id: f.id }); }
          }
        });
      });
    });
    loaded(vertices, segments);
  });
}

// the nearest neighbour vertex within snap_pixels, else the nearest point of an edge
export function snapLatLng(latlng) {
  if (!$("t-snap").checked) { return latlng; }
  const map = S.map, targets = S.targets;
  // map.project keeps the fractions of a pixel (latLngToLayerPoint rounds them: 5 cm at zoom 20)
  const z = map.getZoom(), px = (ll) => map.project(ll, z);
  const p = px(latlng);
  let best = null, bestD = config.snap_pixels + 1;
  targets.vertices.forEach((v) => {
    if (v.id === targets.exclude) { return; }
    const d = px(v.ll).distanceTo(p);
    if (d < bestD) { bestD = d; best = v.ll; }
  });
  if (best) { return L.latLng(best.lat, best.lng); }
  targets.segments.forEach((s) => {
    if (s.id === targets.exclude) { return; }
    const q = L.LineUtil.closestPointOnSegment(p, px(s.a), px(s.b)), d = q.distanceTo(p);
    if (d < bestD) { bestD = d; best = map.unproject(q, z); }
  });
  return best || latlng;
}

// Leaflet.draw's new vertices and dragged vertices go through snapLatLng
export function installSnapping() {
  const map = S.map;
  const addVertex = L.Draw.Polyline.prototype.addVertex;
  L.Draw.Polyline.prototype.addVertex = function (latlng) { return addVertex.call(this, snapLatLng(latlng)); };
  // data-vertices="<n>" on the map's container once the shape being drawn has n vertices and takes the
  // next click (Leaflet.draw ignores clicks until its 50 ms pause after each one has passed)
  const container = map.getContainer();
  L.Draw.Polyline.prototype._enableNewMarkers = function () {
    setTimeout(() => {
      this._disableMarkers = false;
      if (this.enabled() && this._markers) { container.setAttribute("data-vertices", String(this._markers.length)); }
    }, 50);
  };
  map.on(L.Draw.Event.DRAWSTART, () => { container.setAttribute("data-vertices", "0"); });
  map.on(L.Draw.Event.DRAWSTOP, () => { container.removeAttribute("data-vertices"); });
  map.on(L.Draw.Event.EDITVERTEX, (e) => {
    e.layers.eachLayer((marker) => {
      if (!marker._origLatLng) { return; }
      const s = snapLatLng(marker.getLatLng());
      if (!s.equals(marker.getLatLng())) { marker.setLatLng(s); L.extend(marker._origLatLng, s); }
    });
    e.poly.redraw();
  });
  map.on("movestart", () => { map.getContainer().removeAttribute("data-map-idle"); });
  map.on("moveend teritoriu:refreshed", loadTargets);
  loadTargets();
}
