/* Vertices: move the selected parcel's vertices (Leaflet.draw's editor, snapping), then save. */
import { T } from "../shared/text.js";
import { openForm } from "./draw.js";
import { S, say, setMode } from "./state.js";

export function editVertices() {
  const selected = S.selected, g = selected.geometry_crs84;
  if (g.type === "MultiPolygon" && g.coordinates.length > 1) {
    say(T("Parcela are mai multe părți: modificați-o prin coordonate."), "warning"); return;
  }
  setMode("vertices");
  S.targets.exclude = selected.id;
  const rings = (g.type === "MultiPolygon" ? g.coordinates[0] : g.coordinates).map((r) => (
    r.slice(0, -1).map((c) => [c[1], c[0]])));
  S.layers.edited.clearLayers();
  const poly = L.polygon(rings, { color: "#0055ff", weight: 3 });
  S.layers.edited.addLayer(poly);
  S.vertexEditor = new L.EditToolbar.Edit(S.map, { featureGroup: S.layers.edited });
  S.vertexEditor.enable();
  openForm(T("Modifică parcela {n}", { n: selected.cadastral_number }), selected);
}
