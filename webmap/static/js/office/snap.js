/* Snapping while drawing: clicks snap to the neighbours' vertices (within config.snap_pixels),
   else to the nearest point of their edges; the targets are loaded for the view from zoom 17. */
import { $, api, config, S } from "./state.js";

export function loadTargets() {
  const map = S.map, targets = S.targets;
  if (map.getZoom() < 17) { targets.vertices = []; targets.segments = []; return; }
  const b = map.getBounds();
  const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(7)).join(",");
  api("GET", "/api/office/parcels/near?uat=" + config.uat + "&bbox=" + bbox).then((res) => {
    if (res.status !== 200) { return; }
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
    targets.vertices = vertices; targets.segments = segments;
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
  map.on(L.Draw.Event.EDITVERTEX, (e) => {
    e.layers.eachLayer((marker) => {
      if (!marker._origLatLng) { return; }
      const s = snapLatLng(marker.getLatLng());
      if (!s.equals(marker.getLatLng())) { marker.setLatLng(s); L.extend(marker._origLatLng, s); }
    });
    e.poly.redraw();
  });
  map.on("moveend teritoriu:refreshed", loadTargets);
  loadTargets();
}
