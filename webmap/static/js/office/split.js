/* Split: a line drawn across the selected parcel divides it. */
import { esc, num, T } from "../shared/text.js";
import { load } from "./select.js";
import { api, failed, refresh, S, say, setMode, startDrawing } from "./state.js";

export function startSplit() {
  S.targets.exclude = null;
  startDrawing("polyline", "split");
  say(T("Desenați linia de împărțire peste parcelă, de la o latură la alta (dublu clic termină)."));
}

export function split(line) {
  api("POST", "/api/office/parcels/" + S.selected.id + "/split",
      { version: S.selected.version, line: line.toGeoJSON(false).geometry, crs: "EPSG:4326" }).then((res) => {
    setMode("select");
    if (res.status !== 200) { failed(res); return; }
    refresh();
    const list = res.body.parcels.map((p) => esc(p.cadastral_number) + " (" + num(p.measured_area) + " m²)");
    load(res.body.parcels[0].id).then(() => {
      say('<span data-split="' + res.body.parcels.length + '">' + T("Parcela a fost împărțită în: {list}.", { list: list.join(", ") }) + "</span>");
    });
  });
}
