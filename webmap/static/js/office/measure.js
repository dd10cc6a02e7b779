/* Measure: lengths and areas in the storage CRS, computed on the server (the plan's own distances). */
import { num, T } from "../shared/text.js";
import { api, failed, S, say, setMode, startDrawing } from "./state.js";

export function startMeasure(kind) {
  startDrawing(kind, "measure");
}

export function measured(layer) {
  S.layers.measure.clearLayers();
  S.layers.measure.addLayer(layer);
  api("POST", "/api/office/measure", { geometry: layer.toGeoJSON(false).geometry, crs: "EPSG:4326" }).then((res) => {
    if (res.status !== 200) { failed(res); return; }
    const polygon = layer instanceof L.Polygon;
    say("<span data-measure>" + (polygon ? T("Suprafață {a} m², perimetru {p} m", { a: num(res.body.area_m2), p: num(res.body.length_m) })
                                         : T("Lungime {l} m", { l: num(res.body.length_m) })) + " (Stereo 70)</span>");
  });
  setMode("select");
}
